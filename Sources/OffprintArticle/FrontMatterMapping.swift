import OffprintSupport

/// Which front matter keys mean what (Hexo, Jekyll, Hugo and the RSS-to-blog pipelines that
/// feed them). Matching is case-insensitive; the first key present wins.
public enum FrontMatterKeys {
    public static let title = ["title"]
    public static let author = ["author", "authors"]
    public static let date = ["date", "published", "pubdate", "publishdate", "publish_date", "created"]
    public static let language = ["lang", "language", "locale"]
    public static let categories = ["categories", "category"]
    public static let tags = ["tags", "tag", "keywords"]
    /// Keys holding the cover image URL.
    public static let cover = ["headimg", "cover", "image", "thumbnail", "featured_image", "feature_image",
                               "cover_image", "banner", "images", "og_image"]
    /// Keys holding the article's own (canonical) URL.
    public static let source = ["link", "url", "permalink", "source", "source_url", "original_url", "canonical_url", "canonicalurl"]
    public static let summary = ["description", "summary", "excerpt", "abstract"]
    public static let siteName = ["site", "site_name", "sitename"]

    /// Keys whose values are URLs (cover and source keys): clean-up unwraps and resolves them.
    public static var urlKeys: [String] { cover + source }

    /// The first entry whose key is one of `names` (case-insensitively).
    static func first(_ names: [String], in fm: FrontMatter) -> (key: String, value: FrontMatter.Value)? {
        for n in names {
            if let e = fm.entries.first(where: { matches($0.key, n) }) { return e }
        }
        return nil
    }

    /// `key.lowercased() == name` for a lower-case ASCII `name`, without lower-casing ASCII
    /// keys into new strings (front matter can have hundreds of thousands of keys).
    static func matches(_ key: String, _ name: String) -> Bool {
        var k = key.utf8.makeIterator(), n = name.utf8.makeIterator()
        while true {
            switch (k.next(), n.next()) {
            case (nil, nil): return true
            case let (kb?, nb?):
                if kb >= 0x80 { return key.lowercased() == name }
                if (kb >= 0x41 && kb <= 0x5A ? kb + 32 : kb) != nb { return false }
            case (let kb?, nil):
                return kb >= 0x80 && key.lowercased() == name
            default:
                return false
            }
        }
    }
}

enum FrontMatterMapping {
    /// Fills the article's metadata from its front matter.
    static func apply(_ fm: FrontMatter, to article: inout Article) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        article.title = FrontMatterKeys.first(FrontMatterKeys.title, in: fm).flatMap { text($0.value) }
        if let a = FrontMatterKeys.first(FrontMatterKeys.author, in: fm) { article.authors = list(a.value) }
        if let d = FrontMatterKeys.first(FrontMatterKeys.date, in: fm.entries.contains(where: { if case .bool = $0.value { return true } else { return false } })
                                          ? FrontMatter(format: fm.format, entries: fm.entries.filter { if case .bool = $0.value { return false } else { return true } }) : fm) {
            // (`published: false` is Jekyll's draft flag, not a date.)
            let raw: String?
            switch d.value {
            case let .date(original, date):
                raw = nil
                article.date = date
                if article.date == nil {
                    diags.append(Diagnostic(origin: article.origin, location: "front matter `\(d.key)`",
                                            "date `\(original)` not understood; left as written (use ISO 8601, e.g. 2021-07-14T05:08:05Z)"))
                }
            default:
                raw = text(d.value)
            }
            if let raw {
                article.date = ArticleDate(raw)
                if article.date == nil {
                    diags.append(Diagnostic(origin: article.origin, location: "front matter `\(d.key)`",
                                            "date `\(raw)` not understood; left as written (use ISO 8601, e.g. 2021-07-14T05:08:05Z)"))
                }
            }
        }
        if let l = FrontMatterKeys.first(FrontMatterKeys.language, in: fm), let raw = text(l.value) {
            article.language = LanguageTag(raw)
            if article.language == nil {
                diags.append(Diagnostic(origin: article.origin, location: "front matter `\(l.key)`",
                                        "language `\(raw)` is not a BCP 47 language tag (like en, zh-CN): ignored"))
            }
        }
        if let c = FrontMatterKeys.first(FrontMatterKeys.categories, in: fm) { article.categories = list(c.value) }
        if let t = FrontMatterKeys.first(FrontMatterKeys.tags, in: fm) { article.tags = list(t.value) }
        article.coverImage = FrontMatterKeys.first(FrontMatterKeys.cover, in: fm).flatMap { url($0.value) }
        article.sourceURL = FrontMatterKeys.first(FrontMatterKeys.source, in: fm).flatMap { url($0.value) }
        article.summary = FrontMatterKeys.first(FrontMatterKeys.summary, in: fm).flatMap { text($0.value) }
        article.siteName = FrontMatterKeys.first(FrontMatterKeys.siteName, in: fm).flatMap { text($0.value) }
        return diags
    }

    /// A scalar as text (nil for null, empty strings, lists and tables; a table's `name`).
    static func text(_ v: FrontMatter.Value) -> String? {
        switch v {
        case .null: return nil
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d): return String(d)
        case let .string(s):
            let t = s.trimmingSpaces
            return t.isEmpty ? nil : t
        case let .date(original, _): return original
        case .array: return nil
        case let .table(pairs):
            return pairs.first { $0.0.lowercased() == "name" }.flatMap { text($0.1) }
        }
    }

    /// A string or a list of strings (nested lists flattened, tables by their `name`).
    static func list(_ v: FrontMatter.Value) -> [String] {
        var out: [String] = []
        var stack = [v]
        while let x = stack.popLast() {
            if case let .array(items) = x { stack.append(contentsOf: items.reversed()) }
            else if let t = text(x) { out.append(t) }
        }
        return out
    }

    /// A URL from a string, the first of a list, or a table's `url`/`src`/`image`/`path`.
    static func url(_ v: FrontMatter.Value) -> String? {
        switch v {
        case let .string(s):
            let t = s.trimmingSpaces
            return t.isEmpty ? nil : t
        case let .array(items):
            for i in items { if let u = url(i) { return u } }
            return nil
        case let .table(pairs):
            for k in ["url", "src", "image", "path", "href"] {
                if let p = pairs.first(where: { $0.0.lowercased() == k }), let u = url(p.1) { return u }
            }
            return nil
        default:
            return nil
        }
    }
}

