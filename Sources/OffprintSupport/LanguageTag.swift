import Foundation

/// A BCP 47 language tag, normalised once: `zh_cn` → `zh-CN`, ` EN-us ` → `en-US`,
/// `zh-hant-tw` → `zh-Hant-TW` (language lower case, script title case, region upper case).
/// Anything that cannot be a tag (`English`, `en_`, `not a tag!`) is refused by the initialiser.
public struct LanguageTag: Sendable, Hashable {
    /// The tag in its usual case (`zh-Hant-TW`).
    public let value: String

    /// The tag `raw` spells, leniently read (`_` for `-`, any case, surrounding spaces).
    public init?(_ raw: String) {
        guard let v = Self.normalize(raw) else { return nil }
        value = v
    }

    /// `und`: the language is not known (what EPUB's `dc:language` says then).
    public static let undetermined = LanguageTag(uncheckedValue: "und")

    init(uncheckedValue: String) { value = uncheckedValue }

    /// The primary language subtag, lower case (`zh` of `zh-Hant-TW`).
    public var language: String {
        value.firstIndex(of: "-").map { String(value[..<$0]) } ?? value
    }

    /// The script subtag (`Hant` of `zh-Hant-TW`), when the tag has one.
    public var script: String? {
        subtags.first { $0.count == 4 && $0.allSatisfy(\.isLetter) }.map(String.init)
    }

    /// The region subtag (`TW`, `419`), when the tag has one.
    public var region: String? {
        subtags.first { ($0.count == 2 && $0.allSatisfy(\.isLetter)) || ($0.count == 3 && $0.allSatisfy(\.isNumber)) }.map(String.init)
    }

    /// The subtags after the language, up to an extension or private use.
    private var subtags: ArraySlice<Substring> {
        let parts = value.split(separator: "-").dropFirst()
        return parts.prefix { $0.count > 1 }
    }

    /// RFC 5646's grammar, case normalised: language (2–3 letters), up to three extended
    /// language subtags (`zh-cmn`), script, region, variants, then extensions and private
    /// use (`-u-…`, `-x-…`), lower case.
    private static func normalize(_ raw: String) -> String? {
        let all = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "_" }).map(String.init)
        // The language: ISO 639's two or three letters (BCP 47's 5–8 letter subtags are
        // reserved for registrations that have never been made; `english` is no tag).
        guard let first = all.first, (2...3).contains(first.count),
              first.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        var out = [first.lowercased()]
        // 0: extlang, script, region or variant may follow; 1: after the script; 2: after the
        // region; 3: after a variant.
        var stage = 0, extlangs = 0
        for (k, p) in all.enumerated().dropFirst() {
            guard (1...8).contains(p.count), p.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
            let letters = p.allSatisfy(\.isLetter), digits = p.allSatisfy(\.isNumber)
            if p.count == 1 {
                // An extension or private use: the rest, lower case; a singleton ends nothing.
                let rest = all[k...].map { $0.lowercased() }
                guard rest.allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }),
                      rest.last!.count > 1 else { return nil }
                out += rest
                break
            } else if stage == 0 && letters && p.count == 3 && extlangs < 3 {
                out.append(p.lowercased())
                extlangs += 1
            } else if stage == 0 && letters && p.count == 4 {
                out.append(p.prefix(1).uppercased() + p.dropFirst().lowercased())
                stage = 1
            } else if stage <= 1 && ((letters && p.count == 2) || (digits && p.count == 3)) {
                out.append(p.uppercased())
                stage = 2
            } else if (5...8).contains(p.count) || (p.count == 4 && p.first!.isNumber) {
                out.append(p.lowercased())
                stage = 3
            } else {
                return nil
            }
        }
        return out.joined(separator: "-")
    }
}

extension LanguageTag: CustomStringConvertible, LosslessStringConvertible {
    public var description: String { value }
}

/// Encoded as the tag's text (`"zh-CN"`).
extension LanguageTag: TextCodable {
    public static let textKind = "a BCP 47 language tag"
}
