extension LanguageTag {
    /// A language guessed from the script of `text`: `zh` for Han without kana, `ja` with
    /// kana, `ko` for Hangul; nil for other scripts (Latin text says nothing about its language).
    public static func guess(fromScriptOf text: Substring) -> LanguageTag? {
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
        if hangul * 3 > total { return LanguageTag(uncheckedValue: "ko") }
        if kana > 0 && (han + kana) * 3 > total && kana * 20 > han { return LanguageTag(uncheckedValue: "ja") }
        if han * 3 > total { return LanguageTag(uncheckedValue: "zh") }
        return nil
    }
}

extension TextDirection {
    /// The direction of most letters of `text`: `rtl` when right-to-left scripts (Hebrew,
    /// Arabic, Syriac, Thaana, N'Ko…) outnumber the rest, so the direction is known even
    /// when the language is not.
    public static func dominant(in text: Substring) -> TextDirection {
        var rtl = 0, other = 0
        for s in text.unicodeScalars.prefix(20_000) {
            switch s.value {
            case 0x0590...0x08FF, 0xFB1D...0xFDFF, 0xFE70...0xFEFF: rtl += 1
            case 0x41...0x5A, 0x61...0x7A: other += 1
            case 0...0x7F: break
            default: if s.properties.isAlphabetic { other += 1 }
            }
        }
        return rtl > other ? .rtl : .ltr
    }
}
