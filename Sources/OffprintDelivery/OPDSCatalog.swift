import Foundation
import OffprintSupport
import OffprintDocument

/// The catalog documents of `offprint serve`: OPDS 1.2 acquisition feeds (Atom), the
/// OpenSearch description, and the plain HTML page. Pure functions of the shelf's books.
public enum OPDSCatalog {
    public static let pageSize = 50
    public static let acquisitionType = "application/atom+xml;profile=opds-catalog;kind=acquisition"
    public static let searchDescriptionType = "application/opensearchdescription+xml"

    /// Books whose title or authors contain every word of `query` (case and accents ignored).
    public static func search(_ books: [BookShelf.Book], _ query: String) -> [BookShelf.Book] {
        let words = query.split(whereSeparator: { $0.isWhitespace }).map { fold(String($0)) }
        guard !words.isEmpty else { return books }
        return books.filter { b in
            let hay = fold(([b.info.title] + b.info.authors).joined(separator: " "))
            return words.allSatisfy { hay.contains($0) }
        }
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
    }

    /// One page (1-based) of an acquisition feed. `selfPath` is the feed's path with its query
    /// but without `page` (`/opds` or `/opds/search?q=…`).
    public static func feed(_ books: [BookShelf.Book], page: Int, title: String, feedID: String,
                            basePath: String, query: String? = nil) -> String {
        let total = books.count
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let page = min(max(page, 1), pages)
        let slice = books.dropFirst((page - 1) * pageSize).prefix(pageSize)
        func href(_ p: Int) -> String {
            var items: [String] = []
            if let query { items.append("q=" + percentEncodeQuery(query)) }
            if p > 1 { items.append("page=\(p)") }
            return basePath + (items.isEmpty ? "" : "?" + items.joined(separator: "&"))
        }
        let updated = books.map(\.modified).max() ?? Date(timeIntervalSince1970: 0)
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/terms/\" xmlns:opds=\"http://opds-spec.org/2010/catalog\" xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
        x += "  <id>\(esc(feedID))</id>\n"
        x += "  <title>\(esc(title))</title>\n"
        x += "  <updated>\(atomDate(updated))</updated>\n"
        x += "  <author><name>offprint</name></author>\n"
        x += "  <link rel=\"self\" href=\"\(esc(href(page)))\" type=\"\(acquisitionType)\"/>\n"
        x += "  <link rel=\"start\" href=\"/opds\" type=\"\(acquisitionType)\"/>\n"
        x += "  <link rel=\"search\" href=\"/opds/search.xml\" type=\"\(searchDescriptionType)\"/>\n"
        if pages > 1 {
            x += "  <link rel=\"first\" href=\"\(esc(href(1)))\" type=\"\(acquisitionType)\"/>\n"
            x += "  <link rel=\"last\" href=\"\(esc(href(pages)))\" type=\"\(acquisitionType)\"/>\n"
        }
        if page > 1 { x += "  <link rel=\"previous\" href=\"\(esc(href(page - 1)))\" type=\"\(acquisitionType)\"/>\n" }
        if page < pages { x += "  <link rel=\"next\" href=\"\(esc(href(page + 1)))\" type=\"\(acquisitionType)\"/>\n" }
        x += "  <opensearch:totalResults>\(total)</opensearch:totalResults>\n"
        x += "  <opensearch:itemsPerPage>\(pageSize)</opensearch:itemsPerPage>\n"
        x += "  <opensearch:startIndex>\((page - 1) * pageSize + 1)</opensearch:startIndex>\n"
        var seenIDs = Set<String>()
        for b in slice {
            x += entry(b, seenIDs: &seenIDs)
        }
        x += "</feed>\n"
        return x
    }

