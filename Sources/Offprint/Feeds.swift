import Foundation
import OffprintSupport
import OffprintArticle
import OffprintCleanup
import OffprintFeeds
import OffprintDocument

/// How feeds become articles (`bundle` and `export` on feed inputs).
public struct FeedOptions: Sendable {
    /// Only entries published at or after this time (seconds since 1970, UTC).
    public var since: Double?
    /// At most this many entries from each feed, the newest.
    public var maxEntries: Int?
    /// When to fetch and extract an entry's page instead of the feed's text.
    public var fetchEntries: FetchPolicy = .auto
    /// Fetches http(s) feeds and pages. Nil: local files only.
    public var fetcher: (any PageFetcher)?
    /// Pages fetched at once.
    public var jobs = 4

    public init() {}

    /// `--since`: a duration back from `now` (`7d`, `36h`, `2w`, `90m`) or a date
    /// (`2024-03-01`, any format `ArticleDate` reads).
    public static func parseSince(_ text: String, now: Date = Date()) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = t.last, let n = Double(t.dropLast()), n >= 0 {
            let seconds: Double? = ["m": 60, "h": 3600, "d": 86400, "w": 7 * 86400][unit]
            if let s = seconds { return now.timeIntervalSince1970 - n * s }
        }
        return ArticleDate(text)?.date.timeIntervalSince1970
    }
}

/// Where a feed comes from.
public enum FeedSource: Sendable, Equatable {
    case file(String)
    /// Fetched through `FeedOptions.fetcher` (an OPML list's subscription, say).
    case url(String)
    /// Already fetched (a URL input, fetched once and found to be a feed): the URL asked
    /// for and what came back.
    case fetched(url: String, page: WebPage)

    public var name: String {
        switch self { case .file(let p): return p; case .url(let u): return u; case .fetched(let u, _): return u }
    }
}

/// One feed's entries, selected, ordered (newest first) and stored.
public struct FeedBatch: Sendable {
    public var source: FeedSource
    public var info: FeedInfo
    /// The feed's title (else its file name or host).
    public var title: String
    public var articles: [StoredArticle]
    public var diagnostics: [Diagnostic]
}

/// Reads feeds into articles: parse (streaming) → dedupe by id/link → `since` →
/// newest first → `maxEntries` → fetch and extract pages where asked → clean up, as
/// `export` does for files.
public struct FeedCollector: Sendable {
    public var exporter: Exporter
    public var options: FeedOptions

    public init(exporter: Exporter, options: FeedOptions) {
        self.exporter = exporter
        self.options = options
    }

    private struct Candidate: Sendable {
        var entry: FeedEntry
        var link: EntryLink?
        var stored: StoredArticle
        var epoch: Double?
        var fetch: Bool
        var diagnostics: [Diagnostic]
    }

