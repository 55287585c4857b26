import OffprintSupport
import Foundation

/// The one place image URLs are normalised. The cache keys its index by the result, so two
/// spellings of the same address share one entry.
///
/// What it does (a light subset of the WHATWG URL rules, enough for `src` attributes):
/// - trims leading/trailing spaces and control characters, removes tabs and newlines inside;
/// - `//host/path` (protocol-relative) becomes `https://host/path`;
/// - lower-cases the scheme and the host, turns a non-ASCII host into Punycode (`xn--…`),
///   drops a default port (`:80` for http, `:443` for https) and an empty one;
/// - `\` becomes `/` in the path of http(s) URLs, `.` and `..` segments are resolved,
///   an empty path becomes `/`;
/// - percent-encodes spaces, non-ASCII (as UTF-8) and other characters that may not
///   appear raw in a URL, upper-cases the hex of existing escapes, encodes a stray `%`;
/// - drops the fragment (`#…`).
/// It does not unwrap proxy prefixes (the clean-up stage does that first) and does not
/// resolve relative URLs (there is no base here): those give `nil`.
/// `data:` URLs come back trimmed and otherwise unchanged; other schemes (`file:`,
/// `ftp:` …) come back with a lower-cased scheme so a failure can name them.
public enum ImageURL {
    /// The normalised form of `raw`, or `nil` when it is empty, relative or malformed
    /// (no host, bad port).
    public static func normalize(_ raw: String) -> String? {
        var chars = Array(raw.unicodeScalars)
        // Trim C0 controls and spaces at both ends; drop tab/LF/CR anywhere (WHATWG).
        while let f = chars.first, f.value <= 0x20 { chars.removeFirst() }
        while let l = chars.last, l.value <= 0x20 { chars.removeLast() }
        chars.removeAll { $0 == "\t" || $0 == "\n" || $0 == "\r" }
        if chars.isEmpty { return nil }
        var s = String(String.UnicodeScalarView(chars))
        if s.hasPrefix("//") { s = "https:" + s }

        guard let lowerScheme = WebURL.scheme(of: s), let colon = s.firstIndex(of: ":") else { return nil }
        let rest = s[s.index(after: colon)...]
        guard lowerScheme == "http" || lowerScheme == "https" else {
            return lowerScheme + ":" + rest
        }

        // Authority: skip any run of slashes / backslashes after the scheme.
        var r = Substring(rest)
        while let c = r.first, c == "/" || c == "\\" { r.removeFirst() }
        let authorityEnd = r.firstIndex(where: { $0 == "/" || $0 == "\\" || $0 == "?" || $0 == "#" }) ?? r.endIndex
        var authority = r[..<authorityEnd]
        var remainder = r[authorityEnd...]

        var userinfo = ""
        if let at = authority.lastIndex(of: "@") {
            userinfo = percentEncode(String(authority[..<at]), keep: userinfoAllowed) + "@"
            authority = authority[authority.index(after: at)...]
        }
        var hostPart = authority
        var port = ""
        if hostPart.hasPrefix("[") {
            // IPv6 literal.
            guard let close = hostPart.firstIndex(of: "]") else { return nil }
            let after = hostPart[hostPart.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                port = String(after.dropFirst())
            }
            hostPart = hostPart[...close]
        } else if let c = hostPart.lastIndex(of: ":") {
            port = String(hostPart[hostPart.index(after: c)...])
            hostPart = hostPart[..<c]
        }
        guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if !port.isEmpty {
            guard let n = Int(port), n <= 65535 else { return nil }
            port = String(n)
        }
        if (lowerScheme == "http" && port == "80") || (lowerScheme == "https" && port == "443") { port = "" }
        guard let host = normalizeHost(String(hostPart)) else { return nil }

        // Fragment goes; split path and query.
        if let hash = remainder.firstIndex(of: "#") { remainder = remainder[..<hash] }
        var path = remainder
        var query: Substring?
        if let q = remainder.firstIndex(of: "?") {
            path = remainder[..<q]
            query = remainder[remainder.index(after: q)...]
        }
        var pathString = String(path).replacingOccurrences(of: "\\", with: "/")
        pathString = percentEncode(pathString, keep: pathAllowed)
        pathString = removeDotSegments(pathString)
        if pathString.isEmpty { pathString = "/" }

        var out = lowerScheme + "://" + userinfo + host
        if !port.isEmpty { out += ":" + port }
        out += pathString
        if let query { out += "?" + percentEncode(String(query), keep: queryAllowed) }
        return out
    }

    /// The scheme of a URL as written (lower-cased), or `nil` when it has none.
    public static func scheme(of raw: String) -> String? {
        let t = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if t.hasPrefix("//") { return "https" }
        return WebURL.scheme(of: t)
    }

