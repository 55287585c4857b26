/// Character classes the way CommonMark (cmark-gfm) sees them, plus the CSS notion of
/// "East Asian wide" text that decides how a line break in the source collapses.
enum CharacterClass {
    /// HTML white space (the characters CSS collapses): space, tab, LF, CR, FF.
    @inline(__always) static func isHTMLSpace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\n" || c == "\t" || c == "\r" || c == "\u{0C}"
    }

    /// CommonMark "Unicode whitespace": Zs, tab, LF, FF, CR. (U+00A0 counts.)
    @inline(__always) static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x80 { return c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
        // The space separators (Zs) of Unicode 15.
        return v == 0xA0 || v == 0x1680 || (v >= 0x2000 && v <= 0x200A) || v == 0x202F || v == 0x205F || v == 0x3000
    }

    @inline(__always) static func isASCIIPunctuation(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (v >= 0x21 && v <= 0x2F) || (v >= 0x3A && v <= 0x40) || (v >= 0x5B && v <= 0x60) || (v >= 0x7B && v <= 0x7E)
    }

    /// Punctuation for the flanking rules. CommonMark 0.31 counts Unicode P and S categories,
    /// older cmark-gfm only P: counting both is the safe side for either renderer (a
    /// delimiter judged flanking here is flanking for both).
    @inline(__always) static func isPunctuation(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return isASCIIPunctuation(c) }
        switch c.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    @inline(__always) static func isASCIIAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
    }

    /// Characters whose East Asian Width is Wide, Fullwidth or Halfwidth, Hangul excluded:
    /// CSS Text 3 removes a segment break between two of them (Chinese and Japanese do not
    /// put spaces between words; Korean does).
    static func isEastAsianWide(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 0x2E80 { return false }
        switch v {
        case 0x2E80...0x2FDF,      // CJK radicals, Kangxi radicals
             0x2FF0...0x303F,      // ideographic description, CJK symbols and punctuation
             0x3040...0x30FF,      // Hiragana, Katakana
             0x3100...0x312F,      // Bopomofo
             0x3190...0x31FF,      // Kanbun, Bopomofo ext, CJK strokes, Katakana ext
             0x3200...0x4DBF,      // enclosed CJK, compatibility, CJK ext A
             0x4E00...0x9FFF,      // CJK unified ideographs
             0xA000...0xA4CF,      // Yi
             0xF900...0xFAFF,      // CJK compatibility ideographs
             0xFE30...0xFE4F,      // CJK compatibility forms
             0xFF00...0xFF60,      // fullwidth forms
             0xFF61...0xFF9F,      // halfwidth Katakana
             0xFFE0...0xFFE6,      // fullwidth signs
             0x20000...0x3FFFD:    // CJK ext B and beyond
            return true
        default:
            return false
        }
    }
}
