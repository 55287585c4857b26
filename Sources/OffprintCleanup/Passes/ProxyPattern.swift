import Foundation
import OffprintArticle

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
            guard url.count > p.count, url.lowercased().hasPrefix(p.lowercased()) else { return nil }
            return target(String(url.dropFirst(p.count)))
        case .queryIsURL:
            guard WebURL.isHTTP(url), let q = url.range(of: "/?") else { return nil }
            let host = url[url.index(url.startIndex, offsetBy: WebURL.scheme(of: url)!.count + 3)..<q.lowerBound]
            guard !host.isEmpty, !host.contains("/") else { return nil }
            let rest = String(url[q.upperBound...])
            guard WebURL.isHTTP(rest) else { return nil }
            return rest
        case let .parameter(host, name):
            guard let comps = URLComponents(string: url), comps.host?.lowercased() == host,
                  let v = comps.queryItems?.first(where: { $0.name == name })?.value, !v.isEmpty else { return nil }
            return target(v) ?? target("https://" + v)
        }
    }

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
            guard let next = patterns.lazy.compactMap({ $0.unwrap(cur) }).first, next != cur else { break }
            cur = next
        }
        return cur
    }
}
