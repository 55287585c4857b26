import OffprintSupport
import Crypto
import Foundation
import OffprintArticle

// Small helpers the builder needs: identifiers, zip dates, XML names.

extension StringProtocol {
    /// Without leading and trailing white space (Foundation's `trimmingCharacters` bridges
    /// through NSString on Linux and is slow on hot paths).
    var trimmed: String {
        let s = String(self)
        let u = s.utf8
        if let f = u.first, let l = u.last, f > 0x20 && f < 0x80 && l > 0x20 && l < 0x80 { return s }
        let scalars = s.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}

enum Identifiers {
    /// A name-based (version 5, SHA-1) UUID, RFC 9562 §5.5, in the URL namespace.
    static func uuidV5(name: String) -> String {
        // 6ba7b811-9dad-11d1-80b4-00c04fd430c8: the RFC's URL namespace.
        let namespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        var h = Insecure.SHA1()
        h.update(data: namespace)
        h.update(data: Array(name.utf8))
        var b = Array(h.finalize().prefix(16))
        b[6] = (b[6] & 0x0F) | 0x50
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = Hex.lower(b)
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}

/// Dates written into the book's files.
enum Dates {
    /// `2021-07-14T05:08:05Z` (the form `dcterms:modified` requires).
    static func timestamp(_ date: Date) -> String { ArticleDate(date).iso8601 }

    /// MS-DOS date and time fields (what zip headers store), for a date in UTC.
    static func dos(_ date: Date) -> (time: UInt16, date: UInt16) {
        let u = ArticleDate(date).components
        var c = (y: u.year, m: u.month, d: u.day, h: u.hour ?? 0, mi: u.minute ?? 0, s: u.second ?? 0)
        if c.y < 1980 { c = (1980, 1, 1, 0, 0, 0) }
        if c.y > 2107 { c = (2107, 12, 31, 23, 59, 58) }
        let time = UInt16(c.h << 11 | c.mi << 5 | c.s / 2)
        let day = UInt16((c.y - 1980) << 9 | c.m << 5 | c.d)
        return (time, day)
    }
}

enum XMLNames {
    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        switch v {
        case 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
             0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF:
            return true
        default: return false
        }
    }

    static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        if isNameStart(c) { return true }
        let v = c.value
        switch v {
        case 0x30...0x39, 0x2D, 0x2E, 0xB7, 0x300...0x36F, 0x203F...0x2040: return true
        default: return false
        }
    }

    /// Whether `s` is an XML name without a colon (what `id` values must be in EPUB).
    static func isNCName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, isNameStart(f) else { return false }
        return s.unicodeScalars.allSatisfy(isNameChar)
    }

    /// `s` made into an NCName: invalid characters become `-`, a bad start gets `id-`.
    static func ncName(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars { out.append(isNameChar(c) ? c : "-") }
        var r = String(out)
        if r.isEmpty || !isNameStart(r.unicodeScalars.first!) { r = "id-" + r }
        return r
    }
}
