import Foundation
import Testing
import OffprintArticle
import OffprintDocument
@testable import OffprintCleanup

@Suite struct JunkTests {
    @Test func scriptsStylesTemplatesComments() throws {
        var a = try page("<p>a<!-- c --><script>var x = 1</script><style>p{}</style><template><p>t</p></template>b</p><noscript>ns</noscript><link rel=x><meta name=y>")
        clean(&a, RemoveCommentsPass())
        clean(&a, RemoveJunkPass())
        #expect(html(a) == "<p>ab</p>")
    }

    @Test func embedsBecomeLinks() throws {
        var a = try page("<p><object data=\"https://v.example/clip.swf\" title=\"Clip\"><param name=movie value=x></object><embed src=\"/media/talk.mp4\"><object><p>fallback text</p></object><object></object></p>")
        let d = clean(&a, ElementPolicyPass())
        #expect(hrefs(a) == ["https://v.example/clip.swf", "/media/talk.mp4"])
        #expect(a.document.textContent(of: a.content) == "ClipEmbedded contentfallback text")
        #expect(d.count == 1)  // one line for the article, not one per player
    }

    @Test("Every embedded player becomes the link EmbeddedMedia makes; empty and machinery frames go")
    func playersBecomeLinks() throws {
        var a = try page("<p><video poster=\"p.jpg\"><source src=\"https://v.example/a.mp4\">Your browser…</video>"
            + "<audio src=\"https://v.example/b.mp3\"></audio><iframe title=\"A map\" src=\"https://maps.example/x\"></iframe>"
            + "<iframe src=\"\"></iframe><iframe src=\"https://t.example/pixel\" width=\"1\" height=\"1\"></iframe>"
            + "<iframe src=\"https://t.example/hidden\" style=\"display:none\"></iframe></p>")
        clean(&a, ElementPolicyPass())
        #expect(hrefs(a) == ["https://v.example/a.mp4", "https://v.example/b.mp3", "https://maps.example/x"])
        #expect(a.document.textContent(of: a.content) == "AudioA map")
        let img = try #require(a.document.elements(named: "img", under: a.content).first)
        #expect(a.document[img].attribute("src") == "p.jpg" && a.document[img].attribute("alt") == "Video")
        #expect(a.document.elements(named: "iframe", under: a.content).isEmpty)
    }

    @Test func formsKeepTheirText() throws {
        var a = try page("<form action=/s><label>Email (required)</label><input name=e><button>Sign up</button><select><option>France</option><option>Spain</option></select><textarea>notes</textarea><datalist><option>x</option></datalist></form><p>after</p>")
        clean(&a, RemoveJunkPass())
        #expect(a.document.elements(named: ["form", "input", "button", "select", "textarea", "label", "option", "datalist"], under: a.content).isEmpty)
        let text = a.document.textContent(of: a.content)
        #expect(text.contains("Email (required) "))
        #expect(text.contains(" Sign up "))
        #expect(text.contains(" France Spain "))
        #expect(text.contains("notes"))
        #expect(!text.contains("x"))
    }

    @Test func formsRemovedOnRequest() throws {
        var a = try page("<p>keep</p><form><p>Subscribe</p><input></form><button>Loose</button>")
        let d = clean(&a, RemoveJunkPass(), options: CleanupOptions(forms: .remove))
        #expect(html(a) == "<p>keep</p>")
        #expect(d.count == 1)
    }

    @Test("Icon-font glyphs (private-use characters alone in an <i> or <span>) go; text with them stays")
    func iconGlyphsGo() throws {
        // mingridapan's counters and share bars: <i class="icon">&#xe60e;</i><span>4</span>.
        var a = try page("<p>Count <i class=\"icon\">\u{E60E}</i><span>4</span> <span> \u{F0F3} </span>and <b>\u{F0000}</b></p>"
            + "<p><i>real</i> <span>x\u{E000}y</span> <i></i></p>")
        clean(&a, RemoveJunkPass())
        #expect(a.document.textContent(of: a.content) == "Count 4 and real x\u{E000}y ")
        #expect(a.document.elements(named: "i", under: a.content).count == 2)
    }

    @Test func hiddenOnlyWhenAsked() throws {
        let src = "<p>shown</p><div hidden>h1</div><div style=\"display: none\">h2</div><span style=\"visibility:hidden\">h3</span><img aria-hidden=\"true\" src=\"i.png\"><span aria-hidden=\"true\">icon text</span>"
        var a = try page(src)
        clean(&a, RemoveJunkPass())
        #expect(a.document.textContent(of: a.content) == "shownh1h2h3icon text")
        var b = try page(src)
        let d = clean(&b, RemoveJunkPass(), options: CleanupOptions(removeHidden: true))
        #expect(b.document.textContent(of: b.content) == "shownicon text")
        #expect(imgSrcs(b).isEmpty)
        #expect(d.first?.message.contains("removed 4 hidden elements") == true)
    }
}

