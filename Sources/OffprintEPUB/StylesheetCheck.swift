import OffprintSupport

/// Checks a style sheet given with `--templates` before it goes into a book: what epubcheck
/// would reject (a CSS syntax error, a reference to a file the book does not hold) is found
/// here, with its line, instead of in a book that fails validation.
enum StylesheetCheck {
    struct Problem: Equatable {
        var line: Int
        var message: String
    }

    /// The problems of `css` (empty when it can go into a book as it is).
    static func problems(_ css: String) -> [Problem] {
        var out: [Problem] = []
        let s = Array(css.unicodeScalars)
        var i = 0
        var line = 1
        var blocks: [(Unicode.Scalar, Int)] = []  // open brackets and their lines
        let closing: [Unicode.Scalar: Unicode.Scalar] = ["}": "{", ")": "(", "]": "["]
        while i < s.count {
            let c = s[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c == "/" && i + 1 < s.count && s[i + 1] == "*" {
                let start = line
                i += 2
                var closed = false
                while i < s.count {
                    if s[i] == "\n" { line += 1 }
                    if s[i] == "*" && i + 1 < s.count && s[i + 1] == "/" { i += 2; closed = true; break }
                    i += 1
                }
                if !closed { out.append(Problem(line: start, message: "a comment (/*) is never closed")) }
                continue
            }
            if c == "\"" || c == "'" {
                let start = line
                i += 1
                var closed = false
                while i < s.count {
                    if s[i] == "\\" { i += 2; continue }
                    if s[i] == "\n" { break }
                    if s[i] == c { closed = true; i += 1; break }
                    i += 1
                }
                if !closed { out.append(Problem(line: start, message: "a string (\(c)) is not closed on its line")) }
                continue
            }
            if c == "{" || c == "(" || c == "[" {
                blocks.append((c, line))
            } else if let open = closing[c] {
                if let last = blocks.last, last.0 == open {
                    blocks.removeLast()
                } else {
                    out.append(Problem(line: line, message: "“\(c)” closes nothing" + (blocks.last.map { " (the “\($0.0)” of line \($0.1) is still open)" } ?? "")))
                    if let k = blocks.lastIndex(where: { $0.0 == open }) { blocks.removeSubrange(k...) }
                }
            } else if c == "@" || c == "u" || c == "U" {
                // @import and url(…): a book may not refer to files it does not hold.
                let word = String(String.UnicodeScalarView(s[i..<min(s.count, i + 7)])).lowercased()
                if word.hasPrefix("@import") {
                    out.append(Problem(line: line, message: "@import refers to another style sheet, which the book will not hold: put its rules in this file"))
                } else if word.hasPrefix("url(") && (i == 0 || !isNameChar(s[i - 1])) {
                    var j = i + 4
                    while j < s.count, s[j] == " " || s[j] == "\t" || s[j] == "\"" || s[j] == "'" { j += 1 }
                    let target = String(String.UnicodeScalarView(s[j..<min(s.count, j + 5)])).lowercased()
                    if !WebURL.isData(target) && !target.hasPrefix("#") {
                        out.append(Problem(line: line, message: "url(…) refers to a file the book will not hold (fonts and images in a style sheet must be data: URLs)"))
                    }
                }
            }
            i += 1
        }
        for (c, l) in blocks {
            out.append(Problem(line: l, message: "“\(c)” is never closed"))
        }
        return out.sorted { $0.line < $1.line }
    }

    private static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_"
    }
}
