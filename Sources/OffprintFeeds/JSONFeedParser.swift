import Foundation
import OffprintArticle
import OffprintSupport

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) with Foundation's decoder.
enum JSONFeedParser {
    struct Author: Decodable { var name: String?; var url: String? }
    struct Attachment: Decodable {
        var url: String?
        var mime_type: String?
    }
    struct Item: Decodable {
        var id: LenientString?
        var url: String?
        var external_url: String?
        var title: String?
        var content_html: String?
        var content_text: String?
        var summary: String?
        var image: String?
        var banner_image: String?
        var date_published: String?
        var date_modified: String?
        var author: Author?
        var authors: [Author]?
        var tags: [String]?
        var attachments: [Attachment]?
    }
    struct Root: Decodable {
        var version: String?
        var title: String?
        var home_page_url: String?
        var feed_url: String?
        var description: String?
        var icon: String?
        var favicon: String?
        var author: Author?
        var authors: [Author]?
        var language: String?
        var items: [Item]?
    }
    /// JSON Feed 1.0 allowed numbers as ids.
    struct LenientString: Decodable {
        var value: String
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let s = try? c.decode(String.self) { value = s }
            else if let i = try? c.decode(Int.self) { value = String(i) }
            else if let d = try? c.decode(Double.self) { value = String(d) }
            else { value = "" }
        }
    }

    static func parse(_ data: Data, origin: String) throws -> Feed {
        let root: Root
        do {
            root = try JSONDecoder().decode(Root.self, from: data)
        } catch let DecodingError.dataCorrupted(ctx) {
            // The decoder says only "not valid JSON"; JSONSerialization says where.
            var text = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String ?? ctx.debugDescription
            do { _ = try JSONSerialization.jsonObject(with: data) } catch {
                if let d = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String { text = d }
            }
            throw FeedError(origin: origin, line: line(in: text, data: data), "not valid JSON (\(text)); the feed is broken: fix it or ask its publisher")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw FeedError(origin: origin, "JSON Feed field \(ctx.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type (\(ctx.debugDescription))")
        } catch {
            throw FeedError(origin: origin, "not a JSON Feed (\(error))")
        }
        guard let v = root.version, v.contains("jsonfeed.org/version/") else {
            throw FeedError(origin: origin, "JSON without a JSON Feed \"version\" (https://jsonfeed.org/version/1.1): not a feed")
        }
        var info = FeedInfo(format: .jsonFeed)
        info.title = root.title
        info.link = root.home_page_url
        info.description = root.description
        info.language = root.language.flatMap(LanguageTag.init)
        info.image = root.icon ?? root.favicon
        info.authors = (root.authors ?? root.author.map { [$0] } ?? []).compactMap(\.name)
        var entries: [FeedEntry] = []
        for item in root.items ?? [] {
            var e = FeedEntry()
            e.id = item.id?.value
            e.link = item.url ?? item.external_url
            e.title = item.title
            if let h = item.content_html, !h.isEmpty {
                e.content = h
            } else if let t = item.content_text, !t.isEmpty {
                e.content = t.components(separatedBy: "\n\n").map { "<p>" + XNode.escape($0.trimmingCharacters(in: .whitespacesAndNewlines), quote: false) + "</p>" }.joined(separator: "\n")
            }
            e.summary = item.summary.map { "<p>" + XNode.escape($0, quote: false) + "</p>" }
            if let raw = item.date_published ?? item.date_modified {
                e.date = ArticleDate(raw)
                if e.date == nil { e.rawDate = raw }
            }
            e.authors = (item.authors ?? item.author.map { [$0] } ?? []).compactMap(\.name)
            e.categories = item.tags ?? []
            for u in [item.image, item.banner_image].compactMap({ $0 }) where !e.images.contains(u) { e.images.append(u) }
            for a in item.attachments ?? [] {
                if let u = a.url, (a.mime_type ?? "").hasPrefix("image/"), !e.images.contains(u) { e.images.append(u) }
            }
            entries.append(e)
        }
        return Feed(info: info, entries: entries)
    }

    /// "around line 3, column 5" in Foundation's message, else the line of the byte offset
    /// it names ("at character 42"/"index 42").
    static func line(in message: String, data: Data) -> Int {
        if let r = message.range(of: #"line (\d+)"#, options: .regularExpression) {
            return Int(message[r].dropFirst(5)) ?? 0
        }
        if let r = message.range(of: #"(character|index) (\d+)"#, options: .regularExpression),
           let n = Int(message[r].split(separator: " ").last ?? "") {
            return data.prefix(n).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return 0
    }
}