extension Article {
    /// The front matter to write in front of the converted article.
    ///
    /// For a post: its own front matter, keys and order kept, with `date` written as ISO 8601
    /// and the cover image keys that held the cover (`headimg`, `thumbnail`, … with the same
    /// URL) set to `coverImage` — the cleaned URL, or whatever the caller put there (a local
    /// image path, say). Other URL keys keep their (cleaned) values.
    ///
    /// For a page without front matter: one built from the metadata — `title`, `author`
    /// (a string, or a list for several), `date`, `lang`, `source`, `cover`, `description`,
    /// `categories`, `tags` — leaving out what is unknown.
    public func outputFrontMatter() -> FrontMatter {
        guard var fm = frontMatter else { return builtFrontMatter() }
        if let d = FrontMatterKeys.first(FrontMatterKeys.date, in: fm), let date,
           let i = fm.entries.firstIndex(where: { $0.key == d.key }) {
            fm.entries[i].value = .date(original: date.iso8601, date: date)
        }
        if let cover = coverImage, let c = FrontMatterKeys.first(FrontMatterKeys.cover, in: fm) {
            let held = FrontMatterMapping.url(c.value)
            for i in fm.entries.indices where FrontMatterKeys.cover.contains(fm.entries[i].key.lowercased()) {
                let v = fm.entries[i].value
                guard FrontMatterMapping.url(v) == held else { continue }
                if case .string = v { fm.entries[i].value = .string(cover) }
                else if case let .array(items) = v, !items.isEmpty { fm.entries[i].value = .array([.string(cover)] + items.dropFirst()) }
            }
        }
        return fm
    }

    private func builtFrontMatter() -> FrontMatter {
        var fm = FrontMatter(format: .yaml)
        if let t = title, !t.isEmpty { fm["title"] = .string(t) }
        if authors.count == 1 { fm["author"] = .string(authors[0]) }
        else if authors.count > 1 { fm["author"] = .array(authors.map { .string($0) }) }
        if let d = date { fm["date"] = .date(original: d.iso8601, date: d) }
        if let l = language { fm["lang"] = .string(l.value) }
        if direction == .rtl { fm["dir"] = .string("rtl") }
        if let s = sourceURL { fm["source"] = .string(s) }
        if let c = coverImage { fm["cover"] = .string(c) }
        if let s = summary, !s.isEmpty { fm["description"] = .string(s) }
        if !categories.isEmpty { fm["categories"] = .array(categories.map { .string($0) }) }
        if !tags.isEmpty { fm["tags"] = .array(tags.map { .string($0) }) }
        return fm
    }
}
