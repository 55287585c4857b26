import ArgumentParser
import OffprintSupport

extension LanguageTag {
    /// `--language`: a BCP 47 tag, normalised (`en_gb` → `en-GB`).
    static func argument(_ text: String) throws -> LanguageTag {
        guard let t = LanguageTag(text) else {
            throw ValidationError("--language takes a BCP 47 language tag such as en, en-GB, zh-Hant (got '\(text)')")
        }
        return t
    }
}
