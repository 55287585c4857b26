import Foundation
import OffprintDocument
import Yams
import OffprintSupport

extension FrontMatter {
    /// The front matter as YAML (default) or TOML text, keys in order.
    ///
    /// YAML quotes a string only when it must: when a YAML 1.1 or 1.2 reader would take it
    /// for something else (`yes`, `1.0`, `2021-07-14`, `null`, `~`), when it starts with an
    /// indicator character (`-`, `[`, `'`, `&`, …), has `: ` or ` #` in it, or leading or
    /// trailing space. Single quotes are used, double quotes (with escapes) for line breaks and
    /// control characters. CJK text is written as is. Parsing the output with `parse(_:format:)`
    /// gives back the same entries.
    ///
    /// TOML writes top-level values first and tables as `[sections]` after them (TOML requires
    /// it); it has no null, so null values are left out.
    ///
    /// - Parameter delimited: wrap in `---` lines (YAML) or `+++` lines (TOML), ready to start
    ///   a Markdown file.
    public func render(as format: Format = .yaml, delimited: Bool = true) -> String {
        switch format {
        case .yaml:
            var out = ""
            for (k, v) in entries { YAMLWriter.entry(key: k, value: v, indent: "", into: &out) }
            return delimited ? "---\n" + out + "---\n" : out
        case .toml:
            let body = TOMLWriter.document(entries)
            return delimited ? "+++\n" + body + "+++\n" : body
        }
    }
}

enum YAMLWriter {
    static func entry(key: String, value: FrontMatter.Value, indent: String, into out: inout String) {
        out += indent + scalar(key) + ":"
        rest(value, indent: indent, into: &out)
    }

    private static func item(_ value: FrontMatter.Value, indent: String, into out: inout String) {
        out += indent + "-"
        rest(value, indent: indent, into: &out)
    }

    /// What follows `key:` or `-`: an inline scalar, or a nested block on the next lines.
    private static func rest(_ value: FrontMatter.Value, indent: String, into out: inout String) {
        switch value {
        case .null:
            out += "\n"
        case let .array(items):
            if items.isEmpty { out += " []\n"; return }
            out += "\n"
            for i in items { item(i, indent: indent + "  ", into: &out) }
        case let .table(pairs):
            if pairs.isEmpty { out += " {}\n"; return }
            out += "\n"
            for (k, v) in pairs { entry(key: k, value: v, indent: indent + "  ", into: &out) }
        default:
            out += " " + inline(value) + "\n"
        }
    }

