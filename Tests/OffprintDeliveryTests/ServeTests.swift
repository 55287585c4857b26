import Foundation
import OffprintTestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Reads an OPDS/Atom feed with Foundation's XMLParser.
final class FeedReader: NSObject, XMLParserDelegate {
    struct Link { var rel: String; var href: String; var type: String }
    struct Entry { var title = ""; var authors: [String] = []; var language = ""; var issued = ""; var summary = ""; var links: [Link] = [] }
    var feedLinks: [Link] = []
    var entries: [Entry] = []
    var total: Int?
    var rootName = ""
    var rootNamespace = ""
    private var current: Entry?
    private var text = ""
    private var inAuthor = false

    static func parse(_ data: Data) throws -> FeedReader {
        let r = FeedReader()
        let p = XMLParser(data: data)
        p.shouldProcessNamespaces = true
        p.delegate = r
        guard p.parse() else { throw TestError("feed is not well-formed XML: \(String(describing: p.parserError))") }
        return r
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if rootName.isEmpty { rootName = name; rootNamespace = namespaceURI ?? "" }
        text = ""
        switch name {
        case "entry": current = Entry()
        case "author": inAuthor = true
        case "link":
            let l = Link(rel: attributes["rel"] ?? "", href: attributes["href"] ?? "", type: attributes["type"] ?? "")
            if current != nil { current!.links.append(l) } else { feedLinks.append(l) }
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "entry": if let c = current { entries.append(c) }; current = nil
        case "author": inAuthor = false
        case "name" where inAuthor && current != nil: current!.authors.append(text)
        case "title" where current != nil: current!.title = text
        case "language": current?.language = text
        case "issued": current?.issued = text
        case "summary": current?.summary = text
        case "totalResults": total = Int(text)
        default: break
        }
    }
}

@Suite(.serialized)
struct ServeTests {
    /// Starts `offprint serve DIR --port 0` and returns it with its port.
    func serve(_ dir: URL) throws -> (BackgroundProcess, UInt16) {
        let p = try BackgroundProcess(CLI.binary, ["serve", dir.path, "--port", "0"])
        let line = try p.waitForLine(containing: "Serving ")
        guard let r = line.range(of: "http://127.0.0.1:"), let port = UInt16(line[r.upperBound...].prefix { $0.isNumber }) else {
            throw TestError("no port in '\(line)'")
        }
        return (p, port)
    }

