import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// A proxy wrapper around a URL, and how to take it off.
///
/// Feeds that re-host images through a CORS proxy write
/// `https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/a.jpg`; the image is
/// `http://zkres2.myzaker.com/a.jpg`.
public struct ProxyPattern: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The target URL follows a fixed prefix, as written or percent-encoded
        /// (`https://cors.zfour.workers.dev/?`, `https://corsproxy.io/?`).
        case prefix(String)
        /// Any `http(s)://host/?` followed by a whole `http(s)://` URL as the query.
        case queryIsURL
        /// A query parameter of a given host holds the target (`images.weserv.nl/?url=…`).
        case parameter(host: String, name: String)
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }
    public static func prefix(_ p: String) -> ProxyPattern { ProxyPattern(.prefix(p)) }

    public static let defaults: [ProxyPattern] = [
        .prefix("https://cors.zfour.workers.dev/?"),
        .prefix("http://cors.zfour.workers.dev/?"),
        ProxyPattern(.queryIsURL),
        .prefix("https://cors-anywhere.herokuapp.com/"),
        .prefix("https://corsproxy.io/?url="),
        .prefix("https://corsproxy.io/?"),
        .prefix("https://api.allorigins.win/raw?url="),
        .prefix("https://thingproxy.freeboard.io/fetch/"),
        .prefix("https://api.codetabs.com/v1/proxy?quest="),
        .prefix("https://proxy.cors.sh/"),
        ProxyPattern(.parameter(host: "images.weserv.nl", name: "url")),
        ProxyPattern(.parameter(host: "wsrv.nl", name: "url")),
    ]

    /// The URL inside, when `url` is wrapped by this proxy.
    public func unwrap(_ url: String) -> String? {
        switch kind {
        case let .prefix(p):
            if ProxyPattern.asciiPrefix(p, of: url) == false { return nil }
            guard url.count > p.count, url.lowercased().hasPrefix(p.lowercased()) else { return nil }
            return target(String(url.dropFirst(p.count)))
        case .queryIsURL:
            guard WebURL.isHTTP(url), url.utf8Contains("/?"), let q = url.range(of: "/?"),
                  let hostStart = url.index(url.startIndex, offsetBy: WebURL.scheme(of: url)!.count + 3, limitedBy: url.endIndex),
                  hostStart <= q.lowerBound else { return nil }  // (`http:/?…` has no host)
            let host = url[hostStart..<q.lowerBound]
            guard !host.isEmpty, !host.contains("/") else { return nil }
            let rest = String(url[q.upperBound...])
            guard WebURL.isHTTP(rest) else { return nil }
            return rest
        case let .parameter(host, name):
            guard ProxyPattern.mayContain(host, in: url),
                  let comps = URLComponents(string: url), comps.host?.lowercased() == host,
                  let v = comps.queryItems?.first(where: { $0.name == name })?.value, !v.isEmpty else { return nil }
            return target(v) ?? target("https://" + v)
        }
    }

    /// Whether `url` starts with `prefix`, ignoring ASCII case, decided on bytes; nil when
    /// bytes cannot tell (non-ASCII where they differ), and the exact check must decide.
    static func asciiPrefix(_ prefix: String, of url: String) -> Bool? {
        var i = url.utf8.startIndex
        for p in prefix.utf8 {
            guard i < url.utf8.endIndex else { return false }
            let u = url.utf8[i]
            if u >= 0x80 || p >= 0x80 { return nil }
            if lowerASCII(u) != lowerASCII(p) { return false }
            url.utf8.formIndex(after: &i)
        }
        return true
    }

    /// False only when `host` (lower-case ASCII) cannot be in `url`: an ASCII URL without it
    /// in any case. Spares parsing every URL with URLComponents.
    static func mayContain(_ host: String, in url: String) -> Bool {
        if url.utf8Contains(host) { return true }
        // Not there as written: only a URL with upper-case or non-ASCII bytes may still hold
        // it (compared lower-cased).
        var u = url
        let (upper, nonASCII) = u.withUTF8 { b in
            (b.contains(where: { $0 >= 0x41 && $0 <= 0x5A }), b.contains(where: { $0 >= 0x80 }))
        }
        return nonASCII || (upper && url.lowercased().utf8Contains(host))
    }

    /// Whether `url` has `http` (any case) after its first byte or a `%` (it may hold a
    /// URL), and whether it has a `?`.
    static func mayHoldURL(_ url: String) -> (inner: Bool, query: Bool) {
        var u = url
        return u.withUTF8 { b in
            var inner = false, query = false
            for i in 0..<b.count {
                let c = b[i]
                if c == 0x3F { query = true }
                if c == 0x25 { inner = true }
                if !inner, i > 0, c | 0x20 == 0x68, i + 3 < b.count, b[i + 1] | 0x20 == 0x74, b[i + 2] | 0x20 == 0x74, b[i + 3] | 0x20 == 0x70 { inner = true }
                if inner && query { break }
            }
            return (inner, query)
        }
    }

    private static func lowerASCII(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 32 : b }

    /// `s` as an http(s) URL, percent-decoding it when it arrived encoded (`https%3A%2F%2F…`).
    private func target(_ s: String) -> String? {
        if WebURL.isHTTP(s) { return s }
        if let d = s.removingPercentEncoding, WebURL.isHTTP(d) { return d }
        return nil
    }

    /// `url` with every proxy wrapper in `patterns` taken off (nested ones too).
    public static func unwrap(_ url: String, patterns: [ProxyPattern]) -> String {
        var cur = url
        for _ in 0..<5 {
            // Prefix and query proxies hold an http(s) URL, as written or percent-encoded:
            // without an inner `http` or a `%`, only the parameter kind can match.
            // A parameter proxy needs a query (`?url=…`).
            let (inner, query) = mayHoldURL(cur)
            guard inner || query else { break }
            guard let next = patterns.lazy.compactMap({ p -> String? in
                if case .parameter = p.kind { return query ? p.unwrap(cur) : nil }
                return inner ? p.unwrap(cur) : nil
            }).first, next != cur else { break }
            cur = next
        }
        return cur
    }
}
