import OffprintSupport
import Foundation
import OffprintArticle
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A book described in YAML: its metadata, which articles go in, in which order, and
/// per-article corrections. `offprint bundle collection.yml` reads one.
///
/// ```yaml
/// # Every key is optional except `articles`. Unknown keys are reported (and ignored).
/// title: Weekly Digest            # dc:title (else the first article's title)
/// subtitle: Issue 12
/// creators: [Ann Lee, Bo Chen]    # or one string; `creator`, `author`, `authors` also work
/// language: zh-CN                 # BCP 47 (else the articles' most common language)
/// publisher: Offprint
/// description: What happened this week.
/// date: 2022-01-31                # ISO 8601 (else the newest article date)
/// series: Weekly Digest
/// series_index: 12                # position in the series (2.5 is fine)
/// subjects: [news, tech]          # dc:subject (else the articles' categories and tags)
/// cover: images/cover.jpg         # a file (relative to this manifest) or an http(s) URL
/// identifier: urn:isbn:9780000000002   # else a UUID derived from the articles' sources
/// sort: listed                    # listed (default) | date (oldest first) | date-desc | title
/// articles:                       # files relative to this manifest; globs allowed
///   - posts/first.md
///   - file: posts/second.html     # a mapping gives per-article overrides:
///     title: A better title       #   title, author(s), date, language, source
///     author: Ann Lee
///   - posts/2022-*.md             # a glob: its matches in name order
/// ```
public struct CollectionManifest: Sendable {
    public enum Order: String, Sendable, CaseIterable {
        /// As listed (globs expanded in name order).
        case listed
        /// Oldest first; articles without a date last, in listed order.
        case date
        /// Newest first; articles without a date last, in listed order.
        case dateDescending = "date-desc"
        /// By title (Unicode code point order, case-insensitive).
        case title
    }

    /// One listed article and what to change in it once loaded.
    public struct Entry: Sendable, Equatable {
        public var file: URL
        public var title: String?
        public var authors: [String]?
        public var date: ArticleDate?
        public var language: LanguageTag?
        public var sourceURL: String?

        public init(file: URL, title: String? = nil, authors: [String]? = nil, date: ArticleDate? = nil,
                    language: LanguageTag? = nil, sourceURL: String? = nil) {
            self.file = file
            self.title = title
            self.authors = authors
            self.date = date
            self.language = language
            self.sourceURL = sourceURL
        }

        /// Applies the overrides to the article loaded from `file`.
        public func apply(to article: inout ArticleMetadata) {
            if let t = title { article.title = t }
            if let a = authors { article.authors = a }
            if let d = date { article.date = d }
            if let l = language { article.language = l }
            if let s = sourceURL { article.sourceURL = s; if article.baseURL == nil { article.baseURL = s } }
        }
    }

    public var metadata: BookMetadata
    public var entries: [Entry]
    public var order: Order
    /// The manifest file (for messages).
    public var origin: String
    /// Unknown keys and other things worth a warning.
    public var diagnostics: [Diagnostic]

    static let bookKeys: Set<String> = [
        "title", "subtitle", "creators", "creator", "author", "authors", "language", "publisher", "description",
        "date", "series", "series_index", "series-index", "subjects", "cover", "cover_image", "cover-image",
        "identifier", "sort", "articles",
    ]
    static let entryKeys: Set<String> = ["file", "title", "author", "authors", "date", "language", "source", "source_url"]

