/// How `ArticleLoader` reads an input. All fields are optional; the defaults suit files
/// saved from the web and Hexo/Jekyll/Hugo posts.
public struct LoadOptions: Sendable, Equatable {
    public enum InputFormat: String, Sendable {
        /// A post when the text starts with front matter (`---` or `+++`), an HTML page otherwise.
        case auto
        /// Front matter (optional) followed by an HTML body.
        case post
        /// An HTML page; a leading `---` block is not front matter.
        case html
    }

    /// The URL relative links resolve against, overriding `<base href>`, the page URL and the
    /// front matter's link (`--base-url`).
    public var baseURL: String?
    /// Where the input was fetched from, when known (a downloaded page's URL). Used as the
    /// article's source URL and to resolve a relative `<base href>`.
    public var sourceURL: String?
    /// The character encoding to assume when the bytes have no byte-order mark (an HTTP
    /// `Content-Type` charset, say). Wins over an in-document `<meta charset>`.
    public var encodingHint: String?
    /// The charset named by the HTTP `Content-Type` header of a fetched page (`gb2312`).
    public var transportCharset: String?
    public var format: InputFormat

    public init(baseURL: String? = nil, sourceURL: String? = nil, encodingHint: String? = nil,
                format: InputFormat = .auto) {
        self.baseURL = baseURL
        self.sourceURL = sourceURL
        self.encodingHint = encodingHint
        self.format = format
    }
}
