import OffprintSupport
import Crypto
import Foundation
import OffprintArticle

// Small helpers the builder needs: identifiers, dates, language tags, XML names.

extension StringProtocol {
    /// Without leading and trailing white space (Foundation's `trimmingCharacters` bridges
    /// through NSString on Linux and is slow on hot paths).
    var trimmed: String { WebURL.trimmedWhitespace(String(self)) }
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

enum Dates {
    /// Reads ISO 8601 / W3CDTF dates: `2021-07-14`, `2021-07-14T05:08:05Z`,
    /// `2021-07-14 05:08:05+08:00`, fractions of a second. Nil for anything else.
    static func parse(_ s: String) -> Date? {
        let c = Array(s.trimmed.utf8)
        var i = 0
        func number(_ n: Int) -> Int? {
            guard i + n <= c.count else { return nil }
            var v = 0
            for k in 0..<n {
                let d = c[i + k]
                guard d >= 0x30 && d <= 0x39 else { return nil }
                v = v * 10 + Int(d - 0x30)
            }
            i += n
            return v
        }
        func expect(_ ch: UInt8) -> Bool {
            guard i < c.count, c[i] == ch else { return false }
            i += 1
            return true
        }
        guard let y = number(4) else { return nil }
        var mo = 1, d = 1, h = 0, mi = 0, sec = 0.0, offset = 0
        if expect(0x2D) {
            guard let m = number(2) else { return nil }
            mo = m
            if expect(0x2D) {
                guard let dd = number(2) else { return nil }
                d = dd
            }
        }
        if i < c.count && (c[i] == 0x54 || c[i] == 0x20 || c[i] == 0x74) {
            i += 1
            guard let hh = number(2), expect(0x3A), let mm = number(2) else { return nil }
            h = hh; mi = mm
            if expect(0x3A) {
                guard let ss = number(2) else { return nil }
                sec = Double(ss)
                if expect(0x2E) || expect(0x2C) {
                    var frac = 0.0, scale = 0.1
                    while i < c.count, c[i] >= 0x30 && c[i] <= 0x39 {
                        frac += Double(c[i] - 0x30) * scale
                        scale /= 10
                        i += 1
                    }
                    sec += frac
                }
            }
            if i < c.count {
                if c[i] == 0x5A || c[i] == 0x7A {
                    i += 1
                } else if c[i] == 0x2B || c[i] == 0x2D {
                    let sign = c[i] == 0x2D ? -1 : 1
                    i += 1
                    guard let oh = number(2) else { return nil }
                    _ = expect(0x3A)
                    let om = number(2) ?? 0
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
        }
        guard i == c.count, (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        let days = daysFromCivil(y, mo, d)
        return Date(timeIntervalSince1970: Double(days * 86400 + h * 3600 + mi * 60) + sec - Double(offset))
    }

    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int { DateNormalizer.daysFromCivil(y, m, d) }

    static func civil(_ date: Date) -> (y: Int, m: Int, d: Int, h: Int, mi: Int, s: Int) {
        let t = Int(floor(date.timeIntervalSince1970))
        var days = t / 86400
        var rem = t % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        let c = DateNormalizer.civil(fromDays: days)
        return (c.year, c.month, c.day, rem / 3600, rem % 3600 / 60, rem % 60)
    }

    /// `2021-07-14T05:08:05Z` (the form `dcterms:modified` requires).
    static func timestamp(_ date: Date) -> String {
        let c = civil(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.y, c.m, c.d, c.h, c.mi, c.s)
    }

    /// `2021-07-14`.
    static func day(_ date: Date) -> String {
        let c = civil(date)
        return String(format: "%04d-%02d-%02d", c.y, c.m, c.d)
    }

    /// A `dc:date` value: the date as given when it is W3CDTF already, else its day.
    static func w3cdtf(_ s: String) -> String? {
        let t = s.trimmed
        guard let d = parse(t) else { return nil }
        if t.count == 4 || t.count == 7 || t.count == 10 { return t }
        return timestamp(d)
    }

    /// MS-DOS date and time fields (what zip headers store), for a date in UTC.
    static func dos(_ date: Date) -> (time: UInt16, date: UInt16) {
        var c = civil(date)
        if c.y < 1980 { c = (1980, 1, 1, 0, 0, 0) }
        if c.y > 2107 { c = (2107, 12, 31, 23, 59, 58) }
        let time = UInt16(c.h << 11 | c.mi << 5 | c.s / 2)
        let day = UInt16((c.y - 1980) << 9 | c.m << 5 | c.d)
        return (time, day)
    }
}

public enum LanguageTags {
    /// A well-formed BCP 47 tag in its usual case (`zh-CN`, `zh-Hant-TW`, `en`), from
    /// lenient input (`zh_cn`, ` EN-us `); nil when it cannot be one.
    public static func normalize(_ raw: String) -> String? {
        let parts = raw.trimmed.replacingOccurrences(of: "_", with: "-")
            .split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, (2...3).contains(first.count) || (5...8).contains(first.count),
              first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        var out = [first.lowercased()]
        var seenPrivate = false
        for (k, p) in parts.dropFirst().enumerated() {
            guard (1...8).contains(p.count), p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
            if seenPrivate || p.count == 1 {
                if p.count == 1 { seenPrivate = seenPrivate || p.lowercased() == "x" }
                out.append(p.lowercased())
            } else if k == 0 && p.count == 4 && p.allSatisfy(\.isLetter) {
                out.append(p.prefix(1).uppercased() + p.dropFirst().lowercased())
            } else if p.count == 2 && p.allSatisfy(\.isLetter) {
                out.append(p.uppercased())
            } else if p.count == 3 && p.allSatisfy(\.isNumber) {
                out.append(p)
            } else if (5...8).contains(p.count) || (p.count == 4 && p.first!.isNumber) {
                out.append(p.lowercased())
            } else if p.count == 4 && p.allSatisfy(\.isLetter) && out.count == 1 {
                out.append(p.prefix(1).uppercased() + p.dropFirst().lowercased())
            } else {
                return nil
            }
        }
        if out.last == "x" { return nil }
        return out.joined(separator: "-")
    }

    /// A language guessed from the script of `text`: `zh` for Han without kana, `ja` with
    /// kana, `ko` for Hangul; nil for other scripts (Latin text says nothing about its language).
    static func guessFromScript(_ text: Substring) -> String? {
        var han = 0, kana = 0, hangul = 0, letters = 0
        for s in text.unicodeScalars.prefix(20_000) {
            let v = s.value
            switch v {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF: han += 1
            case 0x3040...0x30FF: kana += 1
            case 0xAC00...0xD7AF, 0x1100...0x11FF: hangul += 1
            case 0x41...0x5A, 0x61...0x7A: letters += 1
            case 0...0x7F: break
            default: if s.properties.isAlphabetic { letters += 1 }
            }
        }
        let total = han + kana + hangul + letters
        guard total > 0 else { return nil }
        if hangul * 3 > total { return "ko" }
        if kana > 0 && (han + kana) * 3 > total && kana * 20 > han { return "ja" }
        if han * 3 > total { return "zh" }
        return nil
    }

    /// Whether most letters of `text` are of right-to-left scripts (Hebrew, Arabic, Syriac,
    /// Thaana, N'Ko…): the direction is known even when the language is not.
    static func isMostlyRTL(_ text: Substring) -> Bool {
        var rtl = 0, other = 0
        for s in text.unicodeScalars.prefix(20_000) {
            switch s.value {
            case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF: rtl += 1
            case 0x41...0x5A, 0x61...0x7A: other += 1
            case 0...0x7F: break
            default: if s.properties.isAlphabetic { other += 1 }
            }
        }
        return rtl > other
    }

    /// Right-to-left primary languages.
    static func isRTL(_ tag: String) -> Bool {
        let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? ""
        return ["ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb", "syr"].contains(primary)
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
