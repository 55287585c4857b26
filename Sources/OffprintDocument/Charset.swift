import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding a page's character encoding and turning its bytes into UTF-8.
///
/// Which encoding: `resolve` (CharsetResolution.swift) — a byte-order mark, a forced
/// encoding, the HTTP header, `<meta charset>` / `<meta http-equiv=content-type>` /
/// `<?xml encoding?>` in the first few kilobytes, UTF-8, then a guess. Labels are mapped the way the WHATWG Encoding standard maps
/// them (GB2312 and GBK decode as GB18030, Shift_JIS as Windows-31J, Latin-1 as windows-1252).
public enum Charset {
    /// The iconv name for an encoding label, following the WHATWG label table for the
    /// labels seen on the web. Returns nil for labels iconv cannot be expected to know.
    public static func canonicalName(_ label: String) -> String? {
        let l = label.trimmingASCIIWhitespace().lowercased()
        switch l {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8": return "UTF-8"
        case "gb2312", "gbk", "x-gbk", "gb_2312-80", "chinese", "csgb2312", "iso-ir-58", "cp936",
             "windows-936", "gb18030", "euc-cn": return "GB18030"
        case "big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5": return "BIG5-HKSCS"
        case "shift_jis", "shift-jis", "sjis", "ms_kanji", "csshiftjis", "windows-31j", "x-sjis", "ms932", "cp932":
            return "CP932"
        case "euc-jp", "cseucpkdfmtjapanese", "x-euc-jp": return "EUC-JP"
        case "iso-2022-jp", "csiso2022jp": return "ISO-2022-JP"
        case "euc-kr", "ks_c_5601-1987", "windows-949", "cseuckr", "korean", "cp949": return "CP949"
        case "iso-8859-1", "latin1", "l1", "ascii", "us-ascii", "iso8859-1", "iso_8859-1", "windows-1252",
             "cp1252", "x-cp1252", "cp819", "ibm819", "iso-ir-100", "csisolatin1", "ansi_x3.4-1968":
            return "WINDOWS-1252"
        case "utf-16", "utf-16le", "unicode", "ucs-2", "csunicode": return "UTF-16LE"
        case "utf-16be": return "UTF-16BE"
        case "koi8-r", "koi8", "cskoi8r": return "KOI8-R"
        case "koi8-u": return "KOI8-U"
        default:
            if l.hasPrefix("windows-125") || l.hasPrefix("iso-8859-") || l.hasPrefix("iso8859-") {
                return l.uppercased().replacingOccurrences(of: "ISO8859-", with: "ISO-8859-")
            }
            if l.isEmpty { return nil }
            return l.uppercased()
        }
    }

    /// The encoding of `bytes`: BOM, then `hint` (forced), then the rules of `resolve`.
    public static func detect(_ bytes: UnsafeRawBufferPointer, hint: String? = nil) -> String {
        resolve(bytes, forced: hint).encoding
    }

    /// The iconv name for `label` when iconv here can convert it to UTF-8, else nil: what
    /// `--encoding` accepts (WHATWG labels such as `gbk`, `shift_jis`, `latin1`, and iconv's
    /// own names such as `CP1251`).
    public static func supportedName(_ label: String) -> String? {
        // Labels are short tokens; iconv's "//TRANSLIT" suffixes and the like are not labels.
        guard label.utf8.count <= 40,
              label.trimmingASCIIWhitespace().utf8.allSatisfy({ b in
                  (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
              }),
              let name = canonicalName(label) else { return nil }
        if name == "UTF-8" { return name }
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) { return nil }
        iconv_close(cd)
        return name
    }

