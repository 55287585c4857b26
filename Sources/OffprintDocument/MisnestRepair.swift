/// Repairs, before libxml2 sees it, what libxml2 2.9 parses differently from browsers:
///
/// **Prefixed tag names.** libxml2 drops the prefix of `<o:p>`, `<a0:li>`, `<fb:like>`,
/// so Word's `<o:p>` becomes a paragraph (splitting the one it sits in) and `<a0:a href>`
/// a link. Browsers keep such elements as unknown inline elements named `o:p`. The `:` of
/// a prefixed tag name is passed to libxml2 as `.`, and `TreeBuilder` turns it back.
///
/// **Misnested inline formatting** (only with `repairFormatting`).
/// For `<b><i>x</b>y</i>` libxml2 2.9 closes both elements at `</b>` and drops the stray
/// `</i>`, so "y" loses its italics. HTML5's adoption agency algorithm gives
/// `<b><i>x</i></b><i>y</i>`. This pass does the same for the common case, formatting
/// elements misnested with each other: at an end tag whose element still has formatting
/// elements open inside it, it closes those explicitly and reopens them (with their
/// attributes) after the end tag. Anything else passes through byte for byte; block tags
/// reset the tracking, since libxml2's own rules govern there.
enum MisnestRepair {
    private static let rawText: Set<String> = ["script", "style", "textarea", "title", "xmp", "plaintext", "noembed", "noframes", "iframe"]

    /// Stands in for `:` in prefixed tag names (libxml2 keeps it in a name; authored tag
    /// names never hold it).
    static let prefixSeparator = UInt8(ascii: ".")

    static func repair(_ input: [UInt8], repairFormatting: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        var copied = 0  // input[..<copied] is already in out (when out is in use)
        var changed = false
        var open: [(name: String, startTag: ArraySlice<UInt8>)] = []
        let n = input.count
        var i = 0
        while i < n {
            guard input[i] == UInt8(ascii: "<"), i + 1 < n else { i += 1; continue }
            let c = input[i + 1]
            if c == UInt8(ascii: "!") {
                if i + 3 < n, input[i + 2] == UInt8(ascii: "-"), input[i + 3] == UInt8(ascii: "-") {
                    i = find(input, "-->", from: i + 4).map { $0 + 3 } ?? n
                } else {
                    i = (input[(i + 2)...].firstIndex(of: UInt8(ascii: ">")) ?? n - 1) + 1
                }
                continue
            }
            if c == UInt8(ascii: "?") {
                i = (input[(i + 2)...].firstIndex(of: UInt8(ascii: ">")) ?? n - 1) + 1
                continue
            }
            let isEnd = c == UInt8(ascii: "/")
            let nameStart = isEnd ? i + 2 : i + 1
            guard nameStart < n, isLetter(input[nameStart]) else { i += 1; continue }
            var j = nameStart
            while j < n, !isSpace(input[j]), input[j] != UInt8(ascii: ">"), input[j] != UInt8(ascii: "/") { j += 1 }
            let name = String(decoding: input[nameStart..<j], as: UTF8.self).lowercased()
            let tagEnd = endOfTag(input, from: j)
            i = tagEnd
            if let colon = input[nameStart..<j].firstIndex(of: UInt8(ascii: ":")), colon > nameStart, colon + 1 < j {
                if !changed { out.reserveCapacity(n + 64); changed = true }
                out.append(contentsOf: input[copied..<colon])
                out.append(prefixSeparator)
                copied = colon + 1
                continue
            }
            guard repairFormatting else {
                if !isEnd && rawText.contains(name) { i = endOfRawText(input, name, from: tagEnd) }
                continue
            }
            if isEnd {
                if HTMLElements.formatting.contains(name) {
                    guard let k = open.lastIndex(where: { $0.name == name }) else { continue }
                    let inner = open[(k + 1)...]
                    if !inner.isEmpty {
                        // </b> with <i> still open: </i></b><i ...>
                        if !changed { out.reserveCapacity(n + 64); changed = true }
                        out.append(contentsOf: input[copied..<(nameStart - 2)])
                        for e in inner.reversed() { out.append(contentsOf: Array("</\(e.name)>".utf8)) }
                        out.append(contentsOf: input[(nameStart - 2)..<tagEnd])
                        for e in inner { out.append(contentsOf: e.startTag) }
                        copied = tagEnd
                    }
                    open.remove(at: k)
                } else if HTMLElements.block.contains(name) {
                    open.removeAll()
                }
            } else if rawText.contains(name) {
                i = endOfRawText(input, name, from: tagEnd)
            } else {
                let selfClosing = tagEnd >= 2 && input[tagEnd - 2] == UInt8(ascii: "/")
                if HTMLElements.formatting.contains(name), !selfClosing {
                    open.append((name, input[(nameStart - 1)..<tagEnd]))
                } else if HTMLElements.block.contains(name) {
                    open.removeAll()
                }
            }
        }
        guard changed else { return input }
        out.append(contentsOf: input[copied...])
        return out
    }

    /// Where the end tag of raw-text element `name` starts (its text is skipped), or the end.
    private static func endOfRawText(_ input: [UInt8], _ name: String, from start: Int) -> Int {
        let close = Array("</\(name)".utf8)
        var p = start
        while let f = find(input, close, from: p) {
            let after = f + close.count
            if after >= input.count || !isLetter(input[after]) { return f }
            p = after
        }
        return input.count
    }

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C
    }

    /// The index just past the `>` that ends the tag whose attributes start at `from`
    /// (quoted attribute values may contain `>`).
    private static func endOfTag(_ input: [UInt8], from: Int) -> Int {
        var i = from
        var quote: UInt8 = 0
        while i < input.count {
            let b = input[i]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                // Only a quote right after '=' (allowing spaces) opens a value.
                var k = i - 1
                while k > from, isSpace(input[k]) { k -= 1 }
                if input[k] == UInt8(ascii: "=") { quote = b }
            } else if b == UInt8(ascii: ">") {
                return i + 1
            }
            i += 1
        }
        return input.count
    }

    private static func find(_ input: [UInt8], _ needle: String, from: Int) -> Int? {
        find(input, Array(needle.utf8), from: from)
    }

    /// Case-insensitive search for an ASCII needle.
    private static func find(_ input: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from < input.count else { return nil }
        let first = needle[0]
        var i = from
        let last = input.count - needle.count
        while i <= last {
            if lower(input[i]) == first {
                var ok = true
                for k in 1..<needle.count where lower(input[i + k]) != needle[k] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }

    private static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b + 32 : b }
}
