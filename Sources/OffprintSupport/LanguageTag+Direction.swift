/// The writing direction of a text.
public enum TextDirection: String, Sendable, Equatable {
    case ltr, rtl
}

extension LanguageTag {
    /// The direction the tag's script is written in: `rtl` for a right-to-left script
    /// subtag (`Arab`, `Hebr`, `Thaa`, `Syrc`, `Nkoo`, …) or, without a script subtag, a
    /// language written right to left (`ar`, `he`, `fa`, `ur`, `ps`, `sd`, `ug`, `yi`,
    /// `dv`, `ckb`, …); `ltr` otherwise (`az-Arab` is `rtl`, `pa` and `ku-Latn` are `ltr`).
    public var direction: TextDirection {
        if let s = script { return Self.rtlScripts.contains(s) ? .rtl : .ltr }
        return Self.rtlLanguages.contains(language) ? .rtl : .ltr
    }

    /// ISO 15924 codes of right-to-left scripts in use.
    static let rtlScripts: Set<String> = [
        "Arab", "Aran", "Hebr", "Thaa", "Syrc", "Syre", "Syrj", "Syrn", "Nkoo", "Adlm", "Mand", "Rohg", "Samr", "Mend", "Yezi",
    ]

    /// Languages written right to left by default (their usual script is one of the above).
    static let rtlLanguages: Set<String> = [
        "ar", "arc", "arz", "apc", "ary", "acm", "aeb", "ajp", "he", "iw", "fa", "prs", "pes", "ur", "ps", "pbt", "sd", "ug",
        "yi", "ji", "ydd", "dv", "ckb", "syr", "bal", "glk", "lrc", "mzn", "azb", "ks", "nqo",
    ]
}
