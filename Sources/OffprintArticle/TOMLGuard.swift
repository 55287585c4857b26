/// Checks for the TOML that crashes the TOML parser underneath TOMLKit (toml++ 3.x): a
/// table header whose first character after `[` or `[[` (and spaces) cannot start a key —
/// `[` then a line break, a backtick, `{`… — reaches an assertion in toml++ (undefined
/// behaviour when assertions are compiled out) instead of a parse error. Found by fuzzing
/// (`[\``). Such a header is invalid TOML anyway, so it is reported here, with its line,
/// and the text never reaches toml++.
///
/// Statements are found the way TOML defines them: at the start of a line outside
/// strings (basic, literal, multi-line), comments and multi-line arrays; only headers
/// there are checked (a `[` starting a line inside an array value is not a header).
enum TOMLGuard {
    /// The 1-based line of the first such header, or nil when there is none.
    static func badTableHeader(in text: String) -> Int? {
        let b = Array(text.utf8)
        var i = 0
        var line = 1
        var depth = 0           // brackets and braces open in the current value
        var atStatement = true  // at the start of a line, outside any value

        func isBareKey(_ c: UInt8) -> Bool {
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
        }
        func skipString() {
            // At a quote: skip the whole string (one line, or multi-line when tripled).
            let q = b[i]
            let triple = i + 2 < b.count && b[i + 1] == q && b[i + 2] == q
            i += triple ? 3 : 1
            while i < b.count {
                let c = b[i]
                if c == 0x5C && q == 0x22 { i += 2; continue }  // an escape in a basic string
                if c == 0x0A {
                    line += 1
                    if !triple { return }  // (unterminated: toml++ reports it)
                }
                if c == q {
                    if !triple { i += 1; return }
                    if i + 2 < b.count && b[i + 1] == q && b[i + 2] == q {
                        i += 3
                        while i < b.count && b[i] == q { i += 1 }  // up to two more quotes belong to the string
                        return
                    }
                }
                i += 1
            }
        }

        while i < b.count {
            let c = b[i]
            if c == 0x0A {
                line += 1
                i += 1
                if depth == 0 { atStatement = true }
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0D { i += 1; continue }
            if c == 0x23 {  // a comment, to the end of the line
                while i < b.count && b[i] != 0x0A { i += 1 }
                continue
            }
            if atStatement && depth == 0 {
                atStatement = false
                if c == 0x5B {
                    var j = i + 1
                    var arrayOfTables = false
                    if j < b.count && b[j] == 0x5B { j += 1; arrayOfTables = true }
                    while j < b.count && (b[j] == 0x20 || b[j] == 0x09) { j += 1 }
                    guard j < b.count else { return nil }  // (end of input: toml++ reports it)
                    let k = b[j]
                    // (`]` and `[ [` are errors toml++ reports itself; `[[[` is not.)
                    if !(isBareKey(k) || k == 0x22 || k == 0x27 || k == 0x5D || (k == 0x5B && !arrayOfTables)) { return line }
                    // The rest of the header: quoted keys may hold brackets.
                    i = j
                    while i < b.count && b[i] != 0x0A && b[i] != 0x5D {
                        if b[i] == 0x22 || b[i] == 0x27 { skipString() } else { i += 1 }
                    }
                    while i < b.count && b[i] == 0x5D { i += 1 }
                    continue
                }
                // A key (bare, quoted or dotted), then `=` and the value.
                continue
            }
            switch c {
            case 0x22, 0x27: skipString()
            case 0x5B, 0x7B: depth += 1; i += 1
            case 0x5D, 0x7D: depth = max(0, depth - 1); i += 1
            default: i += 1
            }
        }
        return nil
    }
}
