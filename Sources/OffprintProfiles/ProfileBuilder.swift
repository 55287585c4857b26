import OffprintSupport
import Foundation
import OffprintArticle
import OffprintEPUB
import OffprintImages

/// What a profile build did.
public struct ProfileBuildResult: Sendable {
    /// One report per book written (several when the book was split into volumes).
    public var volumes: [BuildReport]
    /// The image conversions of the last build (the one written).
    public var images: ConversionSummary
    /// The profile's own warnings (language, budget); the builder's are in each report.
    public var diagnostics: [Diagnostic]
    /// Builds made (more than one when images had to be reduced to meet the book budget).
    public var attempts: Int
    /// The image settings the written book was made with (tighter than the profile's when
    /// the budget asked for it).
    public var settings: ImageSettings

    public var report: BuildReport { volumes[0] }
    public var outputs: [URL] { volumes.map(\.output) }
}

/// Builds an EPUB (or KEPUB) for one device profile: the EPUB builder with images
/// converted through a `ConvertingImageProvider`, the profile's chapter size and style
/// sheet, KEPUB spans, a generated raster cover for books without one, the language
/// checked, and the book budget kept by reducing images, else by splitting into volumes
/// (`splitVolumes`), else with an error saying what to do.
///
/// ```swift
/// let result = try await ProfileBuilder(profile: .kindle, derivedDirectory: cache.directory.appendingPathComponent("derived"))
///     .build(articles: cleaned, metadata: BookMetadata(title: "Week 47"), images: cache, to: url)  // Cleanup.clean
/// ```
public struct ProfileBuilder: Sendable {
    public var profile: DeviceProfile
    /// The plain builder's options (templates, table of contents…); the profile sets the
    /// chapter size, style sheet transform and fallback cover on top.
    public var options: EPUBOptions
    /// Where converted images and generated covers are kept (the image cache's `derived/`).
    public var derivedDirectory: URL
    /// Over the book budget even with reduced images: split the articles into volumes
    /// (`week-1.epub`, `week-2.epub`…) instead of failing.
    public var splitVolumes: Bool
    /// Images converted at once.
    public var concurrency: Int

    public init(profile: DeviceProfile, options: EPUBOptions = EPUBOptions(), derivedDirectory: URL, splitVolumes: Bool = false,
                concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.profile = profile
        self.options = options
        self.derivedDirectory = derivedDirectory
        self.splitVolumes = splitVolumes
        self.concurrency = concurrency
    }

    /// Builds at most this many times to meet a budget by reducing images.
    static let maxAttempts = 4

    /// Builds the book from cleaned articles (`Cleanup.clean`).
    public func build(articles: [CleanedArticle], metadata: BookMetadata, images: any ImageProvider, to output: URL) async throws -> ProfileBuildResult {
        try await build(stored: articles.map(StoredArticle.init), metadata: metadata, images: images, to: output)
    }

