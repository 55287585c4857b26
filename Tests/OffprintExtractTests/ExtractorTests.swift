import Foundation
import Testing
@testable import OffprintExtract
import OffprintArticle
import OffprintDocument

/// Loads `html` as a page and runs the extraction stage on it.
func extracted(_ html: String, content: ExtractOptions.Content = .auto) throws -> (Article, [Diagnostic]) {
    var (a, _) = try ArticleLoader.load(Array(html.utf8), origin: "page.html")
    let d = Extractor.extract(&a, options: ExtractOptions(content: content))
    return (a, d)
}

/// The article's text, white space collapsed.
func text(_ a: Article) -> String {
    var out = ""
    a.document.walk(from: a.content) { id, _ in
        let n = a.document[id]
        if n.kind == .text { out += n.text + " " }
        if n.kind == .element, ["script", "style", "noscript"].contains(n.name) { return .skipChildren }
        return .descend
    }
    return out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

let story = (1...6).map { "<p>Paragraph \($0) of the story, with enough words, commas, and detail to read as prose that a person wrote for this page.</p>" }.joined()

func page(head: String = "<title>The Story</title>", _ body: String) -> String {
    "<!doctype html><html><head>\(head)</head><body>\(body)</body></html>"
}

@Suite struct ExtractionModeTests {
    @Test func wholePageGetsItsArticle() throws {
        let html = page("""
            <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
            <div id="sidebar"><p>Sidebar text about other things that should not be in the article at all.</p></div>
            <div class="article-body">\(story)</div>
            <footer><p>Copyright 2024 The Site. All rights reserved, everywhere, for ever and ever.</p></footer>
            """)
        let (a, d) = try extracted(html)
        let t = text(a)
        #expect(t.contains("Paragraph 1 of the story"))
        #expect(t.contains("Paragraph 6 of the story"))
        #expect(!t.contains("Home"))
        #expect(!t.contains("Sidebar text"))
        #expect(!t.contains("Copyright"))
        #expect(d.isEmpty)
    }

    @Test func allKeepsThePage() throws {
        let html = page("<nav><a href=\"/\">Home</a></nav><div>\(story)</div><footer>Copyright</footer>")
        let (a, _) = try extracted(html, content: .all)
        #expect(text(a).contains("Home"))
        #expect(text(a).contains("Copyright"))
        #expect(a.content == a.document.body)
    }

    @Test func fragmentIsTheArticleInAuto() throws {
        let html = "<p>Intro line.</p><ul><li><a href=\"/a\">A link</a></li><li><a href=\"/b\">B link</a></li></ul>\(story)"
        let (a, _) = try extracted(html)
        #expect(text(a).contains("A link"))
        #expect(text(a).contains("Intro line."))
        #expect(Extractor.isWholePage(a.document) == false)
    }

    @Test func postWithFrontMatterIsTheArticleInAuto() throws {
        let post = "---\ntitle: Post\n---\n<html><head><title>x</title></head><body><nav><a href=\"/\">Home</a></nav>\(story)</body></html>"
        let (a, _) = try extracted(post)
        #expect(text(a).contains("Home"))
    }

    @Test func mainExtractsEvenFromFragments() throws {
        let html = "<div class=\"menu\"><a href=\"/\">Home</a> <a href=\"/x\">Other</a></div><div class=\"post\">\(story)</div>"
        let (a, _) = try extracted(html, content: .main)
        #expect(!text(a).contains("Home"))
        #expect(text(a).contains("Paragraph 3"))
    }

    @Test func mainSaysWhenNothingIsFound() throws {
        let (a, d) = try extracted(page("<div><a href=\"/\">Home</a> <a href=\"/n\">News</a></div>"), content: .main)
        #expect(a.content == a.document.body)
        #expect(d.count == 1)
        #expect(d.allSatisfy { $0.message.contains("--content all") && !$0.message.contains("extractMainContent") })
        // Auto says nothing: a page without an article is kept as it is.
        #expect(try extracted(page("<div><a href=\"/\">Home</a></div>")).1.isEmpty)
    }
}

@Suite struct BoilerplateTests {
    @Test func hiddenElementsGo() throws {
        let html = page("<div class=\"story\">\(story)<div style=\"display:none\">Hidden promo text here.</div><p hidden>Hidden paragraph text.</p><div aria-hidden=\"true\">Screen reader hidden text.</div></div>")
        let t = text(try extracted(html).0)
        #expect(!t.contains("Hidden promo"))
        #expect(!t.contains("Hidden paragraph"))
        #expect(!t.contains("Screen reader hidden"))
    }

    @Test func shareBarsAndAdLabelsGo() throws {
        let html = page("""
            <article><div class="entry-content">\(story)
            <div class="share-tools"><ul><li><a href="https://twitter.com/x">Tweet</a></li><li><a href="mailto:x">Email</a></li><li><a href="https://facebook.com/x">Share</a></li></ul></div>
            <p>More of the story after the share bar, long enough to count as a paragraph of prose.</p>
            <ul class="sharetools-menu"><li class="sharetool"><a href="#">Share</a></li><li><a href="#">Tweet</a></li><li><a href="#">Email</a></li></ul>
            <div class="ad-label">Advertisement</div>
            <div><a href="#story-continues-1">Continue reading the main story</a></div>
            <p>The end of the story, a final paragraph with enough words to be kept in the text.</p>
            </div></article>
            """)
        let t = text(try extracted(html).0)
        #expect(!t.contains("Tweet"))
        #expect(!t.contains("Advertisement"))
        #expect(!t.contains("Continue reading the main story"))
        #expect(t.contains("More of the story after the share bar"))
        #expect(t.contains("The end of the story"))
    }

    @Test func relatedLinkRunsGo() throws {
        let html = page("""
            <div class="story-body">\(story)
            <p>You may also like...</p>
            <p><a href="/a">Who will make the list in 2020?</a></p>
            <p><a href="/b">Another band takes over the fan vote</a></p>
            <p><a href="/c">Fans really want this band in the hall</a></p>
            </div>
            """)
        let t = text(try extracted(html).0)
        #expect(!t.contains("You may also like"))
        #expect(!t.contains("Who will make the list"))
        #expect(t.contains("Paragraph 6"))
    }

    @Test func bylineBecomesTheAuthor() throws {
        var (a, _) = try ArticleLoader.load(Array(page("<div class=\"story\"><span class=\"byline\">By Jane Doe</span>\(story)</div>").utf8), origin: "p.html")
        a.authors = []
        _ = Extractor.extract(&a, options: ExtractOptions(content: .auto))
        #expect(a.authors == ["Jane Doe"])
        #expect(!text(a).contains("Jane Doe"))
    }

    @Test func relatedPrefixLineGoes() throws {
        let html = page("<div class=\"story-body\">\(story)<p>Related: <a href=\"/gallery\">The rocket in pictures</a></p></div>")
        let t = text(try extracted(html).0)
        #expect(!t.contains("rocket in pictures"))
    }

    @Test func emptyHeadingLinkGoes() throws {
        let html = page("<div class=\"story-body\"><h2><a href=\"/x\"></a></h2>\(story)</div>")
        let (a, _) = try extracted(html)
        #expect(a.document.elements(named: "h2", under: a.content).isEmpty)
    }

    @Test func dateLineGoes() throws {
        let html = page("<div class=\"story\"><div class=\"byline\">By A. Writer</div><p>Published Monday, November 18, 2019 8:22AM EST</p>\(story)</div>")
        let t = text(try extracted(html).0)
        #expect(!t.contains("Published Monday"))
        #expect(!t.contains("By A. Writer"))
        #expect(try extracted(html).0.authors == ["A. Writer"])
    }

    @Test func titleHeadingGoesButTitleStays() throws {
        let html = page(head: "<title>Snooze cruise: study sees future</title>", "<div class=\"story\"><h1>Snooze cruise: study sees future</h1>\(story)</div>")
        let (a, _) = try extracted(html)
        #expect(a.title == "Snooze cruise: study sees future")
        #expect(!text(a).contains("Snooze cruise"))
    }

    @Test func navigationListsInsideTheWrapperGo() throws {
        let html = page("<div id=\"content\"><div class=\"breadcrumbs\"><a href=\"/\">Home</a> › <a href=\"/n\">News</a></div><div class=\"text\">\(story)</div><div class=\"related-posts\"><h3>Related</h3><ul><li><a href=\"/1\">One</a></li></ul></div></div>")
        let t = text(try extracted(html).0)
        #expect(!t.contains("Home"))
        #expect(!t.contains("Related"))
    }
}

@Suite struct KeepTests {
    @Test func captionsImagesCodeTablesAndHeadingsStay() throws {
        let html = page("""
            <div class="post-content">\(story)
            <figure><img src="https://x/a.jpg" alt="A"><figcaption>A caption for the picture.</figcaption></figure>
            <h2>A section heading</h2>
            <pre><code>let x = 1</code></pre>
            <table><caption>Results</caption><tr><th>Name</th><th>Score</th></tr><tr><td>A</td><td>1</td></tr></table>
            \(story)</div>
            """)
        let (a, _) = try extracted(html)
        let t = text(a)
        #expect(t.contains("A caption for the picture."))
        #expect(t.contains("A section heading"))
        #expect(t.contains("let x = 1"))
        #expect(t.contains("Results"))
        #expect(a.document.elements(named: "img", under: a.content).count == 1)
    }

    @Test func leadImageAboveTheTextStays() throws {
        let html = page("""
            <div class="wrapper"><h1>Headline of the piece</h1>
            <div class="hero"><img src="https://x/hero.jpg" alt="hero"></div>
            <div class="tools"><a href="/share">Share</a></div>
            <div class="body">\(story)</div>
            <div class="comments"><p>Comment one that is long enough to be counted as a paragraph maybe.</p></div></div>
            """)
        let (a, _) = try extracted(html)
        let srcs = a.document.elements(named: "img", under: a.content).compactMap { a.document[$0].attribute("src") }
        #expect(srcs == ["https://x/hero.jpg"])
        #expect(text(a).contains("Paragraph 1"))
    }

    @Test func rightToLeftIsRead() throws {
        let html = "<!doctype html><html dir=\"rtl\" lang=\"ar\"><head><title>t</title></head><body><div class=\"content\">\(story)</div></body></html>"
        let (a, _) = try extracted(html)
        #expect(a.direction == .rtl)
        #expect(a.metadata.outputFrontMatter()["dir"] == .string("rtl"))
        let (b, _) = try extracted(page("<div dir=\"rtl\" class=\"content\">\(story)</div>"))
        #expect(b.direction == .rtl)
        let (c, _) = try extracted(page("<div class=\"content\">\(story)</div>"))
        #expect(c.direction == nil)
        #expect(c.metadata.outputFrontMatter()["dir"] == nil)
    }

    @Test func tooShortFallsBackToFewerRules() throws {
        // Everything is in a box whose class says "comment": the first try strips it, the
        // retry without the unlikely-candidate rule finds the text.
        let html = page("<div class=\"comment-body\">\(story)</div>")
        let t = text(try extracted(html).0)
        #expect(t.contains("Paragraph 1"))
    }

    @Test func deepTreesDoNotOverflow() throws {
        var doc = Document()
        let html = doc.makeElement("html"), head = doc.makeElement("head"), body = doc.makeElement("body")
        doc.append(html, to: doc.root)
        doc.append(head, to: html)
        doc.append(doc.makeElement("title"), to: head)
        doc.append(body, to: html)
        var cur = body
        for i in 0..<100_000 {
            let el = doc.makeElement(i % 2 == 0 ? "div" : "section")
            doc.append(el, to: cur)
            cur = el
        }
        let p = doc.makeElement("p")
        doc.append(doc.makeText(String(repeating: "Deep text, words and more words. ", count: 30)), to: p)
        doc.append(p, to: cur)
        var a = Article(origin: "deep.html", document: doc)
        _ = Extractor.extract(&a, options: .init(content: .main))
        #expect(text(a).hasPrefix("Deep text"))
    }
}

@Suite struct EmptyBlockTests {
    @Test("Extraction leaves empty blocks to clean-up (a spacer between two lines of text means a paragraph break there)")
    func spacersSurviveExtraction() throws {
        // thepaper.cn's article body: line<br><div class="contheight"></div>line…
        let lines = (1...6).map { "Line \($0) of the story, with enough words, commas, and detail to read as prose that a person wrote.<br><div class=\"contheight\"></div>" }
        let html = page("""
            <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
            <div class="news_txt">\(lines.joined())</div>
            <footer><p>Copyright 2024 The Site. All rights reserved, everywhere, for ever and ever.</p></footer>
            """)
        let (a, _) = try extracted(html)
        #expect(text(a).contains("Line 6 of the story"))
        #expect(!text(a).contains("Copyright"))
        let spacers = a.document.elements(named: "div", under: a.content).filter { a.document[$0].attribute("class") == "contheight" }
        #expect(spacers.count == 6)
    }
}
