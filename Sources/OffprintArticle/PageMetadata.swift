import OffprintSupport
import Foundation
import OffprintDocument

/// Metadata of an HTML page, read the way Readability.js reads it (so that results agree with
/// its test expectations), plus the sources it does not look at: more date meta names,
/// `<time datetime>`, Open Graph image and URL, `<link rel=canonical>`, `<base href>`.
///
/// Precedence, for each field:
/// - title: JSON-LD `name`/`headline` → `dc:title`, `dcterm:title`, `og:title`, `weibo:*:title`,
///   `title`, `twitter:title`, `parsely-title` metas → `<title>` with site-name separators
///   taken off (Readability's heuristics).
/// - byline: JSON-LD `author` names → `dc:creator`, `dcterm:creator`, `author`,
///   `parsely-author`, `article:author` (not a URL) → an element in the body marked as the
///   byline (`rel=author`, `itemprop=author`, class/id `byline`, `author`, …).
/// - published time: JSON-LD `datePublished` → `article:published_time`, `parsely-pub-date`
///   → other date metas (`pubdate`, `publishdate`, `dc.date`, `sailthru.date`, …) →
///   `<time itemprop=datePublished>` / `<time pubdate>`; the first that reads as an `ArticleDate`.
struct PageMetadata {
    var title: String?
    var authors: [String] = []
    var excerpt: String?
    var siteName: String?
    var publishedTime: ArticleDate?
    var language: LanguageTag?
    var image: String?
    var url: String?
    var baseHref: String?
    var tags: [String] = []

    static func extract(from doc: Document) -> PageMetadata {
        var md = PageMetadata()
        let jsonld = JSONLD.articleMetadata(in: doc, documentTitle: { readabilityTitle(doc) })
        var values: [String: String] = [:]   // Readability's meta keys
        var extra: [String: String] = [:]    // everything else by lower-cased name/property/itemprop
        var articleTags: [String] = []
        var langMeta: String?

        for id in doc.elements(named: "meta") {
            let n = doc[id]
            guard let content = n.attribute("content")?.trimmingSpaces, !content.isEmpty else { continue }
            let name = n.attribute("name")
            let property = n.attribute("property")
            var matched = false
            if let p = property, let key = readabilityPropertyKey(p) {
                values[key] = content
                matched = true
            }
            if !matched, let nm = name, let key = readabilityNameKey(nm) {
                values[key] = content
            }
            for raw in [name, property, n.attribute("itemprop")].compactMap({ $0 }) {
                let k = raw.lowercased().trimmingSpaces
                if k == "article:tag" { articleTags.append(content) }
                if extra[k] == nil { extra[k] = content }
            }
            if n.attribute("http-equiv")?.lowercased() == "content-language" { langMeta = content }
        }

        // Title
        md.title = jsonld.title ?? values["dc:title"] ?? values["dcterm:title"] ?? values["og:title"]
            ?? values["weibo:article:title"] ?? values["weibo:webpage:title"] ?? values["title"]
            ?? values["twitter:title"] ?? values["parsely-title"]
        if md.title == nil || md.title?.isEmpty == true {
            md.title = readabilityTitle(doc)
        } else if let meta = md.title, let t = doc.firstElement(named: "title") {
            // A meta content cut short by unescaped quotes (`content="He said "no""`): the
            // <title> has the whole text.
            let full = collapseWhitespace(doc.textContent(of: t))
            if full.count > meta.count, full.hasPrefix(meta), let next = full.dropFirst(meta.count).first, next == "\"" || next == "'" {
                md.title = readabilityTitle(doc)
            }
        }
        md.title = md.title.map(unescapeEntities).flatMap { $0.isEmpty ? nil : $0 }

        // Byline
        let fromJSONLD = jsonld.authors.compactMap(Byline.clean)
        if !fromJSONLD.isEmpty {
            md.authors = fromJSONLD
        } else if let b = (values["dc:creator"] ?? values["dcterm:creator"] ?? values["author"] ?? values["parsely-author"]
                    ?? values["article:author"].flatMap({ WebURL.isAbsolute($0) ? nil : $0 })).flatMap({ Byline.clean(unescapeEntities($0)) }) {
            md.authors = [b]
        } else if let b = BylineFinder.find(in: doc).flatMap(Byline.clean) {
            md.authors = [b]
        }

        md.excerpt = (jsonld.excerpt ?? values["dc:description"] ?? values["dcterm:description"] ?? values["og:description"]
            ?? values["weibo:article:description"] ?? values["weibo:webpage:description"] ?? values["description"]
            ?? values["twitter:description"]).map(unescapeEntities)
        md.siteName = (jsonld.siteName ?? values["og:site_name"]).map(unescapeEntities)

        // Published time: the first candidate that reads as a date.
        var candidates: [String] = []
        candidates += [jsonld.datePublished, values["article:published_time"], values["parsely-pub-date"]].compactMap { $0 }
        for k in dateMetaNames { if let v = extra[k] { candidates.append(v) } }
        candidates += timeElements(doc)
        md.publishedTime = candidates.lazy.compactMap { ArticleDate(unescapeEntities($0)) }.first ?? dateInText(doc)

        // Language: the first that is a language tag, the page's own `<html lang>` first.
        let html = doc.htmlElement.map { doc[$0] }
        let langs = [html?.attribute("lang"), html?.attribute("xml:lang"), langMeta, jsonld.language, extra["og:locale"],
                     extra["language"], extra["dc.language"]]
        md.language = langs.lazy.compactMap { $0.flatMap(LanguageTag.init) }.first

        md.image = extra["og:image"] ?? extra["og:image:url"] ?? extra["og:image:secure_url"] ?? extra["twitter:image"]
            ?? extra["twitter:image:src"] ?? jsonld.image ?? linkHref(doc, rel: "image_src")
        md.url = linkHref(doc, rel: "canonical").flatMap { WebURL.isHTTP($0) ? $0 : nil }
            ?? extra["og:url"].flatMap { WebURL.isHTTP($0) ? $0 : nil } ?? jsonld.url
        md.baseHref = doc.elements(named: "base").lazy.compactMap { doc[$0].attribute("href") }.first { !$0.trimmingSpaces.isEmpty }
        md.tags = articleTags.isEmpty ? jsonld.keywords : articleTags
        return md
    }

