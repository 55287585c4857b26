import Foundation
import OffprintHTTP
import OffprintFeeds
import OffprintSupport
import OffprintArticle
import OffprintEPUB
import OffprintImages
import OffprintProfiles

/// Options for packing articles into a book.
public struct BundleOptions: Sendable {
    /// How each article is loaded and cleaned (the same passes as `export`).
    public var export = ExportOptions()
    public var epub = EPUBOptions()
    /// Book metadata given directly (CLI flags): each field it sets wins over a manifest's
    /// (`BookMetadata.overlaid(with:)`); a blank title, empty lists and nil fields set nothing.
    public var metadata = BookMetadata.unset
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
    /// Feed inputs: `--since`, `--max-entries`, `--fetch-entries`, the page fetcher.
    public var feeds = FeedOptions()
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
    public var failedInputs: [(path: String, error: OffprintError)]
    /// With a profile: its volumes, image conversions and the settings used.
    public var profile: ProfileBuildResult? = nil
}

/// Inputs (files, folders, or one collection manifest) → one EPUB.
public struct Bundler: Sendable {
    public var options: BundleOptions

    public init(options: BundleOptions = BundleOptions()) {
        self.options = options
    }

    /// File extensions read from folders as articles (other files are sniffed for feeds,
    /// else skipped with a note).
    public static let articleExtensions: Set<String> = ["md", "markdown", "mdown", "html", "htm", "xhtml"]

    /// One input of a bundle, in the order given.
    public enum Source: Sendable, Equatable {
        case article(URL)
        case feed(FeedSource)
        /// An http(s) URL given as an input: fetched once when the book is made, then a
        /// feed (RSS, Atom, JSON Feed; OPML: its feeds) or a page.
        case web(String)
    }

