import Foundation
import OffprintArticle
@_exported import OffprintEPUB
import OffprintImages
@_exported import OffprintProfiles

/// Options for packing articles into a book.
public struct BundleOptions: Sendable {
    /// How each article is loaded and cleaned (the same passes as `export`).
    public var export = ExportOptions()
    public var epub = EPUBOptions()
    /// Book metadata given directly (CLI flags); wins over a manifest's.
    public var title: String?
    public var subtitle: String?
    public var creators: [String] = []
    public var language: String?
    public var publisher: String?
    public var description: String?
    public var date: String?
    public var series: String?
    public var seriesIndex: Double?
    public var subjects: [String] = []
    public var cover: String?
    public var identifier: String?
    /// Article order when no manifest says: as given (folders in name order), or by date/title.
    public var order: CollectionManifest.Order?
    /// Articles loaded at once.
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// A device profile (images converted, KEPUB, budgets); nil: the plain EPUB builder.
    public var profile: DeviceProfile?
    /// Where a profile's converted images and covers are kept. Nil: `derived/` in the image
    /// cache's folder.
    public var derivedDirectory: URL?
    /// Over the profile's book budget: split into volumes instead of failing.
    public var splitVolumes = false
    /// Memory for loaded articles while the book is planned (estimated bytes of trees);
    /// past it, articles wait in a temporary file next to the output (`ArticleStore`).
    public var articleMemoryLimit = 32 << 20
    /// Only this shard of the inputs (`--shard I/N`; see `Shard`).
    public var shard: Shard?
    /// The HTTP client for inputs given by URL (shared with the image cache). Nil: one is
    /// made for the bundle when an input is a URL, and shut down after it.
    public var http: HTTPFetcher?

    public init() {}
}

/// The result of a bundle: the builder's report plus the inputs that could not be read.
public struct BundleResult: Sendable {
    public var report: BuildReport
    public var diagnostics: [Diagnostic]
    public var failedInputs: [(path: String, error: String)]
    /// With a profile: its volumes, image conversions and the settings used.
    public var profile: ProfileBuildResult? = nil
}

/// Inputs (files, folders, or one collection manifest) → one EPUB.
public struct Bundler: Sendable {
    public var options: BundleOptions

    public init(options: BundleOptions = BundleOptions()) {
        self.options = options
    }

    /// File extensions read from folders.
    public static let articleExtensions: Set<String> = ["md", "markdown", "mdown", "html", "htm", "xhtml", "txt"]

