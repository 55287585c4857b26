import OffprintSupport
import Foundation

/// Where a page keeps an image's real URL, and how to tell a placeholder from a picture.
public enum ImageURLs {
    /// Lazy-loading attributes holding the real URL, most common first. The first eight are
    /// the ones the fidelity checker reads, in its order.
    public static let lazyAttributes = [
        "data-original", "data-src", "data-lazy-src", "data-actualsrc", "data-original-src", "data-url",
        "data-lazy", "data-hi-res-src", "data-lazyload", "data-lazy-load-src", "datasrc", "data-echo",
        "data-ks-lazyload", "data-croporisrc", "data-original-mos", "data-normal", "src-orig", "original",
        "data-backsrc", "data-img-src", "data-image-src", "data-imgsrc", "data-full-src", "data-large-src",
        "data-fallback-src",
    ]
    /// Lazy-loading `srcset` attributes.
    public static let lazySrcsetAttributes = ["data-srcset", "data-lazy-srcset", "data-original-set"]
    /// Attributes that go once an image has its URL in `src`.
    public static let consumed = Set(lazyAttributes + lazySrcsetAttributes + ["srcset", "sizes", "data-sizes", "data-lazy-sizes"])

    /// The URL the image should show, or nil when it has none (only placeholders).
    ///
    /// `.declared` order: the common lazy attributes (`data-original`, `data-src`, … — the
    /// fidelity checker's eight), a real `src`, the rarer lazy attributes (`datasrc`,
    /// `data-echo`, …), the best lazy `srcset`, the best `srcset`. With `preferLargest`, the
    /// best `srcset` candidate comes first.
    public static func declaredURL(of node: Document.Node, preferLargest: Bool) -> String? {
        func first(_ names: ArraySlice<String>) -> String? {
            for a in names { if let v = node.attribute(a), let u = usable(v) { return u } }
            return nil
        }
        let common = first(lazyAttributes[..<8])
        let rare = first(lazyAttributes[8...])
        var lazySet: SrcsetCandidate?
        for a in lazySrcsetAttributes {
            if let v = node.attribute(a), let b = SrcsetCandidate.best(SrcsetCandidate.parse(v).filter { usable($0.url) != nil }) {
                lazySet = b
                break
            }
        }
        let src = node.attribute("src").flatMap(usable)
        let set = node.attribute("srcset").flatMap { SrcsetCandidate.best(SrcsetCandidate.parse($0).filter { usable($0.url) != nil }) }
        if preferLargest {
            if let b = SrcsetCandidate.best([lazySet, set].compactMap { $0 }) { return b.url }
            return common ?? rare ?? src
        }
        return common ?? src ?? rare ?? lazySet?.url ?? set?.url
    }

    /// `value` as an image URL, or nil when it is empty, a template, or a placeholder.
    public static func usable(_ value: String) -> String? {
        let v = WebURL.clean(value)
        if v.isEmpty || isPlaceholder(v) { return nil }
        if v.utf8Contains("{{") || v.utf8Contains("${") || v.utf8Contains("<%") { return nil }
        // (Lower-casing shrinks a character to no less than a third of its bytes, so a value
        // over 44 bytes cannot be one of these.)
        if v.utf8.count <= 44 {
            switch v.lowercased() {
            case "null", "undefined", "none", "#", "about:blank", "false": return nil
            default: break
            }
        }
        let scheme = WebURL.scheme(of: v)
        if scheme == "javascript" || scheme == "about" { return nil }
        // A srcset-style value ("a.jpg 1x, b.jpg 2x") in a single-URL attribute: its best.
        if v.utf8.contains(0x20), v.hasSuffix("w") || v.hasSuffix("x") {
            if let b = SrcsetCandidate.best(SrcsetCandidate.parse(v)), b.url != v { return usable(b.url) }
        }
        return v
    }

