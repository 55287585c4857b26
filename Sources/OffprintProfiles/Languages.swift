import OffprintSupport

/// Book languages Amazon accepts for Kindle books: KDP's list of supported eBook languages
/// (primary subtags). Send to Kindle converts other languages too, but may reject the book
/// or show it with the wrong fonts and hyphenation; `und` (unknown) is refused.
public enum AmazonLanguages {
    public static let codes: Set<String> = [
        "af",   // Afrikaans
        "gsw",  // Alsatian
        "ar",   // Arabic
        "eu",   // Basque
        "br",   // Breton
        "ca",   // Catalan
        "zh",   // Chinese (simplified, traditional)
        "kw",   // Cornish
        "co",   // Corsican
        "da",   // Danish
        "nl",   // Dutch, Flemish
        "frs",  // Eastern Frisian
        "en",   // English
        "fi",   // Finnish
        "fr",   // French
        "fy",   // Frisian
        "gl",   // Galician
        "de",   // German
        "gu",   // Gujarati
        "he", "iw",  // Hebrew
        "hi",   // Hindi
        "is",   // Icelandic
        "ga",   // Irish
        "it",   // Italian
        "ja",   // Japanese
        "lb",   // Luxembourgish
        "ml",   // Malayalam
        "gv",   // Manx
        "mr",   // Marathi
        "frr",  // Northern Frisian
        "no", "nb", "nn",  // Norwegian (Bokmål, Nynorsk)
        "pl",   // Polish
        "pt",   // Portuguese
        "oc", "pro",  // Provençal
        "rm",   // Romansh
        "sco",  // Scots
        "gd",   // Scottish Gaelic
        "es",   // Spanish
        "sv",   // Swedish
        "ta",   // Tamil
        "uk",   // Ukrainian
        "cy",   // Welsh
        "yi",   // Yiddish
    ]

    /// Whether the tag's language is on the list.
    public static func accepts(_ tag: LanguageTag) -> Bool {
        codes.contains(tag.language)
    }
}
