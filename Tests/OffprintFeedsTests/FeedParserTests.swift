import Foundation
import OffprintDocument
import OffprintFeeds
import XCTest

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

func parse(_ name: String) throws -> Feed {
    var entries: [FeedEntry] = []
    let info = try FeedReader.read(file: fixture(name)) { e, _ in entries.append(e) }
    return Feed(info: info, entries: entries)
}

final class FeedParserTests: XCTestCase {
    func testRSS2ContentCreatorEnclosuresAndDates() throws {
        let feed = try parse("rss2.xml")
        XCTAssertEqual(feed.info.format, .rss2)
        XCTAssertEqual(feed.info.title, "Tech & Notes")
        XCTAssertEqual(feed.info.link, "https://tech.example.com/")
        XCTAssertEqual(feed.info.language?.value, "en-US")  // normalised once
        XCTAssertEqual(feed.info.description, "Notes on tech")
        XCTAssertEqual(feed.entries.count, 5)
        let first = feed.entries[0]
        XCTAssertEqual(first.id, "tech-1")
        XCTAssertEqual(first.title, "Full content entry")
        XCTAssertEqual(first.link, "https://tech.example.com/2024/full")
        XCTAssertEqual(first.authors, ["Jo Doe"])
        XCTAssertEqual(first.date?.iso8601, "2024-12-04T10:00:00+00:00")
        XCTAssertEqual(first.categories, ["swift", "feeds"])
        XCTAssertTrue(first.content?.contains("<h2>Part two</h2>") == true)
        XCTAssertEqual(first.summary, "Short summary.")
        XCTAssertEqual(first.images, ["https://img.example.com/lead.jpg"])
        XCTAssertEqual(first.line, 8)
        // "jo@example.com (Jo Doe)", Media RSS, escaped HTML description.
        XCTAssertEqual(feed.entries[1].authors, ["Jo Doe"])
        XCTAssertEqual(feed.entries[1].images, ["https://img.example.com/media.png"])
        XCTAssertNil(feed.entries[1].content)
        XCTAssertTrue(feed.entries[1].summary?.hasPrefix("<p>Escaped HTML") == true)
        XCTAssertEqual(feed.entries[1].date?.iso8601, "2024-12-03T09:00:00Z")
        // A single-digit hour and a zone abbreviation.
        XCTAssertEqual(feed.entries[2].date?.iso8601, "2024-12-02T08:05:00-08:00")
    }

    func testRSS1RDF() throws {
        let feed = try parse("rss1.rdf")
        XCTAssertEqual(feed.info.format, .rss1)
        XCTAssertEqual(feed.info.title, "RDF Site")
        XCTAssertEqual(feed.info.language?.value, "ja")
        XCTAssertEqual(feed.entries.map(\.title), ["記事 A", "Entry B"])
        XCTAssertEqual(feed.entries[0].authors, ["山田"])
        XCTAssertEqual(feed.entries[0].date?.iso8601, "2024-11-30T12:00:00+09:00")
        XCTAssertEqual(feed.entries[0].content, "<p>日本語の本文です。</p>")
        // No <link>: rdf:about is the page.
        XCTAssertEqual(feed.entries[1].link, "https://rdf.example.org/b")
        XCTAssertEqual(feed.entries[1].date?.iso8601, "2024-11-29")
    }

    func testAtomContentTypesSummaryAndAlternateLink() throws {
        let feed = try parse("atom.xml")
        XCTAssertEqual(feed.info.format, .atom)
        XCTAssertEqual(feed.info.title, "Atom Journal")
        XCTAssertEqual(feed.info.link, "https://atom.example.net/")
        XCTAssertEqual(feed.info.language, nil)
        XCTAssertEqual(feed.info.authors, ["Atom Author"])
        let e = feed.entries
        XCTAssertEqual(e.count, 4)
        XCTAssertEqual(e[0].link, "https://atom.example.net/html")  // rel=alternate, not rel=edit
        XCTAssertEqual(e[0].content, "<p>Escaped <strong>HTML</strong> content.</p>")
        XCTAssertEqual(e[0].date?.iso8601, "2024-12-01T10:00:00+01:00")  // published wins over updated
        XCTAssertEqual(e[1].content, "<p>Inline <em>XHTML</em> with a <a href=\"/rel\">relative link</a>.</p><ul><li>one</li><li>two</li></ul>")
        XCTAssertEqual(e[1].authors, ["Guest Writer"])
        XCTAssertEqual(e[1].date?.iso8601, "2024-11-30T10:00:00Z")  // updated when not published
        XCTAssertEqual(e[2].content, "<p>Plain text with &lt;angle brackets&gt;.</p>\n<p>Second paragraph.</p>")
        XCTAssertNil(e[3].content)
        XCTAssertEqual(e[3].summary, "<p>A teaser that stops short…</p>")
        XCTAssertEqual(e[3].link, "pages/saved.html")
    }

    func testJSONFeed() throws {
        let feed = try parse("feed.json")
        XCTAssertEqual(feed.info.format, .jsonFeed)
        XCTAssertEqual(feed.info.title, "JSON Notes")
        XCTAssertEqual(feed.info.language?.value, "zh-CN")
        XCTAssertEqual(feed.info.authors, ["Feed Owner"])
        XCTAssertEqual(feed.entries.count, 2)
        XCTAssertEqual(feed.entries[0].id, "2")
        XCTAssertEqual(feed.entries[0].authors, ["Li Lei"])
        XCTAssertEqual(feed.entries[0].date?.iso8601, "2024-12-02T08:00:00-05:00")
        XCTAssertEqual(feed.entries[0].categories, ["json", "feeds"])
        XCTAssertEqual(feed.entries[0].images, ["https://img.example.com/banner.png"])
        XCTAssertEqual(feed.entries[1].id, "1")  // a JSON Feed 1.0 number id
        XCTAssertEqual(feed.entries[1].content, "<p>First paragraph of text.</p>\n<p>中文第二段。</p>")
    }

