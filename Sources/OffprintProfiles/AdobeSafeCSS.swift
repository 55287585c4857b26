import Foundation

/// A style sheet cut down to what Adobe's RMSDK (Kobo's EPUB engine, older Nooks, Pocketbooks,
/// Adobe Digital Editions) parses: declarations using CSS functions it does not know
/// (`var()`, `calc()`, `min()`, `max()`, `clamp()`, `env()`, gradients…), custom
/// properties, viewport units, flex and grid layout, and the at-rules and selectors it
/// trips on (`@supports`, `@layer`, `@container`, `:is()`, `:where()`, `:has()`, nested
/// rules) are dropped; everything else is kept as written. RMSDK is known to reject a whole
/// book over one such declaration.
public enum AdobeSafeCSS {
    /// CSS functions RMSDK understands.
    static let knownFunctions: Set<String> = ["url", "rgb", "rgba", "hsl", "hsla", "attr", "counter", "counters", "local", "format", "rect"]
    /// Properties of layouts RMSDK does not have.
    static let modernProperties: Set<String> = ["gap", "row-gap", "column-gap", "place-items", "place-content", "place-self",
                                                "aspect-ratio", "inset", "inset-block", "inset-inline", "container", "container-type",
                                                "container-name", "contain", "content-visibility", "backdrop-filter"]
    static let modernDisplays: Set<String> = ["flex", "inline-flex", "grid", "inline-grid", "contents", "flow-root"]
    static let viewportUnits = ["vw", "vh", "vmin", "vmax", "dvh", "svh", "lvh", "dvw", "svw", "lvw", "vi", "vb"]
    /// At-rules whose blocks are kept (the others are dropped with their content).
    static let blockRulesKept: Set<String> = ["media", "font-face", "page"]
    static let modernSelectors = [":is(", ":where(", ":has(", ":matches(", ":focus-visible", ":focus-within", "&"]

    public static func sanitize(_ css: String) -> String {
        let b = Array(css.utf8)
        let n = b.count
        var out: [UInt8] = []
        out.reserveCapacity(n)
        enum Level { case rules, declarations }
        var stack: [Level] = [.rules]
        var i = 0

        /// Reads up to (not including) one of `stops` at nesting level 0, skipping strings,
        /// comments and parentheses; returns the end index.
        func scan(from start: Int, stops: Set<UInt8>) -> Int {
            var k = start, paren = 0
            while k < n {
                let c = b[k]
                if c == 0x2F && k + 1 < n && b[k + 1] == 0x2A {  // comment
                    k += 2
                    while k + 1 < n && !(b[k] == 0x2A && b[k + 1] == 0x2F) { k += 1 }
                    k += 2
                    continue
                }
                if c == 0x22 || c == 0x27 {
                    k += 1
                    while k < n && b[k] != c { if b[k] == 0x5C { k += 1 }; k += 1 }
                    k += 1
                    continue
                }
                if c == 0x28 { paren += 1 } else if c == 0x29 { paren = max(0, paren - 1) }
                else if paren == 0 && stops.contains(c) { return k }
                k += 1
            }
            return n
        }
        /// The index after the block whose `{` is at `open`.
        func skipBlock(_ open: Int) -> Int {
            var k = open + 1, depth = 1
            while k < n && depth > 0 {
                let e = scan(from: k, stops: [0x7B, 0x7D])
                if e >= n { return n }
                depth += b[e] == 0x7B ? 1 : -1
                k = e + 1
            }
            return k
        }

        while i < n {
            // White space and comments between statements are kept.
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C { out.append(c); i += 1; continue }
            if c == 0x2F && i + 1 < n && b[i + 1] == 0x2A {
                var k = i + 2
                while k + 1 < n && !(b[k] == 0x2A && b[k + 1] == 0x2F) { k += 1 }
                k = min(n, k + 2)
                out += b[i..<k]
                i = k
                continue
            }
            if c == 0x7D {  // end of a block
                if stack.count > 1 { stack.removeLast(); out.append(c) }
                i += 1
                continue
            }
            switch stack.last! {
            case .rules:
                let e = scan(from: i, stops: [0x7B, 0x3B, 0x7D])
                let prelude = b[i..<e]
                let text = String(decoding: prelude, as: UTF8.self)
                if e >= n || b[e] != 0x7B {
                    // A statement at-rule (`@import`, `@charset`, `@namespace`) or junk.
                    if text.hasPrefix("@") && e < n && b[e] == 0x3B { out += prelude; out.append(0x3B) }
                    i = (e < n && b[e] == 0x3B) ? e + 1 : e
                    continue
                }
                if text.hasPrefix("@") {
                    let name = String(text.dropFirst().prefix { $0.isLetter || $0 == "-" }).lowercased()
                    guard blockRulesKept.contains(name) else { i = skipBlock(e); continue }
                    out += prelude
                    out.append(0x7B)
                    stack.append(name == "media" ? .rules : .declarations)
                } else {
                    let lower = text.lowercased()
                    if modernSelectors.contains(where: { lower.contains($0) }) { i = skipBlock(e); continue }
                    out += prelude
                    out.append(0x7B)
                    stack.append(.declarations)
                }
                i = e + 1
            case .declarations:
                let e = scan(from: i, stops: [0x3B, 0x7D, 0x7B])
                if e < n && b[e] == 0x7B {
                    // A nested rule (CSS nesting): RMSDK does not know it.
                    i = skipBlock(e)
                    continue
                }
                let decl = b[i..<e]
                if isSafe(String(decoding: decl, as: UTF8.self)) {
                    out += decl
                    if e < n && b[e] == 0x3B { out.append(0x3B) }
                }
                i = (e < n && b[e] == 0x3B) ? e + 1 : e
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether one declaration (`color: red`) is safe for RMSDK.
    static func isSafe(_ decl: String) -> Bool {
        guard let colon = decl.firstIndex(of: ":") else { return false }
        let property = decl[..<colon].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let value = decl[decl.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if property.isEmpty || property.hasPrefix("--") { return false }
        if property.hasPrefix("flex") || property.hasPrefix("grid") || modernProperties.contains(property) { return false }
        if property == "display" && modernDisplays.contains(value.replacingOccurrences(of: "!important", with: "").trimmingCharacters(in: .whitespaces)) { return false }
        // Functions: name( … ).
        var name = ""
        for ch in value {
            if ch == "(" {
                if !name.isEmpty && !knownFunctions.contains(name) { return false }
                name = ""
            } else if ch.isLetter || ch == "-" || (ch.isNumber && !name.isEmpty) {
                name.append(ch)
            } else {
                name = ""
            }
        }
        // Viewport units after a number: 100vh, 50.5vw.
        var k = value.startIndex
        while k < value.endIndex {
            if value[k].isNumber {
                var j = k
                while j < value.endIndex && (value[j].isNumber || value[j] == ".") { j = value.index(after: j) }
                var unit = ""
                var u = j
                while u < value.endIndex && value[u].isLetter { unit.append(value[u]); u = value.index(after: u) }
                if viewportUnits.contains(unit) { return false }
                k = u
            } else if value[k].isLetter || value[k] == "#" {
                // Skip words (and hex colours) whole, so `a1vh` is not a number.
                var u = value.index(after: k)
                while u < value.endIndex && (value[u].isLetter || value[u].isNumber || value[u] == "-") { u = value.index(after: u) }
                k = u
            } else {
                k = value.index(after: k)
            }
        }
        return true
    }
}
