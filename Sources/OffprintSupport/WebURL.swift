
/// URLs as plain strings: the scheme, reference resolution (RFC 3986 §5), the encoding a
/// book's links need, a page key. The one URL implementation every stage uses.
///
/// Foundation's `URL(string:relativeTo:)` refuses strings with spaces or non-ASCII
/// characters, which real pages are full of (`/图片/a b.jpg`); this works on the text as
/// written and leaves encoding to whoever fetches the URL.
public enum WebURL {
    /// The scheme of an absolute URL, lower-cased (`https`, `data`, `javascript`), or nil for a
    /// relative reference.
    public static func scheme(of s: String) -> String? {
        // Scheme characters are ASCII, so bytes do (no scalar decoding, no string built
        // until the colon is found).
        let u = s.utf8
        guard let first = u.first, isAlpha(first) else { return nil }
        var end = u.startIndex
        while end < u.endIndex {
            let c = u[end]
            if c == UInt8(ascii: ":") {
                let name = s[..<end]
                return name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? name.lowercased() : String(name)
            }
            guard isAlpha(c) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") else { return nil }
            u.formIndex(after: &end)
        }
        return nil
    }

    public static func isAbsolute(_ s: String) -> Bool { scheme(of: s) != nil }

    /// Whether `s` is an absolute `data:` URL.
    public static func isData(_ s: String) -> Bool { scheme(of: s) == "data" }

    /// Whether `s` is an absolute `http:` or `https:` URL.
    public static func isHTTP(_ s: String) -> Bool {
        let sc = scheme(of: s)
        return sc == "http" || sc == "https"
    }