    static func entry(_ b: BookShelf.Book, seenIDs: inout Set<String>) -> String {
        let info = b.info
        var id = info.identifier.map { $0.lowercased().hasPrefix("urn:") || $0.contains(":") ? $0 : "urn:offprint:id:" + $0 } ?? ""
        if id.isEmpty || seenIDs.contains(id) { id = "urn:offprint:file:" + percentEncodePath(b.path) }
        seenIDs.insert(id)
        var x = "  <entry>\n"
        x += "    <title>\(esc(info.title))</title>\n"
        x += "    <id>\(esc(id))</id>\n"
        x += "    <updated>\(atomDate(b.modified))</updated>\n"
        for a in info.authors { x += "    <author><name>\(esc(a))</name></author>\n" }
        if let l = info.language { x += "    <dc:language>\(esc(l.value))</dc:language>\n" }
        if let d = info.date { x += "    <dc:issued>\(d.day)</dc:issued>\n" }
        if let d = info.description { x += "    <summary type=\"text\">\(esc(HTMLParser.plainText(d)))</summary>\n" }
        if let type = info.coverMediaType, info.coverEntry != nil {
            let href = "/covers/" + percentEncodePath(b.path)
            x += "    <link rel=\"http://opds-spec.org/image\" href=\"\(esc(href))\" type=\"\(esc(type.value))\"/>\n"
            x += "    <link rel=\"http://opds-spec.org/image/thumbnail\" href=\"\(esc(href))\" type=\"\(esc(type.value))\"/>\n"
        }
        x += "    <link rel=\"http://opds-spec.org/acquisition\" href=\"\(esc("/books/" + percentEncodePath(b.path)))\" type=\"\(info.mediaType)\" length=\"\(info.byteCount)\" title=\"\(esc((b.path as NSString).lastPathComponent))\"/>\n"
        x += "  </entry>\n"
        return x
    }

    /// The OpenSearch description: `{searchTerms}` → the search feed. `origin` is `http://host:port`
    /// when the request said which host it used (readers want an absolute template).
    public static func openSearchDescription(origin: String?) -> String {
        let template = (origin ?? "") + "/opds/search?q={searchTerms}"
        return """
        <?xml version="1.0" encoding="UTF-8"?>
        <OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
          <ShortName>offprint</ShortName>
          <Description>Search the books by title or author</Description>
          <InputEncoding>UTF-8</InputEncoding>
          <OutputEncoding>UTF-8</OutputEncoding>
          <Url type="\(acquisitionType)" template="\(esc(template))"/>
        </OpenSearchDescription>

        """
    }

    /// The HTML page at `/`: every book with a download link (for browsers without OPDS).
    public static func htmlPage(_ books: [BookShelf.Book], title: String, query: String?) -> String {
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <link rel="alternate" type="\(acquisitionType)" href="/opds" title="OPDS catalog">
        <style>body{font-family:serif;max-width:40em;margin:1em auto;padding:0 .5em}li{margin:.8em 0;list-style:none}
        img{height:5em;float:left;margin-right:.6em}li::after{content:"";display:block;clear:both}.by{color:#444}</style>
        </head><body>
        <h1>\(esc(title))</h1>
        <form action="/" method="get"><input type="search" name="q" value="\(esc(query ?? ""))" placeholder="title or author"> <input type="submit" value="Search"></form>
        <p>\(books.count) book\(books.count == 1 ? "" : "s"). E-reader apps (KOReader, …) can use the OPDS catalog at <a href="/opds">/opds</a>.</p>
        <ul>

        """
        for b in books {
            let link = "/books/" + percentEncodePath(b.path)
            h += "<li>"
            if b.info.coverEntry != nil {
                h += "<img src=\"\(esc("/covers/" + percentEncodePath(b.path)))\" alt=\"\">"
            }
            h += "<a href=\"\(esc(link))\">\(esc(b.info.title))</a>"
            if !b.info.authors.isEmpty { h += "<br><span class=\"by\">\(esc(b.info.authors.joined(separator: ", ")))</span>" }
            let kind = b.info.isKEPUB ? "KEPUB" : "EPUB"
            h += "<br><small>\(kind), \(String(format: "%.1f", Double(b.info.byteCount) / 1_000_000)) MB"
            if let d = b.info.date { h += ", \(d.day)" }
            h += "</small></li>\n"
        }
        h += "</ul>\n</body></html>\n"
        return h
    }

    // MARK: - helpers

    /// Text for XML and HTML, in text or in an attribute value: `&`, `<`, `>`, `"`, `'` as
    /// references, characters XML 1.0 does not allow left out.
    static func esc(_ s: String) -> String {
        Escape.html(Escape.xmlSafe(s), quotes: true, apostrophes: true)
    }


    static func percentEncodePath(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#;%")
        return path.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }.joined(separator: "/")
    }

    static func percentEncodeQuery(_ q: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return q.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func atomDate(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: d)
    }
}
