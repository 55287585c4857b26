import OffprintSupport
import Foundation

/// What the bytes of an image say about it.
public struct ImageInfo: Sendable, Equatable {
    /// `image/jpeg`, `image/png`, `image/gif`, `image/webp`, `image/svg+xml`,
    /// `image/avif`, `image/bmp` or `image/tiff`.
    public var mediaType: MediaType
    /// Pixel size as displayed (JPEG EXIF orientations 5–8 swap width and height),
    /// when the header tells it.
    public var width: Int?
    public var height: Int?

    public init(mediaType: MediaType, width: Int? = nil, height: Int? = nil) {
        self.mediaType = mediaType
        self.width = width
        self.height = height
    }
}

/// The verdict of `ImageSniffer`: an image, or why the bytes are not one.
public enum SniffResult: Sendable, Equatable {
    case image(ImageInfo)
    /// Not an image we keep; the text says what it is ("an HTML page", "a PDF document", …).
    case notImage(String)
}

/// Decides the type of an image from its bytes (never from a file name or a
/// Content-Type header) and reads its pixel size from the header.
///
/// Recognised: JPEG (SOFn, EXIF orientation), PNG (IHDR), GIF (logical screen),
/// WebP (VP8, VP8L, VP8X), SVG (root `width`/`height`, else `viewBox`, when given in
/// plain units), AVIF (`ispe`, `irot`), BMP and TIFF. Everything else is `.notImage`,
/// with HTML pages, text, PDF, HEIC, JPEG XL and icons named as such.
public enum ImageSniffer {
    public static func sniff(_ data: Data) -> SniffResult {
        data.withUnsafeBytes { sniff(Bytes($0)) }
    }

    public static func sniff(_ bytes: [UInt8]) -> SniffResult {
        bytes.withUnsafeBytes { sniff(Bytes($0)) }
    }