    func testBrokenXMLFeedNamesFileAndLine() {
        XCTAssertThrowsError(try parse("broken.xml")) { error in
            guard let e = error as? FeedError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 11)
            XCTAssertTrue(e.description.hasPrefix(fixture("broken.xml") + ":11: not well-formed XML"), e.description)
            XCTAssertTrue(e.message.contains("title"), e.message)
        }
    }

    func testBrokenJSONFeedNamesFileAndLine() {
        XCTAssertThrowsError(try parse("broken.json")) { error in
            guard let e = error as? FeedError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.line, 5, e.description)
            XCTAssertTrue(e.description.contains("broken.json:5: not valid JSON"), e.description)
        }
    }

    func testNotAFeed() {
        XCTAssertThrowsError(try FeedReader.parse(Array("<html><body>x</body></html>".utf8), origin: "page.xml")) { error in
            XCTAssertTrue("\(error)".contains("not a feed: the root element is <html>"), "\(error)")
        }
    }

    func testOPMLSubscriptionsWithFolders() throws {
        let subs = try OPML.subscriptions(Array(try Data(contentsOf: fixtures.appendingPathComponent("feeds.opml"))), origin: "feeds.opml")
        XCTAssertEqual(subs.map(\.url), ["rss2.xml", "atom.xml", "feed.json"])
        XCTAssertEqual(subs.map(\.title), ["Tech & Notes", "Atom", "JSON Notes"])
        XCTAssertEqual(subs.map(\.folder), ["Tech", "Tech", nil])
    }

    func testSniff() {
        XCTAssertEqual(FeedReader.sniff(Array("\u{FEFF}<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\">".utf8)), .xmlFeed)
        XCTAssertEqual(FeedReader.sniff(Array("<feed xmlns=\"http://www.w3.org/2005/Atom\">".utf8)), .xmlFeed)
        XCTAssertEqual(FeedReader.sniff(Array("<rdf:RDF xmlns:rdf=\"x\">".utf8)), .xmlFeed)
        XCTAssertEqual(FeedReader.sniff(Array("<?xml version=\"1.0\"?><opml version=\"2.0\">".utf8)), .opml)
        XCTAssertEqual(FeedReader.sniff(Array("{\"version\": \"https://jsonfeed.org/version/1.1\"}".utf8)), .jsonFeed)
        XCTAssertNil(FeedReader.sniff(Array("{\"name\": \"package\"}".utf8)))
        XCTAssertNil(FeedReader.sniff(Array("<!DOCTYPE html><html>".utf8)))
        XCTAssertNil(FeedReader.sniff(Array("---\ntitle: x\n---\n# Post".utf8)))
    }

    func testFetchPolicy() {
        var e = FeedEntry()
        e.link = "https://x/1"
        e.summary = "<p>Short teaser</p>"
        XCTAssertTrue(FeedArticles.wantsFetch(e, policy: .auto))
        XCTAssertFalse(FeedArticles.wantsFetch(e, policy: .never))
        e.content = "<p>" + String(repeating: "Full text. ", count: 20) + "</p>"
        XCTAssertFalse(FeedArticles.wantsFetch(e, policy: .auto))
        XCTAssertTrue(FeedArticles.wantsFetch(e, policy: .always))
        e.content = "<p>It begins like this and then […]</p>"
        XCTAssertTrue(FeedArticles.wantsFetch(e, policy: .auto))
        e.content = "<p>Long enough text but <a href=\"https://x/1\">Continue reading →</a></p>"
        XCTAssertTrue(FeedArticles.wantsFetch(e, policy: .auto))
    }

    func testStreamingReaderEventsAndLines() throws {
        let reader = try XMLStreamReader(bytes: Array("<a x=\"1\" xmlns:p=\"urn:p\">\n<p:b/>t&amp;u<![CDATA[<c>]]></a>".utf8))
        var events: [XMLEvent] = []
        while let e = try reader.next() { events.append(e) }
        XCTAssertEqual(events.count, 6)
        guard case let .start(name, _, _, attrs, empty) = events[0] else { return XCTFail() }
        XCTAssertEqual(name, "a")
        XCTAssertEqual(attrs.map(\.value), ["1"])
        XCTAssertFalse(empty)
        guard case let .start(bName, bNS, bQName, _, bEmpty) = events[2] else { return XCTFail("\(events)") }
        XCTAssertEqual([bName, bNS, bQName], ["b", "urn:p", "p:b"])
        XCTAssertTrue(bEmpty)
        XCTAssertEqual(events[4], .text("t&u<c>"))
    }

    /// Entities declared in a DTD are never fetched nor expanded from files.
    func testNoExternalEntities() throws {
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss><channel><title>t&x;</title></channel></rss>"
        let feed = try? FeedReader.parse(Array(xml.utf8), origin: "x.xml")
        XCTAssertFalse(feed?.info.title?.contains("root:") ?? false)
    }
}
