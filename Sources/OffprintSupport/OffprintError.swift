import Foundation

/// The one error every stage throws: the step that failed, the file or URL it concerns (and
/// the line, where known), what went wrong, what to do about it, and the error underneath
/// (a libzip, libvips, Foundation or parser error) for callers that want it.
///
/// `description` is the line the CLI prints: `path:line: message; hint`. Without a path it is
/// `line N: message; hint`; without a line or a hint those parts are left out. Messages name
/// a real `--flag` where one fixes the problem.
///
///     throw OffprintError(.read, path: "post.md", "empty input (no content to convert)",
///                         hint: "give a post with front matter or an HTML page", kind: .emptyInput)
public struct OffprintError: Error, Sendable, CustomStringConvertible, LocalizedError {
    /// The step of the pipeline that failed.
    public enum Step: String, Sendable, CaseIterable {
        /// The inputs as given: paths, folders, manifests, shards, records of a stream.
        case input
        /// Reading an input (a file, standard input, the input stream).
        case read
        /// Parsing YAML/TOML front matter.
        case frontMatter
        /// Reading XML (libxml2's stream reader).
        case xml
        /// The temporary article store and the documents encoded into it.
        case store
        /// Reading a feed or an OPML list, and fetching its entries.
        case feed
        /// Fetching a page or a feed over HTTP.
        case fetch
        /// The image cache and copies of its images.
        case images
        /// Building an EPUB book (templates, manifests, the zip).
        case epub
        /// E-reader profiles: profile files, image conversion, volumes.
        case profile
        /// Getting books to readers: e-mail, mounted devices, the catalog server.
        case delivery
        /// Writing an output (a file, standard output, a report).
        case write
    }

    /// What went wrong, where callers branch on it.
    public enum Kind: Sendable, Hashable {
        /// The input has no bytes (or only white space).
        case emptyInput
        /// The input is not text (an image, an archive, a PDF, lots of NUL bytes).
        case notText
        /// The path names a directory, not a file.
        case isDirectory
        /// The file could not be read.
        case unreadable
        /// The server answered with this HTTP status.
        case httpStatus(Int)
        /// Anything else: the message says what.
        case other
    }

    public var step: Step
    public var kind: Kind
    /// The file, folder or URL it concerns (`-` or `<stdin>` for standard input).
    public var path: String?
    /// 1-based line in `path` (or in the text read), when known.
    public var line: Int?
    /// What is wrong.
    public var message: String
    /// What to do about it.
    public var hint: String?
    /// The error that caused this one.
    public var underlying: (any Error)?

    /// A line of 0 means unknown, like `nil`.
    public init(_ step: Step, path: String? = nil, line: Int? = nil, _ message: String, hint: String? = nil,
                kind: Kind = .other, underlying: (any Error)? = nil) {
        self.step = step
        self.kind = kind
        self.path = path
        self.line = line.flatMap { $0 > 0 ? $0 : nil }
        self.message = message
        self.hint = hint
        self.underlying = underlying
    }

    public var description: String {
        var s = ""
        if let path {
            s = path + (line.map { ":\($0)" } ?? "") + ": "
        } else if let line {
            s = "line \(line): "
        }
        s += message
        if let hint { s += "; " + hint }
        return s
    }

    public var errorDescription: String? { description }
}

extension OffprintError: Equatable {
    /// Equal when they say the same: step, kind, path, line, message and hint (the underlying
    /// error, often a Foundation or C library value, is not compared).
    public static func == (a: OffprintError, b: OffprintError) -> Bool {
        a.step == b.step && a.kind == b.kind && a.path == b.path && a.line == b.line && a.message == b.message && a.hint == b.hint
    }
}

extension OffprintError {
    /// `error` as an `OffprintError`: itself when it is one, else wrapped as a failure of
    /// `step` whose message is the error's description (so it prints as before).
    public static func wrapping(_ error: any Error, step: Step) -> OffprintError {
        if let e = error as? OffprintError { return e }
        return OffprintError(step, "\(error)", underlying: error)
    }
}