    static func inline(_ value: FrontMatter.Value) -> String {
        switch value {
        case .null: return "null"
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d): return double(d)
        case let .string(s): return scalar(s)
        case let .date(original, date):
            if isTimestamp(original) { return original }
            if let iso = date?.iso8601, isTimestamp(iso) { return iso }
            return scalar(original)
        case .array, .table: return "null"  // not reached: blocks are written by `rest`
        }
    }

    static func double(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        var s = String(d)
        // YAML 1.1 readers want a dot in a float ("1.0e-05", not "1e-05").
        if !s.contains("."), let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            s.insert(contentsOf: ".0", at: e)
        }
        if s.contains("e"), let e = s.firstIndex(of: "e"), s[s.index(after: e)] != "-", s[s.index(after: e)] != "+" {
            s.insert("+", at: s.index(after: e))
        }
        return s
    }

    /// A string as a YAML scalar: plain when that reads back as the same string, otherwise
    /// single- or double-quoted.
    static func scalar(_ s: String) -> String {
        if needsDoubleQuotes(s) { return doubleQuoted(s) }
        if isPlainSafe(s) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func isTimestamp(_ s: String) -> Bool {
        YAMLTags.mayBeTyped(s) && YAMLTags.resolve(s) == .timestamp
    }

    private static let indicators: Set<Character> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`"]

    static func isPlainSafe(_ s: String) -> Bool {
        guard let first = s.first, let last = s.last else { return false }
        if indicators.contains(first) || first.isWhitespace || last.isWhitespace || last == ":" { return false }
        if s.utf8Contains(": ") || s.utf8Contains(" #") || s.utf8.contains(0x09) { return false }
        // YAML 1.1's one-letter booleans, which some readers (go-yaml v2) still apply.
        if s == "y" || s == "Y" || s == "n" || s == "N" { return false }
        // Anything a YAML 1.1 reader (PyYAML, Yams) would type: bools incl. yes/no/on/off,
        // numbers, null, timestamps, `<<`, `=`. (YAML 1.2 readers type a subset of these.)
        return !YAMLTags.mayBeTyped(s) || YAMLTags.resolve(s) == .str
    }

    private static func needsDoubleQuotes(_ s: String) -> Bool {
        s.unicodeScalars.contains { !isPrintable($0) || $0 == "\n" || $0 == "\r" || $0 == "\t" }
    }

    /// YAML's printable set minus the line breaks it treats specially (NEL, LS, PS) and BOM.
    private static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v == 0x85 || v == 0x2028 || v == 0x2029 || v == 0xFEFF { return false }
        if v >= 0x20 && v <= 0x7E { return true }
        if v >= 0xA0 && v <= 0xD7FF { return true }
        if v >= 0xE000 && v <= 0xFFFD { return true }
        return v >= 0x10000 && v <= 0x10FFFF
    }

    private static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{85}": out += "\\N"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            default:
                if isPrintable(c) { out.unicodeScalars.append(c) }
                else if c.value <= 0xFF { out += "\\x" + hex(c.value, 2) }
                else if c.value <= 0xFFFF { out += "\\u" + hex(c.value, 4) }
                else { out += "\\U" + hex(c.value, 8) }
            }
        }
        return out + "\""
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

enum TOMLWriter {
    static func document(_ entries: [(key: String, value: FrontMatter.Value)]) -> String {
        var out = ""
        var tables: [(String, [(String, FrontMatter.Value)])] = []
        for (k, v) in entries {
            switch v {
            case .null: continue
            case let .table(pairs): tables.append((k, pairs))
            default: out += key(k) + " = " + inline(v) + "\n"
            }
        }
        for (k, pairs) in tables {
            out += (out.isEmpty ? "" : "\n") + "[" + key(k) + "]\n"
            for (k2, v2) in pairs where v2 != .null { out += key(k2) + " = " + inline(v2) + "\n" }
        }
        return out
    }

    static func key(_ k: String) -> String {
        if !k.isEmpty, k.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }) {
            return k
        }
        return string(k)
    }

    static func inline(_ v: FrontMatter.Value) -> String {
        switch v {
        case .null: return "\"\""
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            return String(d)
        case let .string(s): return string(s)
        case let .date(original, date):
            if let iso = date?.iso8601, isTOMLDate(iso) { return iso }
            return string(original)
        case let .array(items): return "[" + items.filter { $0 != .null }.map(inline).joined(separator: ", ") + "]"
        case let .table(pairs): return "{ " + pairs.filter { $0.1 != .null }.map { key($0.0) + " = " + inline($0.1) }.joined(separator: ", ") + " }"
        }
    }

    /// Whether an ISO 8601 string is also a TOML date or date-time literal.
    static func isTOMLDate(_ s: String) -> Bool {
        let u = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= u.count && u[r].allSatisfy { $0 >= 48 && $0 <= 57 } }
        guard digits(0..<4), u.count >= 10, u[4] == 45, digits(5..<7), u[7] == 45, digits(8..<10) else { return false }
        if u.count == 10 { return true }
        return u.count >= 19 && u[10] == 84 && digits(11..<13) && u[13] == 58 && digits(14..<16) && u[16] == 58 && digits(17..<19)
    }

    static func string(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 || c.value == 0x7F { out += "\\u" + YAMLWriter.hex(c.value, 4) }
                else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}
