import ArgumentParser
import Foundation
import OffprintImages
import OffprintEPUB
import OffprintArticle
import Offprint
import OffprintSupport

struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Pack articles into one EPUB 3 book (images embedded from the cache).",
        discussion: """
        Inputs: files, folders (read recursively, in name order), feeds (RSS 2.0, RSS 1.0, Atom, \
        JSON Feed: files or http(s) URLs), OPML lists of feeds, http(s) URLs of pages, or one collection manifest \
        (YAML: title, creators, order, per-article overrides; see examples/collection.yml). \
        Markdown posts (.md, .markdown) are rendered as CommonMark + GFM; drafts are left out.

          offprint bundle posts/ -o week-47.epub --title "Week 47" --author "My Feeds"
          offprint bundle a.md b.html c.md -o picks.epub
          offprint bundle collection.yml -o collection.epub
          offprint bundle examples/feeds/offline.rss -o feed.epub
          offprint bundle a.xml b.atom c.json --since 7d --max-entries 20 -o week.epub
          offprint bundle source/_posts -o blog.epub
          offprint bundle posts/ --offline -o week.epub
          offprint bundle posts/ --profile kindle -o week.epub
          offprint bundle posts/ --profile kobo -o week.kepub.epub
          offprint bundle posts/ --profile koreader --grayscale --max-image-size 1072x1448 -o week.epub

        Profiles (offprint profiles lists them): kindle, kobo (KEPUB), koreader, apple, \
        generic, or a TOML file (offprint profiles NAME --toml writes one to start from).
        """
    )

    @Argument(help: ArgumentHelp("Article files, folders, feeds (RSS, Atom, JSON Feed, OPML), http(s) URLs of pages or feeds, or one collection manifest (.yml).", valueName: "input"), completion: .file())
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("The EPUB file to write.", valueName: "file.epub"), completion: .file(extensions: ["epub"]))
    var output: String

    @Option(help: "Book title (default: the manifest's, else the folder name and date range).")
    var title: String?

    @Option(help: "Subtitle.")
    var subtitle: String?

    @Option(name: .customLong("author"), help: ArgumentHelp("Book author / creator (repeatable).", valueName: "name"))
    var authors: [String] = []

    @Option(help: ArgumentHelp("Book language, BCP 47 (default: the manifest's, else the articles').", valueName: "tag"),
            transform: LanguageTag.argument)
    var language: LanguageTag?

    @Option(help: "Publisher.")
    var publisher: String?

    @Option(help: "Description.")
    var description: String?

    @Option(help: ArgumentHelp("Publication date (default: the newest article's).", valueName: "date"),
            transform: ArticleDate.argument)
    var date: ArticleDate?

    @Option(help: "Series name.")
    var series: String?

    @Option(name: .customLong("series-index"), help: "Position in the series.")
    var seriesIndex: Double?

    @Option(name: .customLong("subject"), help: ArgumentHelp("Subject (repeatable; default: the articles' categories and tags).", valueName: "text"))
    var subjects: [String] = []

    @Option(help: ArgumentHelp("Cover image: a file or an http(s) URL (default: the first article's cover image, else a title page).", valueName: "image"),
            completion: .file(extensions: ["jpg", "jpeg", "png", "gif", "webp", "svg"]))
    var cover: String?

    @Option(help: ArgumentHelp("dc:identifier (default: a UUID derived from the articles, stable across builds).", valueName: "id"))
    var identifier: String?

    @Option(help: "Article order: listed, date, date-desc or title (default: the manifest's, else as given).")
    var sort: SortArgument?

    @Option(help: ArgumentHelp("Feeds: only entries published since DATE (2024-03-01) or for the last DURATION (7d, 36h, 2w).", valueName: "date|duration"))
    var since: String?

    @Option(name: .customLong("max-entries"), help: ArgumentHelp("Feeds: at most N entries from each feed, the newest.", valueName: "n"))
    var maxEntries: Int?

    @Option(name: .customLong("fetch-entries"), help: "Feeds: fetch and extract entries' pages: always, never, or auto (entries with only a summary or cut text).")
    var fetchEntries: FetchPolicyArgument = .auto

    @Option(help: "Post bodies: html, markdown, or auto (Markdown for .md/.markdown files unless the body looks like HTML).")
    var body: BodyArgument = .auto

    @Option(help: ArgumentHelp("A folder of templates overriding the bundled ones (same file names as templates/epub/).", valueName: "dir"),
            completion: .directory)
    var templates: String?

    @Flag(name: .customLong("no-subheadings"), help: "Table of contents: articles only, not their h2 sections.")
    var noSubheadings = false

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Resolve relative links and images against this URL.", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("What of each input is the article: auto (a whole web page gets its article; posts and HTML fragments are kept whole), main (always extract the article), all (the whole page, as it is).", valueName: "auto|main|all"))
    var content: ExtractOptions.Content?

    @Flag(name: .customLong("main-content"), help: "The same as --content main.")
    var mainContent = false

    @Option(help: ArgumentHelp("A device profile: kindle, kobo, koreader, apple, generic, or a profile file (.toml). Images are converted for it (cached), and kobo writes KEPUB.", valueName: "name|file"),
            completion: .custom { _ in DeviceProfile.builtIn.map(\.name) + profileFiles() })
    var profile: String?

    @Option(name: .customLong("max-image-size"), help: ArgumentHelp("Largest image width and height in pixels (implies --profile generic when no profile is given).", valueName: "WxH"))
    var maxImageSize: String?

    @Flag(help: "Convert images to shades of grey (e-ink; smaller files).")
    var grayscale = false

    @Option(name: .customLong("jpeg-quality"), help: ArgumentHelp("JPEG quality of converted images, 1–100.", valueName: "n"))
    var jpegQuality: Int?

    @Option(name: .customLong("max-book-size"), help: ArgumentHelp("Book size budget, like 50MB (default: the profile's).", valueName: "size"))
    var maxBookSize: String?

    @Flag(name: .customLong("split-volumes"), help: "Over the book size budget: write several volumes (NAME-1.epub, NAME-2.epub…) instead of failing.")
    var splitVolumes = false

    @OptionGroup var cacheFlags: CacheFlags

    @OptionGroup var reporting: ReportFlags

    @Option(name: .shortAndLong, help: "Articles loaded at once (default: the number of cores).")
    var jobs: Int?

    @OptionGroup var sharding: ShardFlags

    func validate() throws {
        guard !Validation.skipped else { return }
        if inputs.isEmpty { throw ValidationError("give articles, folders, or a collection manifest to bundle") }
        if mainContent, let c = content, c != .main { throw ValidationError("--main-content is --content main; it cannot go with --content \(c.rawValue)") }
        if !output.lowercased().hasSuffix(".epub") {
            throw ValidationError("-o must name an .epub file (got '\(output)')")
        }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1") }
        if let s = since, FeedOptions.parseSince(s) == nil {
            throw ValidationError("--since takes a date (2024-03-01) or a duration like 7d, 36h, 2w (got '\(s)')")
        }
        if let m = maxEntries, m < 1 { throw ValidationError("--max-entries must be at least 1") }
        if let p = profile, DeviceProfile.named(p) == nil, !p.lowercased().hasSuffix(".toml") {
            throw ValidationError("--profile takes \(DeviceProfile.builtIn.map(\.name).joined(separator: ", ")) or a .toml profile file (got '\(p)'; see offprint profiles)")
        }
        if let m = maxImageSize, DeviceProfile.parseDimensions(m) == nil {
            throw ValidationError("--max-image-size takes WIDTHxHEIGHT, like 1264x1680 (got '\(m)')")
        }
        if let q = jpegQuality, !(1...100).contains(q) { throw ValidationError("--jpeg-quality must be from 1 to 100 (got \(q))") }
        if let b = maxBookSize, DeviceProfile.parseByteSize(b) == nil {
            throw ValidationError("--max-book-size takes a size like 50MB or 800KB (got '\(b)')")
        }
        if let c = cover, !WebURL.isHTTP(c) {
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: c, isDirectory: &isDir) {
                throw ValidationError("--cover: \(c): no such file (give an image file or an http(s) URL)")
            }
            if isDir.boolValue { throw ValidationError("--cover: \(c): is a folder (give an image file or an http(s) URL)") }
        }
    }

    /// The profile asked for, with the single settings given on the command line; nil when
    /// none of the profile flags is used.
    func resolvedProfile() throws -> DeviceProfile? {
        let overrides = maxImageSize != nil || grayscale || jpegQuality != nil || maxBookSize != nil || splitVolumes
        guard profile != nil || overrides else { return nil }
        var p: DeviceProfile
        if let name = profile {
            if let builtIn = DeviceProfile.named(name) { p = builtIn } else {
                p = try DeviceProfile.load(from: URL(fileURLWithPath: name))
            }
        } else {
            p = .generic
        }
        if let m = maxImageSize.flatMap(DeviceProfile.parseDimensions) { (p.images.maxWidth, p.images.maxHeight) = (m.width, m.height) }
        if grayscale { p.images.grayscale = true }
        if let q = jpegQuality { p.images.jpegQuality = q }
        if let b = maxBookSize.flatMap(DeviceProfile.parseByteSize) { p.maxBookBytes = b }
        return p
    }

    func run() async throws {
        var options = BundleOptions()
        options.export.frontMatter = .none
        if let b = baseURL { options.export.load.baseURL = b; options.export.cleanup.baseURL = b }
        options.export.extract.content = mainContent ? .main : (content ?? .auto)
        options.epub.templatesDirectory = templates.map { URL(fileURLWithPath: $0, isDirectory: true) }
        options.epub.tocIncludesSubheadings = !noSubheadings
        options.metadata = BookMetadata(title: title ?? "", subtitle: subtitle, creators: authors, language: language,
                                        publisher: publisher, description: description, date: date, series: series,
                                        seriesIndex: seriesIndex, subjects: subjects, coverImage: cover, identifier: identifier)
        options.order = sort?.order
        options.export.load.body = body.value
        options.feeds.since = since.flatMap { FeedOptions.parseSince($0) }
        options.feeds.maxEntries = maxEntries
        options.feeds.fetchEntries = fetchEntries.value
        if let j = jobs { options.jobs = j }
        options.shard = sharding.value

        options.profile = try resolvedProfile()
        options.splitVolumes = splitVolumes
        // Written where -o says (a KEPUB under another name gets a warning from the builder).
        let output = self.output
        let out = URL(fileURLWithPath: output)
        try Files.checkNotAnInput(output, inputs: inputs.filter { !WebURL.isHTTP($0) })
        try FileManager.default.createDirectory(at: out.deletingLastPathComponent(), withIntermediateDirectories: true)
        // One HTTP client for the run: pages given by URL and images share it.
        let http = cacheFlags.makeHTTP()
        options.http = http
        let cache = try cacheFlags.makeCache(quiet: reporting.quiet, http: http)
        var report = RunReport(command: "bundle", output: output)
        let result: BundleResult
        do {
            result = try await Bundler(options: options).bundle(inputs, to: out, images: cache.provider)
            await http.shutdown()
        } catch {
            await http.shutdown()
            if let path = reporting.reportFile {
                report.addError(origin: output, error)
                try? report.write(to: path)
            }
            throw error
        }
        let s = await cache.summary()
        let hostWarnings = cache.reportHosts(s, quiet: reporting.quiet)
        let downloads = Self.describe(s)
        report.add(result.diagnostics)
        for f in result.failedInputs { report.addError(origin: f.path, f.error) }
        let volumes = result.profile?.volumes ?? [result.report]
        report.counts = [
            "articles": volumes.map(\.chapters.count).reduce(0, +), "volumes": volumes.count,
            "imagesEmbedded": volumes.map(\.imagesEmbedded).reduce(0, +),
            "imgReplacedByAltText": volumes.map(\.imagesFailed).reduce(0, +),
            "imageURLs": s.requested, "imageURLsDownloaded": s.fetched, "imageURLsFromCache": s.fromCache,
            "imageURLsRevalidated": s.revalidated, "imageURLsInline": s.decoded, "imageURLsFailed": s.failed,
            "bytes": volumes.map(\.bytes).reduce(0, +), "warnings": result.diagnostics.count, "failedInputs": result.failedInputs.count,
        ]
        try reporting.emit(result.diagnostics, report: report)
        if !reporting.quiet {
            // One unit per count: articles, distinct images stored, <img> elements, URLs.
            for r in volumes {
                warn("\(r.output.path): \(counted(r.chapters.count, "article")), \(r.bytes / 1024) KB; \(counted(r.imagesEmbedded, "image")) embedded, \(counted(r.imagesFailed, "<img>", "<img>s")) replaced by alt text")
            }
            if let p = result.profile {
                let capped = p.attempts > 1 ? "; \(p.attempts) builds to meet the budget\(p.settings.maxImageBytes.map { " (images capped at \($0 / 1000) KB)" } ?? "")" : ""
                warn("profile \(options.profile!.name): images \(p.images)\(capped); \(downloads)")
            } else {
                warn(downloads)
            }
        }
        // Errors are printed even with -q.
        for f in result.failedInputs { warn("offprint: \(f.error) (left out of the book)") }
        if !result.failedInputs.isEmpty { throw ExitCode.failure }
        if reporting.strict && (!result.diagnostics.isEmpty || hostWarnings > 0) { throw ExitCode.failure }
    }
}

