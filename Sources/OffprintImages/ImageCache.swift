import OffprintSupport
import Foundation
import OffprintHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The image cache and downloader every export and bundle shares.
///
/// ```swift
/// let cache = try ImageCache(options: ImageCacheOptions(policy: .normal))
/// let batch = await cache.fetch(["https://example.com/a.png", "data:image/gif;base64,…"])
/// for (url, result) in batch.images { … }          // per-URL image or failure
/// print(batch.summary)                             // "3 images: 2 downloaded, 1 from cache, 0 failed"
/// ```
///
/// One instance per process is the intended use; several processes (or instances) may
/// share one folder. Images are downloaded once, kept under their SHA-256, and served from
/// disk from then on. A failed image never stops the others: each URL gets its image or
/// an `ImageFailure` saying why. Within one instance each distinct URL is settled once
/// (a second request for it, even from another call, gets the same answer).
public final class ImageCache: ImageProvider, Sendable {
    public let options: ImageCacheOptions
    let store: CacheStore
    private let downloader: Locked<Downloader?>
    /// Each key's resolution: in flight (joined by later requests), or its result. A
    /// finished task is replaced by its result: a task keeps several KB alive.
    private let resolutions = Locked<[String: ResolutionState]>([:])
    private enum ResolutionState {
        case running(Task<Resolution, Never>)
        case done(Resolution)
    }
    private let verified = Locked<Set<String>>([])
    private let totals = Locked(Totals())
    private let progressLock = NSLock()

    /// Opens (creating if needed) the cache folder of `options.directory` and deletes
    /// temp files left by runs that died. Throws only when the folder is unusable.
    ///
    /// `http`: the process's HTTP client, shared with page fetching (its own timeouts,
    /// retries and proxies then apply; `options.http.maxBytes` still caps images). Without
    /// one, the cache makes a client from `options` on first need; `shutdown()` closes it.
    public init(options: ImageCacheOptions = ImageCacheOptions(), http: HTTPFetcher? = nil) throws {
        self.options = options
        store = try CacheStore(root: options.directory)
        downloader = Locked(nil)
        lentClient = http
    }

    private let lentClient: HTTPFetcher?

    /// Closes the network connections of a client this cache made (a lent one is left to
    /// its owner). A cache dropped without it closes them in the background.
    public func shutdown() async {
        if let d = downloader.withLock({ $0 }) { await d.shutdown() }
    }

    /// The cache folder in use.
    public var directory: URL { store.root }

    // MARK: - Getting images

