import FlyingFox
import Foundation
import OffprintEPUB
import OffprintImages
import Offprint
import OffprintTestSupport
import XCTest

/// Feeds over HTTP, against a loopback server this test starts (port 0): a feed URL is
/// fetched once and read as a feed; its summary-only entries' pages are fetched through
/// the same HTTP client and extracted.
final class FeedHTTPTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = try TempDir.create("feedhttp")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Requests per path.
    final class Counts: @unchecked Sendable {
        private var counts: [String: Int] = [:]
        private let lock = NSLock()
        func hit(_ path: String) { lock.withLock { counts[path, default: 0] += 1 } }
        subscript(_ path: String) -> Int { lock.withLock { counts[path, default: 0] } }
    }

    /// A site: `/feed.xml` (RSS, two entries with a one-line teaser each, linking to
    /// `/posts/1.html` and `/posts/2.html`), the two pages (navigation, the article, a footer),
    /// `/missing.html` (404) for an entry whose page cannot be had, and `/opml.xml`.
    struct Site: HTTPHandler {
        let counts: Counts
        let base: @Sendable () -> String

        func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
            counts.hit(request.path)
            let b = base()
            switch request.path {
            case "/feed.xml":
                let rss = """
                <?xml version="1.0" encoding="UTF-8"?>
                <rss version="2.0"><channel><title>Loopback Notes</title><link>\(b)/</link><description>Notes served locally</description>
                <item><title>First post</title><link>\(b)/posts/1.html</link><guid>\(b)/posts/1.html</guid>
                <pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate><description>The lighthouse keeper…</description></item>
                <item><title>Second post</title><link>/posts/2.html</link><guid>\(b)/posts/2.html</guid>
                <pubDate>Wed, 04 Dec 2024 10:00:00 GMT</pubDate><description>Read more</description></item>
                </channel></rss>
                """
                return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "application/rss+xml; charset=utf-8"]), body: Data(rss.utf8))
            case "/posts/1.html", "/posts/2.html":
                let n = request.path == "/posts/1.html" ? "1" : "2"
                let marker = n == "1" ? "The lighthouse keeper counted ninety-seven gulls before the fog rolled in over the harbour."
                    : "Copper kettles rang in the market square while the tide crept up the slipway stones."
                var body = "<nav><a href=\"/\">Home</a> <a href=\"/about\">About</a> <a href=\"/tags\">Tags</a></nav><article><h1>Post \(n)</h1>"
                body += "<p>\(marker)</p>"
                for k in 0..<6 {
                    body += "<p>Paragraph \(k) of post \(n), long enough to be the article, with commas, clauses, and a few more words to read.</p>"
                }
                body += "</article><footer>Copyright, all rights reserved. <a href=\"/privacy\">Privacy</a></footer>"
                let page = "<!DOCTYPE html><html><head><title>Post \(n) | Loopback Notes</title></head><body>\(body)</body></html>"
                return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "text/html; charset=utf-8"]), body: Data(page.utf8))
            default:
                return HTTPResponse(statusCode: .notFound, headers: HTTPHeaders([.contentType: "text/html"]), body: Data("<h1>Not found</h1>".utf8))
            }
        }
    }

    final class Server: Sendable {
        let server: LoopbackHTTPServer
        let counts: Counts
        var port: UInt16 { server.port }
        var base: String { server.base }

        init() async throws {
            let counts = Counts()
            server = try await LoopbackHTTPServer.start { base in Site(counts: counts, base: base) }
            self.counts = counts
        }

        func stop() async { await server.stop() }
    }

    static let marker1 = "The lighthouse keeper counted ninety-seven gulls before the fog rolled in over the harbour."
    static let marker2 = "Copper kettles rang in the market square while the tide crept up the slipway stones."

    func testAFeedURLWithSummaryOnlyEntriesMakesABookOfTheExtractedPages() async throws {
        let site = try await Server()
        let http = HTTPFetcher()
        var options = BundleOptions()
        options.export.frontMatter = .none
        options.http = http
        let out = dir.appendingPathComponent("feed.epub")
        let result: BundleResult
        do {
            result = try await Bundler(options: options).bundle([site.base + "/feed.xml"], to: out, images: try TestImageProvider())
        } catch {
            await http.shutdown()
            await site.stop()
            throw error
        }
        await http.shutdown()
        await site.stop()

        XCTAssertTrue(result.failedInputs.isEmpty, "\(result.failedInputs)")
        let messages = Epubcheck.run(out)
        XCTAssertTrue(messages.isEmpty, messages.map(\.description).joined(separator: "\n"))
        // Fetched once; each entry's page once.
        XCTAssertEqual(site.counts["/feed.xml"], 1)
        XCTAssertEqual(site.counts["/posts/1.html"], 1)
        XCTAssertEqual(site.counts["/posts/2.html"], 1)

        let zip = try ZipReader(out, preload: true)
        let opf = try XCTUnwrap(zip.string("EPUB/package.opf"))
        XCTAssertTrue(opf.contains("<dc:title id=\"title\">Loopback Notes, 2024-12-03 – 2024-12-04</dc:title>"), opf)
        let chapters = zip.names.filter { $0.hasPrefix("EPUB/text/ch") }.sorted().compactMap { zip.string($0) }
        XCTAssertEqual(chapters.count, 2)
        // Newest first; the pages' article text, not the teasers; navigation and footer gone;
        // the entry's title wins over the page's.
        XCTAssertTrue(chapters[0].contains(Self.marker2) && chapters[0].contains("Second post"), chapters[0])
        XCTAssertTrue(chapters[1].contains(Self.marker1) && chapters[1].contains("First post"), chapters[1])
        for c in chapters {
            XCTAssertTrue(c.contains("Paragraph 5 of post"), c)
            XCTAssertFalse(c.contains("Privacy") || c.contains("Read more") || c.contains("Tags</a>"), c)
        }
        XCTAssertTrue(chapters[1].contains(site.base + "/posts/1.html"), "the entry's link is the chapter's source")
    }

    func testAFeedURLExportsOneFilePerEntryThroughTheCLI() async throws {
        let site = try await Server()
        do {
            try await exportThroughTheCLI(site)
        } catch {
            await site.stop()
            throw error
        }
        await site.stop()
    }

    func exportThroughTheCLI(_ site: Server) async throws {
        let out = dir.appendingPathComponent("entries")
        let r = try await Self.offprint(["export", site.base + "/feed.xml", "-o", out.path + "/"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        XCTAssertEqual(names, ["2024-12-03-first-post.md", "2024-12-04-second-post.md"])
        let first = try String(contentsOf: out.appendingPathComponent("2024-12-03-first-post.md"), encoding: .utf8)
        XCTAssertTrue(first.hasPrefix("---\ntitle: First post\n"), first)
        XCTAssertTrue(first.contains(Self.marker1), first)
        XCTAssertFalse(first.contains("Privacy"), first)
        XCTAssertEqual(site.counts["/feed.xml"], 1, "the feed URL is fetched once")

        // --fetch-entries never: the feed's own text.
        let out2 = dir.appendingPathComponent("never")
        let r2 = try await Self.offprint(["export", site.base + "/feed.xml", "--fetch-entries", "never", "-o", out2.path + "/"])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        let teaser = try String(contentsOf: out2.appendingPathComponent("2024-12-03-first-post.md"), encoding: .utf8)
        XCTAssertTrue(teaser.contains("The lighthouse keeper…") && !teaser.contains(Self.marker1), teaser)
        XCTAssertEqual(site.counts["/posts/1.html"], 1, "not fetched again with --fetch-entries never")

        // A feed URL to a single file is refused as a feed file is.
        let one = try await Self.offprint(["export", site.base + "/feed.xml", "-o", dir.appendingPathComponent("x.md").path])
        XCTAssertNotEqual(one.status, 0)
        XCTAssertTrue(one.stderr.contains("is a feed: it exports one Markdown file per entry, so give -o FOLDER/"), one.stderr)
    }

    func testAFeedURLThatCannotBeFetchedIsAClearFailure() async throws {
        let site = try await Server()
        let http = HTTPFetcher()
        var options = BundleOptions()
        options.http = http
        let out = dir.appendingPathComponent("b.epub")
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/feed.json").path
        let result = try await Bundler(options: options).bundle([fixture, site.base + "/gone.xml"], to: out, images: try TestImageProvider())
        await http.shutdown()
        await site.stop()
        XCTAssertEqual(result.failedInputs.count, 1)
        XCTAssertTrue(result.failedInputs[0].error.description.contains(site.base + "/gone.xml") && result.failedInputs[0].error.description.contains("404"),
                      result.failedInputs[0].error.description)
        XCTAssertEqual(result.failedInputs[0].error.step, .fetch)
        XCTAssertEqual(result.failedInputs[0].error.path, site.base + "/gone.xml")
    }

    /// The built binary, off the cooperative pool (the loopback server needs it).
    static func offprint(_ args: [String]) async throws -> CLI.Result { try await CLI.runDetached(args) }
}