    /// Date meta names after the Readability ones, most specific first.
    static let dateMetaNames = [
        "datepublished", "article.published", "article:published", "og:published_time", "published_time",
        "publishdate", "publish-date", "publish_date", "pubdate", "pub_date", "publication_date",
        "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created", "dc.date", "dcterms.date",
        "sailthru.date", "article_date_original", "cxenseparse:recs:publishtime", "date", "created",
        "weibo:article:create_at", "article:modified_time", "datemodified", "og:updated_time",
    ]

    /// Readability's `property` pattern: `(article|dc|dcterm|og|twitter):(author|creator|…)`
    /// anywhere in the attribute (so `og:article:author` counts as `article:author`).
    static func readabilityPropertyKey(_ property: String) -> String? {
        // (By hand: the regular expression's compilation cost more than reading the page.)
        let b = Array(property.lowercased().utf8)
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0D) }
        func at(_ i: Int, _ word: [UInt8]) -> Bool {
            i + word.count <= b.count && b[i..<(i + word.count)].elementsEqual(word)
        }
        for start in b.indices {
            for p in propertyPrefixes where at(start, p) {
                var j = start + p.count
                while j < b.count, isSpace(b[j]) { j += 1 }
                guard j < b.count, b[j] == 0x3A else { continue }
                j += 1
                while j < b.count, isSpace(b[j]) { j += 1 }
                if let k = propertyKeys.first(where: { at(j, $0) }) {
                    return String(decoding: p, as: UTF8.self) + ":" + String(decoding: k, as: UTF8.self)
                }
            }
        }
        return nil
    }

    private static let propertyPrefixes: [[UInt8]] = ["article", "dc", "dcterm", "og", "twitter"].map { Array($0.utf8) }
    private static let propertyKeys: [[UInt8]] = ["author", "creator", "description", "published_time", "title", "site_name"].map { Array($0.utf8) }

    /// Readability's `name` pattern: an optional `dc.`, `dcterm:`, `og:`, `twitter:`, `parsely-`,
    /// `weibo:article:` prefix and one of author, creator, pub-date, description, title, site_name.
    static func readabilityNameKey(_ name: String) -> String? {
        let n = name.lowercased().filter { !$0.isWhitespace }.replacingOccurrences(of: ".", with: ":")
        let names = ["author", "creator", "pub-date", "description", "title", "site_name"]
        if names.contains(n) { return n }
        for p in ["dc", "dcterm", "og", "twitter", "parsely", "weibo:article", "weibo:webpage"] {
            for sep in [":", "-"] where n.hasPrefix(p + sep) {
                if names.contains(String(n.dropFirst(p.count + 1))) { return n }
            }
        }
        return nil
    }

    private static func linkHref(_ doc: Document, rel: String) -> String? {
        for id in doc.elements(named: "link") {
            let n = doc[id]
            guard let r = n.attribute("rel"), r.lowercased().split(separator: " ").contains(Substring(rel)),
                  let href = n.attribute("href")?.trimmingSpaces, !href.isEmpty else { continue }
            return href
        }
        return nil
    }

    /// `datetime` of `<time itemprop=datePublished>` and `<time pubdate>` elements, then of the
    /// first `<time>` in an element whose class names a publication date.
    private static func timeElements(_ doc: Document) -> [String] {
        var out: [String] = []
        for id in doc.elements(named: "time") {
            let n = doc[id]
            guard let dt = n.attribute("datetime"), !dt.isEmpty else { continue }
            if n.attribute("itemprop")?.lowercased().utf8Contains("datepublished") == true || n.hasAttribute("pubdate") {
                out.append(dt)
            }
        }
        return out
    }

    /// A date in the text of the first element marked as a date line (class or id with
    /// `time`, `date` or `publish`), for pages without date metadata (Chinese news sites put
    /// `2019-12-10 07:57:40` in a `<span class="h-time">`). Relative times (`5小时前`) are
    /// not dates.
    static func dateInText(_ doc: Document) -> ArticleDate? {
        guard let body = doc.body else { return nil }
        var found: ArticleDate?
        doc.walk(from: body) { id, _ in
            if found != nil { return .skipChildren }
            let n = doc[id]
            guard n.kind == .element else { return n.kind == .root ? .descend : .skipChildren }
            if HTMLElements.invisible.contains(n.name) || n.name == "noscript" { return .skipChildren }
            let marks = ((n.attribute("class") ?? "") + " " + (n.attribute("id") ?? "")).lowercased()
            if marks.utf8Contains("time") || marks.utf8Contains("date") || marks.utf8Contains("publish") {
                let text = doc.textContent(of: id)
                if text.count <= 200, let d = DateNormalizer.firstDate(in: text) {
                    found = d
                    return .skipChildren
                }
            }
            return .descend
        }
        return found
    }

    // MARK: Readability's title heuristics

    /// The `<title>` text with a site name taken off (`Story - Site` → `Story`), following
    /// Readability's `_getArticleTitle`.
    static func readabilityTitle(_ doc: Document) -> String? {
        guard let t = doc.firstElement(named: "title") else { return nil }
        let orig = collapseWhitespace(doc.textContent(of: t))
        if orig.isEmpty { return nil }
        var cur = orig
        var hadHierarchical = false
        let seps: Set<Character> = ["|", "-", "\\", "/", ">", "»"]
        let hier: Set<Character> = ["\\", "/", ">", "»"]
        func hasSpacedSep(_ s: String, _ set: Set<Character>) -> Bool {
            let a = Array(s)
            guard a.count >= 3 else { return false }
            for i in 1..<(a.count - 1) where a[i - 1] == " " && set.contains(a[i]) && a[i + 1] == " " { return true }
            return false
        }
        if hasSpacedSep(cur, seps) {
            hadHierarchical = hasSpacedSep(cur, hier)
            // Drop from the last "<sep> " on.
            let a = Array(orig)
            var cut: Int? = nil
            if a.count >= 2 { for i in stride(from: a.count - 2, through: 0, by: -1) where seps.contains(a[i]) && a[i + 1] == " " { cut = i; break } }
            cur = cut.map { String(a[..<$0]) } ?? orig
            if jsWordCount(cur) < 3 {
                // Drop up to the first separator instead.
                if let first = a.firstIndex(where: { seps.contains($0) }) { cur = String(a[(first + 1)...]) }
            }
        } else if cur.contains(": ") {
            let headings = doc.elements(named: ["h1", "h2"]).map { doc.textContent(of: $0).trimmingSpaces }
            if !headings.contains(cur.trimmingSpaces) {
                let lastColon = orig.lastIndex(of: ":")!
                cur = String(orig[orig.index(after: lastColon)...])
                if jsWordCount(cur) < 3 {
                    let firstColon = orig.firstIndex(of: ":")!
                    cur = String(orig[orig.index(after: firstColon)...])
                } else if let firstColon = orig.firstIndex(of: ":"), jsWordCount(String(orig[..<firstColon])) > 5 {
                    cur = orig
                }
            }
        } else if cur.utf16.count > 150 || cur.utf16.count < 15 {
            let h1s = doc.elements(named: "h1")
            if h1s.count == 1 { cur = collapseWhitespace(doc.textContent(of: h1s[0])) }
        }
        cur = collapseWhitespace(cur)
        let n = jsWordCount(cur)
        if n <= 4 && (!hadHierarchical || n != jsWordCount(String(orig.filter { !seps.contains($0) })) - 1) {
            cur = orig
        }
        return cur
    }

    /// JavaScript's `str.split(/\s+/).length`.
    static func jsWordCount(_ s: String) -> Int {
        var count = 1
        var inSpace = false
        for c in s {
            if c.isWhitespace {
                if !inSpace { count += 1; inSpace = true }
            } else {
                inSpace = false
            }
        }
        return count
    }

    static func collapseWhitespace(_ s: String) -> String {
        var out = ""
        var pendingSpace = false
        for c in s {
            if c.isWhitespace && c != "\u{00A0}" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" "); pendingSpace = false }
                out.append(c)
            }
        }
        return out
    }

    /// Entities left in a meta value (`&amp;`, `&#39;`, `&#x2019;`), decoded once more, as
    /// pages often escape twice.
    static func unescapeEntities(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = ""
        var rest = Substring(s)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            guard let semi = after.prefix(12).firstIndex(of: ";") else {
                out += "&"
                rest = after
                continue
            }
            let name = after[..<semi]
            var repl: String?
            switch name {
            case "quot": repl = "\""
            case "amp": repl = "&"
            case "apos": repl = "'"
            case "lt": repl = "<"
            case "gt": repl = ">"
            default:
                if name.hasPrefix("#") {
                    let num = name.dropFirst()
                    let v = num.first == "x" || num.first == "X" ? UInt32(num.dropFirst(), radix: 16) : UInt32(num)
                    if let v { repl = String(Character(Unicode.Scalar(v == 0 ? 0xFFFD : v) ?? "\u{FFFD}")) }
                }
            }
            if let r = repl {
                out += r
                rest = after[after.index(after: semi)...]
            } else {
                out += "&"
                rest = after
            }
        }
        return out + rest
    }
}

