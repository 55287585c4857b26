import Foundation
import OffprintArticle
import OffprintSupport

/// What a book says about itself: the package document's metadata, the title page, the
/// navigation's title. Empty fields are left out of the book, never written empty.
public struct BookMetadata: Sendable, Equatable {
    public var title: String
    public var subtitle: String?
    /// Authors, in order (`dc:creator`, role `aut`).
    public var creators: [String]
    /// The book's language (`zh-CN`, `en`). Nil: the articles' most common language, else one
    /// guessed from the text's script (`zh`, `ja`, `ko`), else `und`.
    public var language: LanguageTag?
    public var publisher: String?
    public var description: String?
    /// Publication date (`2022-01-31`, `2022-01-31T08:00:00Z`, or a year or month alone). Nil:
    /// the newest article date.
    public var date: ArticleDate?
    public var series: String?
    /// Position in the series (`2`, `2.5`).
    public var seriesIndex: Double?
    /// `dc:subject`s. Nil: the articles' categories and tags (first seen first).
    public var subjects: [String]?
    /// The cover: an `http(s)` URL (fetched through the `ImageProvider`), or a local file
    /// path or `file:` URL. Nil: the first article's `coverImage` when it is cover-shaped
    /// (portrait, at least 500×700), else a generated cover.
    public var coverImage: String?
    /// `dc:identifier` (`urn:isbn:…`, `urn:uuid:…`). Nil: a UUID derived from the articles'
    /// sources, so the same articles always give the same identifier.
    public var identifier: String?

    public init(title: String, subtitle: String? = nil, creators: [String] = [], language: LanguageTag? = nil,
                publisher: String? = nil, description: String? = nil, date: ArticleDate? = nil,
                series: String? = nil, seriesIndex: Double? = nil, subjects: [String]? = nil,
                coverImage: String? = nil, identifier: String? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.creators = creators
        self.language = language
        self.publisher = publisher
        self.description = description
        self.date = date
        self.series = series
        self.seriesIndex = seriesIndex
        self.subjects = subjects
        self.coverImage = coverImage
        self.identifier = identifier
    }
}

/// How a book is built. The defaults give an EPUB 3.3 book with EPUB 2 fallbacks that
/// passes epubcheck 4 and 5 without warnings.
public struct EPUBOptions: Sendable {
    /// A folder whose files replace the bundled templates of the same name
    /// (`chapter.xhtml.mustache`, `style.css`, … — see `BundledTemplates.names`).
    public var templatesDirectory: URL?
    /// Articles whose XHTML would be larger than this are split at headings (or, lacking
    /// headings, between blocks) into several files.
    public var maxChapterBytes: Int
    /// List each article's `<h2>` headings under it in the table of contents.
    public var tocIncludesSubheadings: Bool
    /// The `dcterms:modified` date and the zip entries' timestamps. Nil: the
    /// `SOURCE_DATE_EPOCH` environment variable if set, else the newest article date, else
    /// 2000-01-01. Never the clock, so the same inputs give the same bytes.
    public var modified: Date?
    /// Keep WebP images (an EPUB 3.3 core media type that EPUB 3.2 and older readers do not
    /// support; epubcheck 4.2.6 reports them as errors). Off: WebP images become their alt
    /// text with a warning.
    public var keepWebP: Bool
    /// Drop an article's first heading when it repeats the article title (the chapter
    /// header already shows it).
    public var dropRepeatedTitle: Bool
    /// Labels written into the book (contents, source, cover …). Nil: chosen by language.
    public var labels: BookLabels?
    /// Memory for chapters while the book is built, in bytes. Chapter XHTML past this goes
    /// to temporary files next to the output (libzip reads everything when it closes the
    /// archive), and sanitised chapter trees past about this size are dropped after the
    /// first pass and built again when written. Books of thousands of articles stay small;
    /// the output is the same bytes either way.
    public var chapterMemoryLimit: Int
    /// Changes every content document and the style sheet as they are stored (KEPUB spans,
    /// style sheets for older engines). Nil: stored as rendered.
    public var contentTransform: (any EPUBContentTransform)? = nil
    /// A local image file (path) for the cover when the book has no usable cover image
    /// (a generated raster cover, say). Nil: see `generatesCover`.
    public var fallbackCover: String? = nil
    /// Draw an SVG cover (title, authors, date) for a book with neither a cover image of its
    /// own, a cover-shaped article image, nor a `fallbackCover`. Off: no cover page (the
    /// title page, always there, opens the book).
    public var generatesCover: Bool = true

