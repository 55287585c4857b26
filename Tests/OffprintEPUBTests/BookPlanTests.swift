import OffprintSupport
import Foundation
import OffprintArticle
import OffprintCleanup
import OffprintDocument
@testable import OffprintEPUB
import OffprintTestSupport
import Testing

@Suite("Book plan and template contexts")
struct BookPlanTests {
    @Test("The book is planned before a file is written: chapters, sections, links, images, cover, metadata")
    func planBeforeWriting() async throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("plan.epub")
        var a = EdgeCaseTests.article("a.html", "<p>See <a href=\"https://ex.com/b\">B</a>.</p><p><img src=\"pic.png\" alt=\"P\"></p><p><img src=\"fail.png\" alt=\"F\"></p>",
                                      title: "A", source: "https://ex.com/a/", date: "2021-03-04", authors: ["Ann"])
        a.section = "Feed"
        let b = EdgeCaseTests.article("b.html", "<h2>One</h2><p>B</p>", title: "B", source: "https://ex.com/b", date: "2021-05-06", authors: ["Bob"])
        let images = try TestImageProvider()
        let plan = try await EPUBBuilder().plan([a, a, b].map { StoredArticle(Cleanup.clean($0).0) }, metadata: BookMetadata(title: "Plan 2021-05-06"), images: images, output: out)

        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(plan.articles.map(\.metadata.origin) == ["a.html", "b.html"])
        #expect(plan.diagnostics.contains { $0.message.contains("given twice") })
        #expect(plan.chapters.map(\.files) == [["ch001.xhtml"], ["ch002.xhtml"]])
        #expect(plan.chapters[1].subheadings.map(\.label) == ["One"])
        #expect(plan.sections == ["Feed", nil])
        #expect(plan.pages.values.sorted() == [0, 1])
        #expect(plan.anchors.map(\.files) == plan.chapters.map(\.files))
        #expect(plan.book.creators == ["Ann", "Bob"])
        #expect(plan.book.date == "2021-05-06")
        #expect(plan.book.shownDate == nil, "the title says the date already")
        #expect(plan.book.identifier.hasPrefix("urn:uuid:"))
        // Images: the relative src made absolute and fetched once; the failure kept; a cover drawn.
        guard case .success(let key)? = plan.images.byURL["https://ex.com/a/pic.png"] else {
            Issue.record("no image for pic.png: \(plan.images.byURL)")
            return
        }
        #expect(plan.images.items[key]?.mediaType == .png)
        if case .success? = plan.images.byURL["https://ex.com/a/fail.png"] { Issue.record("fail.png should have failed") }
        let cover = try #require(plan.images.cover)
        #expect(plan.images.items[cover]?.mediaType == .svg)
        #expect(images.requested.sorted() == ["https://ex.com/a/fail.png", "https://ex.com/a/pic.png"])
    }

    @Test("The report lists each chapter's image URLs as the provider was asked for them")
    func reportImageURLs() async throws {
        let a = EdgeCaseTests.article("a.html", "<p><img src=\"pic.png\" alt=\"P\"><img src=\"/fail.png\" alt=\"F\"></p>", title: "A", source: "https://ex.com/a/")
        let b = EdgeCaseTests.article("b.html", "<p>No pictures</p>", title: "B")
        let (report, _, _) = try await EdgeCaseTests.build([a, b], BookMetadata(title: "Images"), name: "image-urls")
        #expect(report.chapters.map(\.imageURLs) == [["https://ex.com/a/pic.png", "https://ex.com/fail.png"], []])
        #expect(report.imagesEmbedded == 1)
        #expect(report.imagesFailed == 1)
    }

    @Test("A cleaned article is its content alone; the store keeps it as it is and the chapter takes it without a copy")
    func contentTree() throws {
        var page = EdgeCaseTests.article("a.html", "<html lang=\"de\"><body><nav>Menu</nav><article><p>Text <b>bold</b></p></article></body></html>", title: "A")
        page.content = try #require(page.document.elements(named: "article").first)
        let (cleaned, _) = Cleanup.clean(page)
        #expect(cleaned.document[cleaned.content].name == "article")
        #expect(cleaned.document[cleaned.document.root].children == [cleaned.content])
        #expect(cleaned.document.elements(named: "nav").isEmpty, "the page around the content is gone")
        let stored = try ArticleStore(memoryBudget: 0).store(cleaned)
        let loaded = try stored.load()
        let count = loaded.document.count
        #expect(count == cleaned.document.count, "the stored tree is the cleaned one, node for node")
        let kept = loaded.takeDocument()
        #expect(kept.count == count)
        #expect(Serializer(syntax: .xhtml).serializeChildren(kept, of: kept.root) == Serializer(syntax: .xhtml).serializeChildren(cleaned.document, of: cleaned.document.root))
    }

    @Test("A page's own value replaces the book's, even when it has none")
    func pageContext() {
        let meta = BookPlan.Book(title: "T & 2021", subtitle: nil, creators: ["A", "B"], subjects: ["s"], language: LanguageTag("en")!, rtl: false,
                                 identifier: "id", publisher: "P", description: nil, date: "2021", shownDate: nil,
                                 modified: Date(timeIntervalSince1970: 0), series: (name: "S", index: 2))
        let book = BookValues(meta, labels: BookLabels.forLanguage(meta.language))
        let page = BookPage(book: book, own: TitlePageContext(stylesheet: "../styles/book.css", date: nil))
        #expect(page.child(named: "title") as? String == "T & 2021")
        #expect(page.child(named: "date") == nil, "the title page's date, absent, wins over the book's")
        #expect(page.child(named: "stylesheet") as? String == "../styles/book.css")
        #expect(page.child(named: "subtitle") == nil)
        #expect(page.child(named: "nonesuch") == nil)
        #expect(page.child(named: "series") as? Bool == true)
        #expect(page.child(named: "seriesIndex") as? String == "2")
        #expect(page.child(named: "modified") as? String == "1970-01-01T00:00:00Z")
        #expect((page.child(named: "creators") as? [BookValues.Creator])?.map(\.creatorID) == ["creator1", "creator2"])
    }

    @Test("Overriding templates read the documented variables from the typed contexts")
    func documentedVariables() async throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let page = """
            <?xml version="1.0" encoding="UTF-8"?>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="{{language}}"><head><title>{{title}}</title></head><body>
            <p id="v">{{title}}|{{subtitle}}|{{#creators}}{{creatorID}}={{name}};{{/creators}}|{{publisher}}|{{date}}|{{#series}}{{seriesName}}#{{seriesIndex}}{{/series}}|{{labels.titlePage}}|{{stylesheet}}|{{#subjects}}{{.}};{{/subjects}}|{{^rtl}}ltr{{/rtl}}</p>
            </body></html>
            """
        try page.write(to: dir.appendingPathComponent("titlepage.xhtml.mustache"), atomically: true, encoding: .utf8)
        let chapter = """
            <?xml version="1.0" encoding="UTF-8"?>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="{{language}}"><head><title>{{title}}</title></head><body>
            <p id="v">{{title}}|{{byline}}|{{date}}|{{sourceURL}}|{{sourceLabel}}|{{#firstPart}}first{{/firstPart}}|{{partNumber}}/{{partCount}}|{{sectionID}}|{{labels.source}}</p>
            {{{body}}}
            </body></html>
            """
        try chapter.write(to: dir.appendingPathComponent("chapter.xhtml.mustache"), atomically: true, encoding: .utf8)
        let a = EdgeCaseTests.article("a.html", "<p>Body text</p>", title: "A & B", source: "https://www.ex.com/a", date: "2020-02-03T10:00:00Z", authors: ["Ann", "Bob"])
        var a2 = a
        a2.categories = ["News"]
        let meta = BookMetadata(title: "Book", subtitle: "Sub", publisher: "Pub", date: ArticleDate("2020-02-04"), series: "Ser", seriesIndex: 1.5)
        let (_, zip, _) = try await EdgeCaseTests.build([a2], meta, options: EPUBOptions(templatesDirectory: dir), name: "variables")
        let title = try #require(zip.string("EPUB/text/titlepage.xhtml"))
        #expect(title.contains("<p id=\"v\">Book|Sub|creator1=Ann;creator2=Bob;|Pub|2020-02-04|Ser#1.5|Title Page|../styles/book.css|News;|ltr</p>"), "\(title)")
        let text = try #require(zip.string("EPUB/text/ch001.xhtml"))
        #expect(text.contains("<p id=\"v\">A &amp; B|Ann, Bob|2020-02-03|https://www.ex.com/a|ex.com/a|first|1/1|chapter|Source</p>"), "\(text)")
        #expect(text.contains("<p>Body text</p>"))
    }
}

