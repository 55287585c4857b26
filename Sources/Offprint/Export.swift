import OffprintSupport
import Foundation
import OffprintDocument
import OffprintArticle
import OffprintExtract
import OffprintCleanup
import OffprintMarkdown
import OffprintImages

/// Options for turning one article into Markdown.
public struct ExportOptions: Sendable {
    public enum FrontMatterStyle: String, Sendable, CaseIterable { case yaml, toml, none }
    public enum ImagePolicy: String, Sendable, CaseIterable {
        /// Leave image links pointing at their (unwrapped, absolute) remote URLs.
        case remote
        /// Download every image into the cache and link copies next to the Markdown file.
        case download
    }

    public var load = LoadOptions()
    /// How much of the input is the article (`--content auto|main|all`).
    public var extract = ExtractOptions()
    public var cleanup = CleanupOptions()
    public var markdown = MarkdownOptions()
    public var frontMatter: FrontMatterStyle = .yaml
    public var images: ImagePolicy = .remote

    public init() {}
}

/// The result of one export.
public struct ExportResult: Sendable {
    public var article: CleanedArticle
    public var markdown: String
    public var diagnostics: [Diagnostic]
    /// Images copied next to the Markdown file (the link in the Markdown, and the image).
    public var assets: [(link: String, image: CachedImage)]
    public var imageFailures: [ImageFailure]
}

/// The pipeline for one article: load → extract (whole pages) → clean up → (images) → Markdown.
public struct Exporter: Sendable {
    public var options: ExportOptions

    public init(options: ExportOptions = ExportOptions()) {
        self.options = options
    }

    /// Loads one input, narrows a whole page to its article, and cleans it.
    public func prepare(_ bytes: [UInt8], origin: String) throws -> (CleanedArticle, [Diagnostic]) {
        var (article, diagnostics) = try ArticleLoader.load(bytes, origin: origin, options: options.load)
        diagnostics += Extractor.extract(&article, options: options.extract)
        let (cleaned, more) = Cleanup.clean(article, options: options.cleanup)
        return (cleaned, diagnostics + more)
    }

    /// The Markdown text (front matter + body) of a cleaned article.
    public func render(_ article: CleanedArticle) -> String {
        let body = MarkdownWriter(options: options.markdown).markdown(for: article.document, from: article.content)
        var front = ""
        if options.frontMatter != .none {
            let fm = article.metadata.outputFrontMatter()
            if !fm.entries.isEmpty { front = fm.render(as: options.frontMatter == .toml ? .toml : .yaml) }
        }
        if front.isEmpty { return body }
        return body.isEmpty ? front : front + "\n" + body
    }

    /// The whole export of one input, images left remote.
    public func export(_ bytes: [UInt8], origin: String) throws -> ExportResult {
        let (article, diagnostics) = try prepare(bytes, origin: origin)
        return ExportResult(article: article, markdown: render(article), diagnostics: diagnostics, assets: [], imageFailures: [])
    }

    /// The whole export of one input with images fetched through `images` (the cache) and
    /// copied into `assets` (e.g. `notes/post.assets/`), linked from the Markdown as
    /// `linkPrefix/<file>` (e.g. `post.assets/cat.jpg`). An image that cannot be had keeps
    /// its remote link, with a warning.
    public func export(_ bytes: [UInt8], origin: String, images: ImageProvider, assets: URL, linkPrefix: String) async throws -> ExportResult {
        let (article, diagnostics) = try prepare(bytes, origin: origin)
        return try await export(article, diagnostics: diagnostics, images: images, assets: assets, linkPrefix: linkPrefix)
    }

    /// The export of an article already prepared (a feed entry, say), images left remote.
    public func export(_ prepared: CleanedArticle, diagnostics: [Diagnostic] = []) -> ExportResult {
        ExportResult(article: prepared, markdown: render(prepared), diagnostics: diagnostics, assets: [], imageFailures: [])
    }

    /// The same for an article already prepared (a feed entry, say): images fetched through
    /// `images` and copied into `assets`, linked as `linkPrefix/<file>`.
    public func export(_ prepared: CleanedArticle, diagnostics: [Diagnostic], images: ImageProvider, assets: URL, linkPrefix: String) async throws -> ExportResult {
        var folder = AssetFolder(directory: assets)
        return try await export(prepared, diagnostics: diagnostics, images: images) { image in
            do {
                return linkPrefix + "/" + (try folder.place(image)).lastPathComponent
            } catch {
                throw OffprintError(.images, path: assets.path, "cannot copy an image there (\(error))", hint: "check that the folder is writable", underlying: error)
            }
        }
    }

    /// The whole export of one input with images fetched through `images` (a shared cache)
    /// and linked where they are in it (the cache file's absolute path): the stream mode's
    /// `--images download`, where there is no output folder. An image that cannot be had
    /// keeps its remote link, with a warning.
    public func export(_ bytes: [UInt8], origin: String, images: ImageProvider) async throws -> ExportResult {
        let (article, diagnostics) = try prepare(bytes, origin: origin)
        return try await export(article, diagnostics: diagnostics, images: images) { $0.file.path }
    }

    /// Fetches the content's images and links each one as `link` says.
    private func export(_ prepared: CleanedArticle, diagnostics: [Diagnostic], images: ImageProvider,
                        link: (CachedImage) throws -> String) async throws -> ExportResult {
        var diagnostics = diagnostics
        let origin = prepared.origin
        var urls: [String] = []
        var seen = Set<String>()
        for src in prepared.imageSources where isFetchable(src) && seen.insert(src).inserted { urls.append(src) }
        let results = await images.images(for: urls)
        var placed: [(link: String, image: CachedImage)] = []
        var failures: [ImageFailure] = []
        var linkFor: [String: String] = [:]
        for url in urls {
            switch results[url] {
            case .success(let image)?:
                let l = try link(image)
                linkFor[url] = l
                placed.append((l, image))
            case .failure(let f)?:
                failures.append(f)
                // An unreachable host is reported once for the run (`FetchSummary.hostGroups`).
                if f.host != nil { break }
                diagnostics.append(Diagnostic(origin: origin, location: "<img src=\"\(url)\">", "image not downloaded (\(f.reason)); the link stays remote"))
            case nil:
                break
            }
        }
        let article = prepared.relinkingImages(linkFor)
        return ExportResult(article: article, markdown: render(article), diagnostics: diagnostics,
                            assets: placed, imageFailures: failures)
    }

    private func isFetchable(_ src: String) -> Bool {
        WebURL.isHTTP(src) || WebURL.isData(src)
    }
}
