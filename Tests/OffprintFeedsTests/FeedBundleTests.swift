import Foundation
import OffprintEPUB
import OffprintImages
import Offprint
import OffprintTestSupport
import XCTest

/// Feeds and Markdown posts bundled into books, checked by both epubchecks.
final class FeedBundleTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TempDir.create("feeds")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func bundle(_ inputs: [String], _ configure: (inout BundleOptions) -> Void = { _ in }) async throws -> (BundleResult, ZipReader, URL) {
        var options = BundleOptions()
        options.export.frontMatter = .none
        configure(&options)
        let out = dir.appendingPathComponent("book-\(UUID().uuidString.prefix(6)).epub")
        let images = try TestImageProvider()
        let result = try await Bundler(options: options).bundle(inputs, to: out, images: images)
        return (result, try ZipReader(out, preload: true), out)
    }

    func assertValid(_ book: URL, file: StaticString = #filePath, line: UInt = #line) {
        let messages = Epubcheck.run(book)
        XCTAssertTrue(messages.isEmpty, messages.map(\.description).joined(separator: "\n"), file: file, line: line)
    }

    func chapters(_ zip: ZipReader) -> [String] {
        zip.names.filter { $0.hasPrefix("EPUB/text/ch") }.sorted().compactMap { zip.string($0) }
    }

    func testRSSFeedWithFullContentBook() async throws {
        let (result, zip, book) = try await bundle([fixture("rss2.xml")])
        assertValid(book)
        XCTAssertTrue(result.failedInputs.isEmpty)
        let opf = try XCTUnwrap(zip.string("EPUB/package.opf"))
        XCTAssertTrue(opf.contains("<dc:title id=\"title\">Tech &amp; Notes, 2020-02-01 – 2024-12-04</dc:title>"), opf)
        XCTAssertTrue(opf.contains("<dc:language>en-US</dc:language>"))
        XCTAssertTrue(opf.contains("<dc:description>Notes on tech</dc:description>"))
        let texts = chapters(zip)
        XCTAssertEqual(texts.count, 4)  // the duplicate guid left out
        // Newest first; each chapter has its title, author, date and link.
        XCTAssertTrue(texts[0].contains("Full content entry") && texts[0].contains("Jo Doe") && texts[0].contains("2024-12-04")
                      && texts[0].contains("https://tech.example.com/2024/full"))
        XCTAssertTrue(texts[3].contains("Old entry"))
        // The enclosure leads, the inline image follows: both embedded.
        XCTAssertEqual(result.report.imagesEmbedded, 3)
        XCTAssertTrue(texts[0].contains("../images/"))
        XCTAssertTrue(result.diagnostics.contains { $0.message.contains("1 duplicate entry") })
    }

    func testSinceAndMaxEntries() async throws {
        let since = FeedOptions.parseSince("2024-12-03")
        let (_, zip, book) = try await bundle([fixture("rss2.xml")]) { $0.feeds.since = since }
        assertValid(book)
        let texts = chapters(zip)
        XCTAssertEqual(texts.count, 2)
        XCTAssertTrue(texts[0].contains("Full content entry"))
        XCTAssertTrue(texts[1].contains("Author as email"))

        let (_, zip2, _) = try await bundle([fixture("rss2.xml")]) { $0.feeds.maxEntries = 1 }
        XCTAssertEqual(chapters(zip2).count, 1)
        XCTAssertTrue(chapters(zip2)[0].contains("Full content entry"))

        // --sort date: oldest first.
        let (_, zip3, _) = try await bundle([fixture("rss2.xml")]) { $0.order = .date }
        XCTAssertTrue(chapters(zip3)[0].contains("Old entry"))

        let now = Date(timeIntervalSince1970: 1_733_400_000)  // 2024-12-05T12:00:00Z
        XCTAssertEqual(FeedOptions.parseSince("7d", now: now), 1_733_400_000 - 7 * 86400)
        XCTAssertEqual(FeedOptions.parseSince("36h", now: now), 1_733_400_000 - 36 * 3600)
        XCTAssertNil(FeedOptions.parseSince("soon"))
    }

    func testAtomSummariesLinkingToSavedPagesAreExtracted() async throws {
        let (result, zip, book) = try await bundle([fixture("atom.xml")])
        assertValid(book)
        let texts = chapters(zip)
        XCTAssertEqual(texts.count, 4)
        let saved = try XCTUnwrap(texts.first { $0.contains("Summary linking to a saved page") })
        XCTAssertTrue(saved.contains("The last paragraph of the saved page"), saved)
        XCTAssertFalse(saved.contains("Copyright footer"), saved)
        XCTAssertFalse(saved.contains("A teaser that stops short"))
        XCTAssertTrue(saved.contains("https://atom.example.net/saved"))  // the page's canonical URL
        XCTAssertTrue(saved.contains("2024-11-28"))
        // Atom's xhtml content, with its relative link resolved against the entry.
        XCTAssertTrue(texts.contains { $0.contains("<a href=\"https://atom.example.net/rel\">relative link</a>") })
        XCTAssertTrue(result.failedInputs.isEmpty)

        // never: the summary stays.
        let (_, zip2, _) = try await bundle([fixture("atom.xml")]) { $0.feeds.fetchEntries = .never }
        XCTAssertTrue(chapters(zip2).contains { $0.contains("A teaser that stops short") })
    }

    func testJSONFeedBook() async throws {
        let (result, zip, book) = try await bundle([fixture("feed.json")])
        assertValid(book)
        let opf = try XCTUnwrap(zip.string("EPUB/package.opf"))
        XCTAssertTrue(opf.contains("<dc:language>zh-CN</dc:language>"))
        let texts = chapters(zip)
        XCTAssertEqual(texts.count, 2)
        XCTAssertTrue(texts[0].contains("HTML item") && texts[0].contains("Li Lei") && texts[0].contains("2024-12-02"))
        XCTAssertTrue(texts[1].contains("中文第二段。"))
        XCTAssertEqual(result.report.imagesFailed, 0)
        XCTAssertEqual(texts[0].components(separatedBy: "<img src=\"../images/").count - 1, 2)  // the banner and the inline image
    }

    func testSeveralFeedsOneSectionEachAndOPML() async throws {
        let (result, zip, book) = try await bundle([fixture("feeds.opml"), fixture("rss1.rdf")])
        assertValid(book)
        XCTAssertTrue(result.failedInputs.isEmpty)
        let nav = try XCTUnwrap(zip.string("EPUB/nav.xhtml"))
        for section in ["Tech &amp; Notes", "Atom Journal", "JSON Notes", "RDF Site"] {
            XCTAssertTrue(nav.contains(">\(section)</a>\n<ol>"), "section \(section) missing:\n\(nav)")
        }
        let ncx = try XCTUnwrap(zip.string("EPUB/toc.ncx"))
        XCTAssertTrue(ncx.contains("<meta name=\"dtb:depth\" content=\"3\"/>"))
        XCTAssertTrue(ncx.contains("id=\"section-4\""))
        XCTAssertEqual(chapters(zip).count, 4 + 4 + 2 + 2)
        let opf = try XCTUnwrap(zip.string("EPUB/package.opf"))
        XCTAssertTrue(opf.contains("Tech &amp; Notes and 3 more feeds"), opf)
    }

    func testBrokenFeedIsReportedWithItsLine() async throws {
        do {
            _ = try await bundle([fixture("broken.xml")])
            XCTFail("a broken feed built a book")
        } catch {
            XCTAssertTrue("\(error)".contains("broken.xml:11: not well-formed XML"), "\(error)")
        }
        // Next to a good feed: the good one makes the book, the broken one is reported.
        let (result, _, _) = try await bundle([fixture("broken.xml"), fixture("feed.json")])
        XCTAssertEqual(result.failedInputs.count, 1)
        XCTAssertTrue(result.failedInputs[0].error.description.contains(":11:"))
        XCTAssertEqual((result.failedInputs[0].error.underlying as? OffprintError)?.line, 11)
    }

    /// A 5,000-entry feed goes through the article store (spilling past its budget), so
    /// memory stays flat; the book is complete.
    func testFiveThousandEntriesSpillToTheStore() async throws {
        let feed = dir.appendingPathComponent("big.xml")
        var xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title><link>https://big.example/</link>"
        for i in 0..<5000 {
            xml += "<item><title>Entry \(i)</title><link>https://big.example/\(i)</link><pubDate>\(Self.rfc822(i))</pubDate>"
            xml += "<description><![CDATA[<p>" + String(repeating: "Paragraph text of entry \(i). ", count: 30) + "</p>]]></description></item>"
        }
        xml += "</channel></rss>"
        try Data(xml.utf8).write(to: feed)
        let (result, zip, _) = try await bundle([feed.path]) {
            $0.articleMemoryLimit = 1 << 20
            $0.epub.chapterMemoryLimit = 1 << 20
            $0.feeds.fetchEntries = .never
        }
        XCTAssertEqual(result.report.chapters.count, 5000)
        XCTAssertTrue(chapters(zip)[0].contains("Entry 4999"))  // newest first
    }

    static func rfc822(_ i: Int) -> String {
        let d = Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 600)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: d)
    }

    // MARK: Export

    func testExportWritesOneMarkdownFilePerEntry() async throws {
        let store = ArticleStore(directory: dir)
        var export = ExportOptions()
        export.frontMatter = .yaml
        let batch = try await FeedCollector(exporter: Exporter(options: export), options: FeedOptions()).collect(.file(fixture("atom.xml")), store: store)
        XCTAssertEqual(batch.title, "Atom Journal")
        let md = try batch.articles.map { Exporter(options: export).export(try $0.load()).markdown }
        XCTAssertEqual(md.count, 4)
        XCTAssertTrue(md[0].hasPrefix("---\ntitle: HTML content\nauthor: Atom Author\ndate: 2024-12-01T10:00:00+01:00\n"), md[0])
        XCTAssertTrue(md[0].contains("Escaped **HTML** content."))
        XCTAssertTrue(md[1].contains("- one\n- two"))
    }
}