    /// Whether a URL is a stand-in shown until the real image loads: a tiny or animated
    /// `data:` image, `about:blank`, or a file named like `blank.gif`, `spacer.gif`,
    /// `grey.gif`, `placeholder.png`, `loading.gif`, `spinner.svg`, `lazy.png`.
    public static func isPlaceholder(_ url: String) -> Bool {
        let lower = url.lowercased()
        if lower.hasPrefix("data:") { return isPlaceholderDataURI(url) }
        if lower == "about:blank" { return true }
        // The file name: the last non-empty segment of the path (query and fragment off),
        // found on bytes ("?", "#", "/" are ASCII).
        let u = lower.utf8
        let pathEnd = u.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) ?? u.endIndex
        var segEnd = pathEnd
        while segEnd > u.startIndex, u[u.index(before: segEnd)] == UInt8(ascii: "/") { segEnd = u.index(before: segEnd) }
        let file: Substring
        if segEnd == u.startIndex {
            file = lower[..<pathEnd]
        } else {
            let segStart = u[..<segEnd].lastIndex(of: UInt8(ascii: "/")).map { u.index(after: $0) } ?? u.startIndex
            file = lower[segStart..<segEnd]
        }
        guard let dot = file.lastIndex(of: ".") else { return false }
        let stem = file[..<dot], ext = file[file.index(after: dot)...]
        let tokens = stem.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." })
        guard let first = tokens.first, tokens.count <= 3 else { return false }
        if !placeholderNames.contains(first) { return false }
        if ["gif", "png", "svg", "webp"].contains(ext) { return true }
        return ["placeholder", "lazy", "lazyload", "blank"].contains(first) && (ext == "jpg" || ext == "jpeg")
    }

    private static let placeholderNames: Set<Substring> = [
        "blank", "spacer", "pixel", "transparent", "grey", "gray", "empty", "clear", "1x1",
        "dot", "loading", "loader", "spinner", "placeholder", "lazy", "lazyload", "trans",
    ]

    /// A `data:` image that is a placeholder: at most 8×8 pixels, an SVG with nothing drawn or
    /// an animated spinner, or a payload too small to be a picture.
    static func isPlaceholderDataURI(_ uri: String) -> Bool {
        guard let comma = uri.firstIndex(of: ",") else { return true }
        let header = uri[..<comma].lowercased()
        let payload = String(uri[uri.index(after: comma)...])
        guard header.hasPrefix("data:image/") || header == "data:" else { return false }
        var bytes: [UInt8]
        if header.hasSuffix(";base64") {
            let b64 = payload.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: b64, options: .ignoreUnknownCharacters) ?? Data(base64Encoded: b64 + "=") ?? Data(base64Encoded: b64 + "==") else { return true }
            bytes = [UInt8](data)
        } else {
            bytes = Array((payload.removingPercentEncoding ?? payload).utf8)
        }
        if header.contains("svg") {
            let text = String(decoding: bytes, as: UTF8.self).lowercased()
            if text.contains("<animate") { return true }
            let drawing = ["<path", "<rect", "<circle", "<ellipse", "<line", "<polyline", "<polygon", "<text", "<image", "<use"]
            if !drawing.contains(where: { text.contains($0) }) { return true }
            if let w = svgNumber(text, "width"), let h = svgNumber(text, "height"), w <= 8, h <= 8 { return true }
            return false
        }
        if let (w, h) = pixelSize(bytes) { return w <= 8 && h <= 8 }
        return bytes.count < 100
    }

    /// Width and height of a GIF, PNG or WebP (VP8X/VP8L/VP8) image from its header.
    static func pixelSize(_ b: [UInt8]) -> (Int, Int)? {
        if b.count >= 10, b[0] == 0x47, b[1] == 0x49, b[2] == 0x46 {
            return (Int(b[6]) | Int(b[7]) << 8, Int(b[8]) | Int(b[9]) << 8)
        }
        if b.count >= 24, b[0] == 0x89, b[1] == 0x50, b[2] == 0x4E, b[3] == 0x47 {
            let w = Int(b[16]) << 24 | Int(b[17]) << 16 | Int(b[18]) << 8 | Int(b[19])
            let h = Int(b[20]) << 24 | Int(b[21]) << 16 | Int(b[22]) << 8 | Int(b[23])
            return (w, h)
        }
        if b.count >= 30, b[0] == 0x52, b[8] == 0x57, b[12] == 0x56, b[13] == 0x50, b[14] == 0x38 {
            switch b[15] {
            case 0x58: return (1 + (Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16), 1 + (Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16))
            case 0x4C: return (1 + (Int(b[21]) | (Int(b[22]) & 0x3F) << 8), 1 + ((Int(b[22]) >> 6) | Int(b[23]) << 2 | (Int(b[24]) & 0x0F) << 10))
            default: return ((Int(b[26]) | Int(b[27]) << 8) & 0x3FFF, (Int(b[28]) | Int(b[29]) << 8) & 0x3FFF)
            }
        }
        return nil
    }

    private static func svgNumber(_ svg: String, _ attr: String) -> Double? {
        guard let open = svg.range(of: "<svg") else { return nil }
        let tagEnd = svg[open.upperBound...].firstIndex(of: ">") ?? svg.endIndex
        let tag = svg[open.upperBound..<tagEnd]
        guard let r = tag.range(of: " " + attr + "=") else { return nil }
        var v = tag[r.upperBound...]
        if let q = v.first, q == "\"" || q == "'" { v = v.dropFirst() }
        let num = v.prefix { $0.isNumber || $0 == "." }
        return Double(num)
    }
}