/// Readability's in-page byline detection, used when no meta names the author.
enum BylineFinder {
    static let bylineWords = ["byline", "author", "dateline", "writtenby", "p-author"]
    static let unlikely = ["-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap",
                           "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark",
                           "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental",
                           "ad-break", "agegate", "pagination", "pager", "popup", "yom-remote"]
    static let maybe = ["and", "article", "body", "column", "content", "main", "shadow"]
    static let unlikelyRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog"]

    static func find(in doc: Document) -> String? {
        guard let body = doc.body else { return nil }
        var found: String?
        doc.walk(from: body) { id, depth in
            if found != nil { return .skipChildren }
            let n = doc[id]
            guard n.kind == .element else { return .skipChildren }
            if depth == 0 { return .descend }
            if HTMLElements.invisible.contains(n.name) || n.name == "noscript" { return .skipChildren }
            if !isProbablyVisible(n) { return .skipChildren }
            let match = ((n.attribute("class") ?? "") + " " + (n.attribute("id") ?? "")).lowercased()
            let itemprop = n.attribute("itemprop")?.lowercased() ?? ""
            if n.attribute("rel") == "author" || itemprop.utf8Contains("author") || bylineWords.contains(where: { match.utf8Contains($0) }) {
                let text = doc.textContent(of: id).trimmingSpaces
                if !text.isEmpty && text.utf16.count < 100 {
                    found = text
                    return .skipChildren
                }
            }
            if n.name != "a", unlikely.contains(where: { match.utf8Contains($0) }), !maybe.contains(where: { match.utf8Contains($0) }) {
                return .skipChildren
            }
            if let role = n.attribute("role"), unlikelyRoles.contains(role) { return .skipChildren }
            return .descend
        }
        return found
    }

    static func isProbablyVisible(_ n: Document.Node) -> Bool {
        if n.hasAttribute("hidden") { return false }
        if let style = n.attribute("style")?.lowercased().filter({ !$0.isWhitespace }),
           style.utf8Contains("display:none") || style.utf8Contains("visibility:hidden") { return false }
        if n.attribute("aria-hidden") == "true", !(n.attribute("class") ?? "").utf8Contains("fallback-image") { return false }
        return true
    }
}