    public init(templatesDirectory: URL? = nil, maxChapterBytes: Int = 250_000, tocIncludesSubheadings: Bool = true,
                modified: Date? = nil, keepWebP: Bool = false, dropRepeatedTitle: Bool = true, labels: BookLabels? = nil,
                chapterMemoryLimit: Int = 16 << 20) {
        self.chapterMemoryLimit = chapterMemoryLimit
        self.templatesDirectory = templatesDirectory
        self.maxChapterBytes = maxChapterBytes
        self.tocIncludesSubheadings = tocIncludesSubheadings
        self.modified = modified
        self.keepWebP = keepWebP
        self.dropRepeatedTitle = dropRepeatedTitle
        self.labels = labels
    }
}

/// The words the templates put around the content.
public struct BookLabels: Sendable, Equatable {
    public var contents: String
    public var landmarks: String
    public var cover: String
    public var titlePage: String
    public var source: String
    public var start: String
    /// A set of articles without a title of its own (`{count} articles`; `{count}` stands for
    /// the number): the default title of a book made from a list of files.
    public var articleCount: String
    /// Between a default title and its dates (`, `; `，` in Chinese).
    public var dateSeparator: String

    public init(contents: String, landmarks: String, cover: String, titlePage: String, source: String, start: String,
                articleCount: String = "{count} articles", dateSeparator: String = ", ") {
        self.contents = contents
        self.landmarks = landmarks
        self.cover = cover
        self.titlePage = titlePage
        self.source = source
        self.start = start
        self.articleCount = articleCount
        self.dateSeparator = dateSeparator
    }

    /// `articleCount` with the number in it: `4 articles`, `4 篇文章`.
    public func articles(_ count: Int) -> String {
        articleCount.replacingOccurrences(of: "{count}", with: String(count))
    }

    /// The labels for a BCP 47 language (English for languages without a translation).
    public static func forLanguage(_ tag: LanguageTag) -> BookLabels {
        switch tag.language {
        case "zh":
            let traditional = tag.script.map { $0 == "Hant" } ?? ["TW", "HK", "MO"].contains(tag.region ?? "")
            return traditional
                ? BookLabels(contents: "目錄", landmarks: "導覽", cover: "封面", titlePage: "書名頁", source: "來源", start: "正文",
                             articleCount: "{count} 篇文章", dateSeparator: "，")
                : BookLabels(contents: "目录", landmarks: "导览", cover: "封面", titlePage: "书名页", source: "来源", start: "正文",
                             articleCount: "{count} 篇文章", dateSeparator: "，")
        case "ja": return BookLabels(contents: "目次", landmarks: "ランドマーク", cover: "表紙", titlePage: "扉", source: "出典", start: "本文",
                                       articleCount: "{count} 件の記事", dateSeparator: "、")
        case "de": return BookLabels(contents: "Inhalt", landmarks: "Orientierung", cover: "Umschlag", titlePage: "Titelseite", source: "Quelle", start: "Beginn",
                                       articleCount: "{count} Artikel")
        case "fr": return BookLabels(contents: "Sommaire", landmarks: "Repères", cover: "Couverture", titlePage: "Page de titre", source: "Source", start: "Début",
                                       articleCount: "{count} articles")
        case "es": return BookLabels(contents: "Índice", landmarks: "Puntos de referencia", cover: "Cubierta", titlePage: "Portada", source: "Fuente", start: "Inicio",
                                       articleCount: "{count} artículos")
        default: return BookLabels(contents: "Contents", landmarks: "Landmarks", cover: "Cover", titlePage: "Title Page", source: "Source", start: "Start")
        }
    }
}

/// What a build did.
public struct BuildReport: Sendable {
    public struct Chapter: Sendable, Equatable {
        /// The article it came from (`Article.origin`).
        public var origin: String
        public var title: String
        /// Paths of its XHTML files inside the book (`EPUB/text/ch001.xhtml`, …), more than
        /// one when the article was split.
        public var files: [String]
        /// Size of its XHTML, all parts together.
        public var bytes: Int
        /// The `src` of each of its `<img>`s as the image provider was asked for it
        /// (absolute), in document order: embedded or not.
        public var imageURLs: [String]
    }

    public var output: URL
    public var identifier: String
    public var chapters: [Chapter]
    /// Distinct images stored in the book (identical bytes are stored once).
    public var imagesEmbedded: Int
    /// `<img>` URLs that could not be had or used; each became its alt text.
    public var imagesFailed: Int
    /// Size of the `.epub` file.
    public var bytes: Int
    public var diagnostics: [Diagnostic]
    /// The book's language (`dc:language`), as chosen from the metadata and articles.
    public var language: LanguageTag = .undetermined
}

