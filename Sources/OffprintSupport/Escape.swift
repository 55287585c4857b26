/// Character references for markup: the one implementation of HTML/XML escaping (the
/// serializer, the Markdown writer's inline HTML, book templates, Pango cover text).
public enum Escape {
    /// Whether XML 1.0 allows the character (tab, LF, CR, and everything from U+0020 but
    /// U+FFFE and U+FFFF).
    @inline(__always)
    public static func isXMLChar(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v >= 0x20 { return v != 0xFFFE && v != 0xFFFF }
        return v == 0x9 || v == 0xA || v == 0xD
    }

    /// `s` without the characters XML 1.0 does not allow.
    public static func xmlSafe(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { !isXMLChar($0) }) else { return s }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars where isXMLChar(c) { out.append(c) }
        return String(out)
    }

    /// Appends one character of text content: `&`, `<`, `>` as references.
    @inline(__always)
    public static func appendText(_ c: Unicode.Scalar, to out: inout String) {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        default: out.unicodeScalars.append(c)
        }
    }

    /// Text content escaped into `out`; with `xml`, characters XML does not allow are left out.
    public static func text(_ s: String, into out: inout String, xml: Bool) {
        if !s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 < 0x20 || $0 == 0xEF }) {
            out += s
            return
        }
        for c in s.unicodeScalars {
            if xml && !isXMLChar(c) { continue }
            appendText(c, to: &out)
        }
    }

    /// An attribute value (for double quotes) escaped into `out`; with `xml`, tab and line
    /// breaks become references (XML normalises them to spaces otherwise) and characters XML
    /// does not allow are left out.
    public static func attribute(_ s: String, into out: inout String, xml: Bool) {
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "&quot;"
            case "\n" where xml: out += "&#10;"
            case "\t" where xml: out += "&#9;"
            case "\r" where xml: out += "&#13;"
            default:
                if xml && !isXMLChar(c) { continue }
                appendText(c, to: &out)
            }
        }
    }

    /// `&`, `<`, `>` (with `quotes`, also `"`; with `apostrophes`, also `'`) as references.
    public static func html(_ s: String, quotes: Bool = false, apostrophes: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: {
            $0 == "&" || $0 == "<" || $0 == ">" || (quotes && $0 == "\"") || (apostrophes && $0 == "'")
        }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\"" where quotes: out += "&quot;"
            case "'" where apostrophes: out += "&#39;"
            default: appendText(c, to: &out)
            }
        }
        return out
    }
}