    /// Trims the white space around a URL attribute and removes tabs and line breaks inside
    /// it, as browsers do.
    public static func clean(_ s: String) -> String {
        // Common case, checked on bytes: ASCII ends that are not white space and no tab or
        // line break inside: nothing to do.
        let u = s.utf8
        if let f = u.first, let l = u.last, f < 0x80, l < 0x80, !isASCIISpace(f), !isASCIISpace(l),
           !u.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return s
        }
        var t = Substring(s)
        while let f = t.first, f.isWhitespace { t = t.dropFirst() }
        while let l = t.last, l.isWhitespace { t = t.dropLast() }
        if t.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }) {
            return String(t.filter { $0 != "\n" && $0 != "\r" && $0 != "\t" && $0 != "\r\n" })
        }
        return String(t)
    }

    /// `reference` made absolute against `base`. Protocol-relative references (`//host/x`)
    /// get `https:` when there is no base. Without a usable (absolute, hierarchical) base, a
    /// relative reference is returned as is.
    public static func resolve(_ reference: String, against base: String?) -> String {
        Resolver(base: base).resolve(reference)
    }

    /// Resolves many references against one base, parsing the base once.
    public struct Resolver: Sendable {
        let base: Parts?

        public init(base: String?) {
            if let base, let b = Parts(clean(base)), b.scheme != nil, b.authority != nil || b.path.hasPrefix("/") {
                self.base = b
            } else {
                self.base = nil
            }
        }

        public func resolve(_ reference: String) -> String {
            let ref = clean(reference)
            if isAbsolute(ref) { return ref }
            guard let b = base else {
                return ref.hasPrefix("//") ? "https:" + ref : ref
            }
            guard let r = Parts(ref) else { return ref }
            var t = Parts()
            t.scheme = b.scheme
            if r.authority != nil {
                t.authority = r.authority
                t.path = removeDotSegments(r.path)
                t.query = r.query
            } else {
                if r.path.isEmpty {
                    t.path = b.path
                    t.query = r.query ?? b.query
                } else {
                    if r.path.hasPrefix("/") {
                        t.path = removeDotSegments(r.path)
                    } else {
                        t.path = removeDotSegments(merge(base: b, path: r.path))
                    }
                    t.query = r.query
                }
                t.authority = b.authority
            }
            t.fragment = r.fragment
            return t.string
        }
    }

    /// The parts of a URI reference.
    struct Parts: Sendable {
        var scheme: String?
        var authority: String?
        var path = ""
        var query: String?
        var fragment: String?

        init() {}

        init?(_ s: String) {
            // The delimiters are ASCII, so the parts are found on bytes.
            let u = s.utf8
            var start = u.startIndex
            var end = u.endIndex
            if let sc = WebURL.scheme(of: s) {
                scheme = sc
                start = u.index(start, offsetBy: sc.utf8.count + 1)
            }
            if let hash = u[start..<end].firstIndex(of: UInt8(ascii: "#")) {
                fragment = String(s[u.index(after: hash)..<end])
                end = hash
            }
            if let q = u[start..<end].firstIndex(of: UInt8(ascii: "?")) {
                query = String(s[u.index(after: q)..<end])
                end = q
            }
            if u[start..<end].starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) {
                start = u.index(start, offsetBy: 2)
                let e = u[start..<end].firstIndex(of: UInt8(ascii: "/")) ?? end
                authority = String(s[start..<e])
                start = e
            }
            path = String(s[start..<end])
        }

        var string: String {
            var out = ""
            if let s = scheme { out += s + ":" }
            if let a = authority { out += "//" + a }
            out += path
            if let q = query { out += "?" + q }
            if let f = fragment { out += "#" + f }
            return out
        }
    }

    fileprivate static func merge(base: Parts, path: String) -> String {
        if base.authority != nil && base.path.isEmpty { return "/" + path }
        if let slash = base.path.lastIndex(of: "/") {
            return String(base.path[...slash]) + path
        }
        return path
    }

    /// RFC 3986 §5.2.4.
    static func removeDotSegments(_ path: String) -> String {
        // Only "." and ".." segments change anything: a path without one is its own result.
        guard path.contains("/./") || path.contains("/../") || path.hasSuffix("/.") || path.hasSuffix("/..")
                || path.hasPrefix("./") || path.hasPrefix("../") || path == "." || path == ".." else { return path }
        var input = Substring(path)
        var output: [Substring] = []
        var out = ""
        while !input.isEmpty {
            if input.hasPrefix("../") { input = input.dropFirst(3) }
            else if input.hasPrefix("./") { input = input.dropFirst(2) }
            else if input.hasPrefix("/./") { input = input.dropFirst(2) }
            else if input == "/." { input = "/" }
            else if input.hasPrefix("/../") {
                input = input.dropFirst(3)
                if !output.isEmpty { output.removeLast() }
            } else if input == "/.." {
                input = "/"
                if !output.isEmpty { output.removeLast() }
            } else if input == "." || input == ".." {
                input = ""
            } else {
                // Move the first segment (with its leading "/", if any) to the output.
                var end = input.startIndex
                if input.first == "/" { end = input.index(after: end) }
                end = input[end...].firstIndex(of: "/") ?? input.endIndex
                output.append(input[..<end])
                input = input[end...]
            }
        }
        for seg in output { out += seg }
        return out
    }

    /// `reference` made absolute against `base`, or nil when it cannot be (no usable base).
    public static func absolute(_ reference: String, against base: String?) -> String? {
        let r = resolve(reference, against: base)
        return isAbsolute(r) ? r : nil
    }

    /// A URL as a book's `href`/`src` must hold it (epubcheck's URL checks): white space
    /// around it trimmed; spaces, quotes, angle brackets and other characters URLs may not
    /// hold percent-encoded; non-ASCII characters after the host percent-encoded as UTF-8
    /// (an international host is left alone); a stray `%` or second `#` escaped.
    public static func encoded(_ raw: String) -> String {
        let s = trimmedWhitespace(raw)
        let bytes = Array(s.utf8)
        var hostEnd = 0
        if let r = s.firstRange(of: "://") {
            let afterScheme = s.utf8.distance(from: s.startIndex, to: r.upperBound)
            hostEnd = bytes[afterScheme...].firstIndex(where: { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 }) ?? bytes.count
        }
        func hex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var seenHash = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x80...:
                if i < hostEnd { out.append(b) } else { Hex.appendPercent(b, to: &out) }
            case 0x00...0x20, 0x22, 0x3C, 0x3E, 0x5C, 0x5E, 0x60, 0x7B, 0x7C, 0x7D, 0x7F:
                Hex.appendPercent(b, to: &out)
            case 0x25:
                if i + 2 < bytes.count && hex(bytes[i + 1]) && hex(bytes[i + 2]) { out.append(b) } else { Hex.appendPercent(b, to: &out) }
            case 0x23:
                if seenHash { Hex.appendPercent(b, to: &out) } else { out.append(b); seenHash = true }
            default:
                out.append(b)
            }
            i += 1
        }
        return out == bytes ? s : String(decoding: out, as: UTF8.self)
    }

    /// A key under which two URLs of the same page compare equal: no fragment, no scheme,
    /// host lower-cased without `www.`, no trailing slash.
    public static func pageKey(_ s: String) -> String {
        var t = trimmedWhitespace(s)
        if let h = t.firstIndex(of: "#") { t = String(t[..<h]) }
        if let r = t.firstRange(of: "://") { t = String(t[r.upperBound...]) }
        let slash = t.firstIndex(of: "/") ?? t.endIndex
        var host = t[..<slash].lowercased()
        if host.hasPrefix("www.") { host.removeFirst(4) }
        var path = String(t[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        return host + path
    }

    /// Without leading and trailing white space (Unicode's definition), without bridging
    /// through NSString (Foundation's `trimmingCharacters` is slow on Linux on hot paths).
    public static func trimmedWhitespace(_ s: String) -> String {
        let u = s.utf8
        if let f = u.first, let l = u.last, f > 0x20 && f < 0x80 && l > 0x20 && l < 0x80 { return s }
        let scalars = s.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }

    private static func isAlpha(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A)
    }

    /// The ASCII characters `Character.isWhitespace` accepts: tab, line feed, vertical tab,
    /// form feed, carriage return, space.
    private static func isASCIISpace(_ c: UInt8) -> Bool { (c >= 0x09 && c <= 0x0D) || c == 0x20 }
}
