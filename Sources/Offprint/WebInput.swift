import Foundation
import OffprintArticle
import OffprintFeeds
import OffprintSupport
import OffprintHTTP

/// Pages given by URL (`offprint export https://…`, `offprint bundle https://… …`):
/// fetched through the process's HTTP client (its User-Agent, timeouts, proxies and
/// breaker), loaded as if saved, with relative links resolving against the final URL.
public enum WebInput {
    /// `http://` or `https://` (any case): fetched, not read from disk.
    public static func isURL(_ input: String) -> Bool { WebURL.isHTTP(input) }

    /// `ftp://…`, `file://…`: an input that is a URL of a scheme that is not fetched.
    public static func unsupportedScheme(_ input: String) -> String? {
        guard !isURL(input), let r = input.range(of: "://") else { return nil }
        let scheme = input[..<r.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return nil }
        return String(scheme)
    }

    /// Fetches the page at `url`; returns its bytes and `load` pointed at it: the final
    /// URL (after redirects) as the article's source and base, the `Content-Type` charset
    /// as the transport charset.
    public static func fetch(_ url: String, http: HTTPFetcher, load: LoadOptions) async throws -> (bytes: [UInt8], load: LoadOptions) {
        let page: FetchedPage
        do {
            page = try await http.fetchPage(url, types: .html)
        } catch {
            throw OffprintError(.fetch, path: url, "cannot fetch the page: \(error.message)", kind: error.kind, underlying: error)
        }
        return (page.bytes, pageLoad(page, load))
    }

    /// `load` pointed at a fetched page: its final URL as source and base, its `Content-Type`
    /// charset as the transport charset, a Markdown media type read as a post.
    static func pageLoad(_ page: FetchedPage, _ load: LoadOptions) -> LoadOptions {
        var load = load
        load.sourceURL = page.finalURL
        load.transportCharset = page.charset
        if page.mediaType == .markdown || page.mediaType == .xMarkdown { load.format = .post }
        return load
    }

    /// What a URL input turned out to be, fetched once.
    public enum Fetched: Sendable {
        /// A page: its bytes and `load` pointed at it (as `fetch` gives).
        case page(bytes: [UInt8], load: LoadOptions)
        /// A feed (one), or the feeds an OPML list names.
        case feeds([FeedSource])
    }

    /// Pages and feeds: what a URL input may be.
    public static let pageOrFeed = PageTypes(
        accepted: PageTypes.html.accepted + PageTypes.feed.accepted.filter { !PageTypes.html.accepted.contains($0) },
        acceptHeader: "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json;q=0.9,application/xml;q=0.8,text/xml;q=0.8,text/markdown;q=0.8,*/*;q=0.1",
        noun: "an HTML page or a feed")

    /// Fetches `url` once and sniffs it (`FeedReader.sniff`): RSS, Atom and JSON Feed go to
    /// the feed reader, an OPML list stands for its feeds, anything else is a page loaded
    /// as `fetch` loads it.
    public static func fetchPageOrFeed(_ url: String, http: HTTPFetcher, load: LoadOptions) async throws -> Fetched {
        let page: FetchedPage
        do {
            page = try await http.fetchPage(url, types: pageOrFeed)
        } catch {
            throw OffprintError(.fetch, path: url, "cannot fetch the page: \(error.message)", kind: error.kind, underlying: error)
        }
        switch FeedReader.sniff(page.bytes) {
        case .xmlFeed?, .jsonFeed?:
            return .feeds([.fetched(url: url, page: WebPage(bytes: page.bytes, url: page.finalURL, charset: page.charset))])
        case .opml?:
            let subs: [OPML.Subscription]
            do { subs = try OPML.subscriptions(page.bytes, origin: url) } catch {
                throw OffprintError(.feed, "reading OPML \(error)", underlying: error)
            }
            return .feeds(subs.compactMap { s in
                WebURL.absolute(s.url, against: page.finalURL).flatMap { WebURL.isHTTP($0) ? .url($0) : nil }
            })
        case nil:
            if let type = page.mediaType, !PageTypes.html.accepts(type) {
                throw OffprintError(.fetch, path: url, "the server sent \(type) that is not a feed (RSS, Atom, JSON Feed, OPML) nor an HTML page; check the URL")
            }
            return .page(bytes: page.bytes, load: pageLoad(page, load))
        }
    }

    /// A file name stem for a URL input: the last path segment without its extension
    /// (`…/2021/my-post.html` → `my-post`, `…/my-post/` → `my-post`), else the host.
    public static func outputStem(for url: String) -> String {
        guard let c = URLComponents(string: url) else { return "page" }
        let segments = c.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        var stem = ""
        for seg in segments.reversed() {
            var s = seg
            if let dot = s.lastIndex(of: "."), dot > s.startIndex {
                let ext = s[s.index(after: dot)...].lowercased()
                if ["html", "htm", "xhtml", "php", "asp", "aspx", "jsp", "shtml", "md", "cgi"].contains(ext) { s = String(s[..<dot]) }
            }
            if !s.isEmpty, !["index", "default"].contains(s.lowercased()) {
                stem = s
                break
            }
        }
        if stem.isEmpty { stem = c.host ?? "page" }
        return stem
    }
}

/// The feeds' page fetcher (`PageFetcher`) on the HTTP client: feeds and entries' pages
/// fetched with its User-Agent, timeouts, retries, caps, proxies and breaker.
public struct HTTPPageFetcher: PageFetcher {
    public let http: HTTPFetcher

    public init(_ http: HTTPFetcher) {
        self.http = http
    }

    public func fetch(_ url: String) async throws -> WebPage {
        do {
            let page = try await http.fetchPage(url, types: WebInput.pageOrFeed)
            return WebPage(bytes: page.bytes, url: page.finalURL, charset: page.charset)
        } catch {
            throw OffprintError(.fetch, error.message, kind: error.kind, underlying: error)  // the URL is said by the caller
        }
    }
}
