import Foundation
import OffprintEPUB
import OffprintArticle
import Offprint
import OffprintTestSupport
import XCTest

/// Markdown posts (CommonMark + GFM through libcmark-gfm) as article inputs.
final class MarkdownPostTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TempDir.create("md")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    static let post = """
        ---
        title: Markdown 全部
        date: 2024-03-05 10:00:00
        tags: [md]
        ---
        Intro with **bold**, *emphasis*, ~~struck~~, `code` and a [link](https://example.com/a).

        <!-- more -->

        ## Lists 列表

        1. first
        2. second
           - nested

        - [x] done task
        - [ ] open task

        | Name | 数 |
        |:-----|---:|
        | a    | 1  |
        | b    | 2  |

        > A quote
        > over two lines.

        ```swift
        let answer = 42 // not **bold**
        ```

            indented code

        Autolink https://example.org/x and a footnote[^n].

        ![Remote](https://img.example.com/p.png "T")

        中文段落，包含**强调**和`代码`。日本語も。

        [^n]: The footnote text.
        """

    func write(_ text: String, _ name: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testCommonMarkAndGFMRenderIntoTheTree() throws {
        let path = try write(Self.post, "post.md")
        let (article, diags) = try ArticleLoader.load(file: URL(fileURLWithPath: path))
        XCTAssertTrue(diags.isEmpty, "\(diags)")
        let doc = article.document
        func names(_ n: String) -> Int { doc.elements(named: n, under: article.content).count }
        XCTAssertEqual(article.title, "Markdown 全部")
        XCTAssertEqual(names("h2"), 1)
        XCTAssertEqual(names("strong"), 2)
        XCTAssertEqual(names("del"), 1)
        XCTAssertEqual(names("table"), 1)
        XCTAssertEqual(names("ol"), 2)  // the list and the footnotes
        XCTAssertEqual(names("blockquote"), 1)
        XCTAssertEqual(names("pre"), 2)
        XCTAssertEqual(names("input"), 2)
        XCTAssertEqual(names("img"), 1)
        XCTAssertEqual(doc.elements(named: "code", under: article.content).compactMap { doc[$0].attribute("class") }, ["language-swift"])
        let text = doc.textContent(of: article.content)
        XCTAssertTrue(text.contains("Intro with bold, emphasis, struck, code and a link."), text)  // only the code block keeps its stars
        XCTAssertFalse(text.contains("## "))
        XCTAssertFalse(text.contains("```"))
        XCTAssertFalse(text.contains("|:---"))
        XCTAssertFalse(text.contains("more"), text)
        XCTAssertTrue(text.contains("中文段落，包含强调和代码。"))
        XCTAssertTrue(text.contains("The footnote text."))
        XCTAssertEqual(doc.elements(named: "a", under: article.content).compactMap { doc[$0].attribute("href") }.filter { $0 == "https://example.org/x" }.count, 1)
    }

    func testExportRewritesMarkdownThroughOurWriter() throws {
        let path = try write(Self.post, "post.md")
        let md = try Exporter().export(try Files.read(path), origin: path).markdown
        XCTAssertTrue(md.hasPrefix("---\ntitle: Markdown 全部\ndate: 2024-03-05T10:00:00\n"), md)
        for expected in ["## Lists 列表", "- [x] done task", "- [ ] open task", "| Name | 数 |", "~~struck~~", "```swift\nlet answer = 42 // not **bold**\n```",
                         "> A quote", "![Remote](https://img.example.com/p.png \"T\")", "中文段落，包含**强调**和`代码`。"] {
            XCTAssertTrue(md.contains(expected), "missing \(expected) in\n\(md)")
        }
        XCTAssertFalse(md.contains("<!-- more -->"))
    }

    func testHTMLBodiedPostsStayHTML() throws {
        let html = "---\ntitle: HTML post\n---\n\n<div>\n<p>Para with *stars* kept literally</p>\n\n    <p>indented</p>\n</div>\n"
        let path = try write(html, "html-post.md")
        let (a, _) = try ArticleLoader.load(file: URL(fileURLWithPath: path))
        XCTAssertEqual(a.document.elements(named: "pre", under: a.content).count, 0)  // not a Markdown code block
        XCTAssertTrue(a.document.textContent(of: a.content).contains("*stars*"))
        // Forced: Markdown.
        var o = LoadOptions()
        o.body = .markdown
        let (m, _) = try ArticleLoader.load(file: URL(fileURLWithPath: path), options: o)
        XCTAssertEqual(m.document.elements(named: "em", under: m.content).count, 0)  // raw HTML block: Markdown inside is literal
        // An .html file with front matter is HTML unless forced.
        let mdInHTML = try write("---\ntitle: x\n---\n# Heading\n", "page.html")
        let (h, _) = try ArticleLoader.load(file: URL(fileURLWithPath: mdInHTML))
        XCTAssertEqual(h.document.elements(named: "h1", under: h.content).count, 0)
        o.body = .markdown
        let (h2, _) = try ArticleLoader.load(file: URL(fileURLWithPath: mdInHTML), options: o)
        XCTAssertEqual(h2.document.elements(named: "h1", under: h2.content).count, 1)
    }

    func testHexoCorpusPostsAreStillHTML() throws {
        let posts = Corpus.files("hexo", suffix: ".md")
        try XCTSkipIf(posts.isEmpty, "../shared/corpus/hexo not found")
        for p in posts {
            let text = String(decoding: try Data(contentsOf: p), as: UTF8.self)
            var forced = LoadOptions()
            forced.body = .html
            let auto = try ArticleLoader.load(Array(text.utf8), origin: p.path).0
            let html = try ArticleLoader.load(Array(text.utf8), origin: p.path, options: forced).0
            XCTAssertEqual(auto.document.count, html.document.count, p.lastPathComponent)
        }
    }

    func testShortcodesWarnAndStayVisibleAssetImagesAndLocalImages() throws {
        let site = dir.appendingPathComponent("site")
        let png = Data(PNG.make(width: 4, height: 4, rgb: (10, 200, 30)))
        try FileManager.default.createDirectory(at: site.appendingPathComponent("source/_posts/trip"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: site.appendingPathComponent("source/images"), withIntermediateDirectories: true)
        try png.write(to: site.appendingPathComponent("source/images/root.png"))
        try png.write(to: site.appendingPathComponent("source/_posts/trip/asset.png"))
        try png.write(to: site.appendingPathComponent("source/_posts/near.png"))
        let post = "---\ntitle: Trip\n---\nText {{< youtube id >}} and {% raw %}.\n\n![a](/images/root.png)\n![b](near.png)\n{% asset_img asset.png An asset %}\n![c](missing.png)\n"
        let path = site.appendingPathComponent("source/_posts/trip.md").path
        try Data(post.utf8).write(to: URL(fileURLWithPath: path))
        var o = LoadOptions()
        o.inlineLocalImages = true
        let (a, diags) = try ArticleLoader.load(file: URL(fileURLWithPath: path), options: o)
        XCTAssertTrue(diags.contains { $0.location == "line 4" && $0.message.hasPrefix("Hugo shortcode {{< youtube id >}} left as text") }, "\(diags)")
        XCTAssertTrue(diags.contains { $0.message.hasPrefix("Liquid tag {% raw %}") })
        XCTAssertTrue(diags.contains { $0.location == "<img src=\"missing.png\">" })
        XCTAssertTrue(a.document.textContent(of: a.content).contains("{{< youtube id >}}"))
        let srcs = a.document.elements(named: "img", under: a.content).compactMap { a.document[$0].attribute("src") }
        XCTAssertEqual(srcs.count, 4)
        XCTAssertEqual(srcs.filter { $0.hasPrefix("data:image/png;base64,") }.count, 3, "\(srcs.map { $0.prefix(40) })")
        XCTAssertEqual(a.document.elements(named: "img", under: a.content).compactMap { a.document[$0].attribute("alt") }, ["a", "b", "An asset", "c"])
    }

    func testJekyllConventions() throws {
        let path = try write("---\ntitle: J\npublished: false\n---\nText.\n", "_posts/2024-01-31-jekyll-post.md")
        let (a, diags) = try ArticleLoader.load(file: URL(fileURLWithPath: path))
        XCTAssertTrue(a.isDraft)
        XCTAssertEqual(a.date?.iso8601, "2024-01-31")  // from the file name
        XCTAssertTrue(diags.isEmpty, "\(diags)")  // `published: false` is no date
    }

    func testSiteFolderBookSkipsDraftsAndOtherFilesInDateOrder() async throws {
        let posts = dir.appendingPathComponent("blog/source/_posts")
        _ = try write("---\ntitle: Newer\ndate: 2024-02-01\n---\n# Newer post\n\nBody **two**.\n", "blog/source/_posts/a-newer.md")
        _ = try write("---\ntitle: Older\ndate: 2024-01-01\n---\nBody one with a table:\n\n| x | y |\n|---|---|\n| 1 | 2 |\n", "blog/source/_posts/b-older.md")
        _ = try write("---\ntitle: Draft\ndraft: true\n---\nNot yet.\n", "blog/source/_posts/c-draft.md")
        _ = try write("---\ntitle: Unpublished\npublished: false\n---\nNot yet.\n", "blog/source/_posts/d-unpublished.markdown")
        _ = try write("+++\ntitle = \"Hugo\"\ndate = 2024-01-15\n+++\n- [x] task\n- [ ] other\n\n~~gone~~\n", "blog/source/_posts/e-hugo.md")
        _ = try write("notes", "blog/source/_posts/README.txt")
        _ = try write("{}", "blog/source/_posts/data.json")
        var options = BundleOptions()
        options.export.frontMatter = .none
        let out = dir.appendingPathComponent("blog.epub")
        let result = try await Bundler(options: options).bundle([posts.path], to: out, images: try TestImageProvider())
        let messages = Epubcheck.run(out)
        XCTAssertTrue(messages.isEmpty, messages.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(result.report.chapters.map(\.title), ["Older", "Hugo", "Newer"])
        XCTAssertEqual(result.diagnostics.filter { $0.message.hasPrefix("a draft") }.count, 2)
        XCTAssertTrue(result.diagnostics.contains { $0.message == "2 files skipped, not articles or feeds: README.txt, data.json" }, "\(result.diagnostics)")
        let zip = try ZipReader(out, preload: true)
        let all = zip.names.filter { $0.hasPrefix("EPUB/text/ch") }.compactMap { zip.string($0) }.joined()
        XCTAssertTrue(all.contains("<table>"))
        XCTAssertTrue(all.contains("\u{2611} task"))
        XCTAssertTrue(all.contains("\u{2610} other"))
        XCTAssertTrue(all.contains("<del>gone</del>"))
        XCTAssertFalse(all.contains("Not yet."))
        XCTAssertFalse(all.contains("**"))
    }
}