    /// ImageProvider: every URL's image or failure, keyed by the URL as given.
    public func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>] {
        await fetch(urls).images
    }

    /// One URL's image or failure.
    public func image(for url: String) async -> Result<CachedImage, ImageFailure> {
        await fetch([url]).images[url] ?? .failure(ImageFailure(url: url, reason: "no result"))
    }

    /// Gets every URL (from the cache, the network, or the `data:` URL itself), at most
    /// `options.http.concurrency` downloads at a time, and says what happened.
    public func fetch(_ urls: [String]) async -> ImageBatch {
        // Distinct keys, in first-seen order.
        var keyOf: [String: String] = [:]
        var keys: [String] = []
        var seen = Set<String>()
        for raw in urls where keyOf[raw] == nil {
            let key = Self.key(for: raw)
            keyOf[raw] = key
            if seen.insert(key).inserted { keys.append(key) }
        }

        // Start (or join) one resolution per key, a window of them at a time: each task in
        // flight holds its own memory, and a book can have thousands of images.
        var byKey: [String: Resolution] = [:]
        var summary = FetchSummary()
        summary.requested = keys.count
        let window = max(32, options.http.concurrency * 8)
        // The progress total counts this call's new keys at once (a progress line must not
        // see its total creep up); a key another call claims before this one starts it is
        // taken back out when that is found.
        let counted = resolutions.withLock { table in Set(keys.filter { table[$0] == nil }) }
        if !counted.isEmpty {
            totals.withLock { $0.progress.total += counted.count }
            reportProgress()
        }
        await withTaskGroup(of: (String, Resolution, Bool).self) { group in
            var next = 0
            func startNext() {
                guard next < keys.count else { return }
                let key = keys[next]
                next += 1
                let (state, mine) = resolutions.withLock { table -> (ResolutionState, Bool) in
                    if let known = table[key] { return (known, false) }
                    let t = Task { await self.resolve(key) }
                    table[key] = .running(t)
                    return (.running(t), true)
                }
                if !mine && counted.contains(key) {
                    totals.withLock { $0.progress.total -= 1 }
                    reportProgress()
                }
                switch state {
                case .done(let resolution):
                    group.addTask { (key, resolution, false) }
                case .running(let task):
                    group.addTask {
                        let resolution = await withTaskCancellationHandler {
                            await task.value
                        } onCancel: {
                            if mine { task.cancel() }
                        }
                        if mine { self.resolutions.withLock { $0[key] = .done(resolution) } }
                        return (key, resolution, mine)
                    }
                }
            }
            for _ in 0..<min(window, keys.count) { startNext() }
            for await (key, resolution, mine) in group {
                byKey[key] = resolution
                summary.add(mine ? resolution : resolution.seenAgain)
                if mine {
                    totals.withLock {
                        $0.summary.requested += 1
                        $0.summary.add(resolution)
                        $0.progress.completed += 1
                        if case .failure = resolution.result { $0.progress.failed += 1 }
                    }
                    reportProgress()
                }
                startNext()
            }
        }
        summary.sort()

        var images: [String: Result<CachedImage, ImageFailure>] = [:]
        for raw in urls where images[raw] == nil {
            let key = keyOf[raw]!
            let resolution = byKey[key]!
            images[raw] = resolution.result.mapError { f in var f = f; f.url = raw; return f }
        }
        return ImageBatch(images: images, summary: summary)
    }

    /// Everything this instance did so far (each distinct URL counted once).
    public var summary: FetchSummary {
        var s = totals.withLock { $0.summary }
        s.sort()
        return s
    }

    // MARK: - Resolving one URL

    /// The key an URL is settled under: its normalised form, or the raw text when it has none.
    private static func key(for raw: String) -> String {
        ImageURL.normalize(raw) ?? raw
    }

    private func resolve(_ key: String) async -> Resolution {
        guard let scheme = ImageURL.scheme(of: key), ImageURL.normalize(key) != nil else {
            let what = key.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "empty image URL" : "not an absolute URL"
            return .failed(key, "\(what): relative addresses must be resolved against the page address first")
        }
        switch scheme {
        case "http", "https":
            return await resolveHTTP(key)
        case "data":
            return await onIO { self.resolveDataURI(key) }
        case "file":
            return .failed(key, "file: URLs are refused: the cache fetches only http, https and data: URLs (copy the image next to the article and link it relatively)")
        default:
            return .failed(key, "\(scheme): URLs are not fetched: only http, https and data: URLs are")
        }
    }

    private func resolveDataURI(_ url: String) -> Resolution {
        let decoded: DataURI
        do {
            decoded = try DataURI(url)
        } catch {
            return .failed(url, error == .noComma ? "malformed data: URL (no comma before the data)" : "malformed data: URL (invalid base64)")
        }
        guard decoded.bytes.count <= options.http.maxBytes else {
            return .failed(url, "too large: the data: URL holds \(Downloader.size(decoded.bytes.count)), the limit is \(Downloader.size(options.http.maxBytes)) (raise it with --max-download-size)")
        }
        switch ImageSniffer.sniff(decoded.bytes) {
        case .notImage(let what):
            return .failed(url, "the data: URL holds \(what), not an image (it declares \(decoded.declaredType))")
        case .image(let info):
            let sha = Hex.sha256(decoded.bytes)
            do {
                let file = try store.storeObject(decoded.bytes, sha256: sha, mediaType: info.mediaType)
                return Resolution(result: .success(CachedImage(url: url, file: file, sha256: sha, mediaType: info.mediaType,
                                                              byteCount: decoded.bytes.count, width: info.width, height: info.height)),
                                  source: .decoded)
            } catch {
                return .failed(url, "cannot store the image in the cache: \(error)")
            }
        }
    }

    private func resolveHTTP(_ url: String) async -> Resolution {
        let (cached, damage) = await onIO { self.lookup(url) }

        switch options.policy {
        case .offline:
            if let (entry, file) = cached {
                await onIO { self.store.touch(entry) }
                return Resolution(result: .success(image(entry, file)), source: .cache)
            }
            if let damage {
                return .failed(url, "\(damage), and --offline cannot fetch it again; run once without --offline")
            }
            return .failed(url, "not in the image cache, and --offline does not download; run once without --offline")
        case .normal:
            if let (entry, file) = cached {
                await onIO { self.store.touch(entry) }
                return Resolution(result: .success(image(entry, file)), source: .cache)
            }
            return await downloadUnlessFailedRecently(url)
        case .refresh:
            guard let (entry, file) = cached else { return await downloadUnlessFailedRecently(url) }
            let validators = entry.etag != nil || entry.lastModified != nil
            var r = await download(url, previous: validators ? entry : nil)
            if case .failure(let failure) = r.result {
                // Keep the copy we have; say that it could not be checked.
                await onIO { self.store.touch(entry) }
                r.result = .success(image(entry, file))
                r.source = .cache
                r.warning = ImageFailure(url: url, reason: "could not revalidate (\(failure.reason)); the cached copy was used")
            }
            return r
        }
    }

    /// The cached entry and file for a URL, if whole; else why not (when there was one).
    private func lookup(_ url: String) -> (cached: (IndexEntry, URL)?, damage: String?) {
        guard let entry = store.readEntry(forURL: url) else { return (nil, nil) }
        let full: Bool
        switch options.verification {
        case .size: full = false
        case .always: full = true
        case .firstUse: full = !verified.withLock { $0.contains(entry.sha256) }
        }
        switch store.checkObject(entry, fullHash: full) {
        case .ok(let file):
            if full { verified.withLock { _ = $0.insert(entry.sha256) } }
            return ((entry, file), nil)
        case .missing:
            return (nil, "its cached file is missing")
        case .damaged(let why):
            store.discardObject(entry)
            return (nil, why)
        }
    }

    /// Runs blocking file work (reads, hashing, fsync) on a dispatch queue, so that a slow
    /// disk never stalls the cooperative thread pool (and with it every download).
    private func onIO<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { c in
            Self.io.async { c.resume(returning: body()) }
        }
    }

    private static let io = DispatchQueue(label: "offprint.images.io", attributes: .concurrent)

    private func image(_ e: IndexEntry, _ file: URL) -> CachedImage {
        CachedImage(url: e.url, file: file, sha256: e.sha256, mediaType: e.mediaType, byteCount: e.byteCount,
                    width: e.width, height: e.height)
    }

    /// A URL that failed within its TTL is not requested again (unless `retryFailed`).
    private func downloadUnlessFailedRecently(_ url: String) async -> Resolution {
        if !options.retryFailed, let record = await onIO({ self.store.readFailure(forURL: url) }) {
            let now = Date()
            if record.retryAfter > now {
                let f = ImageFailure(url: url,
                                     reason: "failed \(Self.age(now.timeIntervalSince(record.failedAt))) ago (\(record.reason)); not requested again for \(Self.age(record.retryAfter.timeIntervalSince(now))) (--retry-failed to try again)",
                                     host: record.host, hostCause: record.hostCause.map { "failed recently: " + $0 }, remembered: true)
                return Resolution(result: .failure(f), source: .failed)
            }
        }
        return await download(url, previous: nil)
    }

    private func download(_ url: String, previous: IndexEntry?) async -> Resolution {
        let (outcome, requests, bytes) = await network().fetch(url, conditional: previous, maxBytes: options.http.maxBytes)
        var r: Resolution
        switch outcome {
        case .failed(let failure):
            var f = ImageFailure(url: url, reason: failure.message)
            if failure.hostUnreachable {
                f.host = failure.host
                f.hostCause = network().http.unreachableHosts[failure.host] ?? failure.message
            }
            r = Resolution(result: .failure(f), source: .failed)
            if let ttl = rememberFor(failure) {
                var status: Int?
                if case .status(let code) = failure.kind { status = code }
                let now = Date()
                let record = FailureRecord(url: url, reason: failure.message, status: status, host: f.host, hostCause: f.hostCause,
                                           failedAt: now, retryAfter: now.addingTimeInterval(ttl))
                await onIO { self.store.writeFailure(record) }
            }
        case .notModified(let etag, let lastModified):
            guard var entry = previous else {
                r = .failed(url, "the server answered 304 Not Modified to an unconditional request")
                break
            }
            entry.validatedAt = Date()
            if let etag { entry.etag = etag }
            if let lastModified { entry.lastModified = lastModified }
            let updated = entry
            await onIO {
                try? self.store.writeEntry(updated)
                self.store.touch(updated)
            }
            r = Resolution(result: .success(image(entry, store.objectFile(sha256: entry.sha256, mediaType: entry.mediaType))),
                           source: .revalidated)
        case .downloaded(let d):
            r = await onIO {
                let r = self.commit(url, d)
                if case .success = r.result {
                    self.store.removeFailure(forURL: url)
                } else if case .failure(let f) = r.result, f.reason.hasPrefix("the server sent") {
                    // Not an image (an error or login page): remembered like an HTTP failure.
                    let now = Date()
                    self.store.writeFailure(FailureRecord(url: url, reason: f.reason, failedAt: now,
                                                          retryAfter: now.addingTimeInterval(self.options.failureTTL)))
                }
                return r
            }
        }
        r.requests = requests
        r.bytesReceived = bytes
        return r
    }

    /// Sniffs a finished download and files it under its hash, with an index entry.
    private func commit(_ url: String, _ d: Downloaded) -> Resolution {
        var verdict = ImageSniffer.sniff(d.prefix)
        if case .image(let info) = verdict, info.width == nil, d.byteCount > d.prefix.count,
           let whole = try? Data(contentsOf: d.temp) {
            verdict = ImageSniffer.sniff(whole)
        }
        guard case .image(let info) = verdict else {
            unlink(d.temp.path)
            guard case .notImage(let what) = verdict else { return .failed(url, "not an image") }
            let ct = d.contentType.map { ", Content-Type \($0)" } ?? ""
            var advice = "the URL may point to a web page rather than an image"
            if what == "an HTML page" {
                advice = "probably an error or login page; the host may refuse hot-linking (try --referer origin)"
            }
            return .failed(url, "the server sent \(what) instead of an image (HTTP 200\(ct)); \(advice)")
        }
        do {
            let file = try store.commitObject(temp: d.temp, sha256: d.sha256, mediaType: info.mediaType)
            verified.withLock { _ = $0.insert(d.sha256) }
            let entry = IndexEntry(url: url, sha256: d.sha256, mediaType: info.mediaType, byteCount: d.byteCount,
                                   width: info.width, height: info.height, etag: d.etag, lastModified: d.lastModified,
                                   fetchedAt: Date(), validatedAt: nil,
                                   finalURL: d.finalURL == url || d.finalURL.isEmpty ? nil : d.finalURL)
            try store.writeEntry(entry)
            return Resolution(result: .success(image(entry, file)), source: .downloaded)
        } catch {
            unlink(d.temp.path)
            return .failed(url, "downloaded, but cannot store it in the cache: \(error)")
        }
    }

    /// The downloader, made on first need (offline runs and cache-only runs never make one).
    private func network() -> Downloader {
        downloader.withLock { d in
            if let d { return d }
            let made = Downloader(http: lentClient, options: options, store: store) { [weak self] n in
                self?.addBytes(n)
            }
            d = made
            return made
        }
    }

    // MARK: - Progress

    private struct Totals {
        var summary = FetchSummary()
        var progress = ImageProgress(completed: 0, total: 0, failed: 0, bytesReceived: 0)
        var bytesReported = 0
    }

    private func addBytes(_ n: Int) {
        let report = totals.withLock { t -> Bool in
            t.progress.bytesReceived += n
            if t.progress.bytesReceived - t.bytesReported >= 256 * 1024 {
                t.bytesReported = t.progress.bytesReceived
                return true
            }
            return false
        }
        if report { reportProgress() }
    }

    private func reportProgress() {
        guard let callback = options.progress else { return }
        progressLock.lock()
        defer { progressLock.unlock() }
        callback(totals.withLock { $0.progress })
    }
}