    /// What `inputs` hold: article files (folders recursively in name order, hidden files
    /// and folders skipped), http(s) URLs (pages or feeds), feeds (feed files by extension or content, the
    /// feeds an OPML file lists). Files of a folder that are neither are reported in one
    /// diagnostic. Errors for missing paths and folders without articles.
    public static func sources(_ inputs: [String]) throws -> (sources: [Source], diagnostics: [Diagnostic]) {
        var out: [Source] = []
        var diagnostics: [Diagnostic] = []
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw OffprintError(.input, "standard input (-) can be given only once")
        }
        for input in inputs {
            if input == "-" { out.append(.article(standardInput)); continue }
            if WebInput.isURL(input) {
                out.append(.web(input))   // fetched when the book is made
                continue
            }
            if let scheme = WebInput.unsupportedScheme(input) {
                throw OffprintError(.input, path: input, "\(scheme): URLs are not fetched (only http and https are); save the page and give the file")
            }
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
                throw OffprintError(.input, path: input, "no such file or folder (check the path)")
            }
            let url = URL(fileURLWithPath: input)
            if !isDir.boolValue {
                out += try classify(url, explicit: true)
                continue
            }
            guard let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey],
                                                         options: [.skipsHiddenFiles]) else { continue }
            var found: [URL] = []
            for case let f as URL in e where (try? f.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                found.append(f)
            }
            found.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            var skipped: [String] = []
            let before = out.count
            for f in found {
                let c = try classify(f, explicit: false)
                if c.isEmpty { skipped.append(String(f.path.dropFirst(url.path.count).drop(while: { $0 == "/" }))) }
                out += c
            }
            if out.count == before {
                throw OffprintError(.input, path: input, "no articles in this folder (looked for \(articleExtensions.sorted().map { "*." + $0 }.joined(separator: ", ")) and feeds)")
            }
            if !skipped.isEmpty {
                let shown = skipped.prefix(10).joined(separator: ", ") + (skipped.count > 10 ? " and \(skipped.count - 10) more" : "")
                diagnostics.append(Diagnostic(origin: input, "\(skipped.count) file\(skipped.count == 1 ? "" : "s") skipped, not articles or feeds: \(shown)"))
            }
        }
        return (out, diagnostics)
    }

    /// A file as articles or feeds; nothing for a folder's file that is neither.
    static func classify(_ file: URL, explicit: Bool) throws -> [Source] {
        let ext = file.pathExtension.lowercased()
        if articleExtensions.contains(ext) { return [.article(file)] }
        let head: Data = {
            guard let h = FileHandle(forReadingAtPath: file.path) else { return Data() }
            defer { try? h.close() }
            return (try? h.read(upToCount: 4096)) ?? Data()
        }()
        switch FeedReader.sniff(head) {
        case .xmlFeed?, .jsonFeed?:
            return [.feed(.file(file.path))]
        case .opml?:
            let subs: [OPML.Subscription]
            do { subs = try OPML.subscriptions(try Files.read(file.path), origin: file.path) } catch let e as OffprintError where e.step == .feed {
                throw OffprintError(.feed, "reading OPML \(e.description)", underlying: e)
            }
            return subs.map { s in
                if WebURL.isHTTP(s.url) { return .feed(.url(s.url)) }
                let path = s.url.lowercased().hasPrefix("file:") ? (URL(string: s.url)?.path ?? s.url)
                    : file.deletingLastPathComponent().appendingPathComponent(s.url).standardizedFileURL.path
                return .feed(.file(path))
            }
        case nil:
            if explicit && FeedReader.feedExtensions.contains(ext) && ext != "json" && ext != "xml" {
                // Named like a feed but not one: let the feed parser say why, with a line.
                return [.feed(.file(file.path))]
            }
            return explicit ? [.article(file)] : []
        }
    }

    /// Site folders whose posts are bundled oldest first by default.
    static func isSiteFolder(_ path: String) -> Bool {
        let p = URL(fileURLWithPath: path).standardizedFileURL.path
        for suffix in ["/_posts", "/content/posts", "/source/_posts"] where p.hasSuffix(suffix) { return true }
        for sub in ["source/_posts", "_posts", "content/posts"] {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: p + "/" + sub, isDirectory: &isDir), isDir.boolValue { return true }
        }
        return false
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
        var sources: [Source]
        var overrides: [CollectionManifest.Entry?] = []
        if inputs.count == 1, Self.isManifest(inputs[0]) {
            let m: CollectionManifest
            do { m = try CollectionManifest.load(from: URL(fileURLWithPath: inputs[0])) } catch {
                throw OffprintError.wrapping(error, step: .epub)
            }
            diagnostics += m.diagnostics
            for e in m.entries where !FileManager.default.fileExists(atPath: e.file.path) {
                throw OffprintError(.input, path: inputs[0], "lists \(e.file.path), which does not exist (fix the path or remove the entry)")
            }
            sources = m.entries.map { .article($0.file) }
            overrides = m.entries
            manifest = m
        } else {
            if let m = inputs.first(where: Self.isManifest) {
                throw OffprintError(.input, path: m, "a collection manifest must be the only input (list the other files inside it)")
            }
            let (s, d) = try Self.sources(inputs)
            sources = s
            diagnostics += d
            overrides = Array(repeating: nil, count: sources.count)
        }

        if let shard = options.shard {
            (sources, overrides) = try Self.shard(sources, overrides, shard, inputs: inputs, manifest: manifest != nil)
        }

        // Load and clean every article, several at once, keeping the input order. The store
        // keeps each article's content; past its memory budget, in a temporary file.
        var loadOptions = options.export
        loadOptions.load.inlineLocalImages = true
        let exporter = Exporter(options: loadOptions)
        let store = ArticleStore(memoryBudget: options.articleMemoryLimit,
                                 directory: output.deletingLastPathComponent())
        // One HTTP client for URL inputs, feeds and their entries' pages (the caller's, else
        // one made for this bundle and shut down after it).
        let needsHTTP = sources.contains { if case .article = $0 { return false } else { return true } }
        let http = needsHTTP ? (options.http ?? HTTPFetcher()) : nil
        // A URL input is fetched once: a page is loaded here; a feed waits for the feed reader.
        let items: [(index: Int, source: Source)] = sources.enumerated().compactMap { i, s in
            switch s { case .article, .web: return (i, s); case .feed: return nil }
        }
        func origin(_ s: Source) -> String {
            switch s {
            case .article(let u): return u.path
            case .web(let u): return u
            case .feed(let f): return f.name
            }
        }
        let loaded: [Result<(StoredArticle?, [Diagnostic], [FeedSource]), OffprintError>] = await concurrentMap(items.map(\.source), limit: options.jobs) { source in
            do {
                let file: URL
                switch source {
                case .web(let url):
                    guard let http else { throw OffprintError(.fetch, path: url, "no HTTP client") }
                    switch try await WebInput.fetchPageOrFeed(url, http: http, load: exporter.options.load) {
                    case .feeds(let f):
                        return .success((nil, [], f))
                    case .page(let bytes, let load):
                        var pageExporter = exporter
                        pageExporter.options.load = load
                        let (article, diagnostics) = try pageExporter.prepare(bytes, origin: url)
                        return .success((try store.store(article), diagnostics, []))
                    }
                case .article(let u): file = u
                case .feed: return .success((nil, [], []))
                }
                let stdin = file == Self.standardInput
                let bytes = try Files.read(stdin ? "-" : file.path)
                let (article, diagnostics) = try exporter.prepare(bytes, origin: stdin ? "<stdin>" : file.path)
                if article.isDraft {
                    return .success((nil, [Diagnostic(origin: file.path, "a draft (draft: true or published: false): left out of the book")], []))
                }
                return .success((try store.store(article), diagnostics, []))
            } catch {
                return .failure(.wrapping(error, step: .read))
            }
        }
        var perSource: [[StoredArticle]] = Array(repeating: [], count: sources.count)
        // The feeds of each input: given, or what a URL input turned out to be.
        var feedsOf: [[FeedSource]] = sources.map { if case .feed(let f) = $0 { return [f] } else { return [] } }
        var failed: [(path: String, error: OffprintError)] = []
        for (k, r) in loaded.enumerated() {
            let i = items[k].index
            switch r {
            case .success(let (article, d, f)):
                diagnostics += d
                feedsOf[i] = f
                guard var a = article else { continue }
                overrides[i]?.apply(to: &a.metadata)
                perSource[i] = [a]
            case .failure(let e):
                failed.append((origin(items[k].source), e))
            }
        }
        // Feeds, one after the other (each fetches its pages several at once).
        var feeds: [FeedBatch] = []
        var feedOptions = options.feeds
        feedOptions.jobs = max(feedOptions.jobs, 1)
        if feedOptions.fetcher == nil, let http { feedOptions.fetcher = HTTPPageFetcher(http) }
        let collector = FeedCollector(exporter: exporter, options: feedOptions)
        for (i, f) in feedsOf.enumerated().flatMap({ i, fs in fs.map { (i, $0) } }) {
            do {
                let batch = try await collector.collect(f, store: store)
                diagnostics += batch.diagnostics
                if batch.articles.isEmpty {
                    diagnostics.append(Diagnostic(origin: f.name, "no entries left to put in the book\(options.feeds.since != nil ? " (all older than --since?)" : "")"))
                }
                perSource[i] += batch.articles
                feeds.append(batch)
            } catch {
                failed.append((f.name, .wrapping(error, step: .feed)))
            }
        }
        if let http, options.http == nil { await http.shutdown() }
        // One section per feed when several feeds make the book.
        if feeds.count < 2 {
            for i in perSource.indices { for k in perSource[i].indices { perSource[i][k].metadata.section = nil } }
        }
        var articles: [StoredArticle] = perSource.flatMap { $0 }
        if articles.isEmpty {
            if failed.isEmpty { throw OffprintError(.input, "no article to put in the book (every input was a draft or an empty feed); nothing written") }
            throw OffprintError(.input, "no article could be read (\(failed.count) failed: \(failed.first.map { "\($0.error)" } ?? "none given")); nothing written",
                                underlying: failed.first?.error)
        }

        // Order: the flag, else the manifest's, else oldest first for a site's posts folder,
        // else as given (feeds: newest first). Sections keep their place; entries are sorted
        // inside each.
        let siteFolder = manifest == nil && inputs.contains { Self.isSiteFolder($0) }
        if let order = options.order ?? manifest?.order ?? (siteFolder ? .date : nil) {
            var groups: [[StoredArticle]] = []
            for a in articles {
                if let last = groups.last?.last, last.metadata.section == a.metadata.section { groups[groups.count - 1].append(a) } else { groups.append([a]) }
            }
            articles = groups.flatMap { CollectionManifest.sorted($0, by: order, article: \.metadata) }
        }

        var metadata = (manifest?.metadata ?? .unset).overlaid(with: options.metadata)
        if metadata.title.trimmingCharacters(in: .whitespaces).isEmpty {
            let onlyFeeds = feedsOf.allSatisfy { !$0.isEmpty }
            if onlyFeeds, feeds.count == 1 {
                metadata.title = Self.dated(feeds[0].title, articles: articles.map(\.metadata))
            } else {
                let base = onlyFeeds ? (feeds.count <= 3 ? feeds.map(\.title).joined(separator: ", ") : "\(feeds[0].title) and \(feeds.count - 1) more feeds") : nil
                metadata.title = base.map { Self.dated($0, articles: articles.map(\.metadata)) }
                    ?? Self.defaultTitle(inputs: inputs, articles: articles.map(\.metadata), language: metadata.language)
            }
        }
        if manifest == nil, !feeds.isEmpty {
            // The book's language and description default from the feeds'.
            if metadata.language == nil { metadata.language = feeds.lazy.compactMap(\.info.language).first }
            if metadata.description == nil, feeds.count == 1 { metadata.description = feeds[0].info.description }
        }

        guard let profile = options.profile else {
            let report = try await EPUBBuilder(options: options.epub).build(stored: articles, metadata: metadata, images: images, to: output)
            return BundleResult(report: report, diagnostics: diagnostics + report.diagnostics, failedInputs: failed)
        }
        let derived = options.derivedDirectory
            ?? ((images as? ImageCache)?.directory ?? ImageCacheOptions.defaultDirectory()).appendingPathComponent("derived", isDirectory: true)
        let built = try await ProfileBuilder(profile: profile, options: options.epub, derivedDirectory: derived, splitVolumes: options.splitVolumes)
            .build(stored: articles, metadata: metadata, images: images, to: output)
        diagnostics += built.volumes.flatMap(\.diagnostics) + built.diagnostics
        return BundleResult(report: built.report, diagnostics: diagnostics, failedInputs: failed, profile: built)
    }

    /// "Title, 2021-07-14 – 2022-01-03".
    static func dated(_ base: String, articles: [ArticleMetadata], separator: String = ", ") -> String {
        let days = articles.compactMap { $0.date?.day }.sorted()
        guard let first = days.first, let last = days.last, articles.count > 1 else { return base }
        return first == last ? "\(base)\(separator)\(first)" : "\(base)\(separator)\(first) – \(last)"
    }

    /// The sources (and their manifest entries) of `shard`, keyed by their paths as the
    /// inputs give them (a manifest's entries: relative to its folder; a feed URL: the URL).
    /// A feed is one input: its entries stay together in one shard.
    static func shard(_ sources: [Source], _ overrides: [CollectionManifest.Entry?], _ shard: Shard,
                      inputs: [String], manifest: Bool) throws -> ([Source], [CollectionManifest.Entry?]) {
        let roots = manifest ? [{ let d = (inputs[0] as NSString).deletingLastPathComponent; return d.isEmpty ? "." : d }()] : inputs
        func key(_ s: Source) -> String {
            switch s {
            case .article(let u): return Shard.key(for: u, inputs: roots)
            case .feed(.file(let p)): return Shard.key(for: URL(fileURLWithPath: p), inputs: roots)
            case .feed(.url(let u)), .feed(.fetched(let u, _)), .web(let u): return u
            }
        }
        let kept = sources.indices.filter { shard.contains(key(sources[$0])) }
        if kept.isEmpty {
            throw OffprintError(.input, "--shard \(shard): no article or feed of the \(sources.count) inputs falls in this shard; nothing written (use fewer shards than inputs)")
        }
        return (kept.map { sources[$0] }, kept.map { overrides[$0] })
    }

    /// "posts, 2021-07-14 – 2022-01-03": the folder (or single file) name and the date range;
    /// for a list of files, "4 articles, 2019-11-18 – 2019-11-20" in the book's language
    /// ("4 篇文章，2019-11-18 – 2019-11-20"; `language`, else the articles', else their titles'
    /// script). Short: the book's title page and cover show it, and the date once, since
    /// the title says it.
    static func defaultTitle(inputs: [String], articles: [ArticleMetadata], language: LanguageTag? = nil) -> String {
        let base: String
        if inputs.count == 1, !WebURL.isHTTP(inputs[0]) {
            let u = URL(fileURLWithPath: inputs[0]).standardizedFileURL
            base = articles.count == 1 ? (articles[0].title ?? u.deletingPathExtension().lastPathComponent) : u.lastPathComponent
        } else if articles.count == 1 {
            base = articles[0].title ?? "Article"
        } else {
            let titles = Substring(articles.compactMap(\.title).joined(separator: " "))
            let lang = language ?? EPUBBuilder.bookLanguage(articles.compactMap(\.language))
                ?? LanguageTag.guess(fromScriptOf: titles) ?? LanguageTag("en")!
            let labels = BookLabels.forLanguage(lang)
            return dated(labels.articles(articles.count), articles: articles, separator: labels.dateSeparator)
        }
        return dated(base, articles: articles)
    }
}
