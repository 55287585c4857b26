import Foundation
import OffprintSupport
import OffprintDocument

/// The one entry into this module: which kind of input a file is, and its entries.
///
///     let info = try FeedReader.read(file: "feed.xml") { entry, info in … }   // streaming
///     let feed = try FeedReader.parse(bytes, origin: "feed.json")             // collected
public enum FeedReader {
    public enum Kind: Sendable, Equatable {
        case xmlFeed, jsonFeed, opml
    }

    /// File extensions that name feeds (or OPML lists) outright.
    public static let feedExtensions: Set<String> = ["rss", "atom", "rdf", "xml", "json", "opml", "feed"]

    /// What `bytes` (the first few KB are enough) are: an RSS/RDF/Atom feed, a JSON Feed, an
    /// OPML list, or nil (something else: an HTML page, a post).
    public static func sniff(_ bytes: some Collection<UInt8>) -> Kind? {
        var head = Array(bytes.prefix(4096))
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        let text = String(decoding: head, as: UTF8.self)
        let trimmed = text.drop(while: { $0.isWhitespace })
        if trimmed.first == "{" {
            return text.contains("jsonfeed.org/version") ? .jsonFeed : nil
        }
        guard trimmed.first == "<" else { return nil }
        // The first element after the prolog, comments and doctype.
        var rest = Substring(trimmed)
        while rest.hasPrefix("<?") || rest.hasPrefix("<!") {
            let close = rest.hasPrefix("<!--") ? "-->" : ">"
            guard let r = rest.range(of: close) else { return nil }
            rest = rest[r.upperBound...].drop(while: { $0.isWhitespace })
        }
        guard rest.hasPrefix("<") else { return nil }
        let name = rest.dropFirst().prefix(while: { !$0.isWhitespace && $0 != ">" && $0 != "/" }).lowercased()
        switch name {
        case "rss", "rdf:rdf", "feed": return .xmlFeed
        case "opml": return .opml
        default:
            if name.hasSuffix(":rdf") || name.hasSuffix(":feed") || name.hasSuffix(":rss") { return .xmlFeed }
            return nil
        }
    }

    /// Streams the entries of the feed in `path` to `entry` (in the feed's order) and
    /// returns what the feed says about itself. RSS/RDF/Atom files are read from disk as
    /// they are parsed; a JSON Feed is decoded whole.
    @discardableResult
    public static func read(file path: String, origin: String? = nil, entry: (FeedEntry, FeedInfo) throws -> Void) throws -> FeedInfo {
        let origin = origin ?? path
        guard let h = FileHandle(forReadingAtPath: path) else { throw OffprintError(.feed, path: origin, "cannot be read (check the path and permissions)") }
        let head = (try? h.read(upToCount: 4096)) ?? Data()
        try? h.close()
        return try readSniffed(sniff(head), origin: origin, entry: entry, json: {
            guard let data = FileManager.default.contents(atPath: path) else { throw OffprintError(.feed, path: origin, "cannot be read") }
            return data
        }, xml: {
            do { return try XMLStreamReader(file: path) } catch { throw OffprintError(.feed, path: origin, "cannot be opened as XML", underlying: error) }
        })
    }

    /// The same from bytes (a downloaded feed).
    @discardableResult
    public static func read(_ bytes: [UInt8], origin: String, entry: (FeedEntry, FeedInfo) throws -> Void) throws -> FeedInfo {
        try readSniffed(sniff(bytes), origin: origin, entry: entry, json: { Data(bytes) }, xml: {
            do { return try XMLStreamReader(bytes: bytes) } catch { throw OffprintError(.feed, path: origin, "cannot be read as XML", underlying: error) }
        })
    }

    /// One feed of the sniffed `kind`: a JSON Feed decoded whole from `json()`, an XML feed
    /// streamed from `xml()`.
    private static func readSniffed(_ kind: Kind?, origin: String, entry: (FeedEntry, FeedInfo) throws -> Void,
                             json: () throws -> Data, xml: () throws -> XMLStreamReader) throws -> FeedInfo {
        switch kind {
        case .jsonFeed?:
            let feed = try JSONFeedParser.parse(try json(), origin: origin)
            for e in feed.entries { try entry(e, feed.info) }
            return feed.info
        case .opml?:
            throw OffprintError(.feed, path: origin, "an OPML subscription list, not a feed")
        case .xmlFeed?, nil:
            return try XMLFeedParser.parse(try xml(), origin: origin, entry: entry)
        }
    }

    /// The whole feed collected (small feeds, tests).
    public static func parse(_ bytes: [UInt8], origin: String) throws -> Feed {
        var entries: [FeedEntry] = []
        let info = try read(bytes, origin: origin) { e, _ in entries.append(e) }
        return Feed(info: info, entries: entries)
    }
}