/// The builder's errors name the file they are about in `path`, with a hint.
@Suite("Book errors name their file")
struct BookErrorTests {
    @Test("A missing output folder is an error with the book's path and a hint; an unusable cover a warning naming it")
    func pathsAndHints() async throws {
        let a = EdgeCaseTests.article("a.html", "<p>Text</p>", title: "A")
        let missing = URL(fileURLWithPath: "/nonexistent-offprint-\(UUID().uuidString)/book.epub")
        do {
            _ = try await EPUBBuilder().build(articles: [a], metadata: BookMetadata(title: "T"), images: try TestImageProvider(), to: missing)
            Issue.record("built into a folder that does not exist")
        } catch let e as OffprintError {
            #expect(e.step == .epub && e.path == missing.path)
            #expect(e.message.contains("does not exist") && !e.message.contains(missing.path))
            #expect(e.hint?.contains("-o") == true)
        }
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notImage = dir.appendingPathComponent("cover.txt")
        try Data("not an image".utf8).write(to: notImage)
        // A cover that cannot be used is a warning naming it; the book gets a generated one.
        for (cover, words) in [(dir.appendingPathComponent("none.jpg").path, "cannot read the cover image"), (notImage.path, "not a JPEG")] {
            let report = try await EPUBBuilder().build(articles: [a], metadata: BookMetadata(title: "T", coverImage: cover), images: try TestImageProvider(),
                                                       to: dir.appendingPathComponent("b.epub"))
            #expect(report.diagnostics.contains { ($0.location ?? "").contains(cover) && $0.message.contains(words) && $0.message.contains("instead") },
                    "\(report.diagnostics)")
        }
    }
}
