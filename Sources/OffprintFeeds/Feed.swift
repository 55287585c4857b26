import Foundation
import OffprintSupport

/// What a feed says about itself (channel / feed-level elements).
public struct FeedInfo: Sendable, Equatable {
    public enum Format: String, Sendable {
        case rss2 = "RSS 2.0"
        case rss1 = "RSS 1.0 (RDF)"
        case atom = "Atom 1.0"
        case jsonFeed = "JSON Feed"
    }

    public var format: Format
    public var title: String?
    /// The site's home page (`<link>`, Atom `link rel=alternate`, `home_page_url`).
    public var link: String?
    /// Plain text.
    public var description: String?
    /// The feed's language (`en-us` read as `en-US`); nil when it gives none or no tag.
    public var language: LanguageTag?
    public var authors: [String] = []
    /// The feed's logo or icon URL.
    public var image: String?

    public init(format: Format) { self.format = format }
}

/// One entry (RSS item, Atom entry, JSON Feed item).
public struct FeedEntry: Sendable, Equatable {
    /// `guid`, Atom `id`, JSON `id`.
    public var id: String?
    /// Plain text.
    public var title: String?
    /// The entry's page (absolute when the feed allows).
    public var link: String?
    public var authors: [String] = []
    /// Published date, else the updated date.
    public var date: ArticleDate?
    /// The date as written, when it could not be read.
    public var rawDate: String?
    /// The full content as HTML (`content:encoded`, Atom `content`, `content_html`).
    public var content: String?
    /// A summary as HTML (`description` without `content:encoded`, Atom `summary`, JSON `summary`).
    public var summary: String?
    /// Image enclosures (RSS `enclosure`, Media RSS, JSON `image` and image attachments).
    public var images: [String] = []
    public var categories: [String] = []
    /// Line of the entry's start in the feed (0 for JSON Feed).
    public var line: Int = 0

    public init() {}

    /// The key entries are deduplicated by: the id, else the link.
    public var identity: String? {
        if let id, !id.isEmpty { return "id:" + id }
        if let link, !link.isEmpty { return "link:" + link }
        return nil
    }
}

/// A parsed feed: what it says about itself and its entries, in the feed's order.
public struct Feed: Sendable {
    public var info: FeedInfo
    public var entries: [FeedEntry]
    public init(info: FeedInfo, entries: [FeedEntry]) {
        self.info = info
        self.entries = entries
    }
}

/// A feed that cannot be read: which feed, which line (0: unknown), and what.
public struct FeedError: Error, Sendable, CustomStringConvertible {
    public var origin: String
    public var line: Int
    public var message: String
    public init(origin: String, line: Int = 0, _ message: String) {
        self.origin = origin
        self.line = line
        self.message = message
    }
    public var description: String {
        "\(origin)\(line > 0 ? ":\(line)" : ""): \(message)"
    }
}
