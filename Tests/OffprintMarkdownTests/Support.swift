import Foundation
import OffprintDocument
@testable import OffprintMarkdown

/// Markdown for an HTML fragment (parsed as a page body).
func md(_ html: String, _ options: MarkdownOptions = .init()) -> String {
    let doc = HTMLParser.parse(html)
    return MarkdownWriter(options: options).markdown(for: doc, from: doc.body!)
}

/// The HTML of a Hexo post (its front matter, after any leading blank lines, removed).
func hexoBody(_ text: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard let open = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
          lines[open].trimmingCharacters(in: .whitespaces) == "---",
          let end = lines[(open + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
    else { return text }
    return lines[(end + 1)...].joined(separator: "\n")
}

/// Checks the writer's output invariants: ends in exactly one line feed (or is empty), no
/// blank line at the start, never two blank lines in a row, no line break between two CJK
/// characters, no trailing white space outside code blocks.
func invariantViolations(_ out: String) -> [String] {
    var problems: [String] = []
    if out.isEmpty { return [] }
    if !out.hasSuffix("\n") || out.hasSuffix("\n\n") { problems.append("does not end in exactly one line feed") }
    if out.hasPrefix("\n") { problems.append("starts with a blank line") }
    let scalars = Array(out.unicodeScalars)
    for i in 1..<max(1, scalars.count - 1) where scalars[i] == "\n" {
        if CharacterClass.isEastAsianWide(scalars[i - 1]) && CharacterClass.isEastAsianWide(scalars[i + 1]) {
            problems.append("line break between CJK characters at \(i)")
            break
        }
    }
    var inFence: String?
    var blank = 0
    for line in out.split(separator: "\n", omittingEmptySubsequences: false) {
        var t = line.drop { $0 == " " || $0 == ">" }
        if t.hasPrefix("- ") || t.hasPrefix("* ") { t = t.dropFirst(2) }
        if let dot = t.firstIndex(where: { !$0.isNumber }), dot != t.startIndex, t[dot...].hasPrefix(". ") || t[dot...].hasPrefix(") ") {
            t = t[t.index(dot, offsetBy: 2)...]
        }
        if let f = inFence {
            if t.hasPrefix(f) { inFence = nil }
            blank = 0
            continue
        }
        if t.hasPrefix("```") || t.hasPrefix("~~~") { inFence = String(t.prefix(3)); blank = 0; continue }
        if line.last == " " || line.last == "\t" { problems.append("trailing white space: \(line)"); break }
        blank = t.isEmpty ? blank + 1 : 0
        if blank > 1 { problems.append("two blank lines in a row"); break }
    }
    return problems
}
