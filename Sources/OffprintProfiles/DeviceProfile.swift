import Foundation

/// What a reading device (or app) needs from a book: image formats and limits, a size
/// budget, a style sheet its engine accepts, KEPUB or plain EPUB, languages, a cover.
/// Profiles are plain data: the built-in ones below, a TOML file of the same fields
/// (`DeviceProfile.load(from:)`), or either with single settings overridden.
public struct DeviceProfile: Sendable, Equatable, Codable {
    /// Short name used on the command line (`kindle`).
    public var name: String
    /// One line on what the profile is for.
    public var summary: String
    /// What images may be; others are converted.
    public var images: ImageSettings
    /// Largest book file in bytes (nil: any). Over it, images are reduced; when that is not
    /// enough the build fails with a message saying by how much (or the book is split into
    /// volumes, with `ProfileOptions.splitVolumes`).
    public var maxBookBytes: Int?
    /// Articles longer than this are split into several XHTML files (Adobe-engine readers
    /// choke on files over ~260 KB; KEPUB spans make files larger, so Kobo splits earlier).
    public var maxChapterBytes: Int
    /// The style sheet: as bundled (or as the user's template), or stripped of what older
    /// engines reject (`adobeSafe`).
    public var stylesheet: StylesheetVariant
    /// Kobo's KEPUB: sentence spans and the `book-columns` wrappers, `.kepub.epub` name.
    public var kepub: Bool
    /// Which book languages the device's store accepts (`amazon`: Amazon's list; a warning otherwise).
    public var languages: LanguagePolicy
    /// The pixel size of the cover generated for books without one (nil: a title page instead).
    public var coverWidth: Int?
    public var coverHeight: Int?
    /// File name ending the book should have (`.epub`, `.kepub.epub`).
    public var fileExtension: String

    public enum StylesheetVariant: String, Sendable, Codable, CaseIterable {
        case standard
        case adobeSafe = "adobe-safe"
    }

    public enum LanguagePolicy: String, Sendable, Codable, CaseIterable {
        case any
        case amazon
    }

    public init(name: String, summary: String, images: ImageSettings, maxBookBytes: Int? = nil, maxChapterBytes: Int = 250_000,
                stylesheet: StylesheetVariant = .standard, kepub: Bool = false, languages: LanguagePolicy = .any,
                coverWidth: Int? = nil, coverHeight: Int? = nil, fileExtension: String = ".epub") {
        self.name = name
        self.summary = summary
        self.images = images
        self.maxBookBytes = maxBookBytes
        self.maxChapterBytes = maxChapterBytes
        self.stylesheet = stylesheet
        self.kepub = kepub
        self.languages = languages
        self.coverWidth = coverWidth
        self.coverHeight = coverHeight
        self.fileExtension = fileExtension
    }

    // MARK: Built-in profiles

    /// Any EPUB 3 reader: core image formats only (WebP, AVIF, HEIC, BMP, TIFF converted),
    /// no size limits beyond Apple's pixel count, files under the Adobe limit.
    public static let generic = DeviceProfile(
        name: "generic", summary: "any EPUB reader: JPEG/PNG/GIF/SVG only, images up to 4096 px and 5.6 MP, Adobe-safe CSS",
        images: ImageSettings(formats: [.jpeg, .png, .gif, .svg], maxWidth: 4096, maxHeight: 4096, maxPixels: 5_600_000, jpegQuality: 85),
        stylesheet: .adobeSafe, coverWidth: 1400, coverHeight: 2100)

    /// Kindle via Send to Kindle (EPUB): no WebP (nor SVG, which conversion renders poorly),
    /// 50 MB per book, Amazon's language list, a raster cover; screens up to 1264×1680
    /// (Paperwhite, Oasis; Scribe scales).
    public static let kindle = DeviceProfile(
        name: "kindle", summary: "Kindle via Send to Kindle: JPEG/PNG/GIF, 1264×1680 px, 50 MB book budget, Amazon languages, raster cover",
        images: ImageSettings(formats: [.jpeg, .png, .gif], maxWidth: 1264, maxHeight: 1680, maxPixels: 5_600_000, jpegQuality: 80,
                              maxImageBytes: 800_000, animation: .firstFrame),
        maxBookBytes: 50_000_000, stylesheet: .adobeSafe, languages: .amazon, coverWidth: 1264, coverHeight: 1680)

    /// Kobo's KEPUB engine (the one with page turns, stats and fast rendering): no WebP or
    /// SVG, 1264×1680 (Clara, Libra), Adobe-safe CSS, sentence spans, `.kepub.epub`.
    public static let kobo = DeviceProfile(
        name: "kobo", summary: "Kobo KEPUB: koboSpan sentences, JPEG/PNG/GIF, 1264×1680 px, Adobe-safe CSS, .kepub.epub",
        images: ImageSettings(formats: [.jpeg, .png, .gif], maxWidth: 1264, maxHeight: 1680, maxPixels: 5_600_000, jpegQuality: 80,
                              maxImageBytes: 800_000, animation: .firstFrame),
        maxChapterBytes: 110_000, stylesheet: .adobeSafe, kepub: true, coverWidth: 1264, coverHeight: 1680, fileExtension: ".kepub.epub")

    /// KOReader (crengine) on e-ink: SVG kept, animations flattened, 1404×1872 (10.3" and
    /// 7.8" 300 ppi screens).
    public static let koreader = DeviceProfile(
        name: "koreader", summary: "KOReader on e-ink: JPEG/PNG/GIF/SVG, 1404×1872 px, first frame of animations",
        images: ImageSettings(formats: [.jpeg, .png, .gif, .svg], maxWidth: 1404, maxHeight: 1872, maxPixels: 5_600_000, jpegQuality: 80,
                              maxImageBytes: 1_000_000, animation: .firstFrame),
        stylesheet: .standard, coverWidth: 1404, coverHeight: 1872)

    /// Apple Books: refuses images over ~5.6 million pixels; shows everything else,
    /// animations included. Covers at Apple's recommended 1600×2400.
    public static let apple = DeviceProfile(
        name: "apple", summary: "Apple Books: JPEG/PNG/GIF/SVG, images under 5.6 MP, animations kept",
        images: ImageSettings(formats: [.jpeg, .png, .gif, .svg], maxPixels: 5_600_000, jpegQuality: 85),
        stylesheet: .standard, coverWidth: 1600, coverHeight: 2400)

    public static let builtIn: [DeviceProfile] = [.generic, .kindle, .kobo, .koreader, .apple]

    /// A built-in profile by name (`kindle`), or nil.
    public static func named(_ name: String) -> DeviceProfile? {
        builtIn.first { $0.name == name.lowercased() }
    }
}