extension BundleCommand {
    /// "image URLs: 450 (3 downloaded, 1 from cache, 446 failed)": every URL counted once.
    static func describe(_ s: FetchSummary) -> String {
        var parts = ["\(s.fetched) downloaded", "\(s.fromCache) from cache"]
        if s.revalidated > 0 { parts.append("\(s.revalidated) revalidated") }
        if s.decoded > 0 { parts.append("\(s.decoded) inline") }
        parts.append("\(s.failed) failed")
        if s.skipped > 0 { parts.append("skipped \(s.skipped) (failed recently; --retry-failed to try again)") }
        return "image URLs: \(s.requested) (\(parts.joined(separator: ", ")))"
    }
}

enum SortArgument: String, ExpressibleByArgument, CaseIterable {
    case listed, date, title
    case dateDesc = "date-desc"

    var order: CollectionManifest.Order {
        switch self {
        case .listed: return .listed
        case .date: return .date
        case .dateDesc: return .dateDescending
        case .title: return .title
        }
    }
}

enum FetchPolicyArgument: String, ExpressibleByArgument, CaseIterable {
    case always, never, auto
    var value: FetchPolicy { FetchPolicy(rawValue: rawValue)! }
}

enum BodyArgument: String, ExpressibleByArgument, CaseIterable {
    case auto, html, markdown
    var value: LoadOptions.BodyFormat { LoadOptions.BodyFormat(rawValue: rawValue)! }
}

/// Profile files (.toml) in the current folder, for shell completion of --profile.
func profileFiles() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: ".")) ?? []).filter { $0.lowercased().hasSuffix(".toml") }.sorted()
}