    /// The same from articles kept by an `ArticleStore` (big books in bounded memory).
    public func build(stored articles: [StoredArticle], metadata: BookMetadata, images: any ImageProvider, to output: URL) async throws -> ProfileBuildResult {
        try Vips.start()
        var diagnostics: [Diagnostic] = []
        var metadata = metadata
        var epub = options
        epub.maxChapterBytes = min(options.maxChapterBytes, profile.maxChapterBytes)
        epub.keepWebP = false
        let transform = ProfileContentTransform(inner: options.contentTransform, kepub: profile.kepub,
                                                adobeSafe: profile.stylesheet == .adobeSafe)
        if transform.isActive { epub.contentTransform = transform }
        if profile.kepub && !output.lastPathComponent.lowercased().hasSuffix(".kepub.epub") {
            diagnostics.append(Diagnostic(origin: output.lastPathComponent, "a KEPUB book should be named *.kepub.epub (-o \(output.deletingPathExtension().lastPathComponent).kepub.epub): Kobo readers open other names with their older EPUB engine"))
        }

        // A local cover file is converted like any image (a huge PNG, a WebP…).
        if let c = metadata.coverImage?.trimmingCharacters(in: .whitespacesAndNewlines), !c.isEmpty, !WebURL.isHTTP(c) {
            let path = c.hasPrefix("file:") ? (URL(string: c)?.path ?? String(c.dropFirst(5))) : c
            metadata.coverImage = try convertLocalCover(path)
        }
        // No SVG cover drawn by the EPUB builder where the profile takes no SVG.
        if !profile.images.formats.contains(.svg) { epub.generatesCover = false }
        // A generated cover for books without a usable one.
        if let w = profile.coverWidth, let h = profile.coverHeight, options.fallbackCover == nil {
            let title = metadata.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                ? (articles.first?.metadata.title ?? "Untitled") : metadata.title
            var creators = metadata.creators
            if creators.isEmpty {
                var seen = Set<String>()
                for a in articles { for au in a.metadata.authors where seen.insert(au).inserted { creators.append(au) } }
                if creators.count > 3 { creators = Array(creators.prefix(3)) + ["…"] }
            }
            var date = (metadata.date ?? articles.compactMap(\.metadata.date).max())?.day
            if let d = date, title.contains(d) { date = nil }  // the date once: not again under a title that says it
            do {
                epub.fallbackCover = try CoverGenerator(width: w, height: h).file(title: title, creators: creators, date: date, in: derivedDirectory).path
            } catch let e as OffprintError {
                diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: "cover", "no cover could be generated (\(e)): the book gets a title page"))
            }
        }

        var fitted = try await buildFitting(articles: articles, metadata: metadata, images: images, to: output, options: epub, settings: profile.images)
        // A small budget: the generated cover may be what does not fit. A title page instead.
        if let budget = profile.maxBookBytes, fitted.report.bytes > budget, let cover = epub.fallbackCover, options.fallbackCover == nil,
           let coverBytes = Self.fileSize(cover), fitted.report.bytes - coverBytes <= budget {
            epub.fallbackCover = nil
            diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: "cover",
                                          "the generated cover (\(Self.megabytes(coverBytes))) does not fit the \(profile.name) profile's \(Self.megabytes(budget)) budget: the book has a title page instead (raise the budget with --max-book-size to keep it)"))
            fitted = try await buildFitting(articles: articles, metadata: metadata, images: images, to: output, options: epub, settings: profile.images)
        }
        let report = fitted.report
        var result = ProfileBuildResult(volumes: [report], images: fitted.images, diagnostics: diagnostics, attempts: fitted.attempts, settings: fitted.settings)
        if let budget = profile.maxBookBytes, report.bytes > budget {
            try? FileManager.default.removeItem(at: output)
            guard splitVolumes, articles.count > 1 else {
                throw OffprintError(.profile, path: output.path, """
                    the book would be \(Self.megabytes(report.bytes)), over the \(profile.name) profile's \(Self.megabytes(budget)) book budget \
                    (\(Self.megabytes(fitted.images.sizes.reduce(0, +))) of it images, \(fitted.settings.maxImageBytes.map { "already reduced to \($0 / 1000) KB each" } ?? "within the profile's limits"))
                    """, hint: "bundle fewer articles, use --split-volumes to make several books, or raise the budget with --max-book-size")
            }
            result = try await buildVolumes(articles: articles, metadata: metadata, images: images, to: output, options: epub,
                                            estimate: fitted, diagnostics: diagnostics)
        }
        var reported = Set<String>()
        for (path, bytes) in transform.oversized where reported.insert(path).inserted {
            result.diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: path,
                                                 "\(bytes / 1000) KB with KEPUB spans, over the \(ProfileContentTransform.adobeFileLimit / 1000) KB older Adobe-engine readers accept: lower max-chapter-size in a profile file (offprint profiles \(profile.name) --toml > my.toml, edit, then --profile my.toml)"))
        }
        // Language.
        if profile.languages == .amazon {
            let lang = result.report.language
            if lang == .undetermined {
                result.diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: "dc:language und",
                                                     "the book's language is unknown, which Send to Kindle refuses: give it with --language"))
            } else if !AmazonLanguages.accepts(lang) {
                result.diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: "dc:language \(lang)",
                                                     "\(lang) is not on Amazon's list of Kindle languages: Send to Kindle may reject the book or show it poorly"))
            }
        }
        return result
    }

    /// Builds, and while the book is over the budget, builds again with every image capped
    /// so that the images fit in what the text leaves (at most `maxAttempts` builds).
    func buildFitting(articles: [StoredArticle], metadata: BookMetadata, images: any ImageProvider, to output: URL,
                      options epub: EPUBOptions, settings start: ImageSettings) async throws -> (report: BuildReport, images: ConversionSummary, settings: ImageSettings, attempts: Int) {
        var settings = start
        var attempt = 0
        while true {
            attempt += 1
            let provider = ConvertingImageProvider(wrapping: images, settings: settings,
                                                   directory: derivedDirectory.appendingPathComponent("images", isDirectory: true),
                                                   concurrency: concurrency)
            let report = try await EPUBBuilder(options: epub).build(stored: articles, metadata: metadata, images: provider, to: output)
            let summary = provider.summary
            guard let budget = profile.maxBookBytes, report.bytes > budget, attempt < Self.maxAttempts else {
                return (report, summary, settings, attempt)
            }
            let imageBytes = summary.sizes.reduce(0, +)
            let available = Int(Double(budget - (report.bytes - imageBytes)) * 0.95)
            guard available > 0, imageBytes > 0, let cap = Self.waterLevel(summary.sizes, total: available), cap >= Self.smallestImageCap,
                  cap < (settings.maxImageBytes ?? Int.max) else {
                return (report, summary, settings, attempt)
            }
            settings.maxImageBytes = cap
        }
    }

    /// Image caps below this make pictures useless; the budget is then met by volumes or not at all.
    static let smallestImageCap = 20_000

    /// The largest cap `c` with Σ min(size, c) ≤ total (nil when even 0 does not fit).
    static func waterLevel(_ sizes: [Int], total: Int) -> Int? {
        guard total >= 0 else { return nil }
        let s = sizes.sorted()
        var used = 0
        for (k, size) in s.enumerated() {
            let remaining = s.count - k
            // Cap at or below `size` for all the remaining ones?
            if used + size * remaining > total {
                return (total - used) / remaining
            }
            used += size
        }
        return s.last ?? 0
    }

    static func fileSize(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
    }

    /// The book in several volumes, each within the budget: articles in order, cut where a
    /// volume's estimated size (its text as compressed in the whole book, plus its images)
    /// would pass 85% of the budget; each volume's images are reduced further if need be.
    func buildVolumes(articles: [StoredArticle], metadata: BookMetadata, images: any ImageProvider, to output: URL, options epub: EPUBOptions,
                      estimate: (report: BuildReport, images: ConversionSummary, settings: ImageSettings, attempts: Int),
                      diagnostics: [Diagnostic]) async throws -> ProfileBuildResult {
        let budget = profile.maxBookBytes!
        let whole = estimate.report
        let imageBytes = estimate.images.sizes.reduce(0, +)
        let totalXHTML = max(1, whole.chapters.map(\.bytes).reduce(0, +))
        // What every volume carries: its cover, navigation, style sheet, package (about 10 KB besides the cover).
        var epub = epub
        var diagnostics = diagnostics
        var coverBytes = epub.fallbackCover.flatMap(Self.fileSize) ?? 0
        var droppedCoverBytes = 0
        if coverBytes > 0, Double(budget) * 0.85 - Double(coverBytes + 10_000) < Double(budget) * 0.25 {
            // The generated cover would leave a volume (almost) no room: title pages instead.
            diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: "cover",
                                          "the generated cover (\(Self.megabytes(coverBytes))) would take most of each volume's \(Self.megabytes(budget)) budget: the volumes have title pages instead (raise the budget with --max-book-size to keep it)"))
            epub.fallbackCover = nil
            droppedCoverBytes = coverBytes
            coverBytes = 0
        }
        let fixed = coverBytes + 10_000
        // The estimate was built with the cover this drops, if it dropped one.
        let textRatio = Double(max(0, whole.bytes - imageBytes - fixed - droppedCoverBytes)) / Double(totalXHTML)
        // Each article's share: its text, and its images as converted (the whole book's
        // report says which, by the URLs the image provider was asked for).
        var chapterByOrigin: [String: BuildReport.Chapter] = [:]
        for c in whole.chapters { chapterByOrigin[c.origin] = c }
        func share(_ stored: StoredArticle) -> Double {
            guard let c = chapterByOrigin[stored.metadata.origin] else { return 0 }
            let pictures = Set(c.imageURLs).compactMap { estimate.images.urlSizes[$0] }.reduce(0, +)
            return Double(c.bytes) * textRatio + Double(pictures)
        }
        var groups: [[Int]] = [[]]
        var running = 0.0
        let target = Double(budget) * 0.85 - Double(fixed)
        guard target > 0 else {
            throw OffprintError(.profile, "the \(profile.name) profile's \(Self.megabytes(budget)) budget leaves no room for articles next to a volume's cover and navigation (\(Self.megabytes(fixed))): raise it with --max-book-size")
        }
        for (i, a) in articles.enumerated() {
            let s = share(a)
            if running + s > target && !groups[groups.count - 1].isEmpty {
                groups.append([])
                running = 0
            }
            groups[groups.count - 1].append(i)
            running += s
        }
        var reports: [BuildReport] = []
        var summary = ConversionSummary()
        var attempts = 0
        var settings = estimate.settings
        let stem = Self.stem(of: output, fileExtension: profile.fileExtension)
        for (v, group) in groups.enumerated() {
            var meta = metadata
            meta.title = "\(metadata.title) (\(v + 1)/\(groups.count))"
            if meta.series == nil { meta.series = metadata.title; meta.seriesIndex = Double(v + 1) }
            if let id = metadata.identifier { meta.identifier = "\(id)-\(v + 1)" }
            let url = output.deletingLastPathComponent().appendingPathComponent("\(stem.name)-\(v + 1)\(stem.ext)")
            var volumeOptions = epub
            if let w = profile.coverWidth, let h = profile.coverHeight, epub.fallbackCover != nil {
                volumeOptions.fallbackCover = try? CoverGenerator(width: w, height: h)
                    .file(title: meta.title, creators: metadata.creators, date: metadata.date?.day, in: derivedDirectory).path
            }
            let built = try await buildFitting(articles: group.map { articles[$0] }, metadata: meta, images: images, to: url,
                                               options: volumeOptions, settings: estimate.settings)
            let s = built.images
            summary.converted += s.converted; summary.reused += s.reused; summary.unchanged += s.unchanged; summary.failed += s.failed
            summary.bytesIn += s.bytesIn; summary.bytesOut += s.bytesOut; summary.notes += s.notes; summary.sizes += s.sizes
            summary.urlSizes.merge(s.urlSizes) { $1 }
            attempts += built.attempts
            if (built.settings.maxImageBytes ?? Int.max) < (settings.maxImageBytes ?? Int.max) { settings = built.settings }
            if built.report.bytes > budget {
                for r in reports { try? FileManager.default.removeItem(at: r.output) }
                try? FileManager.default.removeItem(at: url)
                throw OffprintError(.profile, path: url.path, "volume \(v + 1) of \(groups.count) (\(group.count) article\(group.count == 1 ? "" : "s")) would be \(Self.megabytes(built.report.bytes)), over the \(profile.name) profile's \(Self.megabytes(budget)) budget even with images reduced\(group.count == 1 ? ": the article \(articles[group[0]].metadata.origin) is too large on its own" : "")",
                                    hint: "\(group.count == 1 ? "leave it out" : "bundle fewer articles") or raise the budget with --max-book-size")
            }
            reports.append(built.report)
        }
        var diags = diagnostics
        diags.append(Diagnostic(origin: output.lastPathComponent, "over the \(profile.name) profile's \(Self.megabytes(budget)) budget: split into \(groups.count) volumes (\(reports.map(\.output.lastPathComponent).joined(separator: ", ")))"))
        return ProfileBuildResult(volumes: reports, images: summary, diagnostics: diags, attempts: attempts, settings: settings)
    }

    /// `week` and `.kepub.epub` from `…/week.kepub.epub`.
    static func stem(of url: URL, fileExtension: String) -> (name: String, ext: String) {
        let name = url.lastPathComponent
        for ext in [fileExtension, ".kepub.epub", ".epub"] where name.lowercased().hasSuffix(ext) && name.count > ext.count {
            return (String(name.dropLast(ext.count)), String(name.suffix(ext.count)))
        }
        return (name, "")
    }

    /// `48.3 MB`, or `312 KB` under a megabyte.
    static func megabytes(_ n: Int) -> String {
        n < 1_000_000 ? "\(n / 1000) KB" : String(format: "%.1f MB", Double(n) / 1_000_000)
    }

    /// A local cover image converted to what the profile accepts (a raster image always
    /// for profiles without SVG); its derived file's path.
    func convertLocalCover(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OffprintError(.profile, path: path, "cannot read the cover image", hint: "check the path")
        }
        let bytes = [UInt8](data)
        guard let type = ImageSniffer.convertibleMediaType(bytes) else {
            throw OffprintError(.profile, path: path, "the cover image is not an image libvips reads (JPEG, PNG, GIF, WebP, AVIF, HEIC, TIFF, BMP or SVG)")
        }
        let converted: ConvertedImage
        do {
            converted = try ImageConverter.convert(bytes, mediaType: type, settings: profile.images)
        } catch let e as OffprintError {
            throw OffprintError(.profile, path: path, "the cover image: \(e.message)", hint: e.hint, underlying: e)
        }
        guard let out = converted.bytes else { return path }
        let file = derivedDirectory.appendingPathComponent("covers", isDirectory: true)
            .appendingPathComponent(Hex.sha256(bytes + Array(profile.images.cacheKey.utf8)) + "." + converted.mediaType.fileExtension)
        if FileManager.default.fileExists(atPath: file.path) {
            _ = utimes(file.path, nil)
        } else {
            try ConvertingImageProvider.writeAtomically(Data(out), to: file)
        }
        return file.path
    }
}

