import Foundation
import OffprintDocument
import OffprintSupport

/// One article: its metadata and its content as a document tree.
///
/// Loaders (`ArticleLoader`) fill it from a post with front matter or from an HTML page;
/// clean-up passes edit `document`; the Markdown writer and the EPUB builder read it.
public struct Article: Sendable {
    /// Where the article came from (a file path, or "-" for standard input), for messages.
    public var origin: String
    public var title: String?
    public var authors: [String]
    /// The publication date, read once (`ArticleDate`: ISO 8601, the day, the instant).
    public var date: ArticleDate?
    /// The language (`zh-CN`, `en`), when known: from front matter, the page's `<html lang>`,
    /// its metadata, or the feed.
    public var language: LanguageTag?
    /// The writing direction the page declares (`dir`), when it declares one.
    public var direction: TextDirection?
    public var categories: [String]
    public var tags: [String]
    public var summary: String?
    public var siteName: String?
    /// The cover / lead image URL (absolute, unwrapped from proxies once cleaned).
    public var coverImage: String?
    /// The article's canonical URL, when known.
    public var sourceURL: String?
    /// The URL relative links resolve against (`<base href>`, the source URL, or `--base-url`).
    public var baseURL: String?
    /// The front matter as read (all keys, in order), when the input had one.
    public var frontMatter: FrontMatter?
    /// The group the article is listed under in a book's table of contents (a feed's
    /// title when several feeds make one book). Nil: listed at the top level.
    public var section: String?
    /// The content. For posts, the body HTML parsed as a document; for pages, the page.
    public var document: Document
    /// The element holding the article body inside `document` (usually `<body>`).
    public var content: Document.NodeID

    public init(origin: String, document: Document, content: Document.NodeID? = nil) {
        self.origin = origin
        self.title = nil
        self.authors = []
        self.date = nil
        self.language = nil
        self.direction = nil
        self.categories = []
        self.tags = []
        self.summary = nil
        self.siteName = nil
        self.coverImage = nil
        self.sourceURL = nil
        self.baseURL = nil
        self.frontMatter = nil
        self.section = nil
        self.document = document
        self.content = content ?? document.body ?? document.root
    }
}

/// Front matter keys and values, in their original order, as YAML or TOML gave them.
public struct FrontMatter: Sendable, Equatable {
    public enum Format: String, Sendable { case yaml, toml }

    public indirect enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(String)
        /// A date or timestamp (kept as written, and read when it could be).
        case date(original: String, date: ArticleDate?)
        case array([Value])
        case table([(String, Value)])

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.null, .null): return true
            case let (.bool(x), .bool(y)): return x == y
            case let (.int(x), .int(y)): return x == y
            case let (.double(x), .double(y)): return x == y
            case let (.string(x), .string(y)): return x == y
            case let (.date(x1, x2), .date(y1, y2)): return x1 == y1 && x2 == y2
            case let (.array(x), .array(y)): return x == y
            case let (.table(x), .table(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }
    }

    public var format: Format
    public var entries: [(key: String, value: Value)]

    public init(format: Format, entries: [(key: String, value: Value)] = []) {
        self.format = format
        self.entries = entries
    }

    public subscript(key: String) -> Value? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let v = newValue { entries[i].value = v } else { entries.remove(at: i) }
            } else if let v = newValue {
                entries.append((key, v))
            }
        }
    }

    public static func == (a: FrontMatter, b: FrontMatter) -> Bool {
        a.format == b.format && a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
