import Foundation
import OffprintDocument
import OffprintSupport

/// One article: its metadata and its content as a document tree.
///
/// Loaders (`ArticleLoader`) fill it from a post with front matter or from an HTML page;
/// clean-up passes edit `document`; the Markdown writer and the EPUB builder read it. The
/// metadata's fields read as the article's own (`article.title`).
@dynamicMemberLookup
public struct Article: Sendable {
    /// Title, authors, date, language, sources…: everything but the content.
    public var metadata: ArticleMetadata
    /// The content. For posts, the body HTML parsed as a document; for pages, the page.
    public var document: Document
    /// The element holding the article body inside `document` (usually `<body>`).
    public var content: Document.NodeID

    public init(origin: String, document: Document, content: Document.NodeID? = nil) {
        self.init(metadata: ArticleMetadata(origin: origin), document: document, content: content)
    }

    public init(metadata: ArticleMetadata, document: Document, content: Document.NodeID? = nil) {
        self.metadata = metadata
        self.document = document
        self.content = content ?? document.body ?? document.root
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<ArticleMetadata, T>) -> T {
        get { metadata[keyPath: path] }
        set { metadata[keyPath: path] = newValue }
    }

    public subscript<T>(dynamicMember path: KeyPath<ArticleMetadata, T>) -> T {
        metadata[keyPath: path]
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
