/// A problem worth telling the user about that does not stop the work: an element dropped,
/// an image without a URL, broken front matter. Says what, where, and what to do.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case warning, error }
    public var severity: Severity
    /// The input it concerns (file path, or "-" for standard input).
    public var origin: String
    /// Where in the input: an element (`<img src="…">`), a front matter key, a line.
    public var location: String?
    public var message: String

    public init(_ severity: Severity = .warning, origin: String, location: String? = nil, _ message: String) {
        self.severity = severity
        self.origin = origin
        self.location = location
        self.message = message
    }

    /// One line: `post.md: <img src="…">: no image URL (left out)`.
    public var description: String {
        var s = origin.isEmpty ? "" : origin + ": "
        if let l = location { s += l + ": " }
        return s + message
    }
}
