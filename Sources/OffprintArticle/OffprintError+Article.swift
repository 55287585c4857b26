import Foundation
import OffprintSupport

/// Why an input could not be loaded as an article: step `.read`, the input as `path`
/// (a file path, or "-" for standard input), a kind callers branch on, and what to do.
extension OffprintError {
    /// `post.md: empty input (no content to convert); give a post with front matter or an HTML page`
    public static func emptyInput(origin: String) -> OffprintError {
        OffprintError(.read, path: origin, "empty input (no content to convert)",
                      hint: "give a post with front matter or an HTML page", kind: .emptyInput)
    }

    public static func notText(origin: String, detected: String) -> OffprintError {
        OffprintError(.read, path: origin, "not a text/HTML file (\(detected))",
                      hint: "give an HTML page or a post with front matter; images and archives cannot be converted", kind: .notText)
    }

    /// The error for a directory given where a file was expected. Callers that accept
    /// directories (the CLI expanding `dir/` into its files) check `ArticleLoader.isDirectory`
    /// first; everyone else reports this.
    public static func isDirectory(origin: String) -> OffprintError {
        OffprintError(.read, path: origin, "is a directory, not a file",
                      hint: "name the article files inside it (for example dir/*.md or dir/*.html)", kind: .isDirectory)
    }

    public static func unreadable(origin: String, reason: String, underlying: (any Error)? = nil) -> OffprintError {
        OffprintError(.read, path: origin, "cannot be read (\(reason))",
                      hint: "check that the file exists and is readable", kind: .unreadable, underlying: underlying)
    }
}