/// The profile's changes to the book's files: KEPUB spans, an Adobe-safe style sheet. It
/// notes the content documents that spans pushed over the Adobe engine's file size limit.
final class ProfileContentTransform: EPUBContentTransform, @unchecked Sendable {
    let inner: (any EPUBContentTransform)?
    let kepub: Bool
    let adobeSafe: Bool
    private let lock = NSLock()
    private var _oversized: [(path: String, bytes: Int)] = []

    /// Older Adobe-engine readers refuse content documents larger than this.
    static let adobeFileLimit = 260_000

    init(inner: (any EPUBContentTransform)?, kepub: Bool, adobeSafe: Bool) {
        self.inner = inner
        self.kepub = kepub
        self.adobeSafe = adobeSafe
    }

    var isActive: Bool { kepub || adobeSafe || inner != nil }
    var oversized: [(path: String, bytes: Int)] { lock.withLock { _oversized } }

    func transformXHTML(_ xhtml: [UInt8], path: String) throws -> [UInt8] {
        let x = try inner?.transformXHTML(xhtml, path: path) ?? xhtml
        guard kepub else { return x }
        let out = KEPUB.transform(x)
        if out.count > Self.adobeFileLimit && x.count <= Self.adobeFileLimit {
            lock.withLock { _oversized.append((path, out.count)) }
        }
        return out
    }

    func transformStylesheet(_ css: String) -> String {
        let c = inner?.transformStylesheet(css) ?? css
        return adobeSafe ? AdobeSafeCSS.sanitize(c) : c
    }
}
