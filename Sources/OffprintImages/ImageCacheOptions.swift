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

    /// Which `Referer` header image requests carry.
    public enum RefererPolicy: Sendable, Equatable {
        /// No Referer (the default: nothing about the reader's pages leaks to image hosts).
        case none
        /// The image's own origin (`https://img.example.com/`), which satisfies most
        /// hot-link protection.
        case imageOrigin
        /// This exact value on every request.
        case fixed(String)
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
    /// Downloads running at once, over all hosts.
    public var concurrency: Int
    /// Downloads running at once against one host.
    public var perHostConcurrency: Int
    /// Seconds to establish a connection (DNS included); much shorter than `idleTimeout`.
    public var connectTimeout: TimeInterval
    /// Seconds without progress (waiting for the response, or between two pieces of the
    /// body) after which an attempt is abandoned as timed out.
    public var idleTimeout: TimeInterval
    /// Seconds one attempt (request, redirects and whole body) may take in all.
    public var totalTimeout: TimeInterval
    /// Extra attempts after a timeout, a lost connection, a 5xx, 408 or 429. 4xx are final.
    public var retries: Int
    /// The first pause before a retry; it doubles each time (with ±25 % jitter), capped
    /// at `maxRetryDelay`. A `Retry-After` up to `maxRetryDelay` is honoured.
    public var retryDelay: TimeInterval
    public var maxRetryDelay: TimeInterval
    /// Redirects followed per request; one more is a failure.
    public var maxRedirects: Int
    /// Largest image accepted, in bytes; bigger ones fail as soon as the size is known.
    public var maxBytes: Int
    public var userAgent: String
    public var referer: RefererPolicy
    public var verification: Verification
    /// Consecutive connect failures or response timeouts after which a host's remaining
    /// images fail at once (a DNS failure: at once).
    public var breakerThreshold: Int
    /// Failed URLs are remembered in the index and not requested again for this long
    /// (default 1 day)…
    public var failureTTL: TimeInterval
    /// …or this long for 404 Not Found and 410 Gone (default 7 days).
    public var goneTTL: TimeInterval
    /// Ignore remembered failures and request every missing image again (`--retry-failed`).
    public var retryFailed: Bool
    /// HTTP and HTTPS proxies (default: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`).
    public var proxies: ProxySettings
    /// Told after each image is settled and as large bodies arrive. Calls are serialised
    /// (never two at once) and come from background threads.
    public var progress: (@Sendable (ImageProgress) -> Void)?
    /// Told, one line each, of retries and why (`https://…: HTTP 503 …; retry 1 of 3 in
    /// 0.5 s`), for a verbose mode. May be called from several threads at once.
    public var log: (@Sendable (String) -> Void)?

    public static let defaultUserAgent = HTTPOptions.defaultUserAgent

    public init(
        directory: URL? = nil,
        policy: Policy = .normal,
        concurrency: Int = 8,
        perHostConcurrency: Int = 4,
        connectTimeout: TimeInterval = 5,
        idleTimeout: TimeInterval = 20,
        totalTimeout: TimeInterval = 120,
        retries: Int = 3,
        retryDelay: TimeInterval = 0.5,
        maxRetryDelay: TimeInterval = 10,
        maxRedirects: Int = 5,
        maxBytes: Int = 25 * 1024 * 1024,
        userAgent: String = ImageCacheOptions.defaultUserAgent,
        referer: RefererPolicy = .none,
        verification: Verification = .firstUse,
        breakerThreshold: Int = 3,
        failureTTL: TimeInterval = 86_400,
        goneTTL: TimeInterval = 7 * 86_400,
        retryFailed: Bool = false,
        proxies: ProxySettings = .fromEnvironment(),
        progress: (@Sendable (ImageProgress) -> Void)? = nil,
        log: (@Sendable (String) -> Void)? = nil
    ) {
        self.directory = directory ?? Self.defaultDirectory()
        self.policy = policy
        self.concurrency = concurrency
        self.perHostConcurrency = perHostConcurrency
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.totalTimeout = totalTimeout
        self.retries = retries
        self.retryDelay = retryDelay
        self.maxRetryDelay = maxRetryDelay
        self.maxRedirects = maxRedirects
        self.maxBytes = maxBytes
        self.userAgent = userAgent
        self.referer = referer
        self.verification = verification
        self.breakerThreshold = breakerThreshold
        self.failureTTL = failureTTL
        self.goneTTL = goneTTL
        self.retryFailed = retryFailed
        self.proxies = proxies
        self.progress = progress
        self.log = log
    }

    /// The HTTP client settings these options describe (for a cache that makes its own
    /// client; one lent to `ImageCache.init(options:http:)` keeps its own settings).
    public var httpOptions: HTTPOptions {
        HTTPOptions(concurrency: concurrency, perHostConcurrency: perHostConcurrency, connectTimeout: connectTimeout,
                    idleTimeout: idleTimeout, totalTimeout: totalTimeout, retries: retries, retryDelay: retryDelay,
                    maxRetryDelay: maxRetryDelay, maxRedirects: maxRedirects, maxBytes: maxBytes, userAgent: userAgent,
                    referer: referer.http, breakerThreshold: breakerThreshold, proxies: proxies, log: log)
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

extension ImageCacheOptions.RefererPolicy {
    var http: HTTPOptions.RefererPolicy {
        switch self {
        case .none: return .none
        case .imageOrigin: return .origin
        case .fixed(let v): return .fixed(v)
        }
    }
}
