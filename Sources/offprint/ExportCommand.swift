import ArgumentParser
import Foundation
import OffprintCleanup
import OffprintDocument
import Offprint

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Convert articles (posts with front matter, or saved web pages) to Markdown.",
        discussion: """
        One input and no -o writes to standard output; `-` reads standard input.
        Several inputs need -o FOLDER: each becomes FOLDER/<name>.md.

          offprint export post.md -o post-clean.md
          offprint export page.html -o article.md                 (the page's article; --content all for the whole page)
          curl -s URL | offprint export - --base-url URL > article.md
          offprint export https://example.com/post -o article.md   (fetched; links resolve against the final URL)
          offprint export posts/*.md -o out/
          offprint export post.md --images download -o notes/post.md   (images in notes/post.assets/)
          offprint export feed.xml -o entries/      (one Markdown file per feed entry)
          offprint export posts/*.md -o out/ --shard 2/8                (the second of 8 disjoint parts)
          offprint export --jsonl < records.jsonl > markdown.jsonl      (JSON Lines in and out)

        --jsonl reads {"id", "html", "url"?, "content"?: auto|main|all, "front_matter"?: yaml|toml|none}
        records, one a line, from standard input and writes {"id", "markdown", "title", "authors",
        "date", "language", "url", "warnings"} lines in input order; a record that fails gives
        {"id", "line", "error"} and the stream goes on.
        """
    )

    @Argument(help: ArgumentHelp("Input files: posts (.md/.markdown/.html with YAML or TOML front matter), HTML pages, or feeds (RSS, Atom, JSON Feed, OPML: one file per entry); http(s) URLs of pages or feeds; - for standard input.", valueName: "input"),
              completion: .file())
    var inputs: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file, or a folder (ending in / or existing) for several inputs. Default (or -): standard output.", valueName: "path"),
            completion: .file())
    var output: String?

    @Option(name: .customLong("front-matter"), help: "Front matter in the output: yaml, toml or none (default yaml; none with --jsonl).")
    var frontMatter: ExportOptions.FrontMatterStyle?

    @Option(help: "Markdown flavor: gfm (tables, strikethrough, task lists) or commonmark (tables as HTML).")
    var flavor: MarkdownFlavorArgument = .gfm

    @Option(name: .customLong("base-url"), help: ArgumentHelp("Resolve relative links and images against this URL (when the page has no <base> and the post no link).", valueName: "url"))
    var baseURL: String?

    @Option(help: ArgumentHelp("Read the input in this character encoding, whatever it declares (e.g. gbk, big5, shift_jis, euc-kr, windows-1252). Without it: byte-order mark, HTTP header, <meta charset>, UTF-8, then a guess (with a warning).", valueName: "name"))
    var encoding: String?

    @Option(name: .customLong("unwrap-proxy"), help: ArgumentHelp("Also unwrap image/link URLs wrapped by this proxy prefix (repeatable), e.g. https://proxy.example/?url=", valueName: "prefix"))
    var proxies: [String] = []

    @Option(help: ArgumentHelp("What of each input is the article: auto (a whole web page gets its article; posts and HTML fragments are kept whole), main (always extract the article), all (the whole page, as it is).", valueName: "auto|main|all"))
    var content: ExtractOptions.Content?

    @Flag(name: .customLong("main-content"), help: "The same as --content main.")
    var mainContent = false

    @Flag(name: .customLong("drop-hidden"), help: "Drop elements the page hides (hidden, display:none).")
    var dropHidden = false

    @Option(help: "Images: remote (keep the remote URLs) or download (fetch into the cache, link local copies in <name>.assets/).")
    var images: ExportOptions.ImagePolicy = .remote

    @Option(help: "Post bodies: html, markdown, or auto (Markdown for .md/.markdown files unless the body looks like HTML).")
    var body: BodyArgument = .auto

    @Option(help: ArgumentHelp("Feeds: only entries published since DATE (2024-03-01) or for the last DURATION (7d, 36h, 2w).", valueName: "date|duration"))
    var since: String?

    @Option(name: .customLong("max-entries"), help: ArgumentHelp("Feeds: at most N entries from each feed, the newest.", valueName: "n"))
    var maxEntries: Int?

    @Option(name: .customLong("fetch-entries"), help: "Feeds: fetch and extract entries' pages: always, never, or auto (entries with only a summary or cut text).")
    var fetchEntries: FetchPolicyArgument = .auto

    @OptionGroup var cacheFlags: CacheFlags

    @OptionGroup var reporting: ReportFlags

    @Option(name: .shortAndLong, help: "Inputs converted at once (default: the number of cores).")
    var jobs: Int?

    @OptionGroup var stream: StreamFlags

    func validate() throws {
        guard !Validation.skipped else { return }
        if stream.jsonl { return try validateStream() }
        if inputs.isEmpty { throw ValidationError("give at least one input file (or - for standard input)") }
        if inputs.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be given only once") }
        if inputs.count > 1 && destination == nil {
            throw ValidationError("several inputs need -o FOLDER (each becomes FOLDER/<name>.md)")
        }
        if inputs.count > 1, let o = destination, !o.hasSuffix("/"), !isDirectory(o) {
            throw ValidationError("several inputs need -o FOLDER: '\(o)' is not an existing folder; end it with / to create it (-o \(o)/)")
        }
        if images == .download && destination == nil {
            throw ValidationError("--images download needs -o FILE or FOLDER (the images are saved next to the Markdown)")
        }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1") }
        if let s = since, FeedOptions.parseSince(s) == nil {
            throw ValidationError("--since takes a date (2024-03-01) or a duration like 7d, 36h, 2w (got '\(s)')")
        }
        if let m = maxEntries, m < 1 { throw ValidationError("--max-entries must be at least 1") }
        if let e = encoding, Charset.supportedName(e) == nil {
            throw ValidationError("--encoding: unknown character encoding '\(e)' (use a WHATWG label or an iconv name, e.g. utf-8, gbk, big5, shift_jis, euc-kr, windows-1252; `iconv -l` lists them)")
        }
        if mainContent, let c = content, c != .main { throw ValidationError("--main-content is --content main; it cannot go with --content \(c.rawValue)") }
        if stream.shard != nil && inputs.contains("-") { throw ValidationError("--shard splits files; standard input (-) cannot be split (use --jsonl for a stream of records)") }
    }

    /// Where the output goes: `-o -` is standard output, like no `-o`.
    var destination: String? { output == "-" ? nil : output }

    func run() async throws {
        var options = ExportOptions()
        options.frontMatter = frontMatter ?? (stream.jsonl ? .none : .yaml)
        options.markdown.flavor = flavor.value
        options.images = images
        if let b = baseURL { options.load.baseURL = b; options.cleanup.baseURL = b }
        options.load.encodingHint = encoding
        options.extract.content = mainContent ? .main : (content ?? .auto)
        options.cleanup.removeHidden = dropHidden
        options.cleanup.proxyPatterns += proxies.map { ProxyPattern.prefix($0) }
        options.load.body = body.value
        if stream.jsonl { return try await runStream(options) }
        options.load.inlineLocalImages = images == .download
        let exporter = Exporter(options: options)
        // One HTTP client for the run: pages and feeds given by URL, entries' pages and images
        // share it (it opens connections only when first used).
        let http = cacheFlags.makeHTTP()
        let cache: ImageCacheHandle?
        do {
            cache = images == .download ? try cacheFlags.makeCache(quiet: reporting.quiet, http: http) : nil
        } catch {
            await http.shutdown()
            throw error
        }
        let jobs = self.jobs ?? ProcessInfo.processInfo.activeProcessorCount

        // URL inputs (of this shard) are fetched once, several at once, and sniffed: a page
        // is converted with the files below, a feed's entries become items.
        let urlInputs = Array(Set(inputs.filter { WebInput.isURL($0) && stream.inShard($0) }))
        let load = options.load
        let fetchedPages = await concurrentMap(urlInputs, limit: jobs) { url -> Result<WebInput.Fetched, OffprintError> in
            do { return .success(try await WebInput.fetchPageOrFeed(url, http: http, load: load)) } catch {
                return .failure(.wrapping(error, step: .fetch))
            }
        }
        let webInputs = Dictionary(uniqueKeysWithValues: zip(urlInputs, fetchedPages))

        // Feeds become one item per entry.
        var feedItems: [Item] = []
        var fileInputs: [String] = []
        var feedDiagnostics: [Diagnostic] = []
        var feedErrors: [(origin: String, error: OffprintError)] = []
        for input in inputs {
            if input == "-" { fileInputs.append(input); continue }
            let feeds: [FeedSource]
            if WebInput.isURL(input) {
                // Pages, failed fetches and other shards' URLs go to the plan (which reports or filters them).
                guard case .success(.feeds(let f))? = webInputs[input] else { fileInputs.append(input); continue }
                feeds = f
            } else {
                let sources: [Bundler.Source]
                do { sources = try Bundler.sources([input]).sources } catch { fileInputs.append(input); continue }
                feeds = sources.compactMap { s -> FeedSource? in if case .feed(let f) = s { return f } else { return nil } }
                if feeds.isEmpty { fileInputs.append(input); continue }
                // A feed is one input for --shard: its entries go to the shard the feed falls in.
                if !stream.inShard(input) { continue }
            }
            guard let output = destination, output.hasSuffix("/") || isDirectory(output) else {
                await http.shutdown()
                throw ValidationError("\(input) is a feed: it exports one Markdown file per entry, so give -o FOLDER/")
            }
            var feedOptions = FeedOptions()
            feedOptions.since = since.flatMap { FeedOptions.parseSince($0) }
            feedOptions.maxEntries = maxEntries
            feedOptions.fetchEntries = fetchEntries.value
            feedOptions.fetcher = HTTPPageFetcher(http)
            let collector = FeedCollector(exporter: exporter, options: feedOptions)
            let store = ArticleStore(directory: FileManager.default.temporaryDirectory)
            for f in feeds {
                do {
                    let batch = try await collector.collect(f, store: store)
                    feedDiagnostics += batch.diagnostics
                    for a in batch.articles { feedItems.append(Item(input: f.name, output: nil, entry: a)) }
                } catch {
                    feedErrors.append((f.name, .wrapping(error, step: .feed)))
                }
            }
        }

        let folderMode = destination.map { o in
            inputs.count > 1 || o.hasSuffix("/") || isDirectory(o)
        } ?? false
        // Names are planned over every input, so each shard writes the names a whole run would.
        let plan = try plannedOutputs(fileInputs, folderMode: folderMode, entries: feedItems)
            .filter { $0.entry != nil || stream.inShard($0.input) }
        if !reporting.quiet {
            for item in plan where item.renamed {
                warn("offprint: note: \(item.input): another input also makes \(item.defaultName); written as \(URL(fileURLWithPath: item.output!).lastPathComponent)")
            }
        }

        let results = await concurrentMap(plan, limit: jobs) { item -> ItemOutcome in
            await convert(item, exporter: exporter, cache: cache, fetched: webInputs)
        }
        await http.shutdown()

        var failed = feedErrors.count
        var warnings = feedDiagnostics.count
        var fetched = 0, failedImages = 0
        var diagnostics: [Diagnostic] = feedDiagnostics
        var report = RunReport(command: "export", output: destination)
        for e in feedErrors {
            warn("offprint: \(e.error)")  // errors are printed even with -q
            report.addError(origin: e.origin, e.error)
        }
        for (item, r) in zip(plan, results) {
            diagnostics += r.diagnostics
            for e in r.errors {
                warn("offprint: \(e)")  // errors are printed even with -q
                report.addError(origin: item.input, e)
            }
            warnings += r.warnings
            if r.failed { failed += 1 }
            fetched += r.images
            failedImages += r.imageFailures
            if let md = r.stdout { FileHandle.standardOutput.write(Data(md.utf8)) }
        }
        report.add(diagnostics)
        report.counts = ["inputs": plan.count, "failedInputs": failed, "warnings": warnings,
                         "imagesLinked": fetched, "imagesNotDownloaded": failedImages]
        var summaryLine: String?
        if let cache {
            let s = await cache.summary()
            summaryLine = BundleCommand.describe(s)
            warnings += cache.reportHosts(s, quiet: reporting.quiet)
            report.counts["imageURLs"] = s.requested
            report.counts["imageURLsFailed"] = s.failed
        }
        try reporting.emit(diagnostics, report: report)
        if let summaryLine, !reporting.quiet { warn(summaryLine) }
        if failed > 0 {
            if plan.count + feedErrors.count > 1 { warn("offprint: \(failed) of \(plan.count + feedErrors.count) inputs failed") }
            throw ExitCode.failure
        }
        if reporting.strict && warnings > 0 {
            warn("offprint: \(warnings) warning\(warnings == 1 ? "" : "s") with --strict")
            throw ExitCode.failure
        }
    }

    struct Item: Sendable {
        var input: String
        var output: String?  // nil: standard output
        /// A feed entry, already read and cleaned.
        var entry: StoredArticle? = nil
        /// The name it would have had, when another input took it first.
        var defaultName = ""
        var renamed = false
    }

    struct ItemOutcome: Sendable {
        /// Warnings (hidden by -q, grouped unless --verbose).
        var diagnostics: [Diagnostic] = []
        /// Errors (always printed).
        var errors: [OffprintError] = []
        var warnings = 0
        var failed = false
        var stdout: String?
        var images = 0
        var imageFailures = 0
    }

    /// Input → output pairs, with collisions and input overwrites refused up front.
    func plannedOutputs(_ inputs: [String], folderMode: Bool, entries: [Item]) throws -> [Item] {
        guard let output = destination else { return inputs.isEmpty ? [] : [Item(input: inputs[0], output: nil)] }
        if !folderMode, entries.isEmpty {
            try Files.checkNotAnInput(output, inputs: inputs)
            return [Item(input: inputs[0], output: output)]
        }
        var used = Set<String>()
        var items: [Item] = []
        for input in inputs {
            var stem = input == "-" ? "stdin"
                : WebInput.isURL(input) ? WebInput.outputStem(for: input)
                : URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent
            stem = Files.safeFileName(stem)
            var name = stem + ".md"
            var n = 2
            while used.contains(name) { name = "\(stem)-\(n).md"; n += 1 }
            used.insert(name)
            let path = URL(fileURLWithPath: output).appendingPathComponent(name).path
            try Files.checkNotAnInput(path, inputs: inputs)
            items.append(Item(input: input, output: path, defaultName: stem + ".md", renamed: name != stem + ".md"))
        }
        for var e in entries {
            // 2024-12-04-title-of-the-entry.md
            let a = e.entry!.metadata
            let day = a.date.map { $0.day + "-" } ?? ""
            let stem = Files.safeFileName(day + Self.slug(a.title ?? "entry"), fallback: "entry")
            var name = stem + ".md"
            var n = 2
            while used.contains(name) { name = "\(stem)-\(n).md"; n += 1 }
            used.insert(name)
            e.output = URL(fileURLWithPath: output).appendingPathComponent(name).path
            items.append(e)
        }
        return items
    }

    /// A file-name slug of a title: words joined by dashes, at most 80 characters.
    static func slug(_ title: String) -> String {
        var out = ""
        for ch in title.lowercased() {
            if ch.isLetter || ch.isNumber { out.append(ch) } else if !out.isEmpty, out.last != "-" { out.append("-") }
            if out.count >= 80 { break }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out
    }

    func convert(_ item: Item, exporter: Exporter, cache: ImageCacheHandle?, fetched: [String: Result<WebInput.Fetched, OffprintError>]) async -> ItemOutcome {
        var outcome = ItemOutcome()
        do {
            let origin = item.input == "-" ? "<stdin>" : item.input
            let result: ExportResult
            if let entry = item.entry {
                let article = try entry.load()
                if let cache, let out = item.output {
                    let url = URL(fileURLWithPath: out)
                    let assetsName = url.deletingPathExtension().lastPathComponent + ".assets"
                    let assets = url.deletingLastPathComponent().appendingPathComponent(assetsName)
                    result = try await exporter.export(article, diagnostics: [], images: cache.provider, assets: assets, linkPrefix: assetsName)
                    outcome.images = result.assets.count
                    outcome.imageFailures = result.imageFailures.count
                } else {
                    result = exporter.export(article)
                }
            } else {
                // A URL input: the page fetched (once) before the plan; else the file.
                var exporter = exporter
                let bytes: [UInt8]
                if let f = fetched[item.input] {
                    guard case .page(let page, let load) = try f.get() else { throw OffprintError(.input, path: item.input, "a feed, not a page") }
                    exporter.options.load = load
                    bytes = page
                } else if let scheme = WebInput.unsupportedScheme(item.input) {
                    throw OffprintError(.input, path: item.input, "\(scheme): URLs are not fetched (only http and https are); save the page and give the file")
                } else {
                    bytes = try Files.read(item.input)
                }
                if let cache, let out = item.output {
                    let url = URL(fileURLWithPath: out)
                    let assetsName = url.deletingPathExtension().lastPathComponent + ".assets"
                    let assets = url.deletingLastPathComponent().appendingPathComponent(assetsName)
                    result = try await exporter.export(bytes, origin: origin, images: cache.provider, assets: assets, linkPrefix: assetsName)
                    outcome.images = result.assets.count
                    outcome.imageFailures = result.imageFailures.count
                } else {
                    result = try exporter.export(bytes, origin: origin)
                }
            }
            outcome.diagnostics += result.diagnostics
            outcome.warnings = result.diagnostics.count
            if let out = item.output {
                try Files.writeAtomically(Data(result.markdown.utf8), to: URL(fileURLWithPath: out))
            } else {
                outcome.stdout = result.markdown
            }
        } catch {
            outcome.failed = true
            outcome.errors.append(.wrapping(error, step: .read))
        }
        return outcome
    }

    private func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }
}

enum MarkdownFlavorArgument: String, ExpressibleByArgument, CaseIterable {
    case gfm, commonmark

    var value: MarkdownOptions.Flavor {
        switch self {
        case .gfm: return .gfm
        case .commonmark: return .commonmark
        }
    }
}

extension ExportOptions.FrontMatterStyle: ExpressibleByArgument {}
extension ExportOptions.ImagePolicy: ExpressibleByArgument {}
extension ExtractOptions.Content: ExpressibleByArgument {}