    /// Reads the manifest at `url`; relative paths in it resolve against its folder.
    public static func load(from url: URL) throws -> CollectionManifest {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw OffprintError(.epub, path: url.path, "cannot read the collection manifest", hint: "check the path")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw OffprintError(.epub, path: url.path, "not UTF-8 text; save the manifest as UTF-8")
        }
        return try CollectionManifest(yaml: text, baseDirectory: url.deletingLastPathComponent(), origin: url.path)
    }

    /// Parses manifest text. Files listed must exist (a missing one is an error naming it).
    public init(yaml: String, baseDirectory: URL, origin: String = "collection.yml") throws {
        self.origin = origin
        diagnostics = []
        entries = []
        order = .listed
        metadata = BookMetadata(title: "")
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw OffprintError(.epub, path: origin, "not valid YAML: \(error)", underlying: error)
        }
        guard let map = root?.mapping else {
            throw OffprintError(.epub, path: origin, "expected key: value lines (title:, articles:, …) at the top level")
        }
        var sawArticles = false
        for (k, v) in map {
            guard let key = k.scalar?.string else { continue }
            let here = Self.location(key, v)
            switch key {
            case "title": metadata.title = try Self.string(v, key, origin) ?? ""
            case "subtitle": metadata.subtitle = try Self.string(v, key, origin)
            case "creators", "creator", "author", "authors": metadata.creators = try Self.strings(v, key, origin)
            case "language": metadata.language = try Self.language(v, key, origin)
            case "publisher": metadata.publisher = try Self.string(v, key, origin)
            case "description": metadata.description = try Self.string(v, key, origin)
            case "date": metadata.date = try Self.date(v, key, origin)
            case "series": metadata.series = try Self.string(v, key, origin)
            case "series_index", "series-index":
                guard let s = try Self.string(v, key, origin), let d = Double(s) else {
                    throw OffprintError(.epub, path: origin, line: v.mark?.line, "\(key) must be a number (like 2 or 2.5)")
                }
                metadata.seriesIndex = d
            case "subjects": metadata.subjects = try Self.strings(v, key, origin)
            case "cover", "cover_image", "cover-image":
                if let c = try Self.string(v, key, origin), !c.isEmpty {
                    if let sch = WebURL.scheme(of: c), sch == "http" || sch == "https" || sch == "file" {
                        metadata.coverImage = c
                    } else {
                        let path = c.hasPrefix("/") ? c : baseDirectory.appendingPathComponent(c).path
                        guard FileManager.default.fileExists(atPath: path) else {
                            throw OffprintError(.epub, path: origin, line: v.mark?.line, "\(key): the image \(path) does not exist")
                        }
                        metadata.coverImage = path
                    }
                }
            case "identifier": metadata.identifier = try Self.string(v, key, origin)
            case "sort":
                let s = (try Self.string(v, key, origin) ?? "listed").lowercased()
                guard let o = Order(rawValue: s) else {
                    throw OffprintError(.epub, path: origin, line: v.mark?.line, "sort must be one of \(Order.allCases.map(\.rawValue).joined(separator: ", ")), not \(s)")
                }
                order = o
            case "articles":
                sawArticles = true
                entries = try Self.entries(v, baseDirectory: baseDirectory, origin: origin, diagnostics: &diagnostics)
            default:
                diagnostics.append(Diagnostic(origin: origin, location: here,
                                              "unknown key \"\(key)\", ignored (known keys: \(Self.bookKeys.sorted().joined(separator: ", ")))"))
            }
        }
        guard sawArticles, !entries.isEmpty else {
            throw OffprintError(.epub, path: origin, "no articles: list the files under `articles:`")
        }
        if metadata.title.trimmed.isEmpty {
            diagnostics.append(Diagnostic(origin: origin, location: "title", "no title: the book takes the first article's"))
        }
    }

    /// `articles` (loaded from `entries`, in that order) with the overrides applied, sorted by `order`.
    public func arrange(_ articles: [Article]) -> [Article] {
        var out = articles
        for i in out.indices where i < entries.count { entries[i].apply(to: &out[i].metadata) }
        return Self.sorted(out, by: order)
    }

    /// `articles` in `order` (stable: equal keys keep their given order).
    public static func sorted(_ articles: [Article], by order: Order) -> [Article] {
        sorted(articles, by: order, article: \.metadata)
    }

    /// Anything that has an article's metadata (`StoredArticle`s, say) in `order`, the same way.
    public static func sorted<T>(_ items: [T], by order: Order, article: (T) -> ArticleMetadata) -> [T] {
        switch order {
        case .listed:
            return items
        case .date, .dateDescending:
            let keyed = items.enumerated().map { (i: $0.offset, a: $0.element, d: article($0.element).date) }
            return keyed.sorted { x, y in
                switch (x.d, y.d) {
                case let (a?, b?): return a != b ? (order == .date ? a < b : a > b) : x.i < y.i
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return x.i < y.i
                }
            }.map(\.a)
        case .title:
            let keyed = items.enumerated().map { (i: $0.offset, a: $0.element, t: (article($0.element).title ?? "").lowercased()) }
            return keyed.sorted { $0.t != $1.t ? $0.t < $1.t : $0.i < $1.i }.map(\.a)
        }
    }

    // MARK: Reading values

    static func location(_ key: String, _ node: Node) -> String {
        if let m = node.mark { return "\(key) (line \(m.line))" }
        return key
    }

    static func string(_ node: Node, _ key: String, _ origin: String) throws -> String? {
        guard let s = node.scalar?.string else {
            throw OffprintError(.epub, path: origin, line: node.mark?.line, "\(key): expected a single value, not a list or mapping")
        }
        let t = s.trimmed
        return t.isEmpty ? nil : t
    }

    /// A date (`2022-01-31`, `2022-01-31T09:30:00Z`, any form `ArticleDate` reads; a year or
    /// a month alone too), or an error naming the line.
    static func date(_ node: Node, _ key: String, _ origin: String) throws -> ArticleDate? {
        guard let s = try string(node, key, origin) else { return nil }
        guard let d = ArticleDate(s, allowingYearOrMonth: true) else {
            throw OffprintError(.epub, path: origin, line: node.mark?.line, "\(key): \"\(s)\" is not a date (write it like 2022-01-31 or 2022-01-31T09:30:00Z)")
        }
        return d
    }

    /// A BCP 47 language tag, or an error naming the line.
    static func language(_ node: Node, _ key: String, _ origin: String) throws -> LanguageTag? {
        guard let s = try string(node, key, origin) else { return nil }
        guard let l = LanguageTag(s) else {
            throw OffprintError(.epub, path: origin, line: node.mark?.line, "\(key): \"\(s)\" is not a BCP 47 language tag (like en, en-GB, zh-Hant)")
        }
        return l
    }

    static func strings(_ node: Node, _ key: String, _ origin: String) throws -> [String] {
        if let seq = node.sequence {
            return try seq.compactMap { try string($0, key, origin) }
        }
        return try string(node, key, origin).map { [$0] } ?? []
    }

    static func entries(_ node: Node, baseDirectory: URL, origin: String, diagnostics: inout [Diagnostic]) throws -> [Entry] {
        let items: [Node]
        if let seq = node.sequence { items = Array(seq) } else { items = [node] }
        var out: [Entry] = []
        for item in items {
            var entry = Entry(file: baseDirectory)
            let pattern: String
            if let map = item.mapping {
                var file: String?
                for (k, v) in map {
                    guard let key = k.scalar?.string else { continue }
                    switch key {
                    case "file": file = try string(v, key, origin)
                    case "title": entry.title = try string(v, key, origin)
                    case "author", "authors": entry.authors = try strings(v, key, origin)
                    case "date": entry.date = try date(v, key, origin)
                    case "language": entry.language = try language(v, key, origin)
                    case "source", "source_url": entry.sourceURL = try string(v, key, origin)
                    default:
                        diagnostics.append(Diagnostic(origin: origin, location: "articles: \(location(key, v))",
                                                      "unknown key \"\(key)\" in an article entry, ignored (known keys: \(entryKeys.sorted().joined(separator: ", ")))"))
                    }
                }
                guard let f = file else {
                    throw OffprintError(.epub, path: origin, line: item.mark?.line, "articles: an entry without `file:`")
                }
                pattern = f
            } else if let f = try string(item, "articles", origin) {
                pattern = f
            } else {
                continue
            }
            let path = pattern.hasPrefix("/") ? pattern : baseDirectory.appendingPathComponent(pattern).path
            if pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                let matches = expandGlob(path)
                guard !matches.isEmpty else {
                    throw OffprintError(.epub, path: origin, "articles: \(pattern) matches no file in \(baseDirectory.path)")
                }
                for m in matches {
                    var e = entry
                    e.file = URL(fileURLWithPath: m)
                    out.append(e)
                }
            } else {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw OffprintError(.epub, path: origin, "articles: \(pattern) does not exist (looked for \(path))")
                }
                entry.file = URL(fileURLWithPath: path)
                out.append(entry)
            }
        }
        return out
    }

    /// Files matching a shell pattern, in name order.
    static func expandGlob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }.sorted()
    }
}
