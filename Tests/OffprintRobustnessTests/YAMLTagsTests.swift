import Foundation
import OffprintSupport
import Testing
import Yams
@testable import OffprintArticle

/// YAMLTags must give the tag Yams' regular-expression resolver gives, for any string.
@Suite struct YAMLTagsTests {
    func yams(_ s: String) -> Yams.Tag.Name { Resolver.default.resolveTag(of: Node(s)) }

    func expectSame(_ s: String) {
        let mine = YAMLTags.resolve(s), theirs = yams(s)
        #expect(mine == theirs, "\(s.debugDescription): YAMLTags \(mine.rawValue), Yams \(theirs.rawValue)")
        if theirs != .str { #expect(YAMLTags.mayBeTyped(s), "\(s.debugDescription) is typed but mayBeTyped says no") }
    }

    @Test(arguments: [
        "", "~", "null", "Null", "NULL", "nULL", "yes", "Yes", "YES", "yEs", "y", "n", "no", "on", "Off", "OFF", "true", "True", "tRUE",
        "0", "-0", "+0", "00", "07", "08", "0o7", "0o8", "0b101", "0b2", "0x1F", "0xg", "0x", "0b", "0o", "1_000", "-1", "+12", "1:30", "1:60",
        "190:20:30", "1:5", "1:05", "1:123", "0:30", "1.5", "1.", ".5", "._", "-.5", "+.inf", "-.Inf", ".INF", ".nan", "-.nan", "1e5", "1E+5", "1e", ".5e5",
        ".5e+5", "1:30.5", "1:30.", "-1:30.5", "<<", "=", "==", "2001-12-14", "2001-1-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
        "2001-12-15 2:59:43.10", "2001-12-14T21:59:43Z", "2001-12-14T21:59:43 Z", "2001-12-14T21:59:43+0530", "2001-12-14T21:59:43+05:30",
        "2001-12-14T21:59:43.", "2001-12-14 21:59:43 ", "2002-12-14\n", "yes\n", "yes\r\n", "yes\r", "yes\u{85}", "yes\u{2028}", "yes\n\n",
        "1\n", "\n", "12:30 ", " 12", "1 000", "１２", "true ", "2022-01-05 10:00:00 +0800", "2021-07-14T09:00:00.000Z",
    ])
    func knownCases(_ s: String) { expectSame(s) }

    @Test func randomStringsFromTheRulesAlphabet() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789+-._:eExXbBoOtTZ \tnNaAiIfFlLuUsSyYr<=~\n")
        for _ in 0..<30_000 {
            let n = Int.random(in: 0...14, using: &rng)
            expectSame(String((0..<n).map { _ in alphabet.randomElement(using: &rng)! }))
        }
    }

    @Test func randomTimestamps() {
        var rng = SystemRandomNumberGenerator()
        let parts = ["2001", "-", "12", "1", "14", "T", "t", " ", "\t", "21", "2", ":", "59", "43", ".", "10", "Z", "+", "05", "5", ":30", "x"]
        for _ in 0..<20_000 {
            let n = Int.random(in: 1...12, using: &rng)
            expectSame((0..<n).map { _ in parts.randomElement(using: &rng)! }.joined())
        }
    }

    @Test func frontMatterTypesAreUnchanged() throws {
        let fm = try FrontMatter.parse("""
            title: 2021 in review
            count: 0x1F
            ratio: 1_000.5
            flag: yes
            none: ~
            when: 2022-01-05 10:00:00 +08:00
            notwhen: 2022-01-05 10:00:00 +0800
            quoted: "yes"
            tagged: !!str 12
            keys: [on, off, 1:30]
            """, format: .yaml)
        #expect(fm["title"] == .string("2021 in review"))
        #expect(fm["count"] == .int(31))
        #expect(fm["ratio"] == .double(1000.5))
        #expect(fm["flag"] == .bool(true))
        #expect(fm["none"] == .null)
        if case .date(let original, _)? = fm["when"] { #expect(original == "2022-01-05 10:00:00 +08:00") } else { Issue.record("when is not a date: \(String(describing: fm["when"]))") }
        #expect(fm["notwhen"] == .string("2022-01-05 10:00:00 +0800"))  // YAML 1.1 wants +08:00
        #expect(fm["quoted"] == .string("yes"))
        #expect(fm["tagged"] == .string("12"))
        #expect(fm["keys"] == .array([.bool(true), .bool(false), .int(90)]))
    }

    @Test func keysThatDifferOnlyInTypeAreNotDuplicates() throws {
        let fm = try FrontMatter.parse("1: one\n\"1\": quoted one\n", format: .yaml)
        #expect(fm.entries.count == 2)
        #expect { try FrontMatter.parse("a: 1\na: 2\n", format: .yaml) } throws: { ($0 as? OffprintError)?.step == .frontMatter }
    }
}
