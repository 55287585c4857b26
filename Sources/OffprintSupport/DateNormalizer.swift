import Foundation

/// Reads the date formats found in posts and pages and writes them as ISO 8601.
///
/// Understood (leading weekday and a trailing `(Zone Name)` are ignored):
/// - ISO 8601 and its relatives: `2021-07-14`, `2021-07-14T05:08:05Z`,
///   `2021-07-14T05:08:05.123+08:00`, `2021-09-23 04:09:56`, `2019-11-19 21:57:00 -0800`,
///   `2021/09/23`, `2021.9.23 4:09`, basic `20210714`, `20210714T050805Z`, `202107140508`
/// - RFC 1123 / 2822: `Wed, 14 Jul 2021 05:08:05 GMT`, `14 Jul 2021 05:08 +0000`
/// - English: `July 14, 2021`, `Jul 14 2021 5:08 PM EDT`, `14 July 2021`,
///   JavaScript's `Wed Jul 14 2021 05:08:05 GMT+0800 (China Standard Time)`
/// - Chinese: `2021年09月23日 04:09`, `2021年9月23日 星期四 下午4:09`, `2021年9月23日4时9分`
/// - Numeric day/month: `05/08/2014 07:01:00` (month first, as in the US, unless the first
///   number is above 12), `14.07.2021` (day first)
/// - Unix time in seconds or milliseconds (`1626239285`, 10 or 13 digits)
///
/// Output: `2021-07-14` for a date alone; `2021-07-14T05:08:05` plus `Z` for UTC (`Z`,
/// `GMT`, `UTC`) or the offset as given (`+08:00`, `-04:00` for `EDT`). Seconds are always
/// written; a fraction only when it is not zero. Returns nil for anything else, including
/// impossible dates (`2021-02-30`). Callers keep the result as an `ArticleDate`.
public enum DateNormalizer {
    /// A calendar date with an optional time of day and zone.
    public struct Components: Sendable, Hashable {
        public var year: Int
        public var month: Int
        public var day: Int
        public var hour: Int?
        public var minute: Int?
        public var second: Int?
        /// Fraction-of-second digits without the dot (`"123"`), trailing zeros removed.
        public var fraction: String?
        /// Offset from UTC in minutes, when the input named a zone.
        public var offsetMinutes: Int?
        /// The zone was UTC by name (`Z`, `GMT`, `UTC`): written `Z`.
        public var isUTC: Bool

        public var iso8601: String {
            var s = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
            guard let h = hour else { return s }
            s += "T" + pad(h, 2) + ":" + pad(minute ?? 0, 2) + ":" + pad(second ?? 0, 2)
            if let f = fraction, !f.isEmpty { s += "." + f }
            if isUTC {
                s += "Z"
            } else if let off = offsetMinutes {
                let a = abs(off)
                s += (off < 0 ? "-" : "+") + pad(a / 60, 2) + ":" + pad(a % 60, 2)
            }
            return s
        }

        /// Seconds since 1970-01-01T00:00:00Z, treating a time without zone as UTC and a date
        /// alone as its midnight. For comparing two dates.
        public var epochSeconds: Double {
            let days = DateNormalizer.daysFromCivil(year, month, day)
            var secs = Double(days) * 86400
            secs += Double((hour ?? 0) * 3600 + (minute ?? 0) * 60 + (second ?? 0))
            if let f = fraction, let v = Double("0." + f) { secs += v }
            secs -= Double((offsetMinutes ?? 0) * 60)
            return secs
        }
    }

    /// The first date with a four-digit year inside running text (`发布时间：2019-12-10 07:57:40
    /// 来源：新华网`, `Posted on July 14, 2021 by …`).
    public static func firstDate(in text: String) -> ArticleDate? {
        let lower = text.lowercased().replacingOccurrences(of: "\u{00A0}", with: " ")
        var best: (Range<String.Index>, ArticleDate)?
        for pattern in searchPatterns {
            for m in lower.matches(of: pattern) {
                // Not part of a longer number (`120190806` is no date).
                if m.range.lowerBound > lower.startIndex, lower[lower.index(before: m.range.lowerBound)].isNumber { continue }
                if m.range.upperBound < lower.endIndex, lower[m.range.upperBound].isNumber { continue }
                guard let iso = ArticleDate(String(lower[m.range])) else { continue }
                if best == nil || m.range.lowerBound < best!.0.lowerBound { best = (m.range, iso) }
                break
            }
        }
        return best?.1
    }

