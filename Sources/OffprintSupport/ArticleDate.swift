import Foundation

/// A publication date, read once (by `DateNormalizer`'s rules) and carried typed from
/// then on: the loaders make it, the writers ask it for the form they need.
///
/// It keeps what the text said: whether there was a time of day, and the zone. A book's
/// date (`--date`, a collection manifest's `date`, an OPF's `dc:date`) may also be a year
/// or a month alone (`2021`, `2021-07`, W3CDTF's reduced forms).
public struct ArticleDate: Sendable, Hashable {
    /// How much of the date is known.
    public enum Precision: Int, Sendable, Comparable {
        case year, month, day, time
        public static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    /// The parts as read. For a year or a month alone, the missing parts are 1.
    public let components: DateNormalizer.Components
    public let precision: Precision

    /// The date `text` gives in one of the formats `DateNormalizer` reads; nil for anything
    /// else. With `allowingYearOrMonth`, also `YYYY` and `YYYY-MM` (what a book's date may be).
    public init?(_ text: String, allowingYearOrMonth: Bool = false) {
        if let c = DateNormalizer.components(text) {
            self.init(components: c)
        } else if allowingYearOrMonth, let r = Self.reduced(text) {
            self.init(components: r.0, precision: r.1)
        } else {
            return nil
        }
    }

    /// The instant `date` in UTC, to the second (`2021-07-14T05:08:05Z`).
    public init(_ date: Date) {
        let t = Int(date.timeIntervalSince1970.rounded(.down))
        var days = t / 86400, rest = t % 86400
        if rest < 0 { rest += 86400; days -= 1 }
        var c = DateNormalizer.civil(fromDays: days)
        c.hour = rest / 3600
        c.minute = rest % 3600 / 60
        c.second = rest % 60
        c.offsetMinutes = 0
        c.isUTC = true
        self.init(components: c)
    }

    /// A date from parts already checked (`DateNormalizer.components`).
    init(components: DateNormalizer.Components) {
        self.init(components: components, precision: components.hour == nil ? .day : .time)
    }

    private init(components: DateNormalizer.Components, precision: Precision) {
        self.components = components
        self.precision = precision
    }

    /// Whether the text gave a time of day.
    public var hasTime: Bool { precision == .time }

    /// Minutes east of UTC when the text named a zone (`Z`, `+08:00`, `EDT`); nil when it
    /// named none (the time is then read as UTC).
    public var offsetMinutes: Int? { components.offsetMinutes }

    /// ISO 8601 as the text gave it: `2021-07-14`, `2021-07-14T05:08:05Z`,
    /// `2021-07-14T05:08:05.123+08:00`, `2021-07-14T05:08:05` (no zone given); `2021` or
    /// `2021-07` for a year or a month alone.
    public var iso8601: String {
        switch precision {
        case .year: return Self.pad(components.year, 4)
        case .month: return Self.pad(components.year, 4) + "-" + Self.pad(components.month, 2)
        case .day, .time: return components.iso8601
        }
    }

    /// The calendar day where the date was written (`2021-07-14`, whatever its zone), or as
    /// much of it as is known (`2021`, `2021-07`).
    public var day: String {
        precision >= .day ? Self.pad(components.year, 4) + "-" + Self.pad(components.month, 2) + "-" + Self.pad(components.day, 2) : iso8601
    }

    /// The instant: a time without a zone is read as UTC, a date alone as its midnight.
    public var date: Date { Date(timeIntervalSince1970: components.epochSeconds) }

    /// The form EPUB's `dc:date` (W3CDTF) takes: a date alone as given, a date with a time as
    /// the instant in UTC to the second (`2021-07-14T05:08:05Z`).
    public var w3cdtf: String {
        hasTime ? ArticleDate(date).iso8601 : iso8601
    }

    /// `YYYY` or `YYYY-MM`, nothing else.
    private static func reduced(_ text: String) -> (DateNormalizer.Components, Precision)? {
        let t = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        func number(_ r: Range<Int>) -> Int? {
            guard t[r].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return Int(String(decoding: t[r], as: UTF8.self))
        }
        guard t.count == 4 || (t.count == 7 && t[4] == 0x2D), let y = number(0..<4), (1000...9999).contains(y) else { return nil }
        var c = DateNormalizer.Components(year: y, month: 1, day: 1, hour: nil, minute: nil, second: nil,
                                          fraction: nil, offsetMinutes: nil, isUTC: false)
        guard t.count == 7 else { return (c, .year) }
        guard let m = number(5..<7), (1...12).contains(m) else { return nil }
        c.month = m
        return (c, .month)
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension ArticleDate: Comparable {
    /// Earlier instants first; the same instant written two ways, by its ISO 8601 text.
    public static func < (a: ArticleDate, b: ArticleDate) -> Bool {
        let (x, y) = (a.components.epochSeconds, b.components.epochSeconds)
        return x != y ? x < y : a.iso8601 < b.iso8601
    }
}

extension ArticleDate: CustomStringConvertible {
    public var description: String { iso8601 }
}
