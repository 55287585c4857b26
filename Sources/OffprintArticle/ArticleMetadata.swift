import OffprintSupport

/// What is known about an article besides its content: where it came from, its title,
/// authors, date, language, sources. Books are planned from these alone (`StoredArticle`)
/// before any content is loaded.
public struct ArticleMetadata: Sendable {
    /// Where the article came from (a file path, or "-" for standard input), for messages.
    public var origin: String
    public var title: String?
    public var authors: [String]
    /// The publication date, read once (`ArticleDate`: ISO 8601, the day, the instant).
    public var date: ArticleDate?
    /// The language (`zh-CN`, `en`), when known: from front matter, the page's `<html lang>`,
    /// its metadata, or the feed.
    public var language: LanguageTag?
    /// The writing direction the page declares (`dir`), when it declares one.
    public var direction: TextDirection?
    public var categories: [String]
    public var tags: [String]
    public var summary: String?
    public var siteName: String?
    /// The cover / lead image URL (absolute, unwrapped from proxies once cleaned).
    public var coverImage: String?
    /// The article's canonical URL, when known.
    public var sourceURL: String?
    /// The URL relative links resolve against (`<base href>`, the source URL, or `--base-url`).
    public var baseURL: String?
    /// The front matter as read (all keys, in order), when the input had one.
    public var frontMatter: FrontMatter?
    /// The group the article is listed under in a book's table of contents (a feed's
    /// title when several feeds make one book). Nil: listed at the top level.
    public var section: String?

    public init(origin: String) {
        self.origin = origin
        self.title = nil
        self.authors = []
        self.date = nil
        self.language = nil
        self.direction = nil
        self.categories = []
        self.tags = []
        self.summary = nil
        self.siteName = nil
        self.coverImage = nil
        self.sourceURL = nil
        self.baseURL = nil
        self.frontMatter = nil
        self.section = nil
    }
}
