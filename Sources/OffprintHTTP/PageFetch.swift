import Foundation
import OffprintSupport

/// A page or feed fetched over HTTP: its bytes, what the server said they are, and where
/// they finally came from.
public struct FetchedPage: Sendable {
    /// The URL asked for.
    public var requestedURL: String
    /// The URL that answered, after redirects: relative links resolve against it.
    public var finalURL: String
    public var bytes: [UInt8]
    /// The whole `Content-Type` header, when sent.
    public var contentType: String?
    /// `text/html` (without parameters); nil when the server sent no `Content-Type` or one
    /// that is not a media type.
    public var mediaType: MediaType?
    /// The `charset` parameter of `Content-Type` (`gb2312`), as sent.
    public var charset: String?
    public var etag: String?
    public var lastModified: String?
}

/// What kinds of documents a page fetch accepts.
public struct PageTypes: Sendable {
    /// Media types accepted (`text/html`); a range matches a family (`text/*`, see
    /// `MediaType.matches`).
    public var accepted: [MediaType]
    /// The `Accept` header sent.
    public var acceptHeader: String
    /// What the caller wants, for the error ("an HTML page").
    public var noun: String

    public init(accepted: [MediaType], acceptHeader: String, noun: String) {
        self.accepted = accepted
        self.acceptHeader = acceptHeader
        self.noun = noun
    }

    /// HTML and XHTML pages (and Markdown posts with front matter).
    public static let html = PageTypes(
        accepted: [.html, .xhtml, .markdown, .xMarkdown],
        acceptHeader: "text/html,application/xhtml+xml;q=0.9,text/markdown;q=0.8,*/*;q=0.1",
        noun: "an HTML page")
    /// Feeds (RSS, Atom, JSON Feed) and the HTML pages they point to.
    public static let feed = PageTypes(
        accepted: [.rss, .atom, .jsonFeed, .json, .xml, .textXML, .rdf, .html, .xhtml],
        acceptHeader: "application/rss+xml,application/atom+xml,application/feed+json;q=0.9,application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.1",
        noun: "a feed")
    /// Any text (`text/*`) and XML/JSON documents.
    public static let text = PageTypes(
        accepted: [.anyText, .xhtml, .xml, .json, .rss, .atom, .jsonFeed, .rdf],
        acceptHeader: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
        noun: "a text document")

    /// Whether a page of `mediaType` is one of these.
    public func accepts(_ mediaType: MediaType) -> Bool {
        accepted.contains { $0.matches(mediaType) }
    }
}

/// Collects a body in memory (pages are small; the size cap still holds).
public struct MemorySink: HTTPBodySink {
    var bytes: [UInt8] = []
    public init() {}
    public mutating func append(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
    public mutating func finish() throws -> [UInt8] { bytes }
    public mutating func discard() { bytes = [] }
}

extension HTTPFetcher {
    /// Fetches a page or feed with this client's User-Agent, timeouts, retries, caps,
    /// proxies and breaker. Accepts only `types` (by `Content-Type`; a response without
    /// one is sniffed: markup passes); the charset comes from `Content-Type`.
    public func fetchPage(_ url: String, types: PageTypes = .html) async throws(OffprintError) -> FetchedPage {
        guard Target(url) != nil else {
            throw OffprintError(.fetch, path: url, "only http and https URLs are fetched")
        }
        let spec = HTTPRequestSpec(url: url, accept: types.acceptHeader, subject: "page")
        let (outcome, _, _) = await fetch(spec) { head -> MemorySink in
            if let type = head.mediaType, !types.accepts(type) {
                throw OffprintError(.fetch, "the server sent \(type), not \(types.noun) (HTTP \(head.status), Content-Type \(head.contentType ?? type.value)); check the URL")
            }
            return MemorySink()
        }
        switch outcome {
        case .fetched(let f):
            if f.head.mediaType == nil, !Self.looksLikeMarkup(f.body) {
                let sent = f.head.contentType.map { "a Content-Type that is not a media type (\($0))" } ?? "no Content-Type"
                throw OffprintError(.fetch, path: url, "the server sent \(sent) and the body does not look like \(types.noun); check the URL",
                                    kind: .httpStatus(f.head.status))
            }
            return FetchedPage(requestedURL: url, finalURL: f.head.url, bytes: f.body, contentType: f.head.contentType,
                               mediaType: f.head.mediaType, charset: f.head.charset,
                               etag: f.head.header("ETag"), lastModified: f.head.header("Last-Modified"))
        case .notModified:
            throw OffprintError(.fetch, path: url, "the server answered 304 Not Modified to an unconditional request", kind: .httpStatus(304))
        case .failed(let failure):
            var kind = OffprintError.Kind.other
            if case .status(let code) = failure.kind { kind = .httpStatus(code) }
            throw OffprintError(.fetch, path: url, failure.message, kind: kind, underlying: failure)
        }
    }

    /// Starts (after a BOM and blanks) with `<` or front matter: markup or a post.
    static func looksLikeMarkup(_ bytes: [UInt8]) -> Bool {
        var i = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        guard i < bytes.count else { return false }
        if bytes[i] == UInt8(ascii: "<") { return true }
        return bytes[i...].starts(with: Array("---".utf8)) || bytes[i...].starts(with: Array("+++".utf8))
    }
}