    public func collect(_ source: FeedSource, store: ArticleStore) async throws -> FeedBatch {
        var diagnostics: [Diagnostic] = []
        let origin = source.name
        var feedFile: String?
        var feedURL: String?
        var candidates: [Candidate] = []
        var seen = Set<String>()
        var duplicates = 0, tooOld = 0, undated = 0
        // Entries are prepared (parsed, cleaned, stored) a batch at a time on every core,
        // in feed order.
        var pending: [(entry: FeedEntry, info: FeedInfo, origin: String, epoch: Double?)] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let results = Slots<Result<Candidate, Error>>(batch.count)
            let (file, url) = (feedFile, feedURL)
            DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                let r = Result { try prepare(batch[i].entry, info: batch[i].info, origin: batch[i].origin, epoch: batch[i].epoch,
                                             feedFile: file, feedURL: url, store: store) }
                results[i] = r
            }
            for r in results.values { candidates.append(try r!.get()) }
        }
        let handle: (FeedEntry, FeedInfo) throws -> Void = { entry, info in
            var e = entry
            if let key = e.identity {
                guard seen.insert(key).inserted else { duplicates += 1; return }
            }
            let epoch = e.date?.date.timeIntervalSince1970
            if let since = options.since {
                if let ep = epoch, ep < since { tooOld += 1; return }
                if epoch == nil { undated += 1 }
            }
            let n = pending.count + candidates.count + duplicates + tooOld + 1
            pending.append((e, info, "\(origin)#\(n)", epoch))
            if pending.count >= Self.batchSize { try flush() }
        }
        let info: FeedInfo
        do {
            switch source {
            case .file(let path):
                feedFile = path
                info = try FeedReader.read(file: path, origin: origin, entry: handle)
            case .url(let url):
                guard let fetcher = options.fetcher else {
                    throw OffprintError(.fetch, path: url, "an http(s) feed needs a page fetcher (FeedOptions.fetcher); none was given")
                }
                let page: WebPage
                do { page = try await fetcher.fetch(url) } catch {
                    throw OffprintError(.fetch, path: url, "the feed could not be fetched (\(error))", underlying: error)
                }
                feedURL = page.url
                info = try FeedReader.read(page.bytes, origin: origin, entry: handle)
            case .fetched(_, let page):
                feedURL = page.url
                info = try FeedReader.read(page.bytes, origin: origin, entry: handle)
            }
            try flush()
        } catch let e as OffprintError where e.step == .feed {
            throw OffprintError(.feed, "reading feed \(e.description)", underlying: e)
        } catch let e as OffprintError where e.step == .fetch {
            throw e
        } catch {
            throw OffprintError(.feed, path: origin, "\(error)", underlying: error)
        }
        if duplicates > 0 { diagnostics.append(Diagnostic(origin: origin, "\(duplicates) duplicate entr\(duplicates == 1 ? "y" : "ies") (same id or link) left out")) }
        if tooOld > 0 { diagnostics.append(Diagnostic(origin: origin, "\(tooOld) entr\(tooOld == 1 ? "y" : "ies") older than --since left out")) }
        if undated > 0 { diagnostics.append(Diagnostic(origin: origin, "\(undated) entr\(undated == 1 ? "y has" : "ies have") no date: kept despite --since")) }

        // Newest first; undated ones after, in feed order.
        var selected = candidates.enumerated().sorted { x, y in
            switch (x.element.epoch, y.element.epoch) {
            case let (a?, b?): return a != b ? a > b : x.offset < y.offset
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return x.offset < y.offset
            }
        }.map(\.element)
        if let m = options.maxEntries, selected.count > m { selected = Array(selected.prefix(m)) }

        // Pages to fetch.
        let wanting = selected.indices.filter { selected[$0].fetch }
        if !wanting.isEmpty {
            // (A library caller without a fetcher gets the feed's text for web links.)
            let todo = wanting.filter {
                if case .web? = selected[$0].link { return options.fetcher != nil } else { return true }
            }
            let results: [Result<StoredArticle, OffprintError>] = await concurrentMap(todo.map { selected[$0] }, limit: options.jobs) { c in
                do { return .success(try await page(for: c, info: info, store: store)) } catch {
                    return .failure(.wrapping(error, step: .feed))
                }
            }
            for (k, i) in todo.enumerated() {
                switch results[k] {
                case .success(let s): selected[i].stored = s
                case .failure(let e):
                    selected[i].diagnostics.append(Diagnostic(origin: selected[i].stored.metadata.origin, "\(e); the feed's text is used instead"))
                }
            }
        }
        let title = info.title.map(HTMLParser.plainText).flatMap { $0.isEmpty ? nil : $0 }
            ?? (URL(string: origin).flatMap { $0.host } ?? URL(fileURLWithPath: origin).deletingPathExtension().lastPathComponent)
        var articles: [StoredArticle] = []
        for c in selected {
            var s = c.stored
            s.metadata.section = title
            articles.append(s)
            diagnostics += c.diagnostics
        }
        return FeedBatch(source: source, info: info, title: title, articles: articles, diagnostics: diagnostics)
    }

    /// Entries prepared at once.
    static let batchSize = 64

    /// One entry as a stored article (the feed's text, cleaned) and what to do with it.
    private func prepare(_ entry: FeedEntry, info: FeedInfo, origin entryOrigin: String, epoch: Double?,
                         feedFile: String?, feedURL: String?, store: ArticleStore) throws -> Candidate {
        var e = entry
        var local: [Diagnostic] = []
        if e.date == nil, let raw = e.rawDate {
            local.append(Diagnostic(origin: entryOrigin, location: "line \(e.line)", "date `\(raw)` not understood; the entry is undated"))
        }
        let link = FeedArticles.link(of: e, feedFile: feedFile, feedURL: feedURL, info: info)
        var article = FeedArticles.article(e, info: info, link: link, origin: entryOrigin)
        if article.baseURL == nil, let f = feedFile {
            local += LocalImages.inline(&article, folder: URL(fileURLWithPath: f).deletingLastPathComponent())
        }
        let (cleaned, more) = Cleanup.clean(article, options: exporter.options.cleanup)
        local += more
        let fetch = link != nil && FeedArticles.wantsFetch(e, policy: options.fetchEntries)
        let stored = try store.store(cleaned)
        e.content = nil  // kept in the store; the entry keeps only its metadata
        if !fetch { e.summary = nil }
        return Candidate(entry: e, link: link, stored: stored, epoch: epoch, fetch: fetch, diagnostics: local)
    }

    /// The entry's page, fetched (or read from next to the feed) and extracted; the entry's
    /// title, date, authors and link win over the page's.
    private func page(for c: Candidate, info: FeedInfo, store: ArticleStore) async throws -> StoredArticle {
        var o = exporter.options
        // A page is narrowed to its article (OffprintExtract), unless --content all said not to.
        if o.extract.content == .auto { o.extract.content = .main }
        o.load.format = .html
        let bytes: [UInt8]
        let pageOrigin: String
        switch c.link {
        case .local(let path)?:
            bytes = try Files.read(path)
            pageOrigin = path
        case .web(let url)?:
            guard let fetcher = options.fetcher else { throw OffprintError(.fetch, path: url, "no HTTP client") }
            let p: WebPage
            do { p = try await fetcher.fetch(url) } catch { throw OffprintError(.fetch, path: url, "the page could not be fetched (\(error))", underlying: error) }
            bytes = p.bytes
            pageOrigin = p.url
            o.load.sourceURL = p.url
            o.load.transportCharset = p.charset
        case nil:
            throw OffprintError(.feed, "no link to fetch")
        }
        var (article, _) = try Exporter(options: o).prepare(bytes, origin: pageOrigin)
        article.origin = c.stored.metadata.origin
        FeedArticles.apply(c.entry, info: info, link: c.link, to: &article.metadata)
        if case .local? = c.link, c.stored.metadata.sourceURL == nil {
            // A saved page: its own canonical URL (if it named one) is the source.
        } else if let s = c.stored.metadata.sourceURL {
            article.sourceURL = s
        }
        return try store.store(article)
    }

}

/// Results written by concurrent workers, one slot each.
private final class Slots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(_ n: Int) { slots = Array(repeating: nil, count: n) }
    subscript(i: Int) -> T? {
        get { lock.withLock { slots[i] } }
        set { lock.withLock { slots[i] = newValue } }
    }
    var values: [T?] { lock.withLock { slots } }
}