// MARK: Choosing an image's URL, once

extension ImageURLs {
    /// Types an `<img>` can show (a `<picture>` source of another type is skipped).
    public static let showableTypes: Set<String> = ["image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/apng",
                                                    "image/gif", "image/webp", "image/svg+xml"]

    /// Puts image `img`'s chosen URL (`declaredURL`) in `src`, as its first attribute, and
    /// removes the attributes that held candidates (`consumed`). The one place an image's URL
    /// is chosen: clean-up calls it for every image, and the EPUB sanitiser calls it too, so
    /// a book built from an article that was not cleaned shows the same picture an export
    /// does (on a cleaned image it changes nothing). False, and nothing changed, when the
    /// image has no usable URL.
    @discardableResult
    public static func chooseSource(of img: Document.NodeID, in doc: inout Document, preferLargest: Bool) -> Bool {
        let n = doc[img]
        guard let url = declaredURL(of: n, preferLargest: preferLargest) else { return false }
        var attrs = n.attributes.filter { !consumed.contains($0.name) && $0.name != "src" }
        attrs.insert(.init("src", url), at: 0)
        if attrs != n.attributes { doc.setAttributes(attrs, of: img) }
        return true
    }

    /// Makes `<picture>` `pic` its image: the `<img>` keeps its own URL, or takes the best
    /// `<source srcset>` candidate of a type an `<img>` can show (a source without a media
    /// query first); with `preferLargest` a source's widest candidate wins over the image's
    /// own URL. A picture with no `<img>` gets one when a source has a URL. The sources (and
    /// the white space between them) go and the picture is unwrapped: anything else a broken
    /// page nested in it stays where it was. Returns the image, or nil (the picture left as
    /// it is) when there is neither an image nor a usable source.
    @discardableResult
    public static func resolvePicture(_ pic: Document.NodeID, in doc: inout Document, preferLargest: Bool) -> Document.NodeID? {
        let img = doc.elements(named: "img", under: pic).first
        let own = img.flatMap { declaredURL(of: doc[$0], preferLargest: preferLargest) }
        var fromSource: SrcsetCandidate?
        if own == nil || preferLargest {
            let sources = doc.elements(named: "source", under: pic).filter { s in
                let t = doc[s].attribute("type")?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
                return t.isEmpty || showableTypes.contains(t)
            }
            // The browser takes the first source that fits; prefer one without a media query.
            let ordered = sources.filter { doc[$0].attribute("media") == nil } + sources.filter { doc[$0].attribute("media") != nil }
            for s in ordered {
                let n = doc[s]
                let set = n.attribute("srcset") ?? n.attribute("data-srcset") ?? n.attribute("src") ?? n.attribute("data-src") ?? ""
                if let b = SrcsetCandidate.best(SrcsetCandidate.parse(set).filter { usable($0.url) != nil }) {
                    fromSource = b
                    break
                }
            }
        }
        let target: Document.NodeID
        if let img {
            target = img
        } else {
            guard fromSource != nil else { return nil }
            target = doc.makeElement("img")
            doc.insert(target, before: pic)
        }
        if let b = fromSource, own == nil || (preferLargest && b.width != nil) {
            doc.setAttribute("src", b.url, on: target)
            for a in lazyAttributes + lazySrcsetAttributes + ["srcset"] { doc.removeAttribute(a, from: target) }
        }
        for s in doc.elements(named: "source", under: pic) { doc.detach(s) }
        for k in doc[pic].children where doc[k].kind == .text && doc[k].text.allSatisfy(\.isWhitespace) { doc.detach(k) }
        doc.unwrap(pic)
        return target
    }
}