    nonisolated(unsafe) private static let searchPatterns: [Regex<AnyRegexOutput>] = [
        try! Regex(#"\d{4}([-/.])\d{1,2}\1\d{1,2}(?:(?:t|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"#),
        try! Regex(#"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?"#),
        try! Regex("(?:" + monthNames + #")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"#),
        try! Regex(#"\d{1,2}(?:st|nd|rd|th)?\s+(?:"# + monthNames + #")\.?,?\s+\d{4}"#),
    ]

    /// The parts of `s` when it is one of the understood formats.
    public static func components(_ input: String) -> Components? {
        var s = input.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.isEmpty || s.count > 80 { return nil }
        // A trailing zone name in parentheses: "(China Standard Time)", "(UTC)".
        if s.hasSuffix(")"), let open = s.lastIndex(of: "(") {
            s = String(s[..<open]).trimmingCharacters(in: .whitespaces)
        }
        s = s.replacingOccurrences(of: "\u{00A0}", with: " ")
        let lower = s.lowercased()
        // The common ISO forms without regular expressions (compiling those costs more than
        // converting a page); anything else goes through the general parsers.
        if let c = isoFast(lower) { return c.isValid ? c : nil }
        return generalComponents(lower)
    }

    /// The general parsers (regular expressions) on a trimmed, lower-cased date.
    static func generalComponents(_ lower: String) -> Components? {
        for parser in parsers {
            if let c = parser(lower), c.isValid { return c }
        }
        return nil
    }

    // MARK: - Formats
    // (Regex values are immutable once built; their lazily compiled program is cached
    // thread-safely by the standard library, hence nonisolated(unsafe).)

    private static let zone = #"(?:\s*,?\s*(?<zone>z|utc|gmt|ut|(?:gmt|utc)?\s*[+-]\d{1,2}(?::?\d{2})?|[a-z]{2,5}|北京时间))?"#
    private static let clock = #"(?<h>\d{1,2})[:h](?<mi>\d{2})(?::(?<s>\d{2})(?:[.,](?<f>\d{1,9}))?)?\s*(?<ampm>am|pm|a\.m\.|p\.m\.)?"#
    private static let monthNames = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    private static let weekday = #"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"#

    nonisolated(unsafe) private static let isoLike = try! Regex(
        #"^(?<y>\d{4})(?<sep>[-/.])(?<mo>\d{1,2})\k<sep>(?<d>\d{1,2})(?:(?:t|\s+|\s*,\s*)"# + clock + ")?" + zone + "$")
    nonisolated(unsafe) private static let chinese = try! Regex(
        #"^(?<y>\d{4})\s*年\s*(?<mo>\d{1,2})\s*月\s*(?<d>\d{1,2})\s*[日号]?\s*(?:(?:星期|周|礼拜)[一二三四五六日天])?\s*"#
        + #"(?:(?<ap>上午|下午|晚上|凌晨|早上|中午)?\s*(?<h>\d{1,2})\s*[:：时点點]\s*(?<mi>\d{1,2})\s*(?:分)?\s*(?:[:：]?\s*(?<s>\d{1,2})\s*秒?)?)?"#
        + zone + "$")
    nonisolated(unsafe) private static let compact = try! Regex(#"^(?<y>\d{4})(?<mo>\d{2})(?<d>\d{2})(?:t?(?<h>\d{2})(?<mi>\d{2})(?<s>\d{2})?)?(?<zone>z)?$"#)
    nonisolated(unsafe) private static let epoch = try! Regex(#"^(?<n>\d{10})(?<ms>\d{3})?$"#)
    nonisolated(unsafe) private static let dayMonthName = try! Regex(
        "^" + weekday + #"(?<d>\d{1,2})(?:st|nd|rd|th)?[\s-]+(?<mon>"# + monthNames + #")\.?,?[\s-]+(?<y>\d{4})"#
        + #"(?:\s*,?\s*(?:at\s+)?"# + clock + ")?" + zone + "$")
    nonisolated(unsafe) private static let monthNameDay = try! Regex(
        "^" + weekday + #"(?<mon>"# + monthNames + #")\.?\s+(?<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"#
        + #"(?<y>\d{4})(?:\s*,?\s*(?:at\s+)?"# + clock + ")?" + zone + "$")
    nonisolated(unsafe) private static let numericDMY = try! Regex(
        #"^(?<a>\d{1,2})(?<sep>[/.-])(?<b>\d{1,2})\k<sep>(?<y>\d{4})(?:(?:\s+|\s*,\s*|t)"# + clock + ")?" + zone + "$")

    private typealias Parser = @Sendable (String) -> Components?

    private static let parsers: [Parser] = [
        { s in
            guard let m = try? isoLike.wholeMatch(in: s) else { return nil }
            return build(m.output, year: int(m.output, "y"), month: int(m.output, "mo"), day: int(m.output, "d"))
        },
        { s in
            guard let m = try? chinese.wholeMatch(in: s) else { return nil }
            var c = build(m.output, year: int(m.output, "y"), month: int(m.output, "mo"), day: int(m.output, "d"))
            if var comps = c, let h = comps.hour, let ap = str(m.output, "ap") {
                if (ap == "下午" || ap == "晚上") && h < 12 { comps.hour = h + 12 }
                if ap == "中午" && h < 11 { comps.hour = h + 12 }
                if ap == "凌晨" && h == 12 { comps.hour = 0 }
                c = comps
            }
            return c
        },
        { s in
            guard let m = try? compact.wholeMatch(in: s) else { return nil }
            return build(m.output, year: int(m.output, "y"), month: int(m.output, "mo"), day: int(m.output, "d"))
        },
        { s in
            guard let m = try? epoch.wholeMatch(in: s), let n = int(m.output, "n") else { return nil }
            // Only plausible publication times: 2000-01-01 … 2100-01-01.
            guard n >= 946_684_800, n < 4_102_444_800 else { return nil }
            var c = civil(fromDays: n / 86400)
            let rest = n % 86400
            c.hour = rest / 3600
            c.minute = rest % 3600 / 60
            c.second = rest % 60
            if let ms = str(m.output, "ms") { c.fraction = trimZeros(ms) }
            c.isUTC = true
            c.offsetMinutes = 0
            return c
        },
        { s in
            guard let m = try? dayMonthName.wholeMatch(in: s) else { return nil }
            return build(m.output, year: int(m.output, "y"), month: month(str(m.output, "mon")), day: int(m.output, "d"))
        },
        { s in
            guard let m = try? monthNameDay.wholeMatch(in: s) else { return nil }
            return build(m.output, year: int(m.output, "y"), month: month(str(m.output, "mon")), day: int(m.output, "d"))
        },
        { s in
            guard let m = try? numericDMY.wholeMatch(in: s), let a = int(m.output, "a"), let b = int(m.output, "b") else { return nil }
            let sep = str(m.output, "sep")
            var (mo, d) = sep == "/" ? (a, b) : (b, a)
            if mo > 12 && d <= 12 { swap(&mo, &d) }
            return build(m.output, year: int(m.output, "y"), month: mo, day: d)
        },
    ]

    /// `2021-07-14`, `2021-07-14t05:08`, `2021-07-14 05:08:05.123`, each optionally
    /// followed by `z` or a numeric offset (`+08:00`, ` -0800`), in ASCII digits: the same
    /// result as the `isoLike` pattern gives them. Nil for anything else (not an error:
    /// the general parsers decide).
    static func isoFast(_ s: String) -> Components? {
        let b = Array(s.utf8)
        var i = 0
        func digits(_ min: Int, _ max: Int) -> Int? {
            var n = 0, v = 0
            while i < b.count, n < max, b[i] >= 0x30, b[i] <= 0x39 { v = v * 10 + Int(b[i] - 0x30); i += 1; n += 1 }
            if i < b.count, b[i] >= 0x30, b[i] <= 0x39 { return nil }  // too many digits
            return n >= min ? v : nil
        }
        guard let y = digits(4, 4), i < b.count, b[i] == 0x2D || b[i] == 0x2F || b[i] == 0x2E else { return nil }
        let sep = b[i]; i += 1
        guard let mo = digits(1, 2), i < b.count, b[i] == sep else { return nil }
        i += 1
        guard let d = digits(1, 2) else { return nil }
        var c = Components(year: y, month: mo, day: d, hour: nil, minute: nil, second: nil,
                           fraction: nil, offsetMinutes: nil, isUTC: false)
        if i == b.count { return c }
        // The time: after `t` or spaces.
        if b[i] == 0x74 { i += 1 } else if b[i] == 0x20 { while i < b.count, b[i] == 0x20 { i += 1 } } else { return nil }
        guard let h = digits(1, 2), i < b.count, b[i] == 0x3A else { return nil }
        i += 1
        guard let mi = digits(2, 2) else { return nil }
        c.hour = h; c.minute = mi; c.second = 0
        if i < b.count, b[i] == 0x3A {
            i += 1
            guard let sec = digits(2, 2) else { return nil }
            c.second = sec
            if i < b.count, b[i] == 0x2E || b[i] == 0x2C {
                i += 1
                let start = i
                guard digits(1, 9) != nil else { return nil }
                c.fraction = trimZeros(String(decoding: b[start..<i], as: UTF8.self))
            }
        }
        while i < b.count, b[i] == 0x20 { i += 1 }
        if i == b.count { return c }
        // The zone: `z`, or a sign, 1–2 digits, an optional colon and 2 digits.
        let zoneStart = i
        if b[i] == 0x7A {
            guard i + 1 == b.count else { return nil }
        } else {
            guard b[i] == 0x2B || b[i] == 0x2D else { return nil }
            i += 1
            guard digits(1, 2) != nil else { return nil }
            if i < b.count, b[i] == 0x3A { i += 1 }
            if i < b.count { guard digits(2, 2) != nil, i == b.count else { return nil } }
        }
        guard let (off, utc) = zoneOffset(String(decoding: b[zoneStart...], as: UTF8.self)) else { return nil }
        c.offsetMinutes = off
        c.isUTC = utc
        return c
    }

    // MARK: - Helpers

    private static func str(_ o: AnyRegexOutput, _ name: String) -> String? {
        guard let e = o[name], let sub = e.substring else { return nil }
        return String(sub)
    }

    private static func int(_ o: AnyRegexOutput, _ name: String) -> Int? {
        str(o, name).flatMap { Int($0) }
    }

    private static func month(_ name: String?) -> Int? {
        guard let n = name else { return nil }
        let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return names.firstIndex(of: String(n.prefix(3))).map { $0 + 1 }
    }

    private static func trimZeros(_ f: String) -> String? {
        var t = Substring(f)
        while t.last == "0" { t = t.dropLast() }
        return t.isEmpty ? nil : String(t)
    }

    private static func build(_ o: AnyRegexOutput, year: Int?, month: Int?, day: Int?) -> Components? {
        guard let y = year, let mo = month, let d = day else { return nil }
        var c = Components(year: y, month: mo, day: d, hour: nil, minute: nil, second: nil,
                           fraction: nil, offsetMinutes: nil, isUTC: false)
        if var h = int(o, "h") {
            if let ap = str(o, "ampm") {
                guard h >= 1 && h <= 12 else { return nil }
                if ap.hasPrefix("p") && h < 12 { h += 12 }
                if ap.hasPrefix("a") && h == 12 { h = 0 }
            }
            c.hour = h
            c.minute = int(o, "mi") ?? 0
            c.second = int(o, "s") ?? 0
            c.fraction = str(o, "f").flatMap(trimZeros)
        }
        if let z = str(o, "zone") {
            guard let (off, utc) = zoneOffset(z) else { return nil }
            // A zone without a time of day means nothing to ISO 8601; keep the date.
            if c.hour != nil {
                c.offsetMinutes = off
                c.isUTC = utc
            }
        }
        return c
    }

    /// Minutes east of UTC for a zone designator, and whether it named UTC itself.
    static func zoneOffset(_ raw: String) -> (Int, Bool)? {
        var z = raw.trimmingCharacters(in: .whitespaces)
        switch z {
        case "z", "utc", "gmt", "ut": return (0, true)
        case "北京时间": return (480, false)
        default: break
        }
        if let abbr = namedZones[z] { return (abbr, false) }
        if z.hasPrefix("gmt") || z.hasPrefix("utc") { z = String(z.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
        guard let sign = z.first, sign == "+" || sign == "-" else { return nil }
        let digits = z.dropFirst().filter { $0 != ":" }
        let h: Int, m: Int
        switch digits.count {
        case 1, 2: h = Int(digits) ?? 99; m = 0
        case 3: h = Int(digits.prefix(1)) ?? 99; m = Int(digits.suffix(2)) ?? 99
        case 4: h = Int(digits.prefix(2)) ?? 99; m = Int(digits.suffix(2)) ?? 99
        default: return nil
        }
        guard h <= 14, m < 60 else { return nil }
        let off = h * 60 + m
        return (sign == "-" ? -off : off, false)
    }

    /// Zone abbreviations with one common meaning (RFC 2822's US zones, Europe, East Asia).
    private static let namedZones: [String: Int] = [
        "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360,
        "pst": -480, "pdt": -420, "akst": -540, "akdt": -480, "hst": -600,
        "wet": 0, "west": 60, "bst": 60, "cet": 60, "cest": 120, "met": 60, "mest": 120,
        "eet": 120, "eest": 180, "msk": 180,
        "hkt": 480, "sgt": 480, "awst": 480, "jst": 540, "kst": 540,
        "acst": 570, "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780,
    ]

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The proleptic Gregorian date `z0` days after 1970-01-01 (no time of day).
    public static func civil(fromDays z0: Int) -> Components {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return Components(year: y, month: m, day: d, hour: nil, minute: nil, second: nil,
                          fraction: nil, offsetMinutes: nil, isUTC: false)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension DateNormalizer.Components {
    var isValid: Bool {
        guard (1000...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= DateNormalizer.daysIn(month: month, year: year) else { return false }
        if let h = hour, !(0...23).contains(h) { return false }
        if let m = minute, !(0...59).contains(m) { return false }
        if let s = second, !(0...60).contains(s) { return false }
        return true
    }
}