@Suite struct URLTests {
    @Test func resolvesAgainstBase() throws {
        var a = try page("""
        <base href="https://news.example/world/"><a href="story.html">s</a><a href="/about">a</a><a href="//cdn.example/x">c</a>
        <a href="#top">t</a><a href="javascript:void(0)">js <b>link</b></a><a href="">empty</a><a href=" mailto:x@y.z ">m</a>
        <img src="../img/a.jpg"><video poster="p.jpg" src="v.mp4"></video><iframe src="/embed/1"></iframe>
        <img srcset="s.jpg 1x, l.jpg 2x">
        """)
        let d = clean(&a, ResolveURLsPass())
        #expect(d.isEmpty)
        #expect(hrefs(a) == ["https://news.example/world/story.html", "https://news.example/about", "https://cdn.example/x", "#top", "mailto:x@y.z"])
        #expect(a.document.textContent(of: a.content).contains("js link"))
        #expect(a.document.textContent(of: a.content).contains("empty"))
        #expect(imgSrcs(a).first == "https://news.example/img/a.jpg")
        let video = a.document.elements(named: "video", under: a.content)[0]
        #expect(a.document[video].attribute("poster") == "https://news.example/world/p.jpg")
        #expect(a.document[a.document.elements(named: "iframe", under: a.content)[0]].attribute("src") == "https://news.example/embed/1")
        let img2 = a.document.elements(named: "img", under: a.content)[1]
        #expect(a.document[img2].attribute("srcset") == "https://news.example/world/s.jpg, https://news.example/world/l.jpg 2x")
    }

    @Test func withoutBaseSaysSoOnce() throws {
        var a = try page("<a href=\"a.html\">a</a><img src=\"b.png\"><img src=\"//cdn.example/c.png\">")
        let d = clean(&a, ResolveURLsPass())
        #expect(hrefs(a) == ["a.html"])
        #expect(imgSrcs(a) == ["b.png", "https://cdn.example/c.png"])
        #expect(d.count == 1)
        #expect(d[0].message.hasPrefix("2 relative URLs left relative"))
    }

    @Test func optionBaseWinsAndMetadataIsResolved() throws {
        var (a, _) = try ArticleLoader.load(Array("---\ntitle: t\ncover: /img/c.jpg\nsource: ZAKER\n---\n<img src=\"x.png\">".utf8), origin: "p.md")
        clean(&a, ResolveURLsPass(), options: CleanupOptions(baseURL: "https://blog.example/posts/"))
        #expect(imgSrcs(a) == ["https://blog.example/posts/x.png"])
        #expect(a.coverImage == "https://blog.example/img/c.jpg")
        #expect(a.frontMatter?["cover"] == .string("https://blog.example/img/c.jpg"))
        #expect(a.frontMatter?["source"] == .string("ZAKER"))
    }

    @Test func proxies() {
        let p = ProxyPattern.defaults
        #expect(ProxyPattern.unwrap("https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/a.jpg", patterns: p) == "http://zkres2.myzaker.com/a.jpg")
        #expect(ProxyPattern.unwrap("https://any.proxy.example/?https://img.example/b.png?x=1", patterns: p) == "https://img.example/b.png?x=1")
        #expect(ProxyPattern.unwrap("https://api.allorigins.win/raw?url=https%3A%2F%2Fimg.example%2Fc.png", patterns: p) == "https://img.example/c.png")
        #expect(ProxyPattern.unwrap("https://images.weserv.nl/?url=img.example/d.jpg&w=300", patterns: p) == "https://img.example/d.jpg")
        #expect(ProxyPattern.unwrap("https://cors.zfour.workers.dev/?https://corsproxy.io/?https://img.example/e.png", patterns: p) == "https://img.example/e.png")
        #expect(ProxyPattern.unwrap("https://example.com/page?q=1", patterns: p) == "https://example.com/page?q=1")
        #expect(ProxyPattern.unwrap("https://example.com/?q=http://x", patterns: p) == "https://example.com/?q=http://x")
        let mine = [ProxyPattern.prefix("https://my.proxy/fetch/")]
        #expect(ProxyPattern.unwrap("https://my.proxy/fetch/http://a.example/x", patterns: mine) == "http://a.example/x")
    }