    static func sniff(_ b: Bytes) -> SniffResult {
        if b.count == 0 { return .notImage("an empty file") }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return .image(jpeg(b)) }
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            var info = ImageInfo(mediaType: .png)
            if b.matches(at: 12, "IHDR"), let w = b.be32(16), let h = b.be32(20) {
                info.width = w
                info.height = h
            }
            return .image(info)
        }
        if b.matches(at: 0, "GIF87a") || b.matches(at: 0, "GIF89a") {
            return .image(ImageInfo(mediaType: .gif, width: b.le16(6), height: b.le16(8)))
        }
        if b.matches(at: 0, "RIFF") && b.matches(at: 8, "WEBP") { return .image(webp(b)) }
        if b.matches(at: 4, "ftyp") { return isoMedia(b) }
        if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            let tags = tiffTags(b, at: 0, length: b.count)
            return .image(ImageInfo(mediaType: .tiff, width: tags[256], height: tags[257]))
        }
        if b.matches(at: 0, "BM"), let bmp = bmp(b) { return .image(bmp) }
        if b.starts(with: [0xFF, 0x0A]) || (b.matches(at: 4, "JXL ") && b.be32(0) == 12) {
            return .notImage("a JPEG XL image (not shown by browsers or EPUB readers; convert it to JPEG or PNG)")
        }
        if b.starts(with: [0x00, 0x00, 0x01, 0x00]) || b.starts(with: [0x00, 0x00, 0x02, 0x00]) {
            return .notImage("a Windows icon (.ico), not an article image")
        }
        if b.matches(at: 0, "%PDF-") { return .notImage("a PDF document") }
        if b.starts(with: [0x1F, 0x8B]) { return .notImage("gzip-compressed data (an .svgz or a mis-encoded response)") }
        return markup(b)
    }

    // MARK: - JPEG

    private static func jpeg(_ b: Bytes) -> ImageInfo {
        var info = ImageInfo(mediaType: .jpeg)
        var orientation = 1
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { i += 1; continue }     // resynchronise on garbage
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }             // fill byte
            if marker == 0x01 || marker == 0xD8 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            if marker == 0xD9 || marker == 0xDA { break }      // end of image / start of scan
            guard let len = b.be16(i + 2), len >= 2 else { break }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                info.height = b.be16(i + 5)
                info.width = b.be16(i + 7)
                break
            }
            if marker == 0xE1, b.matches(at: i + 4, "Exif\0\0") {
                orientation = tiffTags(b, at: i + 10, length: len - 8)[274] ?? 1
            }
            i += 2 + len
        }
        if (5...8).contains(orientation) { swap(&info.width, &info.height) }
        return info
    }

    /// Reads the first IFD of a TIFF structure starting at `base`: ImageWidth (256),
    /// ImageLength (257), Orientation (274). Offsets are relative to `base`.
    private static func tiffTags(_ b: Bytes, at base: Int, length: Int) -> [Int: Int] {
        let end = min(b.count, base + max(0, length))
        let little: Bool
        if b.matches(at: base, "II") { little = true } else if b.matches(at: base, "MM") { little = false } else { return [:] }
        func u16(_ o: Int) -> Int? { o + 2 <= end ? (little ? b.le16(o) : b.be16(o)) : nil }
        func u32(_ o: Int) -> Int? { o + 4 <= end ? (little ? b.le32(o) : b.be32(o)) : nil }
        guard u16(base + 2) == 42, let ifd = u32(base + 4), let n = u16(base + ifd) else { return [:] }
        var tags: [Int: Int] = [:]
        for k in 0..<min(n, 512) {
            let e = base + ifd + 2 + 12 * k
            guard let tag = u16(e), let type = u16(e + 2) else { break }
            guard tag == 256 || tag == 257 || tag == 274 else { continue }
            switch type {
            case 3: tags[tag] = u16(e + 8)
            case 4: tags[tag] = u32(e + 8)
            default: break
            }
        }
        return tags
    }

    // MARK: - WebP

    private static func webp(_ b: Bytes) -> ImageInfo {
        var info = ImageInfo(mediaType: .webp)
        if b.matches(at: 12, "VP8 "), b.starts(with: [0x9D, 0x01, 0x2A], at: 23),
           let w = b.le16(26), let h = b.le16(28) {
            info.width = w & 0x3FFF
            info.height = h & 0x3FFF
        } else if b.matches(at: 12, "VP8L"), b[20] == 0x2F, let bits = b.le32(21) {
            info.width = (bits & 0x3FFF) + 1
            info.height = ((bits >> 14) & 0x3FFF) + 1
        } else if b.matches(at: 12, "VP8X"), let w = b.le24(24), let h = b.le24(27) {
            info.width = w + 1
            info.height = h + 1
        }
        return info
    }

    // MARK: - ISO media (AVIF, HEIC)

    /// The brands of an ISO media file's `ftyp` box (major and compatible), nil when the
    /// box is too short to be one.
    private static func isoBrands(_ b: Bytes) -> [String]? {
        guard let boxSize = b.be32(0), boxSize >= 16 else { return nil }
        var brands: [String] = []
        var o = 8
        while o + 4 <= min(boxSize, b.count) {
            if o != 12 { brands.append(b.string(at: o, count: 4)) }   // skip minor_version
            o += 4
        }
        return brands
    }

    /// HEIF/HEIC brands: images libvips can convert, but no browser or EPUB reader shows.
    static let heifBrands: Set<String> = ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"]

    /// The media type of image bytes a converter can read: `sniff`'s image type, or HEIC,
    /// which `sniff` refuses for a book but libvips converts (profiles' local covers).
    public static func convertibleMediaType(_ bytes: [UInt8]) -> MediaType? {
        bytes.withUnsafeBytes { raw -> MediaType? in
            let b = Bytes(raw)
            if case .image(let info) = sniff(b) { return info.mediaType }
            guard b.matches(at: 4, "ftyp"), let brands = isoBrands(b) else { return nil }
            return brands.contains(where: heifBrands.contains) ? .heic : nil
        }
    }

    private static func isoMedia(_ b: Bytes) -> SniffResult {
        guard let brands = isoBrands(b) else { return .notImage("an unknown ISO media file") }
        if brands.contains("avif") || brands.contains("avis") {
            var info = ImageInfo(mediaType: .avif)
            // Image spatial extents: the largest one is the primary (or grid) image.
            let limit = min(b.count, 1 << 16)
            var best = 0
            var rotated = false
            var i = 4
            while i + 16 <= limit {
                if b.matches(at: i, "ispe"), let w = b.be32(i + 8), let h = b.be32(i + 12), w * h > best {
                    best = w * h
                    info.width = w
                    info.height = h
                } else if b.matches(at: i, "irot"), b.be32(i - 4) == 9 {
                    rotated = (b[i + 4] & 1) == 1
                }
                i += 1
            }
            if rotated { swap(&info.width, &info.height) }
            return .image(info)
        }
        if brands.contains(where: heifBrands.contains) {
            return .notImage("a HEIC/HEIF image (not shown by browsers or EPUB readers; convert it to JPEG)")
        }
        return .notImage("an ISO media file (brand \(brands.first ?? "?")), not an image")
    }

    // MARK: - BMP

    private static func bmp(_ b: Bytes) -> ImageInfo? {
        guard let header = b.le32(14), [12, 16, 40, 52, 56, 64, 108, 124].contains(header) else { return nil }
        var info = ImageInfo(mediaType: .bmp)
        if header == 12 {
            info.width = b.le16(18)
            info.height = b.le16(20)
        } else if let w = b.le32(18), let h = b.le32(22) {
            info.width = Int(Int32(truncatingIfNeeded: w)).magnitude.asInt
            info.height = Int(Int32(truncatingIfNeeded: h)).magnitude.asInt
        }
        return info
    }

    // MARK: - Markup: SVG, HTML, text

    private static func markup(_ b: Bytes) -> SniffResult {
        let prefix = b.prefix(65_536)
        var text = String(decoding: prefix, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var s = Substring(text)
        // Skip the prolog: whitespace, XML declaration, comments, processing
        // instructions and a doctype (with an internal subset).
        while true {
            s = s.drop(while: { $0.isWhitespace })
            if s.hasPrefix("<?") {
                guard let e = s.range(of: "?>") else { break }
                s = s[e.upperBound...]
            } else if s.hasPrefix("<!--") {
                guard let e = s.range(of: "-->") else { break }
                s = s[e.upperBound...]
            } else if s.lowercased().hasPrefix("<!doctype") {
                let upTo = s.firstIndex(of: ">") ?? s.endIndex
                let decl = s[..<upTo].lowercased()
                if decl.contains("html") && !decl.contains("svg") { return .notImage(htmlPage) }
                if let bracket = s[..<upTo].firstIndex(of: "["), let close = s[bracket...].range(of: "]>") {
                    s = s[close.upperBound...]
                } else {
                    s = upTo < s.endIndex ? s[s.index(after: upTo)...] : s[upTo...]
                }
            } else {
                break
            }
        }
        if s.hasPrefix("<") {
            let nameChars = s.dropFirst().prefix(while: { $0.isLetter || $0.isNumber || $0 == ":" || $0 == "-" || $0 == "_" })
            var name = nameChars.lowercased()
            if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
            if name == "svg" {
                return .image(svg(s.dropFirst(1 + nameChars.count)))
            }
            if ["html", "head", "body", "title", "meta", "div", "p", "script", "style", "link", "table", "h1", "center", "pre", "noscript", "iframe"].contains(name) {
                return .notImage(htmlPage)
            }
            if !name.isEmpty { return .notImage("an XML document (root <\(name)>), not an image") }
        }
        if b.prefix(512).allSatisfy({ $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            let line = s.prefix(60).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if line.hasPrefix("{") || line.hasPrefix("[") { return .notImage("JSON text (\"\(line)…\")") }
            return .notImage("text (\"\(line)…\")")
        }
        return .notImage("an unknown format (first bytes \(Hex.lower(b.prefix(8))))")
    }

    private static let htmlPage = "an HTML page"

    /// Reads `width`, `height` and `viewBox` from the attributes of the root `<svg`.
    private static func svg(_ attributes: Substring) -> ImageInfo {
        var attrs: [String: String] = [:]
        var s = attributes
        while true {
            s = s.drop(while: { $0.isWhitespace })
            guard let c = s.first, c != ">", c != "/" else { break }
            let name = s.prefix(while: { !$0.isWhitespace && $0 != "=" && $0 != ">" && $0 != "/" })
            if name.isEmpty { break }
            s = s.dropFirst(name.count).drop(while: { $0.isWhitespace })
            var value = ""
            if s.first == "=" {
                s = s.dropFirst().drop(while: { $0.isWhitespace })
                if let q = s.first, q == "\"" || q == "'" {
                    let body = s.dropFirst()
                    let end = body.firstIndex(of: q) ?? body.endIndex
                    value = String(body[..<end])
                    s = end < body.endIndex ? body[body.index(after: end)...] : body[end...]
                } else {
                    let v = s.prefix(while: { !$0.isWhitespace && $0 != ">" })
                    value = String(v)
                    s = s.dropFirst(v.count)
                }
            }
            attrs[name.lowercased()] = value
        }
        var width = attrs["width"].flatMap(svgLength)
        var height = attrs["height"].flatMap(svgLength)
        if let vb = attrs["viewbox"] {
            let parts = vb.split(whereSeparator: { $0 == " " || $0 == "," || $0.isWhitespace }).compactMap { Double($0) }
            if parts.count == 4, parts[2] > 0, parts[3] > 0 {
                let (vw, vh) = (parts[2], parts[3])
                switch (width, height) {
                case (nil, nil): (width, height) = (vw, vh)
                case (let w?, nil): height = w * vh / vw
                case (nil, let h?): width = h * vw / vh
                default: break
                }
            }
        }
        func px(_ v: Double?) -> Int? {
            guard let v, v.isFinite, v > 0, v < 1_000_000 else { return nil }
            return Int(v.rounded())
        }
        return ImageInfo(mediaType: .svg, width: px(width), height: px(height))
    }

    /// A length in absolute units, in CSS pixels; `nil` for `%`, `em` and the like.
    private static func svgLength(_ raw: String) -> Double? {
        let t = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let number = t.prefix(while: { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" })
        guard let v = Double(number) else { return nil }
        switch t.dropFirst(number.count).trimmingCharacters(in: .whitespaces) {
        case "", "px": return v
        case "pt": return v * 4 / 3
        case "pc": return v * 16
        case "in": return v * 96
        case "cm": return v * 96 / 2.54
        case "mm": return v * 96 / 25.4
        default: return nil
        }
    }
}

/// Bounds-checked little/big-endian reads over raw bytes.
struct Bytes {
    let raw: UnsafeRawBufferPointer
    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }
    var count: Int { raw.count }
    subscript(i: Int) -> UInt8 { i >= 0 && i < raw.count ? raw[i] : 0 }

    func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
        guard offset >= 0, offset + prefix.count <= raw.count else { return false }
        for (k, p) in prefix.enumerated() where raw[offset + k] != p { return false }
        return true
    }
    func matches(at offset: Int, _ ascii: String) -> Bool { starts(with: Array(ascii.utf8), at: offset) }
    func string(at offset: Int, count n: Int) -> String {
        guard offset >= 0, offset + n <= raw.count else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<offset + n]), as: UTF8.self)
    }
    func prefix(_ n: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: raw[0..<min(n, raw.count)]) }

    func be16(_ i: Int) -> Int? { i >= 0 && i + 2 <= raw.count ? Int(raw[i]) << 8 | Int(raw[i + 1]) : nil }
    func le16(_ i: Int) -> Int? { i >= 0 && i + 2 <= raw.count ? Int(raw[i + 1]) << 8 | Int(raw[i]) : nil }
    func le24(_ i: Int) -> Int? {
        i >= 0 && i + 3 <= raw.count ? Int(raw[i + 2]) << 16 | Int(raw[i + 1]) << 8 | Int(raw[i]) : nil
    }
    func be32(_ i: Int) -> Int? {
        guard i >= 0, i + 4 <= raw.count else { return nil }
        return Int(raw[i]) << 24 | Int(raw[i + 1]) << 16 | Int(raw[i + 2]) << 8 | Int(raw[i + 3])
    }
    func le32(_ i: Int) -> Int? {
        guard i >= 0, i + 4 <= raw.count else { return nil }
        return Int(raw[i + 3]) << 24 | Int(raw[i + 2]) << 16 | Int(raw[i + 1]) << 8 | Int(raw[i])
    }
}

private extension UInt {
    var asInt: Int { Int(clamping: self) }
}
