import Foundation
import OffprintSupport
import OffprintArticle
import OffprintDocument

/// When an entry's page is fetched and extracted instead of using the feed's text
/// (`--fetch-entries`).
public enum FetchPolicy: String, Sendable, CaseIterable {
    /// Every entry with a link.
    case always
    /// Never: the feed's content, else its summary.
    case never
    /// Entries without content, with a short summary only, or whose text looks cut
    /// ("…", "Read more", "[…]").
    case auto
}

/// A page fetched for an entry: its bytes, the URL it came from after redirects, and the
/// HTTP `Content-Type` when there was one.
public struct WebPage: Sendable, Equatable {
    public var bytes: [UInt8]
    public var url: String
    /// The `charset` parameter of the response's `Content-Type` (`gb2312`), as sent.
    public var charset: String?
    public init(bytes: [UInt8], url: String, charset: String? = nil) {
        self.bytes = bytes
        self.url = url
        self.charset = charset
    }
}

/// The seam to the network: fetches an http(s) URL (a feed, or an entry's page).
/// `HTTPPageFetcher` (in `Offprint`) is the one on the HTTP client; without one, only local
/// feeds and local pages are read.
public protocol PageFetcher: Sendable {
    func fetch(_ url: String) async throws -> WebPage
}

/// Where an entry's link points.
public enum EntryLink: Sendable, Equatable {
    /// A web page (absolute http(s) URL).
    case web(String)
    /// A saved page next to the feed file (a relative path or a `file:` URL that exists).
    case local(String)
}

/// Feed entries → articles.
public enum FeedArticles {
    /// The entry's link, resolved: a local file next to the feed (relative path or `file:`
    /// URL naming an existing file), else an absolute web URL against the feed's link.
    public static func link(of entry: FeedEntry, feedFile: String?, feedURL: String?, info: FeedInfo) -> EntryLink? {
        guard let raw = entry.link?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
        if raw.lowercased().hasPrefix("file:"), let u = URL(string: raw), u.isFileURL {
            return FileManager.default.fileExists(atPath: u.path) ? .local(u.path) : nil
        }
        if !WebURL.isAbsolute(raw), let f = feedFile {
            let path = raw.split(separator: "#").first.map(String.init) ?? raw
            let candidate = URL(fileURLWithPath: f).deletingLastPathComponent().appendingPathComponent(path.removingPercentEncoding ?? path).standardizedFileURL.path
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue { return .local(candidate) }
        }
        let resolved = WebURL.resolve(raw, against: feedURL ?? info.link)
        return WebURL.isHTTP(resolved) ? .web(resolved) : nil
    }

    /// Whether the entry's page should be fetched under `policy`.
    public static func wantsFetch(_ entry: FeedEntry, policy: FetchPolicy) -> Bool {
        switch policy {
        case .always: return true
        case .never: return false
        case .auto:
            if let c = entry.content, !c.isEmpty {
                return looksTruncated(c)
            }
            guard let s = entry.summary, !s.isEmpty else { return true }
            return looksTruncated(s) || HTMLParser.plainText(s).count < 500
        }
    }

    nonisolated(unsafe) private static let cut = try! Regex(#"(…|\.\.\.|\[…\]|\[\.\.\.\]|\[&hellip;\]|read more|continue reading|read the full|阅读全文|阅读更多|查看全文|続きを読む)\W{0,12}$"#).ignoresCase()

    /// The text ends like an excerpt: an ellipsis, "[…]", "Read more", "Continue reading".
    public static func looksTruncated(_ html: String) -> Bool {
        let text = HTMLParser.plainText(html)
        let tail = String(text.suffix(40))
        return tail.firstMatch(of: cut) != nil
    }

    /// The article for an entry from the feed's own HTML (content, else summary). Images
    /// enclosed but not shown in the text lead the article. The article's title, link,
    /// authors, date, categories, language and site come from the entry and the feed.
    public static func article(_ entry: FeedEntry, info: FeedInfo, link: EntryLink?, origin: String) -> Article {
        var html = entry.content ?? entry.summary ?? ""
        let lead = entry.images.filter { !html.contains($0) }
        if !lead.isEmpty {
            html = lead.map { "<figure><img src=\"\(XNode.escape($0, quote: true))\" alt=\"\"></figure>" }.joined() + "\n" + html
        }
        var article = Article(origin: origin, document: HTMLParser.parse(html))
        apply(entry, info: info, link: link, to: &article.metadata)
        return article
    }

    /// Fills an article's metadata from the entry where the article (a fetched page, say)
    /// has none: the feed's title, date, authors and link are the entry's.
    public static func apply(_ entry: FeedEntry, info: FeedInfo, link: EntryLink?, to article: inout ArticleMetadata) {
        if let t = entry.title, !t.isEmpty { article.title = t }
        if article.title == nil || article.title!.isEmpty {
            article.title = entry.summary.map(HTMLParser.plainText).map { String($0.prefix(80)) }
        }
        if !entry.authors.isEmpty { article.authors = entry.authors } else if article.authors.isEmpty { article.authors = info.authors }
        if let d = entry.date { article.date = d }
        if !entry.categories.isEmpty { article.tags = entry.categories }
        if article.language == nil { article.language = info.language }
        if article.siteName == nil { article.siteName = info.title }
        if article.summary == nil, let s = entry.summary { article.summary = HTMLParser.plainText(s) }
        if case .web(let url)? = link {
            article.sourceURL = url
            if article.baseURL == nil { article.baseURL = url }
        }
        if article.baseURL == nil, let l = info.link, WebURL.isHTTP(l) { article.baseURL = l }
    }
}