    /// The host of a normalised http(s) URL (`example.com`, `[::1]`), for per-host limits.
    static func host(ofNormalized url: String) -> String {
        guard let r = url.range(of: "://") else { return "" }
        var a = url[r.upperBound...]
        if let end = a.firstIndex(where: { $0 == "/" || $0 == "?" }) { a = a[..<end] }
        if let at = a.lastIndex(of: "@") { a = a[a.index(after: at)...] }
        return String(a)
    }

    // MARK: - Host

    private static func normalizeHost(_ raw: String) -> String? {
        if raw.isEmpty { return nil }
        if raw.hasPrefix("[") { return raw.lowercased() }
        let decoded = raw.removingPercentEncoding ?? raw
        // Full-stop variants (。．｡) separate labels too, as in IDNA.
        let unified = decoded.replacingOccurrences(of: "\u{3002}", with: ".")
            .replacingOccurrences(of: "\u{FF0E}", with: ".")
            .replacingOccurrences(of: "\u{FF61}", with: ".")
        var labels: [String] = []
        for label in unified.split(separator: ".", omittingEmptySubsequences: false) {
            let lower = label.lowercased()
            if lower.unicodeScalars.allSatisfy({ $0.isASCII }) {
                guard lower.unicodeScalars.allSatisfy({ isHostCodePoint($0) }) else { return nil }
                labels.append(lower)
            } else {
                let nfc = lower.precomposedStringWithCanonicalMapping
                guard let p = Punycode.encode(nfc) else { return nil }
                labels.append("xn--" + p)
            }
        }
        let host = labels.joined(separator: ".")
        return host.isEmpty || host == "." ? nil : host
    }

    private static func isHostCodePoint(_ c: Unicode.Scalar) -> Bool {
        // Forbidden host code points (WHATWG) are refused; everything else ASCII is kept.
        switch c {
        case "\u{0}", "\t", "\n", "\r", " ", "#", "/", ":", "<", ">", "?", "@", "[", "\\", "]", "^", "|", "%":
            return false
        default:
            return c.value > 0x20 && c.value < 0x7f
        }
    }

    // MARK: - Percent-encoding

    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    private static let subDelims: Set<UInt8> = Set(Array("!$&'()*+,;=".utf8))
    private static let pathAllowed = unreserved.union(subDelims).union(Array(":@/".utf8))
    private static let queryAllowed = unreserved.union(subDelims).union(Array(":@/?".utf8))
    private static let userinfoAllowed = unreserved.union(subDelims).union(Array(":".utf8))

    /// Encodes every byte outside `keep` as `%XX`; keeps valid escapes (hex upper-cased).
    private static func percentEncode(_ s: String, keep: Set<UInt8>) -> String {
        let bytes = Array(s.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        let hex = Array("0123456789ABCDEF".utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count,
               isHex(bytes[i + 1]), isHex(bytes[i + 2]) {
                out.append(b)
                out.append(upperHex(bytes[i + 1]))
                out.append(upperHex(bytes[i + 2]))
                i += 3
                continue
            }
            if keep.contains(b) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0f)])
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
    }
    private static func upperHex(_ b: UInt8) -> UInt8 { (b >= 0x61 && b <= 0x66) ? b - 0x20 : b }

    /// RFC 3986 §5.2.4, iteratively; `%2E` counts as a dot as in WHATWG.
    private static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") || path.contains("%2E") else { return path }
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let absolute = segments.first == ""
        if absolute { segments.removeFirst() }
        var output: [String] = []
        for (i, seg) in segments.enumerated() {
            let isLast = i == segments.count - 1
            switch seg.uppercased() {
            case ".", "%2E":
                if isLast { output.append("") }
            case "..", ".%2E", "%2E.", "%2E%2E":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(seg)
            }
        }
        return (absolute ? "/" : "") + output.joined(separator: "/")
    }
}

/// RFC 3492 Punycode encoding of one label (no `xn--` prefix).
enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 128

    static func encode(_ label: String) -> String? {
        let input = label.unicodeScalars.map { Int($0.value) }
        var output = [UInt8]()
        for c in input where c < 0x80 { output.append(UInt8(c)) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        var n = initialN, delta = 0, bias = initialBias
        while handled < input.count {
            guard let m = input.filter({ $0 >= n }).min() else { return nil }
            let (mul, o1) = (m - n).multipliedReportingOverflow(by: handled + 1)
            if o1 { return nil }
            delta += mul
            n = m
            for c in input {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func digit(_ d: Int) -> UInt8 {
        d < 26 ? UInt8(d + 97) : UInt8(d - 26 + 48)
    }

    private static func adapt(_ delta: Int, _ numPoints: Int, _ first: Bool) -> Int {
        var d = first ? delta / damp : delta / 2
        d += d / numPoints
        var k = 0
        while d > ((base - tMin) * tMax) / 2 {
            d /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * d / (d + skew)
    }
}