    func setModified(_ url: URL, _ secondsAgo: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)], ofItemAtPath: url.path)
    }

    @Test func catalogEntriesDownloadsAndPage() throws {
        let dir = try CLI.tempDir()
        let cover = Array("not really a PNG but bytes".utf8)
        let a = dir.appendingPathComponent("Älter Buch.epub")
        let aData = try TestBook(title: "Older & Wiser", authors: ["Ann One", "Bob Two"], date: "2023-01-02", description: "<p>Some <b>bold</b> text</p>", cover: cover).write(to: a)
        try setModified(a, 3600)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("kobo"), withIntermediateDirectories: true)
        let b = dir.appendingPathComponent("kobo/newer.kepub.epub")
        let bData = try TestBook(title: "Newer", authors: ["Cy Three"], language: "de", kepubSpans: true).write(to: b)
        try "not a book".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let (server, port) = try serve(dir)
        defer { server.stop() }

        let feed = try RawHTTP.get(port: port, "/opds")
        #expect(feed.status == 200)
        #expect(feed.headers["content-type"]?.hasPrefix("application/atom+xml;profile=opds-catalog;kind=acquisition") == true)
        let f = try FeedReader.parse(feed.body)
        #expect(f.rootName == "feed" && f.rootNamespace == "http://www.w3.org/2005/Atom")
        #expect(f.entries.map(\.title) == ["Newer", "Older & Wiser"])  // newest first
        #expect(f.entries[1].authors == ["Ann One", "Bob Two"])
        #expect(f.entries[1].issued == "2023-01-02")
        #expect(f.entries[1].summary == "Some bold text")
        #expect(f.entries[0].language == "de")
        #expect(f.feedLinks.contains { $0.rel == "search" && $0.type == "application/opensearchdescription+xml" })
        let acqA = try #require(f.entries[1].links.first { $0.rel == "http://opds-spec.org/acquisition" })
        let acqB = try #require(f.entries[0].links.first { $0.rel == "http://opds-spec.org/acquisition" })
        #expect(acqA.type == "application/epub+zip")
        #expect(acqB.type == "application/kepub+zip")
        let dlA = try RawHTTP.get(port: port, acqA.href)
        #expect(dlA.status == 200)
        #expect(dlA.body == aData)
        #expect(try RawHTTP.get(port: port, acqB.href).body == bData)
        let thumb = try #require(f.entries[1].links.first { $0.rel == "http://opds-spec.org/image/thumbnail" })
        #expect(thumb.type == "image/png")
        #expect(Array(try RawHTTP.get(port: port, thumb.href).body) == cover)
        #expect(!f.entries[0].links.contains { $0.rel.hasPrefix("http://opds-spec.org/image") })

        let page = try RawHTTP.get(port: port, "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(page.text.contains("Older &amp; Wiser"))
        #expect(page.text.contains("href=\"\(acqA.href)\""))
        #expect(page.text.contains("href=\"\(acqB.href)\""))
        #expect(!page.text.contains("notes.txt"))
    }

    @Test func searchByTitleOrAuthor() throws {
        let dir = try CLI.tempDir()
        try TestBook(title: "Rust in Action", authors: ["Tim McNamara"]).write(to: dir.appendingPathComponent("a.epub"))
        try TestBook(title: "Swift Café", authors: ["Zoë Writer"]).write(to: dir.appendingPathComponent("b.epub"))
        let (server, port) = try serve(dir)
        defer { server.stop() }
        let desc = try RawHTTP.get(port: port, "/opds/search.xml")
        #expect(desc.status == 200)
        #expect(desc.text.contains("template=\"http://127.0.0.1:\(port)/opds/search?q={searchTerms}\""))
        let byTitle = try FeedReader.parse(RawHTTP.get(port: port, "/opds/search?q=cafe").body)
        #expect(byTitle.entries.map(\.title) == ["Swift Café"])
        let byAuthor = try FeedReader.parse(RawHTTP.get(port: port, "/opds/search?q=mcnamara").body)
        #expect(byAuthor.entries.map(\.title) == ["Rust in Action"])
        let none = try FeedReader.parse(RawHTTP.get(port: port, "/opds/search?q=nothing%20here").body)
        #expect(none.entries.isEmpty && none.total == 0)
    }

    @Test func pagedPastFiftyAndNewFilesWithoutRestart() throws {
        let dir = try CLI.tempDir()
        for i in 0..<55 {
            let u = dir.appendingPathComponent(String(format: "book-%02d.epub", i))
            try TestBook(title: String(format: "Book %02d", i)).write(to: u)
            try setModified(u, Double(1000 - i))  // book-54 newest
        }
        let (server, port) = try serve(dir)
        defer { server.stop() }
        let p1 = try FeedReader.parse(RawHTTP.get(port: port, "/opds").body)
        #expect(p1.entries.count == 50)
        #expect(p1.total == 55)
        #expect(p1.entries.first?.title == "Book 54")
        let next = try #require(p1.feedLinks.first { $0.rel == "next" })
        let p2 = try FeedReader.parse(RawHTTP.get(port: port, next.href).body)
        #expect(p2.entries.map(\.title) == ["Book 04", "Book 03", "Book 02", "Book 01", "Book 00"])
        #expect(p2.feedLinks.contains { $0.rel == "previous" })
        #expect(!p2.feedLinks.contains { $0.rel == "next" })
        // A new book appears on the next request.
        try TestBook(title: "Fresh").write(to: dir.appendingPathComponent("fresh.epub"))
        let again = try FeedReader.parse(RawHTTP.get(port: port, "/opds").body)
        #expect(again.total == 56)
        #expect(again.entries.first?.title == "Fresh")
    }

    @Test func escapesAndSymlinksOutAreNotFound() throws {
        let outside = try CLI.tempDir()
        let secret = outside.appendingPathComponent("secret.epub")
        try TestBook(title: "Secret").write(to: secret)
        let dir = try CLI.tempDir().appendingPathComponent("shelf")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try TestBook(title: "Inside").write(to: dir.appendingPathComponent("sub/inside.epub"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("link.epub"), withDestinationURL: secret)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("outdir"), withDestinationURL: outside)
        // A file next to DIR, reachable by `..`.
        try TestBook(title: "Neighbour").write(to: dir.deletingLastPathComponent().appendingPathComponent("neighbour.epub"))
        let (server, port) = try serve(dir)
        defer { server.stop() }
        let f = try FeedReader.parse(RawHTTP.get(port: port, "/opds").body)
        #expect(f.entries.map(\.title) == ["Inside"])
        #expect(try RawHTTP.get(port: port, "/books/sub/inside.epub").status == 200)
        for target in ["/books/../neighbour.epub", "/books/%2e%2e/neighbour.epub", "/books/..%2fneighbour.epub",
                       "/books/sub/../../neighbour.epub", "/books/link.epub", "/books/outdir/secret.epub",
                       "/books/sub%2f..%2f..%2fneighbour.epub", "/covers/link.epub", "/books/%00.epub",
                       "/books/\(secret.path)", "/books//etc/passwd", "/nothing"] {
            let r = try RawHTTP.get(port: port, target)
            #expect(r.status == 404, "\(target) → \(r.status)")
            #expect(!r.text.contains("Secret") && !r.text.contains("Neighbour"))
        }
    }

    @Test func rangeRequests() throws {
        let dir = try CLI.tempDir()
        let data = try TestBook(cover: (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }).write(to: dir.appendingPathComponent("big.epub"))
        let (server, port) = try serve(dir)
        defer { server.stop() }
        let whole = try RawHTTP.get(port: port, "/books/big.epub")
        #expect(whole.headers["accept-ranges"] == "bytes")
        #expect(whole.body == data)
        let mid = try RawHTTP.get(port: port, "/books/big.epub", headers: ["Range": "bytes=100-1099"])
        #expect(mid.status == 206)
        #expect(mid.headers["content-range"] == "bytes 100-1099/\(data.count)")
        #expect(mid.body == data.subdata(in: 100..<1100))
        let tail = try RawHTTP.get(port: port, "/books/big.epub", headers: ["Range": "bytes=-500"])
        #expect(tail.status == 206)
        #expect(tail.body == data.suffix(500))
        let open = try RawHTTP.get(port: port, "/books/big.epub", headers: ["Range": "bytes=\(data.count - 10)-"])
        #expect(open.body == data.suffix(10))
        let bad = try RawHTTP.get(port: port, "/books/big.epub", headers: ["Range": "bytes=\(data.count + 5)-"])
        #expect(bad.status == 416)
        #expect(bad.headers["content-range"] == "bytes */\(data.count)")
        let head = try RawHTTP.get(port: port, "/books/big.epub", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.headers["content-length"] == String(data.count))
    }

    @Test func bindsToLoopbackByDefaultAndSaysSoInHelp() throws {
        let help = try CLI.run(["serve", "--help"])
        #expect(help.stdout.contains("127.0.0.1"))
        #expect(help.stdout.contains("--host"))
        let dir = try CLI.tempDir()
        let (server, _) = try serve(dir)
        defer { server.stop() }
        #expect(server.stdout.contains("http://127.0.0.1:"))
    }
}
