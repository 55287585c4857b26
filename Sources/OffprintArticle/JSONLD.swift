import OffprintSupport
import Foundation
import OffprintDocument

/// Article metadata from `<script type="application/ld+json">` (schema.org `Article`,
/// `NewsArticle`, `BlogPosting`, … at the top level, in a top-level array, or in `@graph`).
/// The first script holding an article wins, as in Readability.
enum JSONLD {
    struct Metadata {
        var title: String?
        var authors: [String] = []
        var excerpt: String?
        var siteName: String?
        var datePublished: String?
        var image: String?
        var language: String?
        var url: String?
        var keywords: [String] = []
    }

    static func articleMetadata(in doc: Document, documentTitle: () -> String?) -> Metadata {
        for id in doc.elements(named: "script") {
            guard let type = doc[id].attribute("type")?.lowercased().trimmingSpaces, type == "application/ld+json" else { continue }
            var text = doc.textContent(of: id).trimmingSpaces
            for marker in ["<![CDATA[", "<!--"] where text.hasPrefix(marker) { text = String(text.dropFirst(marker.count)) }
            for marker in ["]]>", "-->"] where text.hasSuffix(marker) { text = String(text.dropLast(marker.count)) }
            guard let data = text.data(using: .utf8),
                  let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { continue }
            if let article = findArticle(json) {
                return metadata(article, documentTitle: documentTitle)
            }
        }
        return Metadata()
    }

    private static func isSchemaOrg(_ context: Any?) -> Bool {
        switch context {
        case let s as String: return s.lowercased().contains("schema.org")
        case let a as [Any]: return a.contains { isSchemaOrg($0) }
        case let d as [String: Any]: return isSchemaOrg(d["@vocab"])
        default: return false
        }
    }

    static func isArticleType(_ type: Any?) -> Bool {
        switch type {
        case let s as String:
            let t = WebURL.isAbsolute(s) ? String(s.split(separator: "/").last ?? "") : s
            return articleTypes.contains(t) || t.hasSuffix("Article") || t.hasSuffix("Posting")
        case let a as [Any]:
            return a.contains { isArticleType($0) }
        default:
            return false
        }
    }

    static let articleTypes: Set<String> = [
        "Article", "AdvertiserContentArticle", "NewsArticle", "AnalysisNewsArticle", "AskPublicNewsArticle",
        "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "Report",
        "SatiricalArticle", "ScholarlyArticle", "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting",
        "LiveBlogPosting", "DiscussionForumPosting", "TechArticle", "APIReference",
    ]

    /// The article object in a parsed script: the top level, an item of a top-level array, or
    /// an item of `@graph`. The `@context` must be schema.org (on the object or its container).
    private static func findArticle(_ json: Any) -> [String: Any]? {
        var candidates: [([String: Any], Any?)] = []
        if let obj = json as? [String: Any] {
            candidates.append((obj, obj["@context"]))
            if let graph = obj["@graph"] as? [Any] {
                for g in graph { if let o = g as? [String: Any] { candidates.append((o, o["@context"] ?? obj["@context"])) } }
            }
        } else if let arr = json as? [Any] {
            for item in arr {
                guard let o = item as? [String: Any] else { continue }
                candidates.append((o, o["@context"]))
                if let graph = o["@graph"] as? [Any] {
                    for g in graph { if let oo = g as? [String: Any] { candidates.append((oo, oo["@context"] ?? o["@context"])) } }
                }
            }
        }
        return candidates.first { isSchemaOrg($0.1) && isArticleType($0.0["@type"]) }?.0
    }

    private static func metadata(_ a: [String: Any], documentTitle: () -> String?) -> Metadata {
        var md = Metadata()
        let name = (a["name"] as? String)?.trimmingSpaces
        let headline = (a["headline"] as? String)?.trimmingSpaces
        if let name, let headline, name != headline {
            // Some sites put the site name in `name`; take the one that matches <title>.
            let title = documentTitle() ?? ""
            let nameMatches = textSimilarity(name, title) > 0.75
            let headlineMatches = textSimilarity(headline, title) > 0.75
            md.title = headlineMatches && !nameMatches ? headline : name
        } else {
            md.title = name ?? headline
        }
        if md.title?.isEmpty == true { md.title = nil }
        md.authors = names(a["author"]) + (a["author"] == nil ? names(a["creator"]) : [])
        if let d = a["description"] as? String, !d.trimmingSpaces.isEmpty { md.excerpt = d.trimmingSpaces }
        if let p = a["publisher"] as? [String: Any], let n = p["name"] as? String { md.siteName = n.trimmingSpaces }
        if let d = a["datePublished"] as? String { md.datePublished = d.trimmingSpaces }
        else if let d = a["dateCreated"] as? String { md.datePublished = d.trimmingSpaces }
        md.image = url(a["image"]) ?? url(a["thumbnailUrl"])
        if let l = a["inLanguage"] as? String { md.language = l.trimmingSpaces }
        md.url = url(a["url"]) ?? url(a["mainEntityOfPage"])
        if let u = md.url, !WebURL.isHTTP(u) { md.url = nil }
        switch a["keywords"] {
        case let s as String: md.keywords = s.split(whereSeparator: { $0 == "," || $0 == "，" }).map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        case let arr as [Any]: md.keywords = arr.compactMap { ($0 as? String)?.trimmingSpaces }.filter { !$0.isEmpty }
        default: break
        }
        return md
    }

    /// Author names from a person, a list of persons, or plain strings.
    private static func names(_ v: Any?) -> [String] {
        switch v {
        case let s as String:
            let t = s.trimmingSpaces
            return t.isEmpty || WebURL.isAbsolute(t) ? [] : [t]
        case let d as [String: Any]:
            return (d["name"] as? String).map { [$0.trimmingSpaces] }?.filter { !$0.isEmpty } ?? []
        case let arr as [Any]:
            return arr.flatMap { names($0) }
        default:
            return []
        }
    }

    /// A URL from a string, an `ImageObject`/`WebPage` (`url` or `@id`), or the first of a list.
    private static func url(_ v: Any?) -> String? {
        switch v {
        case let s as String: return s.trimmingSpaces.isEmpty ? nil : s.trimmingSpaces
        case let d as [String: Any]: return url(d["url"]) ?? url(d["@id"]) ?? url(d["contentUrl"])
        case let arr as [Any]: return arr.lazy.compactMap { url($0) }.first
        default: return nil
        }
    }

    /// Readability's `_textSimilarity`: 1 − (length of B's words not in A) / (length of B).
    static func textSimilarity(_ a: String, _ b: String) -> Double {
        func tokens(_ s: String) -> [String] {
            s.lowercased().split(whereSeparator: { c in !(c.isASCII && (c.isLetter || c.isNumber || c == "_")) }).map(String.init)
        }
        let ta = tokens(a), tb = tokens(b)
        guard !ta.isEmpty, !tb.isEmpty else { return 0 }
        let setA = Set(ta)
        let uniqB = tb.filter { !setA.contains($0) }
        return 1 - Double(uniqB.joined(separator: " ").count) / Double(tb.joined(separator: " ").count)
    }
}
