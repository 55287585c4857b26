/// Finds a front matter block at the start of a post.
///
/// YAML front matter opens with a line `---` and closes with `---` or `...`; TOML opens and
/// closes with `+++`. Blank lines before the opening line are allowed (the corpus posts start
/// with one), as are trailing spaces on the delimiter lines and CRLF line endings.
struct FrontMatterSplit {
    var format: FrontMatter.Format
    /// The lines between the delimiters, joined with "\n" (CR removed).
    var text: String
    /// 1-based line number, in the input, of the first line of `text`.
    var firstLine: Int
    /// Everything after the closing delimiter line.
    var body: Substring
    /// False when no closing delimiter was found and the block was cut where the HTML starts.
    var closed: Bool

    /// 1-based line number, in the input, of the body's first line.
    var bodyLine: Int {
        body.base.utf8[..<body.startIndex].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}

enum FrontMatterSplitter {
    static func split(_ input: String) -> FrontMatterSplit? {
        var lines = LineCursor(input)
        // Skip blank lines.
        var opening: Substring?
        while let line = lines.next() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\u{FEFF}" }) { continue }
            opening = line
            break
        }
        guard let open = opening.map(trimTrailingSpace) else { return nil }
        let format: FrontMatter.Format
        switch open {
        case "---": format = .yaml
        case "+++": format = .toml
        default: return nil
        }
        let firstLine = lines.lineNumber + 1
        var content: [Substring] = []
        var bodyStart: String.Index?
        while let line = lines.next() {
            let t = trimTrailingSpace(line)
            if (format == .yaml && (t == "---" || t == "...")) || (format == .toml && t == "+++") {
                bodyStart = lines.position
                break
            }
            content.append(line)
        }
        if let start = bodyStart {
            return FrontMatterSplit(format: format, text: content.joined(separator: "\n"), firstLine: firstLine,
                                    body: input[start...], closed: true)
        }
        // Not closed. If it looks like front matter (its first line is a key), cut it where the
        // markup starts; otherwise this was not front matter at all.
        guard let first = content.first(where: { !$0.allSatisfy(\.isWhitespace) }),
              looksLikeKeyLine(first, format: format) else { return nil }
        var kept: [Substring] = []
        var cut = input.endIndex
        var cursor = LineCursor(input)
        // Re-walk to find the offset of the first markup line after the opening line.
        var seenOpen = false
        while let line = cursor.next() {
            if !seenOpen {
                if trimTrailingSpace(line) == open { seenOpen = true }
                continue
            }
            if line.drop(while: { $0 == " " || $0 == "\t" }).first == "<" {
                cut = line.startIndex
                break
            }
            kept.append(line)
        }
        return FrontMatterSplit(format: format, text: kept.joined(separator: "\n"), firstLine: firstLine,
                                body: input[cut...], closed: false)
    }

    static func looksLikeKeyLine(_ line: Substring, format: FrontMatter.Format) -> Bool {
        let sep: Character = format == .yaml ? ":" : "="
        guard let i = line.firstIndex(of: sep) else { return false }
        let key = line[..<i].trimmingSpaces
        return !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." || $0 == " " || $0 == "\"" || $0 == "'" }
    }

    private static func trimTrailingSpace(_ s: Substring) -> Substring {
        var t = s
        while let l = t.last, l == " " || l == "\t" { t = t.dropLast() }
        return t
    }
}

/// Iterates the lines of a string (LF, CRLF or CR endings), without the line breaks.
struct LineCursor {
    let text: String
    private(set) var position: String.Index
    /// 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(_ text: String) {
        self.text = text
        self.position = text.startIndex
    }

    mutating func next() -> Substring? {
        guard position < text.endIndex else { return nil }
        // On bytes: line breaks are ASCII (and always Character boundaries).
        let u = text.utf8
        let start = position
        var i = position
        while i < u.endIndex, u[i] != 0x0A, u[i] != 0x0D { u.formIndex(after: &i) }
        let line = text[start..<i]
        if i < u.endIndex {
            let cr = u[i] == 0x0D
            u.formIndex(after: &i)
            if cr, i < u.endIndex, u[i] == 0x0A { u.formIndex(after: &i) }  // CRLF
        }
        position = i
        lineNumber += 1
        return line
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var t = self
        while let f = t.first, f.isWhitespace { t = t.dropFirst() }
        while let l = t.last, l.isWhitespace { t = t.dropLast() }
        return t
    }
}

extension String {
    var trimmingSpaces: String { String(Substring(self).trimmingSpaces) }
}