    /// The article files under `inputs`: files as given, folders recursively in name order
    /// (hidden files and folders skipped). Errors for missing paths.
    public static func articleFiles(_ inputs: [String]) throws -> [URL] {
        var out: [URL] = []
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw OffprintError("standard input (-) can be given only once")
        }
        for input in inputs {
            if input == "-" { out.append(standardInput); continue }
            if WebInput.isURL(input), let url = URL(string: input) {
                out.append(url)   // fetched when loaded
                continue
            }
            if let scheme = WebInput.unsupportedScheme(input) {
                throw OffprintError("\(input): \(scheme): URLs are not fetched (only http and https are); save the page and give the file")
            }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
                throw OffprintError("\(input): no such file or folder (check the path)")
            }
            let url = URL(fileURLWithPath: input)
            if !isDir.boolValue { out.append(url); continue }
            guard let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey],
                                                         options: [.skipsHiddenFiles]) else { continue }
            var found: [URL] = []
            for case let f as URL in e where articleExtensions.contains(f.pathExtension.lowercased()) {
                if (try? f.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { found.append(f) }
            }
            found.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            if found.isEmpty {
                throw OffprintError("\(input): no articles in this folder (looked for \(articleExtensions.sorted().map { "*." + $0 }.joined(separator: ", ")))")
            }
            out += found
        }
        return out
    }

    /// How `-` (standard input) appears among the article files.
    static let standardInput = URL(fileURLWithPath: "/dev/stdin")

    public static func isManifest(_ path: String) -> Bool {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        return ext == "yml" || ext == "yaml"
    }

    /// Builds the book at `output` from `inputs` with images from `images`.
    public func bundle(_ inputs: [String], to output: URL, images: ImageProvider) async throws -> BundleResult {
        var diagnostics: [Diagnostic] = []
        var manifest: CollectionManifest?
        var files: [URL]
        var overrides: [CollectionManifest.Entry?] = []
        if inputs.count == 1, Self.isManifest(inputs[0]) {
            let m: CollectionManifest
            do { m = try CollectionManifest.load(from: URL(fileURLWithPath: inputs[0])) } catch {
                throw OffprintError("\(error)")
            }
            diagnostics += m.diagnostics
            for e in m.entries where !FileManager.default.fileExists(atPath: e.file.path) {
                throw OffprintError("\(inputs[0]): lists \(e.file.path), which does not exist (fix the path or remove the entry)")
            }
            files = m.entries.map(\.file)
            overrides = m.entries
            manifest = m
        } else {
            if let m = inputs.first(where: Self.isManifest) {
                throw OffprintError("\(m): a collection manifest must be the only input (list the other files inside it)")
            }
            files = try Self.articleFiles(inputs)
            overrides = Array(repeating: nil, count: files.count)
        }

        if let shard = options.shard {
            (files, overrides) = try Self.shard(files, overrides, shard, inputs: inputs, manifest: manifest != nil)
        }

        // Load and clean every article, several at once, keeping the input order. The store
        // keeps each article's content; past its memory budget, in a temporary file.
        let exporter = Exporter(options: options.export)
        let store = ArticleStore(memoryBudget: options.articleMemoryLimit,
                                 directory: output.deletingLastPathComponent())
        let needsHTTP = files.contains { !$0.isFileURL }
        let http = needsHTTP ? (options.http ?? HTTPFetcher()) : nil
        let loaded: [Result<(StoredArticle, [Diagnostic]), OffprintError>] = await concurrentMap(files, limit: options.jobs) { file in
            do {
                if !file.isFileURL, let http {
                    var pageExporter = exporter
                    let (bytes, load) = try await WebInput.fetch(file.absoluteString, http: http, load: exporter.options.load)
                    pageExporter.options.load = load
                    let (article, diagnostics) = try pageExporter.prepare(bytes, origin: file.absoluteString)
                    return .success((try store.store(article), diagnostics))
                }
                let stdin = file == Self.standardInput
                let bytes = try Files.read(stdin ? "-" : file.path)
                let (article, diagnostics) = try exporter.prepare(bytes, origin: stdin ? "<stdin>" : file.path)
                return .success((try store.store(article), diagnostics))
            } catch {
                return .failure(OffprintError("\(error)"))
            }
        }
        if let http, options.http == nil { await http.shutdown() }
        var articles: [StoredArticle] = []
        var failed: [(path: String, error: String)] = []
        for (i, r) in loaded.enumerated() {
            switch r {
            case .success(let (article, d)):
                var a = article
                overrides[i]?.apply(to: &a.metadata)
                articles.append(a)
                diagnostics += d
            case .failure(let e):
                failed.append((files[i].isFileURL ? files[i].path : files[i].absoluteString, e.message))
            }
        }
        if articles.isEmpty {
            throw OffprintError("no article could be read (\(failed.count) failed: \(failed.first.map { $0.error } ?? "none given")); nothing written")
        }

        // Order: the flag, else the manifest's, else as given.
        if let order = options.order ?? manifest?.order {
            articles = CollectionManifest.sorted(articles, by: order, article: \.metadata)
        }

        var metadata = manifest?.metadata ?? BookMetadata(title: "")
        if let t = options.title { metadata.title = t }
        if metadata.title.trimmingCharacters(in: .whitespaces).isEmpty {
            metadata.title = Self.defaultTitle(inputs: inputs, articles: articles.map(\.metadata))
        }
        if let v = options.subtitle { metadata.subtitle = v }
        if !options.creators.isEmpty { metadata.creators = options.creators }
        if let v = options.language { metadata.language = v }
        if let v = options.publisher { metadata.publisher = v }
        if let v = options.description { metadata.description = v }
        if let v = options.date { metadata.date = v }
        if let v = options.series { metadata.series = v }
        if let v = options.seriesIndex { metadata.seriesIndex = v }
        if !options.subjects.isEmpty { metadata.subjects = options.subjects }
        if let v = options.cover { metadata.coverImage = v }
        if let v = options.identifier { metadata.identifier = v }

        guard let profile = options.profile else {
            let report = try await EPUBBuilder(options: options.epub).build(stored: articles, metadata: metadata, images: images, to: output)
            return BundleResult(report: report, diagnostics: diagnostics + report.diagnostics, failedInputs: failed)
        }
        let derived = options.derivedDirectory
            ?? ((images as? ImageCache)?.directory ?? ImageCacheOptions.defaultDirectory()).appendingPathComponent("derived", isDirectory: true)
        let built: ProfileBuildResult
        do {
            built = try await ProfileBuilder(profile: profile, options: options.epub, derivedDirectory: derived, splitVolumes: options.splitVolumes)
                .build(stored: articles, metadata: metadata, images: images, to: output)
        } catch let e as ProfileError {
            throw OffprintError(e.message)
        }
        diagnostics += built.volumes.flatMap(\.diagnostics) + built.diagnostics
        return BundleResult(report: built.report, diagnostics: diagnostics, failedInputs: failed, profile: built)
    }

    /// The files (and their manifest entries) of `shard`, keyed by their paths as the
    /// inputs give them (a manifest's entries: relative to its folder).
    static func shard(_ files: [URL], _ overrides: [CollectionManifest.Entry?], _ shard: Shard,
                      inputs: [String], manifest: Bool) throws -> ([URL], [CollectionManifest.Entry?]) {
        let roots = manifest ? [{ let d = (inputs[0] as NSString).deletingLastPathComponent; return d.isEmpty ? "." : d }()] : inputs
        let kept = files.indices.filter { shard.contains(Shard.key(for: files[$0], inputs: roots)) }
        if kept.isEmpty {
            throw OffprintError("--shard \(shard): no article of the \(files.count) inputs falls in this shard; nothing written (use fewer shards than inputs)")
        }
        return (kept.map { files[$0] }, kept.map { overrides[$0] })
    }

    /// "posts, 2021-07-14 – 2022-01-03": the folder (or single file) name and the date range;
    /// for a list of files, "4 articles, 2019-11-18 – 2019-11-20" (short: the book's title
    /// page and cover show it, and the date once, since the title says it).
    static func defaultTitle(inputs: [String], articles: [Article]) -> String {
        let base: String
        if inputs.count == 1 {
            let u = URL(fileURLWithPath: inputs[0]).standardizedFileURL
            base = articles.count == 1 ? (articles[0].title ?? u.deletingPathExtension().lastPathComponent) : u.lastPathComponent
        } else if articles.count == 1 {
            base = articles[0].title ?? "Article"
        } else {
            base = "\(articles.count) articles"
        }
        let days = articles.compactMap { $0.date.map { String($0.prefix(10)) } }.sorted()
        guard let first = days.first, let last = days.last, articles.count > 1 else { return base }
        return first == last ? "\(base), \(first)" : "\(base), \(first) – \(last)"
    }
}
