import Foundation
import OffprintArticle
import OffprintDocument
import OffprintSupport
import OffprintTestSupport
import Testing
@testable import OffprintCleanup

/// The cleaned article: what clean-up promises every writer, whatever its options say.
@Suite("The cleaned article")
struct CleanedArticleTests {
    /// Element names in the content that the element policy does not keep under that name
    /// (the task list's checkbox excepted), with a count each.
    static func outsidePolicy(_ c: CleanedArticle) -> [String: Int] {
        var out: [String: Int] = [:]
        for d in c.document.descendants(of: c.content) where c.document[d].kind == .element {
            let name = c.document[d].name
            if name == "input" && ElementPolicy.isTaskCheckbox(d, in: c.document) { continue }
            if ElementPolicy.keptName(of: name) != name { out[name, default: 0] += 1 }
        }
        return out
    }

    static func inner(_ c: CleanedArticle) -> String {
        Serializer().serializeChildren(c.document, of: c.content)
    }

    @Test("The content alone: the root's one child is the content element; the metadata is the article's")
    func contentAlone() throws {
        var a = try page("<html lang=\"de\"><head><title>T</title></head><body><nav>Menu</nav><article><h1>H</h1><p>Text</p></article></body></html>")
        a.content = try #require(a.document.elements(named: "article").first)
        let (c, _) = Cleanup.clean(a)
        #expect(c.document[c.document.root].children == [c.content])
        #expect(c.document[c.content].name == "article")
        #expect(Self.inner(c) == "<h1>H</h1><p>Text</p>")
        #expect(c.language == LanguageTag("de"))
        #expect(c.title == "T")
    }

    @Test("Only elements the policy keeps: renamed, dropped, unknown unwrapped, SVG out, math as text, players as links")
    func policyApplied() throws {
        let a = try page("""
            <center><font color=red>Red</font> <tt>code</tt> <strike>old</strike></center>
            <my-widget><p>Inside a custom element</p></my-widget><o:p>office</o:p>
            <p>Draw <svg><title>logo</title><path d="M0"/></svg> and <math alttext="x^2"><mi>x</mi><mn>2</mn></math>, <math alttext="y"></math>.</p>
            <p><meter value="2">2 of 10</meter><progress>50%</progress><button>Go</button></p>
            <ul><li><input type="checkbox" disabled checked> done</li></ul>
            """)
        let (c, diagnostics) = Cleanup.clean(a)
        #expect(Self.outsidePolicy(c).isEmpty, "\(Self.outsidePolicy(c))")
        let html = Self.inner(c)
        #expect(html.contains("<div><span color=\"red\">Red</span> <code>code</code> <s>old</s></div>"), "\(html)")
        #expect(html.contains("<p>Inside a custom element</p>") && html.contains("office"))
        #expect(!html.contains("logo") && !html.contains("<svg"))
        #expect(html.contains("<span class=\"math\">x2</span>, <span class=\"math\">y</span>"), "math: its text, else its alt text")
        #expect(!html.contains("2 of 10") && !html.contains("50%"))
        #expect(html.contains("Go"), "a button is its text (forms: keep their text)")
        let inputs = c.document.elements(named: "input", under: c.content)
        #expect(inputs.count == 1 && c.document[inputs[0]].hasAttribute("checked"), "the task list's checkbox stays: \(html)")
        #expect(diagnostics.contains { $0.message.contains("1 inline SVG drawing left out") })
    }

    @Test("Players become links in one place, after lazy loading and before URLs are resolved and unwrapped")
    func playersAreLinksLikeAnyOther() throws {
        let a = try page("""
            <p>Watch: <iframe data-lazy-src="https://v.example/embed/1" src="about:blank"></iframe></p>
            <p><video src="https://cors.zfour.workers.dev/?https://v.example/a.mp4" poster="/poster.jpg"></video></p>
            <p><embed src="media/talk.mp4"></p>
            """, baseURL: "https://site.example/post/")
        let (c, _) = Cleanup.clean(a)
        let hrefs = c.document.elements(named: "a", under: c.content).compactMap { c.document[$0].attribute("href") }
        // The lazy frame's real URL (the image pass reads data-lazy-src first); the proxy taken
        // off the video's; the relative embed resolved.
        #expect(hrefs == ["https://v.example/embed/1", "https://v.example/a.mp4", "https://site.example/post/media/talk.mp4"])
        #expect(c.imageSources == ["https://site.example/poster.jpg"])
        #expect(c.document.elements(named: ["iframe", "video", "embed"], under: c.content).isEmpty)
    }

    @Test("The contract holds with every optional pass off: images chosen or gone, pictures their image, players links")
    func contractWithPassesOff() throws {
        let a = try page("""
            <p><img alt="lazy" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://img.example/real.png"></p>
            <picture><source srcset="https://img.example/p-300.jpg 300w, https://img.example/p-900.jpg 900w"><img alt="pic"></picture>
            <p><img alt="nothing"></p>
            <p><video src="https://v.example/clip.mp4"></video><script>alert(1)</script><style>p{}</style></p>
            """, baseURL: "https://site.example/post")
        let off = CleanupOptions(removeComments: false, removeScripts: false, forms: .keep,
                                 removeHidden: false, fixImages: false, unwrapProxies: false, resolveURLs: false, removeEmpty: false)
        let (c, diagnostics) = Cleanup.clean(a, options: off)
        #expect(Self.outsidePolicy(c).isEmpty, "\(Self.outsidePolicy(c))")
        #expect(c.imageSources == ["https://img.example/real.png", "https://img.example/p-900.jpg"])
        let html = Self.inner(c)
        #expect(html.contains("href=\"https://v.example/clip.mp4\""))
        #expect(!html.contains("alert") && !html.contains("p{}"))
        #expect(diagnostics.contains { $0.message.contains("1 image without a usable URL") })
        // The same article with the passes on gives the same images (one rule, `ImageURLs`).
        let (on, _) = Cleanup.clean(a)
        #expect(on.imageSources == c.imageSources)
    }

    @Test("Every corpus article, cleaned, holds only elements the policy keeps", .enabled(if: Corpus.available, Corpus.missing))
    func corpusWithinPolicy() throws {
        var files = 0
        for url in Corpus.posts + Corpus.pages {
            let (a, _) = try ArticleLoader.load(file: url)
            let (c, _) = Cleanup.clean(a)
            #expect(Self.outsidePolicy(c).isEmpty, "\(url.lastPathComponent): \(Self.outsidePolicy(c))")
            for img in c.document.elements(named: "img", under: c.content) {
                #expect(c.document[img].attribute("src").map { !$0.isEmpty } == true, "\(url.lastPathComponent): an image without src")
                #expect(c.document[img].attribute("srcset") == nil && c.document[img].attribute("data-src") == nil)
            }
            files += 1
        }
        #expect(files > 50)
    }

    @Test("Images relinked: the sources named change, the others stay")
    func relinking() throws {
        let a = try page("<p><img src=\"https://a.example/1.png\" alt=\"\"><img src=\"https://a.example/2.png\" alt=\"\"><img src=\"https://a.example/1.png\" alt=\"\"></p>")
        let (c, _) = Cleanup.clean(a)
        let r = c.relinkingImages(["https://a.example/1.png": "post.assets/1.png"])
        #expect(r.imageSources == ["post.assets/1.png", "https://a.example/2.png", "post.assets/1.png"])
        #expect(c.imageSources == ["https://a.example/1.png", "https://a.example/2.png", "https://a.example/1.png"], "the original is a value: unchanged")
    }
}
