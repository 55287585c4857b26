import Foundation
import OffprintArticle
@_exported import OffprintHTTP

/// Pages given by URL (`offprint export https://…`, `offprint bundle https://… …`):
/// fetched through the process's HTTP client (its User-Agent, timeouts, proxies and
/// breaker), loaded as if saved, with relative links resolving against the final URL.
public enum WebInput {
    /// `http://` or `https://` (any case): fetched, not read from disk.
    public static func isURL(_ input: String) -> Bool {
        let l = input.prefix(8).lowercased()
        return l.hasPrefix("http://") || l.hasPrefix("https://")
    }

    /// `ftp://…`, `file://…`: an input that is a URL of a scheme that is not fetched.
    public static func unsupportedScheme(_ input: String) -> String? {
        guard !isURL(input), let r = input.range(of: "://") else { return nil }
        let scheme = input[..<r.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else { return nil }
        return String(scheme)
    }

    /// Fetches the page at `url`; returns its bytes and `load` pointed at it: the final
    /// URL (after redirects) as the article's source and base, the `Content-Type` charset
    /// as the transport charset.
    public static func fetch(_ url: String, http: HTTPFetcher, load: LoadOptions) async throws -> (bytes: [UInt8], load: LoadOptions) {
        let page: FetchedPage
        do {
            page = try await http.fetchPage(url, types: .html)
        } catch {
            throw OffprintError("\(error.url): cannot fetch the page: \(error.message)")
        }
        var load = load
        load.sourceURL = page.finalURL
        load.transportCharset = page.charset
        if page.mediaType == "text/markdown" || page.mediaType == "text/x-markdown" { load.format = .post }
        return (page.bytes, load)
    }

    /// A file name stem for a URL input: the last path segment without its extension
    /// (`…/2021/my-post.html` → `my-post`, `…/my-post/` → `my-post`), else the host.
    public static func outputStem(for url: String) -> String {
        guard let c = URLComponents(string: url) else { return "page" }
        let segments = c.path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        var stem = ""
        for seg in segments.reversed() {
            var s = seg
            if let dot = s.lastIndex(of: "."), dot > s.startIndex {
                let ext = s[s.index(after: dot)...].lowercased()
                if ["html", "htm", "xhtml", "php", "asp", "aspx", "jsp", "shtml", "md", "cgi"].contains(ext) { s = String(s[..<dot]) }
            }
            if !s.isEmpty, !["index", "default"].contains(s.lowercased()) {
                stem = s
                break
            }
        }
        if stem.isEmpty { stem = c.host ?? "page" }
        return stem
    }
}