    @Test func unwrapPassTouchesContentAndMetadata() throws {
        var (a, _) = try ArticleLoader.load(Array("""
        ---
        headimg: 'https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/c.jpg'
        thumbnail: 'https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/c.jpg'
        ---
        <img src="https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/a.jpg"><a href="https://cors.zfour.workers.dev/?http://x.example/p">p</a>
        """.utf8), origin: "p.md")
        clean(&a, UnwrapProxiesPass())
        #expect(imgSrcs(a) == ["http://zkres2.myzaker.com/a.jpg"])
        #expect(hrefs(a) == ["http://x.example/p"])
        #expect(a.coverImage == "http://zkres2.myzaker.com/c.jpg")
        #expect(a.frontMatter?["thumbnail"] == .string("http://zkres2.myzaker.com/c.jpg"))
        // The cover keys follow coverImage in the output front matter (a local path, say).
        a.coverImage = "images/c.jpg"
        let out = a.metadata.outputFrontMatter()
        #expect(out["headimg"] == .string("images/c.jpg"))
        #expect(out["thumbnail"] == .string("images/c.jpg"))
        var none = a
        clean(&none, UnwrapProxiesPass(), options: CleanupOptions(proxyPatterns: []))
        #expect(html(none) == html(a))
    }
}

@Suite struct EmptyTests {
    @Test func emptyParagraphsAndWrappersGo() throws {
        var a = try page("<div><p></p><p> </p><p>&nbsp;</p><p><br></p><div><span> </span><div></div></div><p>kept</p><p>\u{3000}</p></div>")
        clean(&a, RemoveEmptyPass())
        #expect(html(a) == "<div><p>kept</p><p>\u{3000}</p></div>")
    }

    @Test func neverJoinsText() throws {
        var a = try page("<div>foo<span> </span>bar<div></div>baz <div> </div> qux</div>")
        clean(&a, RemoveEmptyPass())
        #expect(a.document.textContent(of: a.content).replacingOccurrences(of: "  ", with: " ").contains("foo bar"))
        #expect(a.document.textContent(of: a.content).contains("bar baz"))
        #expect(a.document.elements(named: ["div", "span"], under: a.content).count == 1)
    }

    @Test("An empty block after a <br> and before text is a paragraph spacer: a second <br>")
    func spacerAfterBreakEndsTheParagraph() throws {
        // thepaper.cn: text<br><div class="contheight"></div>text…
        var a = try page("<div>one<br><div class=\"contheight\"></div>two<br> <div></div> <span>three</span><br><div></div><div></div>four<div></div>five</div>")
        clean(&a, RemoveEmptyPass())
        #expect(html(a) == "<div>one<br><br>two<br> <br> <span>three</span><br><br>four five</div>")
        // Not after text alone, nor before a block or the end.
        var b = try page("<div>one<div></div>two<br><div></div><p>three</p><br><div></div></div>")
        clean(&b, RemoveEmptyPass())
        #expect(html(b) == "<div>one two<br><p>three</p><br></div>")
    }

    @Test func linkTargetsStay() throws {
        var a = try page("<a href=\"#note1\">1</a><div id=\"note1\"></div><div id=\"other\"></div>")
        clean(&a, RemoveEmptyPass())
        #expect(html(a) == "<a href=\"#note1\">1</a><div id=\"note1\"></div>")
    }

    @Test func textOutsideParagraphsSurvives() throws {
        // The seed post's shape: an image box, then bare text, then an empty paragraph.
        var a = try page("<div><p></p><div class=\"img_box\"><div><img src=\"https://x/1.jpg\"></div></div>7 月 14 日消息，据媒体报道。<p></p><p>知情人士表示。</p></div>")
        clean(&a)
        #expect(html(a) == "<div><div class=\"img_box\"><div><img src=\"https://x/1.jpg\"></div></div>7 月 14 日消息，据媒体报道。<p>知情人士表示。</p></div>")
    }
}

@Suite struct DepthTests {
    /// 100,000 nested elements: every pass walks with explicit stacks.
    @Test func deepTreeDoesNotOverflow() throws {
        var doc = Document()
        let html = doc.makeElement("html"), body = doc.makeElement("body")
        doc.append(html, to: doc.root)
        doc.append(doc.makeElement("head"), to: html)
        doc.append(body, to: html)
        var cur = body
        for i in 0..<100_000 {
            let el = doc.makeElement(i % 2 == 0 ? "div" : "span")
            doc.append(el, to: cur)
            cur = el
        }
        doc.append(doc.makeElement("img", attributes: [.init("data-src", "//cdn.example/deep.jpg")]), to: cur)
        doc.append(doc.makeText("deep text"), to: cur)
        var a = Article(origin: "deep.html", document: doc)
        let d = Cleanup.run(&a, options: CleanupOptions())
        #expect(d.count <= 1)
        #expect(imgSrcs(a) == ["https://cdn.example/deep.jpg"])
        #expect(a.document.textContent(of: a.content) == "deep text")
    }
}
