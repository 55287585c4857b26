import Foundation
import OffprintHTTP

/// How the image cache finds, fetches and keeps images. The defaults suit the CLI.
public struct ImageCacheOptions: Sendable {
    /// How the cache and the network are used.
    public enum Policy: String, Sendable, CaseIterable {
        /// Cached images are used as they are (images are immutable); missing ones are
        /// downloaded. The default.
        case normal
        /// The cache only: nothing goes to the network; missing images are failures.
        case offline
        /// Every cached image is revalidated once per cache instance with a conditional
        /// request (If-None-Match / If-Modified-Since); `304 Not Modified` keeps it.
        case refresh
    }

    /// How much checking a cached file gets before it is handed out.
    public enum Verification: String, Sendable, CaseIterable {
        /// The size is compared with the index entry; nothing more.
        case size
        /// Size always; the full SHA-256 the first time each file is used by this
        /// cache instance (the CLI makes one instance per process). The default.
        case firstUse
        /// Size and full SHA-256 on every use.
        case always
    }

    /// The cache folder (`objects/`, `index/`, `tmp/` live inside). Default: see
    /// `defaultDirectory(environment:)`.
    public var directory: URL
    public var policy: Policy
    /// The HTTP client a cache makes for itself: downloads at once (over all hosts and per
    /// host), timeouts, retries, redirects, the largest image accepted, User-Agent, Referer
    /// policy, breaker, proxies and retry log. With a client lent to
    /// `ImageCache.init(options:http:)` that client's own settings apply, except
    /// `http.maxBytes` (still the image size cap) and `http.concurrency` (how many images
    /// are worked on at once).
    public var http: HTTPOptions
    public var verification: Verification
    /// Failed URLs are remembered in the index and not requested again for this long
    /// (default 1 day)…
    public var failureTTL: TimeInterval
    /// …or this long for 404 Not Found and 410 Gone (default 7 days).
    public var goneTTL: TimeInterval
    /// Ignore remembered failures and request every missing image again (`--retry-failed`).
    public var retryFailed: Bool
    /// Told after each image is settled and as large bodies arrive. Calls are serialised
    /// (never two at once) and come from background threads.
    public var progress: (@Sendable (ImageProgress) -> Void)?

    public init(
        directory: URL? = nil,
        policy: Policy = .normal,
        http: HTTPOptions = HTTPOptions(),
        verification: Verification = .firstUse,
        failureTTL: TimeInterval = 86_400,
        goneTTL: TimeInterval = 7 * 86_400,
        retryFailed: Bool = false,
        progress: (@Sendable (ImageProgress) -> Void)? = nil
    ) {
        self.directory = directory ?? Self.defaultDirectory()
        self.policy = policy
        self.http = http
        self.verification = verification
        self.failureTTL = failureTTL
        self.goneTTL = goneTTL
        self.retryFailed = retryFailed
        self.progress = progress
    }

    /// The cache folder when `--cache-dir` is not given: `$OFFPRINT_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/offprint` (when absolute, as the XDG spec asks), else
    /// `~/.cache/offprint`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["OFFPRINT_CACHE_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: (dir as NSString).expandingTildeInPath, isDirectory: true)
        }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("offprint", isDirectory: true)
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".cache", isDirectory: true)
            .appendingPathComponent("offprint", isDirectory: true)
    }

    /// Parses an age such as `90d`, `12h`, `30m`, `45s`, `2w` (or plain seconds) into
    /// seconds, for `offprint cache prune --older-than`. `nil` when malformed.
    public static func parseAge(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = t.last else { return nil }
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        let (number, unit) = last.isLetter ? (String(t.dropLast()), units[last]) : (t, 1)
        guard let unit, let n = Double(number), n >= 0, n.isFinite else { return nil }
        return n * unit
    }
}

/// Where a run stands, for a progress line on a terminal. Counts are for this cache
/// instance since it was made (every `images(for:)` call adds to `total`).
public struct ImageProgress: Sendable, Equatable {
    /// Images settled (got or failed) and images asked for (distinct URLs).
    public var completed: Int
    public var total: Int
    public var failed: Int
    /// Bytes received from the network so far (bodies only).
    public var bytesReceived: Int

    public init(completed: Int, total: Int, failed: Int, bytesReceived: Int) {
        self.completed = completed
        self.total = total
        self.failed = failed
        self.bytesReceived = bytesReceived
    }
}
