import Foundation

/// An author's name as pages give it (a byline in the text, `<meta name="author">`, JSON-LD),
/// made into a name once, for every place that reads one.
public enum Byline {
    /// Words before a name: "By …", "作者：…", "文/…".
    static let prefixes = ["By: ", "by: ", "By ", "by ", "BY ", "Written by ", "Posted by ", "Von ", "Par ", "Por ",
                           "作者：", "作者:", "作者 ", "文/", "文 / ", "撰文：", "来源：", "来源:", "來源："]
    /// What templates leave where a name should be (`<meta name="author" content="name, email@gmail.com">`).
    static let placeholders: Set<String> = ["name", "author", "admin", "administrator", "unknown", "anonymous", "null",
                                            "none", "undefined", "your name"]
    /// Where a byline runs into its dateline: a date or time label, a date, a time.
    static let dateline = try! NSRegularExpression(pattern:
        #"(发布时间|发表时间|发布于|发表于|更新时间|发布日期|時間|时间[:：]|日期[:：]|\b(?:Published|Updated|Posted on)\b|\d{4}\s*[-/.年]\s*\d{1,2}|\d{1,2}[-/]\d{1,2}\s*\d{1,2}:\d{2}|\b\d{1,2}:\d{2}\b)"#)
    static let email = try! NSRegularExpression(pattern: #"<?[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}>?"#)

    /// `raw` as a name: white space collapsed; a leading "By" / "作者：" / "文/" taken off; a
    /// dateline after it (`IT之家发布时间：09-30 22:46…` → `IT之家`), e-mail addresses and
    /// placeholder words left out. Nil when nothing like a name is left (empty, no letters,
    /// over 80 characters, or full of digits as a date line is).
    public static func clean(_ raw: String) -> String? {
        var s = raw.split(whereSeparator: { $0.isWhitespace && $0 != "\u{00A0}" }).joined(separator: " ")
        for prefix in prefixes where s.hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
        }
        let ns = s as NSString
        if let m = dateline.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)), m.range.location > 0 {
            s = ns.substring(to: m.range.location)
        }
        s = email.stringByReplacingMatches(in: s, range: NSRange(location: 0, length: (s as NSString).length), withTemplate: "")
            .replacingOccurrences(of: "()", with: "").replacingOccurrences(of: "<>", with: "")
        let parts = s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !placeholders.contains($0.lowercased()) }
        s = parts.joined(separator: ", ").trimmingCharacters(in: CharacterSet(charactersIn: " |·-–—,:：/"))
        if s.isEmpty || s.count > 80 || s.rangeOfCharacter(from: .letters) == nil || s.filter(\.isNumber).count >= 4 { return nil }
        return s
    }
}
