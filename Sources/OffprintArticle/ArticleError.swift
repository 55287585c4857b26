import Foundation

/// Why an input could not be loaded as an article. Says what went wrong, where, and what to do.
public struct ArticleError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The input has no bytes (or only white space).
        case emptyInput
        /// The input is not text (an image, an archive, a PDF, lots of NUL bytes).
        case notText
        /// The path names a directory, not a file.
        case isDirectory
        /// The file could not be read.
        case unreadable
    }

    public var kind: Kind
    /// The input it concerns (file path, or "-" for standard input).
    public var origin: String
    /// What is wrong.
    public var message: String
    /// What to do about it.
    public var hint: String

    public init(_ kind: Kind, origin: String, message: String, hint: String) {
        self.kind = kind
        self.origin = origin
        self.message = message
        self.hint = hint
    }

    /// `post.md: empty input (the file has no content); give a Hexo/Jekyll/Hugo post or an HTML page`
    public var description: String {
        (origin.isEmpty ? "" : origin + ": ") + message + "; " + hint
    }

    public static func emptyInput(origin: String) -> ArticleError {
        ArticleError(.emptyInput, origin: origin, message: "empty input (no content to convert)",
                     hint: "give a post with front matter or an HTML page")
    }

    public static func notText(origin: String, detected: String) -> ArticleError {
        ArticleError(.notText, origin: origin, message: "not a text/HTML file (\(detected))",
                     hint: "give an HTML page or a post with front matter; images and archives cannot be converted")
    }

    /// The error for a directory given where a file was expected. Callers that accept
    /// directories (the CLI expanding `dir/` into its files) check `ArticleLoader.isDirectory`
    /// first; everyone else reports this.
    public static func isDirectory(origin: String) -> ArticleError {
        ArticleError(.isDirectory, origin: origin, message: "is a directory, not a file",
                     hint: "name the article files inside it (for example dir/*.md or dir/*.html)")
    }

    public static func unreadable(origin: String, reason: String) -> ArticleError {
        ArticleError(.unreadable, origin: origin, message: "cannot be read (\(reason))",
                     hint: "check that the file exists and is readable")
    }
}