// MARK: - Results

/// The result of `ImageCache.fetch`: every URL's image or failure, and the counts.
public struct ImageBatch: Sendable {
    /// Keyed by the URL as given.
    public var images: [String: Result<CachedImage, ImageFailure>]
    public var summary: FetchSummary

    public init(images: [String: Result<CachedImage, ImageFailure>], summary: FetchSummary) {
        self.images = images
        self.summary = summary
    }
}

/// What a fetch did. Each distinct URL (after normalisation) counts once.
public struct FetchSummary: Sendable, Equatable, CustomStringConvertible {
    /// Distinct URLs asked for.
    public var requested = 0
    /// Downloaded now (including refreshed images whose content changed).
    public var fetched = 0
    /// Served from the cache without a request.
    public var fromCache = 0
    /// Refresh mode: confirmed unchanged by the server (304).
    public var revalidated = 0
    /// `data:` URLs decoded into the cache.
    public var decoded = 0
    public var failed = 0
    /// Body bytes received from the network.
    public var bytesReceived = 0
    /// HTTP requests made (retries included, redirects not).
    public var httpRequests = 0
    /// One per failed URL, sorted by URL.
    public var failures: [ImageFailure] = []
    /// Images served from the cache although refreshing them failed.
    public var warnings: [ImageFailure] = []
    /// Of `failed`: not requested because they failed recently (`--retry-failed`).
    public var skipped = 0

