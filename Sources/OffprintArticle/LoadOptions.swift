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
    /// The character encoding to read the input in, whatever it declares (`--encoding`);
    /// only a byte-order mark wins over it. A label (`gbk`, `Shift_JIS`); check it with
    /// `Charset.supportedName` first, unknown labels are ignored here.
    public var encodingHint: String?
    /// The charset of the HTTP `Content-Type` header the input came with (a fetched page).
    /// Wins over `<meta charset>`; a declared legacy charset still loses to bytes that are
    /// valid UTF-8, and a declared UTF-8 the bytes contradict gives way (`Charset.resolve`).
    public var transportCharset: String?
    public var format: InputFormat

    public init(baseURL: String? = nil, sourceURL: String? = nil, encodingHint: String? = nil,
                transportCharset: String? = nil, format: InputFormat = .auto) {
        self.baseURL = baseURL
        self.sourceURL = sourceURL
        self.encodingHint = encodingHint
        self.transportCharset = transportCharset
        self.format = format
    }
}
