import Foundation

/// How the one HTTP client of a process behaves: timeouts, retries, caps, identity,
/// proxies, and when a host counts as dead. The defaults suit the CLI.
public struct HTTPOptions: Sendable {
    /// Which `Referer` header requests carry.
    public enum RefererPolicy: Sendable, Equatable {
        /// No Referer (the default: nothing about the reader's pages leaks to other hosts).
        case none
        /// The requested URL's own origin (`https://img.example.com/`), which satisfies
        /// most hot-link protection.
        case origin
        /// This exact value on every request.
        case fixed(String)
    }

    /// Requests running at once, over all hosts.
    public var concurrency: Int
    /// Requests running at once against one host.
    public var perHostConcurrency: Int
    /// Seconds to establish a TCP (and TLS) connection, DNS included. Much shorter than
    /// `idleTimeout`: a host that does not even accept is usually gone.
    public var connectTimeout: TimeInterval
    /// Seconds without data (waiting for the response, or between two pieces of the body)
    /// after which an attempt is abandoned as timed out.
    public var idleTimeout: TimeInterval
    /// Seconds one attempt (request, redirects and whole body) may take in all.
    public var totalTimeout: TimeInterval
    /// Extra attempts after a timeout, a lost connection, a 5xx, 408, 425 or 429. Other
    /// 4xx are final.
    public var retries: Int
    /// The first pause before a retry; it doubles each time (±25 % jitter), capped at
    /// `maxRetryDelay`. A `Retry-After` up to `maxRetryDelay` is honoured.
    public var retryDelay: TimeInterval
    public var maxRetryDelay: TimeInterval
    /// Redirects followed per request; one more is a failure.
    public var maxRedirects: Int
    /// Largest body accepted, in bytes (decoded); reading stops past it.
    public var maxBytes: Int
    public var userAgent: String
    public var referer: RefererPolicy
    /// Consecutive connect failures or response timeouts to one host after which the
    /// host's remaining requests fail at once (a DNS failure opens the breaker at once).
    public var breakerThreshold: Int
    /// Seconds an open breaker stays open before one request may probe the host again.
    public var breakerCooldown: TimeInterval
    /// Proxies (default: from `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`).
    public var proxies: ProxySettings
    /// One line per retry and per host given up on, for a verbose mode.
    public var log: (@Sendable (String) -> Void)?

    public static let defaultUserAgent = "Mozilla/5.0 (compatible; Offprint/1.0)"

    public init(
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
        userAgent: String = HTTPOptions.defaultUserAgent,
        referer: RefererPolicy = .none,
        breakerThreshold: Int = 3,
        breakerCooldown: TimeInterval = 300,
        proxies: ProxySettings = .fromEnvironment(),
        log: (@Sendable (String) -> Void)? = nil
    ) {
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
        self.breakerThreshold = breakerThreshold
        self.breakerCooldown = breakerCooldown
        self.proxies = proxies
        self.log = log
    }

    static func seconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t)
    }

    /// `12 KB`, `1.0 MB`, `300 bytes`.
    public static func size(_ n: Int) -> String {
        if n >= 1 << 20 { return String(format: "%.1f MB", Double(n) / 1_048_576) }
        if n >= 1 << 10 { return String(format: "%.0f KB", Double(n) / 1024) }
        return "\(n) bytes"
    }
}

/// HTTP and HTTPS proxies, as curl and most tools read them from the environment.
public struct ProxySettings: Sendable, Equatable {
    public struct Server: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        /// `user:password` from the proxy URL, sent as Basic authorization.
        public var credentials: String?
        public init(host: String, port: Int, credentials: String? = nil) {
            self.host = host
            self.port = port
            self.credentials = credentials
        }
        public var description: String { "\(host):\(port)" }
    }

    /// For `http://` URLs (`HTTP_PROXY` / `http_proxy`).
    public var http: Server?
    /// For `https://` URLs (`HTTPS_PROXY` / `https_proxy`).
    public var https: Server?
    /// Hosts reached directly (`NO_PROXY`): `example.com` also covers its subdomains,
    /// `.example.com` only them, `*` every host; an optional `:port` narrows an entry.
    public var noProxy: [String]

    public init(http: Server? = nil, https: Server? = nil, noProxy: [String] = []) {
        self.http = http
        self.https = https
        self.noProxy = noProxy
    }

    public static let none = ProxySettings()

    /// Reads `http_proxy`/`HTTP_PROXY`, `https_proxy`/`HTTPS_PROXY`, `no_proxy`/`NO_PROXY`
    /// (the lower-case name wins, as in curl). A value without a scheme is taken as
    /// `http://`; only `http://` proxies are supported (others are ignored, with the
    /// reason in `problems`).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> ProxySettings {
        func value(_ name: String) -> String? {
            for n in [name.lowercased(), name.uppercased()] {
                if let v = env[n]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v }
            }
            return nil
        }
        var s = ProxySettings()
        s.http = value("http_proxy").flatMap(parseServer)
        s.https = value("https_proxy").flatMap(parseServer)
        s.noProxy = (value("no_proxy") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        return s
    }

    /// `http://user:pw@proxy.example:3128/` → host, port (default 80 for http, 1080 never:
    /// only http proxies are supported).
    public static func parseServer(_ text: String) -> Server? {
        var t = text
        if !t.contains("://") { t = "http://" + t }
        guard let c = URLComponents(string: t), c.scheme?.lowercased() == "http", let host = c.host, !host.isEmpty else { return nil }
        var creds: String?
        if let u = c.user { creds = u + ":" + (c.password ?? "") }
        let h = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return Server(host: h, port: c.port ?? 80, credentials: creds?.removingPercentEncoding ?? creds)
    }

    /// The proxy for a URL, or `nil` for a direct connection.
    public func server(scheme: String, host: String, port: Int) -> Server? {
        let server = scheme == "https" ? https : http
        guard let server else { return nil }
        return bypasses(host: host, port: port) ? nil : server
    }

    func bypasses(host rawHost: String, port: Int) -> Bool {
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        for raw in noProxy {
            if raw == "*" { return true }
            var entry = raw
            if let colon = entry.lastIndex(of: ":"), !entry.contains("]"), entry.filter({ $0 == ":" }).count == 1 {
                guard Int(entry[entry.index(after: colon)...]) == port else { continue }
                entry = String(entry[..<colon])
            }
            entry = entry.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if entry.hasPrefix("*.") { entry.removeFirst() }
            if entry.hasPrefix(".") {
                if host.hasSuffix(entry) { return true }
            } else if host == entry || host.hasSuffix("." + entry) {
                return true
            }
        }
        return false
    }
}