    /// The charset named by a `<meta>` or `<?xml?>` declaration in the first 16 KB.
    public static func declaredCharset(_ bytes: UnsafeRawBufferPointer) -> String? {
        let n = min(bytes.count, 16 * 1024)
        // Work on an ASCII-lowercased copy of the prefix; non-ASCII bytes become "?".
        var lower = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            let b = bytes[i]
            lower[i] = (b >= 0x41 && b <= 0x5A) ? b + 32 : (b < 0x80 ? b : 0x3F)
        }
        let s = String(decoding: lower, as: UTF8.self)
        if s.hasPrefix("<?xml"), let end = s.firstIndex(of: ">") {
            if let v = value(after: "encoding", in: s[..<end]) { return v }
        }
        var search = s[...]
        while let r = search.range(of: "<meta") {
            let tagEnd = search[r.upperBound...].firstIndex(of: ">") ?? search.endIndex
            let tag = search[r.upperBound..<tagEnd]
            if let v = value(after: "charset", in: tag) { return v }
            search = search[tagEnd...]
        }
        return nil
    }

    /// The value after `key` (`key=value`, `key="value"`, `key = 'value'`), as in both
    /// `charset="gbk"` and `content="text/html; charset=gbk"`.
    private static func value(after key: String, in text: Substring) -> String? {
        guard let r = text.range(of: key) else { return nil }
        var i = r.upperBound
        func skipSpace() { while i < text.endIndex, text[i] == " " || text[i] == "\t" || text[i] == "\n" || text[i] == "\r" { i = text.index(after: i) } }
        skipSpace()
        guard i < text.endIndex, text[i] == "=" else { return nil }
        i = text.index(after: i)
        skipSpace()
        guard i < text.endIndex else { return nil }
        var quote: Character? = nil
        if text[i] == "\"" || text[i] == "'" {
            quote = text[i]
            i = text.index(after: i)
        }
        var out = ""
        while i < text.endIndex {
            let c = text[i]
            if let q = quote, c == q { break }
            if quote == nil, c == " " || c == ";" || c == "\"" || c == "'" || c == ">" || c == "/" || c == "\t" { break }
            if c == "\"" || c == "'" || c == ";" { break }
            out.append(c)
            i = text.index(after: i)
        }
        return out.isEmpty ? nil : out
    }

    /// UTF-8 bytes for `bytes` in `encoding`: invalid sequences become U+FFFD, NUL becomes
    /// U+FFFD, and a UTF-8 BOM is dropped. Falls back to lossy UTF-8 when iconv does not know
    /// the encoding.
    public static func utf8(_ bytes: UnsafeRawBufferPointer, encoding: String) -> [UInt8] {
        var input = bytes
        if encoding == "UTF-8" {
            if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF {
                input = UnsafeRawBufferPointer(rebasing: input[3...])
            }
            return repairUTF8(input)
        }
        if encoding.hasPrefix("UTF-16"), input.count >= 2,
           (input[0] == 0xFF && input[1] == 0xFE) || (input[0] == 0xFE && input[1] == 0xFF) {
            input = UnsafeRawBufferPointer(rebasing: input[2...])
        }
        guard let (converted, _) = iconvToUTF8(input, from: encoding) else { return repairUTF8(input) }
        return converted.withUnsafeBytes { repairUTF8($0) }
    }

    /// Valid UTF-8 without NUL: the common case is a plain copy.
    static func repairUTF8(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        let bound = input.bindMemory(to: UInt8.self)
        if isValidUTF8WithoutNUL(bound) { return Array(bound) }
        var s = String(decoding: bound, as: UTF8.self)
        if s.utf8.contains(0) { s = s.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") }
        return Array(s.utf8)
    }

    /// `input` converted from `encoding` to UTF-8, each invalid byte written as `replacement`
    /// (U+FFFD by default), and how many there were; nil when iconv does not know the encoding.
    static func iconvToUTF8(_ input: UnsafeRawBufferPointer, from encoding: String,
                            replacement: [UInt8] = [0xEF, 0xBF, 0xBD]) -> (bytes: [UInt8], errors: Int)? {
        let cd = iconv_open("UTF-8", encoding)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        var out = [UInt8]()
        out.reserveCapacity(input.count * 3 / 2 + 16)
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        var inPtr = UnsafeMutablePointer<CChar>(mutating: input.baseAddress?.assumingMemoryBound(to: CChar.self))
        var inLeft = input.count
        var errors = 0
        while inLeft > 0 {
            let result: Int = buffer.withUnsafeMutableBytes { buf in
                var outPtr: UnsafeMutablePointer<CChar>? = buf.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = chunk
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[0..<(chunk - outLeft)]))
                return r == -1 ? Int(errno) : 0
            }
            if result == 0 { break }
            if result == E2BIG { continue }
            // EILSEQ or EINVAL: one bad byte, replace it and go on.
            errors += 1
            out.append(contentsOf: replacement)
            inPtr = inPtr.map { $0 + 1 }
            inLeft -= 1
        }
        // Flush any shift state.
        buffer.withUnsafeMutableBytes { buf in
            var outPtr: UnsafeMutablePointer<CChar>? = buf.baseAddress!.assumingMemoryBound(to: CChar.self)
            var outLeft = chunk
            _ = iconv(cd, nil, nil, &outPtr, &outLeft)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[0..<(chunk - outLeft)]))
        }
        return (out, errors)
    }
}

extension Charset {
    /// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points
    /// past U+10FFFF) without a NUL byte. ASCII runs are checked eight bytes at a time.
    static func isValidUTF8WithoutNUL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        var i = 0
        while i < n {
            // Eight ASCII bytes, none of them NUL: skip them at once.
            if i + 8 <= n {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                let hasZero = (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
                if w & 0x8080_8080_8080_8080 == 0 && hasZero == 0 { i += 8; continue }
            }
            let b = base[i]
            if b < 0x80 {
                if b == 0 { return false }
                i += 1
                continue
            }
            @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && base[i + k] & 0xC0 == 0x80 }
            switch b {
            case 0xC2...0xDF:
                guard cont(1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard i + 2 < n, cont(2) else { return false }
                let b1 = base[i + 1]
                let ok: Bool
                switch b {
                case 0xE0: ok = b1 >= 0xA0 && b1 <= 0xBF
                case 0xED: ok = b1 >= 0x80 && b1 <= 0x9F
                default: ok = b1 & 0xC0 == 0x80
                }
                guard ok else { return false }
                i += 3
            case 0xF0...0xF4:
                guard i + 3 < n, cont(2), cont(3) else { return false }
                let b1 = base[i + 1]
                let ok: Bool
                switch b {
                case 0xF0: ok = b1 >= 0x90 && b1 <= 0xBF
                case 0xF4: ok = b1 >= 0x80 && b1 <= 0x8F
                default: ok = b1 & 0xC0 == 0x80
                }
                guard ok else { return false }
                i += 4
            default:
                return false
            }
        }
        return true
    }
}

extension String {

    func trimmingASCIIWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