    public init() {}

    public var description: String {
        var parts = ["\(fetched) downloaded", "\(fromCache) from cache"]
        if revalidated > 0 { parts.append("\(revalidated) revalidated") }
        if decoded > 0 { parts.append("\(decoded) inline") }
        parts.append("\(failed) failed")
        if skipped > 0 { parts.append("skipped \(skipped) (failed recently; --retry-failed to try again)") }
        return "\(requested) image\(requested == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }

    /// Failures whose host could not be reached, one group per host (sorted by host).
    public var hostGroups: [HostFailureGroup] {
        var groups: [String: HostFailureGroup] = [:]
        var causes: [String: [String: Int]] = [:]
        for f in failures {
            guard let host = f.host else { continue }
            groups[host, default: HostFailureGroup(host: host, count: 0, cause: "", remembered: 0)].count += 1
            if f.remembered { groups[host]!.remembered += 1 }
            causes[host, default: [:]][f.hostCause ?? "unreachable", default: 0] += 1
        }
        for (host, counts) in causes {
            // The most frequent cause (the breaker's own account when it opened).
            groups[host]!.cause = counts.max { $0.value == $1.value ? $0.key > $1.key : $0.value < $1.value }!.key
        }
        return groups.values.sorted { $0.host < $1.host }
    }

    /// Failures reported one by one (not part of a host group).
    public var individualFailures: [ImageFailure] { failures.filter { $0.host == nil } }

    mutating func add(_ r: Resolution) {
        switch r.source {
        case .downloaded: fetched += 1
        case .cache: fromCache += 1
        case .revalidated: revalidated += 1
        case .decoded: decoded += 1
        case .failed: failed += 1
        }
        if case .failure(let f) = r.result {
            failures.append(f)
            if f.remembered { skipped += 1 }
        }
        if let w = r.warning { warnings.append(w) }
        bytesReceived += r.bytesReceived
        httpRequests += r.requests
    }

    mutating func sort() {
        failures.sort { $0.url < $1.url }
        warnings.sort { $0.url < $1.url }
    }
}

/// How one distinct URL was settled.
struct Resolution: Sendable {
    enum Source: Sendable { case downloaded, cache, revalidated, decoded, failed }
    var result: Result<CachedImage, ImageFailure>
    var source: Source
    var warning: ImageFailure?
    var requests = 0
    var bytesReceived = 0

    static func failed(_ url: String, _ reason: String) -> Resolution {
        Resolution(result: .failure(ImageFailure(url: url, reason: reason)), source: .failed)
    }

    /// The same resolution as seen by a later call of the same instance: no new work.
    var seenAgain: Resolution {
        var r = self
        r.requests = 0
        r.bytesReceived = 0
        r.warning = nil
        if case .success = result, source != .decoded { r.source = .cache }
        return r
    }
}
