import Yams

/// The YAML 1.1 tag of a plain scalar, as Yams' `Resolver.default` gives it, without its
/// regular expressions.
///
/// Yams tries seven ICU regular expressions per scalar (bool, int, float, merge, null,
/// timestamp, value, in that order): about 250,000 instructions a scalar, and 9 million to
/// compile them once per process. These recognisers follow the same patterns character by
/// character (`^…$` as ICU reads it: `$` also matches before one line terminator at the
/// very end). OffprintRobustnessTests compares them with Yams' resolver.
enum YAMLTags {
    static func resolve(_ scalar: String) -> Tag.Name {
        var u = Array(scalar.utf8)
        // `$` matches before a final line terminator too.
        if u.last == 0x0A {
            u.removeLast()
            if u.last == 0x0D { u.removeLast() }
        } else if let l = u.last, l == 0x0B || l == 0x0C || l == 0x0D {
            u.removeLast()
        } else if u.count >= 2, u[u.count - 2] == 0xC2, u[u.count - 1] == 0x85 {
            u.removeLast(2)
        } else if u.count >= 3, u[u.count - 3] == 0xE2, u[u.count - 2] == 0x80, u[u.count - 1] == 0xA8 || u[u.count - 1] == 0xA9 {
            u.removeLast(3)
        }
        if isBool(u) { return .bool }
        if isInt(u) { return .int }
        if isFloat(u) { return .float }
        if u == [0x3C, 0x3C] { return .merge }  // <<
        if isNull(u) { return .null }
        if isTimestamp(u) { return .timestamp }
        if u == [0x3D] { return .value }  // =
        return .str
    }

