import Foundation
import OffprintSupport

/// A decoded `data:` URL (RFC 2397, with the leniency browsers have: whitespace in
/// base64, missing padding, URL-safe alphabet, raw `<svg …>` text).
struct DataURI {
    /// The media type the URL declares (`image/gif`); `text/plain`, RFC 2397's default, when
    /// it declares none or something that is not a media type. The bytes decide in the end.
    var declaredType: MediaType
    var bytes: Data

    enum Failure: Error, Equatable {
        case noComma
        case badBase64
    }

    init(_ url: String) throws(Failure) {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let comma = trimmed.firstIndex(of: ",") else { throw .noComma }
        let header = trimmed[trimmed.index(trimmed.startIndex, offsetBy: 5)..<comma]   // after "data:"
        let payload = trimmed[trimmed.index(after: comma)...]
        let params = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        let isBase64 = params.last?.lowercased() == "base64"
        declaredType = params.first.flatMap { MediaType($0) } ?? .plainText
        let unescaped = Self.percentDecode(payload)
        if isBase64 {
            var chars = [UInt8]()
            chars.reserveCapacity(unescaped.count)
            for c in unescaped {
                switch c {
                case 0x20, 0x09, 0x0A, 0x0C, 0x0D: continue
                case UInt8(ascii: "-"): chars.append(UInt8(ascii: "+"))
                case UInt8(ascii: "_"): chars.append(UInt8(ascii: "/"))
                default: chars.append(c)
                }
            }
            while chars.last == UInt8(ascii: "=") { chars.removeLast() }
            while chars.count % 4 != 0 { chars.append(UInt8(ascii: "=")) }
            guard let d = Data(base64Encoded: Data(chars)) else { throw .badBase64 }
            bytes = d
        } else {
            bytes = Data(unescaped)
        }
    }

    /// `%XX` → byte; anything else (including a stray `%`) stays as it is.
    static func percentDecode(_ s: Substring) -> [UInt8] {
        let src = Array(s.utf8)
        var out = [UInt8]()
        out.reserveCapacity(src.count)
        var i = 0
        while i < src.count {
            if src[i] == UInt8(ascii: "%"), i + 2 < src.count, let h = Hex.value(src[i + 1]), let l = Hex.value(src[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(src[i])
                i += 1
            }
        }
        return out
    }
}
