import OffprintSupport

/// A cover drawn as SVG for books with no cover-shaped image: the title large, the authors
/// under it, the date at the foot, on a light ground between two rules (the look of the
/// profiles' raster covers). SVG is a core EPUB media type; the reader sets the text in its
/// own fonts, so every script shows.
enum GeneratedCover {
    static let width = 1200
    static let height = 1800

    static func svg(title: String, creators: [String], date: String?) -> [UInt8] {
        let margin = 120
        let textWidth = width - 2 * margin
        let cleanTitle = collapse(title).isEmpty ? "Untitled" : collapse(title)
        // The largest title size whose lines fit the block (at most seven lines).
        var size = 110
        var lines = wrap(cleanTitle, width: textWidth, size: size)
        while size > 44 && (lines.count > 7 || lines.contains { estimate($0, size: size) > Double(textWidth) }) {
            size -= 6
            lines = wrap(cleanTitle, width: textWidth, size: size)
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">\n"
        out += "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#F5F1E8\"/>\n"
        let top = height / 8
        out += "<rect x=\"\(margin)\" y=\"\(top)\" width=\"\(textWidth)\" height=\"5\" fill=\"#8A3B2E\"/>\n"
        var y = top + height / 20 + size
        let lineHeight = size * 6 / 5
        out += "<g font-family=\"serif\" fill=\"#1E2933\" text-anchor=\"middle\">\n"
        for line in lines {
            out += "<text x=\"\(width / 2)\" y=\"\(y)\" font-size=\"\(size)\" font-weight=\"bold\">"
            Escape.text(line, into: &out, xml: true)
            out += "</text>\n"
            y += lineHeight
        }
        y += height / 25 - lineHeight + size / 3
        out += "</g>\n<rect x=\"\(margin)\" y=\"\(y)\" width=\"\(textWidth)\" height=\"5\" fill=\"#8A3B2E\"/>\n"
        y += height / 25 + 56
        let who = creators.map(collapse).filter { !$0.isEmpty }.joined(separator: ", ")
        let byline = wrap(who, width: textWidth, size: 56).prefix(4)
        let dated = date.map(collapse).map { !$0.isEmpty } ?? false
        guard !byline.isEmpty || dated else { return Array((out + "</svg>\n").utf8) }
        out += "<g font-family=\"serif\" fill=\"#1E2933\" text-anchor=\"middle\">\n"
        for line in byline {
            out += "<text x=\"\(width / 2)\" y=\"\(y)\" font-size=\"56\">"
            Escape.text(line, into: &out, xml: true)
            out += "</text>\n"
            y += 68
        }
        if let d = date.map(collapse), !d.isEmpty {
            out += "<text x=\"\(width / 2)\" y=\"\(height - margin)\" font-size=\"44\">"
            Escape.text(d, into: &out, xml: true)
            out += "</text>\n"
        }
        out += "</g>\n</svg>\n"
        return Array(out.utf8)
    }

    /// Lines of at most `width` units: broken at spaces, or anywhere in text without spaces
    /// (CJK), a word longer than a line cut.
    static func wrap(_ text: String, width: Int, size: Int) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines: [String] = []
        var line = ""
        func fits(_ s: String) -> Bool { estimate(s, size: size) <= Double(width) }
        for c in text {
            let candidate = line + String(c)
            if fits(candidate) { line = candidate; continue }
            // Break at the last space on the line if there is one, else here.
            if c != " ", let space = line.lastIndex(of: " ") {
                lines.append(String(line[..<space]))
                line = String(line[line.index(after: space)...]) + String(c)
            } else {
                lines.append(line.trimmingSpaces)
                line = c == " " ? "" : String(c)
            }
        }
        if !line.trimmingSpaces.isEmpty { lines.append(line.trimmingSpaces) }
        return lines
    }

    /// The width of `s` at font size `size`, estimated: wide (CJK, Hangul, full-width) characters
    /// one em, capitals 0.7, others 0.55.
    static func estimate(_ s: String, size: Int) -> Double {
        var ems = 0.0
        for u in s.unicodeScalars {
            switch u.value {
            case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
                 0x20000...0x3FFFD: ems += 1
            case 0x41...0x5A: ems += 0.7
            case 0x0300...0x036F, 0x200B...0x200F: break
            default: ems += 0.55
            }
        }
        return ems * Double(size)
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

private extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
