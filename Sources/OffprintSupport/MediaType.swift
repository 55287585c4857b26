import Foundation

/// A media type (`image/jpeg`, `application/xhtml+xml`): type and subtype, lower case,
/// parameters dropped (`Image/PNG; q=1` → `image/png`). Written as its text wherever it
/// is stored (cache index, EPUB manifest, HTTP headers).
public struct MediaType: Sendable, Hashable {
    /// `image`.
    public let type: String
    /// `svg+xml`.
    public let subtype: String

    /// The media type `raw` names (a `Content-Type` value, a manifest's `media-type`); nil
    /// when it is not `type/subtype` of token characters.
    public init?(_ raw: String) {
        let essence = raw.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        guard let t = Self.token(parts[0]), let s = Self.token(parts[1]) else { return nil }
        type = t
        subtype = s
    }

    init(uncheckedType type: String, subtype: String) {
        self.type = type
        self.subtype = subtype
    }

    /// `image/svg+xml`.
    public var value: String { type + "/" + subtype }

    /// An `image/…` type.
    public var isImage: Bool { type == "image" }

    /// Whether `other` is this type or, when this is a range as in an `Accept` header, one
    /// of the range: `text/*` matches every `text/…` type, `*/*` every type.
    public func matches(_ other: MediaType) -> Bool {
        switch (type, subtype) {
        case ("*", "*"): return true
        case (_, "*"): return type == other.type
        default: return self == other
        }
    }

    /// RFC 9110 token characters, trimmed of spaces and lower-cased; nil when empty or invalid.
    private static func token(_ s: Substring) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty, t.utf8.allSatisfy({ c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }) else { return nil }
        return t
    }
}

extension MediaType {
    public static let jpeg = MediaType(uncheckedType: "image", subtype: "jpeg")
    public static let png = MediaType(uncheckedType: "image", subtype: "png")
    public static let gif = MediaType(uncheckedType: "image", subtype: "gif")
    public static let webp = MediaType(uncheckedType: "image", subtype: "webp")
    public static let svg = MediaType(uncheckedType: "image", subtype: "svg+xml")
    public static let avif = MediaType(uncheckedType: "image", subtype: "avif")
    public static let heic = MediaType(uncheckedType: "image", subtype: "heic")
    public static let heif = MediaType(uncheckedType: "image", subtype: "heif")
    public static let bmp = MediaType(uncheckedType: "image", subtype: "bmp")
    public static let tiff = MediaType(uncheckedType: "image", subtype: "tiff")
    public static let xhtml = MediaType(uncheckedType: "application", subtype: "xhtml+xml")
    public static let css = MediaType(uncheckedType: "text", subtype: "css")
    public static let ncx = MediaType(uncheckedType: "application", subtype: "x-dtbncx+xml")
    public static let epub = MediaType(uncheckedType: "application", subtype: "epub+zip")
    public static let kepub = MediaType(uncheckedType: "application", subtype: "kepub+zip")
    public static let markdown = MediaType(uncheckedType: "text", subtype: "markdown")
    public static let xMarkdown = MediaType(uncheckedType: "text", subtype: "x-markdown")
    public static let html = MediaType(uncheckedType: "text", subtype: "html")
    public static let plainText = MediaType(uncheckedType: "text", subtype: "plain")
    public static let textXML = MediaType(uncheckedType: "text", subtype: "xml")
    public static let xml = MediaType(uncheckedType: "application", subtype: "xml")
    public static let json = MediaType(uncheckedType: "application", subtype: "json")
    public static let rss = MediaType(uncheckedType: "application", subtype: "rss+xml")
    public static let atom = MediaType(uncheckedType: "application", subtype: "atom+xml")
    public static let rdf = MediaType(uncheckedType: "application", subtype: "rdf+xml")
    public static let jsonFeed = MediaType(uncheckedType: "application", subtype: "feed+json")
    /// `text/*`: the range of every text type (see `matches`).
    public static let anyText = MediaType(uncheckedType: "text", subtype: "*")
}

extension MediaType: CustomStringConvertible, LosslessStringConvertible {
    public var description: String { value }
}

/// Encoded as its text (`"image/png"`), as the cache index stored it before the type existed.
extension MediaType: TextCodable {
    public static let textKind = "a media type"
}