    /// Whether a plain scalar could resolve to anything but a string: every rule starts with
    /// one of these bytes, or is the empty string (null, also before a final line break).
    @inline(__always) static func mayBeTyped(_ scalar: String) -> Bool {
        guard let f = scalar.utf8.first else { return true }
        switch f {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "<"), UInt8(ascii: "~"), UInt8(ascii: "="),
             UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "o"), UInt8(ascii: "O"),
             0x0A, 0x0B, 0x0C, 0x0D, 0xC2, 0xE2:
            return true
        default:
            return false
        }
    }

    private static let bools: Set<[UInt8]> = Set(["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
                                                  "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"].map { Array($0.utf8) })
    private static let nulls: Set<[UInt8]> = Set(["~", "null", "Null", "NULL", ""].map { Array($0.utf8) })

    static func isBool(_ u: [UInt8]) -> Bool { u.count <= 5 && bools.contains(u) }
    static func isNull(_ u: [UInt8]) -> Bool { u.count <= 4 && nulls.contains(u) }

    @inline(__always) private static func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Index after `[0-9_]*` from `i`.
    private static func digitsOrUnderscores(_ u: [UInt8], _ i: Int) -> Int {
        var i = i
        while i < u.count, digit(u[i]) || u[i] == 0x5F { i += 1 }
        return i
    }

    /// Index after `(?::[0-5]?[0-9])+` from `i`, or nil when there is not one group.
    private static func sexagesimal(_ u: [UInt8], _ i: Int) -> Int? {
        var i = i
        var groups = 0
        while i < u.count, u[i] == 0x3A {  // :
            var j = i + 1
            // [0-5]?[0-9]: two digits when the first is 0-5 and a digit follows, else one.
            if j + 1 < u.count, u[j] >= 0x30, u[j] <= 0x35, digit(u[j + 1]) {
                j += 2
            } else if j < u.count, digit(u[j]) {
                j += 1
            } else {
                break
            }
            i = j
            groups += 1
        }
        return groups > 0 ? i : nil
    }

    /// `^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$`
    static func isInt(_ u: [UInt8]) -> Bool {
        var s = 0
        if s < u.count, u[s] == 0x2B || u[s] == 0x2D { s += 1 }
        let n = u.count
        guard s < n else { return false }
        func allFrom(_ i: Int, _ ok: (UInt8) -> Bool) -> Bool {
            i < n && u[i...].allSatisfy(ok)
        }
        if u[s] == 0x30 {  // 0
            if s + 1 == n { return true }                                                    // 0
            let c = u[s + 1]
            if c == 0x62, allFrom(s + 2, { $0 == 0x30 || $0 == 0x31 || $0 == 0x5F }) { return true }   // 0b…
            if c == 0x78, allFrom(s + 2, { digit($0) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) || $0 == 0x5F }) { return true }  // 0x…
            let octalStart = c == 0x6F ? s + 2 : s + 1                                         // 0o… / 0…
            return allFrom(octalStart, { ($0 >= 0x30 && $0 <= 0x37) || $0 == 0x5F })
        }
        guard u[s] >= 0x31 && u[s] <= 0x39 else { return false }
        let end = digitsOrUnderscores(u, s + 1)
        if end == n { return true }
        if let e = sexagesimal(u, end), e == n { return true }
        return false
    }

    /// `^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`
    static func isFloat(_ u: [UInt8]) -> Bool {
        let n = u.count
        guard n > 0 else { return false }
        // `.`-first forms without a sign: .5, .5e+3, .nan
        if u[0] == 0x2E {
            if [".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF"].contains(where: { Array($0.utf8) == u }) { return true }
            let end = digitsOrUnderscores(u, 1)
            guard end > 1 else { return false }
            if end == n { return true }
            return exponent(u, end, signRequired: true) == n
        }
        var s = 0
        if u[s] == 0x2B || u[s] == 0x2D { s += 1 }
        guard s < n else { return false }
        if u[s] == 0x2E {  // [-+].inf
            return [".inf", ".Inf", ".INF"].contains(where: { Array($0.utf8) == Array(u[s...]) })
        }
        guard digit(u[s]) else { return false }
        let intEnd = digitsOrUnderscores(u, s + 1)
        // [0-9][0-9_]* (\.[0-9_]*)? ([eE][-+]?[0-9]+)?
        var i = intEnd
        if i < n, u[i] == 0x2E { i = digitsOrUnderscores(u, i + 1) }
        if i == n { return true }
        if exponent(u, i, signRequired: false) == n { return true }
        // [0-9][0-9_]* (:[0-5]?[0-9])+ \.[0-9_]*
        if let e = sexagesimal(u, intEnd), e < n, u[e] == 0x2E, digitsOrUnderscores(u, e + 1) == n { return true }
        return false
    }

    /// Index after `[eE][-+]?[0-9]+` (sign required: `[eE][-+][0-9]+`) from `i`, or nil.
    private static func exponent(_ u: [UInt8], _ i: Int, signRequired: Bool) -> Int? {
        guard i < u.count, u[i] == 0x65 || u[i] == 0x45 else { return nil }
        var j = i + 1
        if j < u.count, u[j] == 0x2B || u[j] == 0x2D { j += 1 } else if signRequired { return nil }
        let start = j
        while j < u.count, digit(u[j]) { j += 1 }
        return j > start ? j : nil
    }

    /// `^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$`
    static func isTimestamp(_ u: [UInt8]) -> Bool {
        let n = u.count
        var i = 0
        func digits(_ min: Int, _ max: Int) -> Bool {
            var k = 0
            while k < max, i < n, digit(u[i]) { i += 1; k += 1 }
            return k >= min
        }
        func byte(_ b: UInt8) -> Bool {
            guard i < n, u[i] == b else { return false }
            i += 1
            return true
        }
        guard digits(4, 4), byte(0x2D) else { return false }
        let monthStart = i
        guard digits(1, 2), byte(0x2D) else { return false }
        let dayStart = i
        guard digits(1, 2) else { return false }
        if i == n { return dayStart - monthStart == 3 && i - dayStart == 2 }  // date only: two-digit month and day
        // Separator: T, t, or spaces and tabs.
        if u[i] == 0x54 || u[i] == 0x74 {
            i += 1
        } else {
            let start = i
            while i < n, u[i] == 0x20 || u[i] == 0x09 { i += 1 }
            guard i > start else { return false }
        }
        guard digits(1, 2), byte(0x3A), digits(2, 2), byte(0x3A), digits(2, 2) else { return false }
        if i < n, u[i] == 0x2E { i += 1; while i < n, digit(u[i]) { i += 1 } }
        if i == n { return true }
        while i < n, u[i] == 0x20 || u[i] == 0x09 { i += 1 }
        guard i < n else { return false }
        if u[i] == 0x5A { return i + 1 == n }  // Z
        guard u[i] == 0x2B || u[i] == 0x2D else { return false }
        i += 1
        guard digits(1, 2) else { return false }
        if i == n { return true }
        guard byte(0x3A), digits(2, 2) else { return false }
        return i == n
    }
}
