import AsyncHTTPClient
import Foundation
import OffprintSupport
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import OffprintSupport
import NIOPosix

// MARK: - Requests, responses, outcomes

/// One GET: where, what is accepted, extra headers (conditional validators), and what is
/// fetched ("image", "page"), for messages.
public struct HTTPRequestSpec: Sendable {
    public var url: String
    public var accept: String
    public var headers: [(name: String, value: String)]
    public var subject: String
    /// Overrides `HTTPOptions.maxBytes` for this request.
    public var maxBytes: Int?

    public init(url: String, accept: String = "*/*", headers: [(name: String, value: String)] = [], subject: String = "resource", maxBytes: Int? = nil) {
        self.url = url
        self.accept = accept
        self.headers = headers
        self.subject = subject
        self.maxBytes = maxBytes
    }
}

/// The status line and headers of the final response (after redirects).
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    /// The URL that answered, after redirects.
    public var url: String

    public init(status: Int, headers: [(name: String, value: String)], url: String) {
        self.status = status
        self.headers = headers
        self.url = url
    }

    /// The first value of a header (case-insensitive name).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var contentType: String? { header("Content-Type") }
    /// `text/html` from `text/html; charset=gb2312`; nil without a Content-Type or when it
    /// is not `type/subtype` (then the body is sniffed, as browsers do).
    public var mediaType: MediaType? { contentType.flatMap { MediaType($0) } }
    /// The `charset` parameter of Content-Type, as sent (`gb2312`).
    public var charset: String? {
        guard let ct = contentType else { return nil }
        for param in ct.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "charset" {
                let v = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                return v.isEmpty ? nil : v
            }
        }
        return nil
    }
    public var contentLength: Int? { header("Content-Length").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
}

/// Where a response body goes, one attempt at a time: made when a 200 arrives, fed the
/// body in pieces, then finished (or discarded when the attempt fails).
public protocol HTTPBodySink: SendableMetatype {
    associatedtype Output: Sendable
    mutating func append(_ bytes: UnsafeRawBufferPointer) throws
    /// The whole body arrived.
    mutating func finish() throws -> Output
    /// The attempt failed: drop what was written.
    mutating func discard()
    /// A finished output that is not used after all (an attempt that lost a race).
    static func discard(_ output: Output)
}

extension HTTPBodySink {
    public static func discard(_ output: Output) {}
}

/// A body received whole.
public struct HTTPFetched<Body: Sendable>: Sendable {
    public var head: HTTPResponseHead
    public var body: Body
    public var byteCount: Int
}

public enum HTTPOutcome<Body: Sendable>: Sendable {
    case fetched(HTTPFetched<Body>)
    /// 304 to a conditional request.
    case notModified(HTTPResponseHead)
    case failed(HTTPFailure)
}

/// Why a fetch failed, after retries. `message` says what happened and what to do.
public struct HTTPFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A final HTTP status (4xx, or 5xx/429 after retries).
        case status(Int)
        /// No data within the idle timeout, or the attempt took longer than the total one.
        case timeout
        /// DNS failure, refused or timed-out connection.
        case unreachable
        /// Not tried: the host's circuit breaker is open.
        case hostDown
        case tooLarge
        case redirect
        case transport
        case local
        case cancelled
        case invalidURL
    }
    public var kind: Kind
    public var message: String
    public var url: String
    /// `host` or `host:port` (as the breaker and limiter key it).
    public var host: String
    /// The host itself could not be reached (DNS, connect, no response, breaker open):
    /// such failures are reported once per host.
    public var hostUnreachable: Bool

    public init(kind: Kind, message: String, url: String, host: String, hostUnreachable: Bool = false) {
        self.kind = kind
        self.message = message
        self.url = url
        self.host = host
        self.hostUnreachable = hostUnreachable
    }

    public var description: String { "\(url): \(message)" }
}

// MARK: - The client

/// The process's HTTP client (AsyncHTTPClient on SwiftNIO: no busy-waiting, connection
/// pooling, HTTP/1.1 and HTTP/2, streamed bodies with back-pressure). One per process,
/// shared by the image cache and page fetching; `shutdown()` it before exit.
///
/// Every fetch: http/https only (redirects to other schemes refused), at most
/// `maxRedirects` redirects, the body capped at `maxBytes` (reading stops past it),
/// connect / idle / total timeouts, retries with jittered exponential backoff for
/// timeouts, lost connections, 5xx, 408, 425 and 429 (never other 4xx), a per-host
/// limit on concurrent requests and a per-host circuit breaker.
public final class HTTPFetcher: Sendable {
    public let options: HTTPOptions
    private let limiter: Limiter
    private let breaker: HostBreaker
    /// One AsyncHTTPClient per route: direct, or through a proxy (made on first use).
    private let clients = NIOLockedValueBox<(byProxy: [String: HTTPClient], closed: Bool)>(([:], false))

    public init(options: HTTPOptions = HTTPOptions()) {
        self.options = options
        limiter = Limiter(total: options.concurrency, perHost: options.perHostConcurrency)
        breaker = HostBreaker(threshold: options.breakerThreshold, cooldown: options.breakerCooldown)
    }

    deinit {
        // A fetcher dropped without `shutdown()`: close its clients in the background
        // (AsyncHTTPClient must not be deinitialised open).
        let open = clients.withLockedValue { c -> [HTTPClient] in
            defer { c.byProxy = [:]; c.closed = true }
            return Array(c.byProxy.values)
        }
        for c in open { c.shutdown { _ in } }
    }

    /// Closes every connection. Further fetches fail with "shut down".
    public func shutdown() async {
        let open = clients.withLockedValue { c -> [HTTPClient] in
            defer { c.byProxy = [:]; c.closed = true }
            return Array(c.byProxy.values)
        }
        for c in open { try? await c.shutdown() }
    }

    /// Hosts given up on in this process (breaker open), with why.
    public var unreachableHosts: [String: String] { breaker.openHosts }

    private func client(for proxy: ProxySettings.Server?) -> HTTPClient? {
        let key = proxy.map { "\($0.host):\($0.port)" } ?? ""
        return clients.withLockedValue { c -> HTTPClient? in
            if c.closed { return nil }
            if let made = c.byProxy[key] { return made }
            var config = HTTPClient.Configuration()
            config.redirectConfiguration = .disallow    // followed by hand: scheme checks, Referer per hop
            config.timeout = .init(connect: .nanoseconds(Int64(options.connectTimeout * 1e9)),
                                   read: .nanoseconds(Int64(options.idleTimeout * 1e9)))
            // A failed connection fails its requests now (the breaker and the retries
            // here decide what happens next), instead of being retried until a deadline.
            config.connectionPool.retryConnectionEstablishment = false
            config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(1, options.perHostConcurrency)
            config.connectionPool.idleTimeout = .seconds(30)
            config.decompression = .enabled(limit: .size(options.maxBytes + 1))
            if let proxy {
                config.proxy = .server(host: proxy.host, port: proxy.port,
                                       authorization: proxy.credentials.map { .basic(credentials: $0) })
            }
            let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
            c.byProxy[key] = made
            return made
        }
    }

    // MARK: Fetch with retries

    /// Fetches `spec.url` (absolute http/https), retrying what may pass; `makeSink` is
    /// called for each 200 response. `requests` counts attempts made, `bytes` body bytes.
    public func fetch<Sink: HTTPBodySink>(
        _ spec: HTTPRequestSpec,
        sink makeSink: @escaping @Sendable (HTTPResponseHead) throws -> Sink
    ) async -> (outcome: HTTPOutcome<Sink.Output>, requests: Int, bytes: Int) {
        guard let target = Target(spec.url) else {
            return (.failed(HTTPFailure(kind: .invalidURL, message: "not an http or https URL", url: spec.url, host: "")), 0, 0)
        }
        let host = target.hostKey
        func failure(_ kind: HTTPFailure.Kind, _ message: String, unreachable: Bool = false) -> HTTPFailure {
            HTTPFailure(kind: kind, message: message, url: spec.url, host: host, hostUnreachable: unreachable)
        }
        var attempts = 0
        var bytes = 0
        while true {
            if Task.isCancelled { return (.failed(failure(.cancelled, "cancelled")), attempts, bytes) }
            if let cause = breaker.check(host) {
                return (.failed(failure(.hostDown, "not requested: host \(host) is not answering (\(cause))", unreachable: true)), attempts, bytes)
            }
            await limiter.acquire(host)
            // Checked again: the breaker may have opened while this request waited its turn.
            if let cause = breaker.check(host) {
                await limiter.release(host)
                return (.failed(failure(.hostDown, "not requested: host \(host) is not answering (\(cause))", unreachable: true)), attempts, bytes)
            }
            attempts += 1
            let (result, got) = await attemptWithDeadline(spec, target: target, makeSink: makeSink)
            await limiter.release(host)
            bytes += got
            switch result {
            case .done(let outcome):
                breaker.succeeded(host)
                return (outcome, attempts, bytes)
            case .final(let kind, let message, let answered):
                if answered { breaker.succeeded(host) }
                return (.failed(failure(kind, message)), attempts, bytes)
            case .hostDown(let message):
                return (.failed(failure(.hostDown, message, unreachable: true)), attempts, bytes)
            case .unreachable(let trouble):
                if let cause = breaker.failed(host, trouble) {
                    options.log?("host \(host): \(cause); its other requests fail at once")
                }
                if trouble.kind == .dns || attempts > options.retries {
                    let suffix = attempts > 1 ? " (gave up after \(attempts) attempts)" : ""
                    return (.failed(failure(trouble.kind == .timeout ? .timeout : .unreachable, trouble.message + suffix, unreachable: true)), attempts, bytes)
                }
                if await pause(spec.url, trouble.message, attempts: attempts, retryAfter: nil) == false {
                    return (.failed(failure(.cancelled, "cancelled")), attempts, bytes)
                }
            case .retry(let kind, let message, let retryAfter, let answered):
                if answered { breaker.succeeded(host) }
                guard attempts <= options.retries else {
                    let suffix = attempts > 1 ? " (gave up after \(attempts) attempts; try again later)" : ""
                    return (.failed(failure(kind, message + suffix)), attempts, bytes)
                }
                if let ra = retryAfter, ra > options.maxRetryDelay {
                    return (.failed(failure(kind, message + " (the server asks to wait \(Int(ra)) s; try again later)")), attempts, bytes)
                }
                if await pause(spec.url, message, attempts: attempts, retryAfter: retryAfter) == false {
                    return (.failed(failure(.cancelled, "cancelled")), attempts, bytes)
                }
            }
        }
    }

    /// Sleeps before retry `attempts` (exponential, ±25 % jitter, capped; at least
    /// `retryAfter`). `false` when cancelled meanwhile.
    private func pause(_ url: String, _ reason: String, attempts: Int, retryAfter: TimeInterval?) async -> Bool {
        let exp = options.retryDelay * pow(2, Double(attempts - 1)) * Double.random(in: 0.75...1.25)
        var delay = min(exp, options.maxRetryDelay)
        if let ra = retryAfter { delay = max(delay, ra) }
        options.log?("\(url): \(reason); retry \(attempts) of \(options.retries) in \(String(format: "%.2f", delay)) s")
        do {
            try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
            return true
        } catch {
            return false
        }
    }

    // MARK: One attempt

    private enum AttemptResult<Body: Sendable>: Sendable {
        /// A usable outcome (body or 304).
        case done(HTTPOutcome<Body>)
        /// A failure not worth retrying; `answered`: the host sent an HTTP response.
        case final(HTTPFailure.Kind, String, answered: Bool)
        /// Worth another attempt.
        case retry(HTTPFailure.Kind, String, retryAfter: TimeInterval?, answered: Bool)
        /// The host could not be reached (connect failure, DNS, no response at all).
        case unreachable(HostBreaker.Trouble)
        /// Abandoned: the host's breaker opened while this attempt waited.
        case hostDown(String)
    }

    /// One attempt (with its redirects) under the total timeout.
    private func attemptWithDeadline<Sink: HTTPBodySink>(
        _ spec: HTTPRequestSpec, target: Target, makeSink: @escaping @Sendable (HTTPResponseHead) throws -> Sink
    ) async -> (AttemptResult<Sink.Output>, Int) {
        let received = NIOLockedValueBox(0)
        let total = options.totalTimeout
        let result: AttemptResult<Sink.Output> = await withTaskGroup(of: AttemptResult<Sink.Output>?.self) { group in
            group.addTask { await self.attempt(spec, target: target, makeSink: makeSink, received: received) }
            // The watch: the total timeout, and the host's breaker opening meanwhile (other
            // requests found it dead: this one need not wait out its own timeout). A few
            // wake-ups a second per request in flight; no busy waiting.
            let host = target.hostKey, started = Date(), breaker = self.breaker
            group.addTask {
                let deadline = started.addingTimeInterval(max(0.001, total))
                while true {
                    let left = deadline.timeIntervalSinceNow
                    if left <= 0 { break }
                    do {
                        try await Task.sleep(nanoseconds: UInt64(min(left, 0.25) * 1_000_000_000))
                    } catch {
                        return nil
                    }
                    if let cause = breaker.openedSince(host, started) {
                        return .hostDown("stopped: host \(host) is not answering (\(cause))")
                    }
                }
                return .retry(.timeout, "timed out: took longer than \(HTTPOptions.seconds(total)) in all", retryAfter: nil, answered: false)
            }
            var first: AttemptResult<Sink.Output>?
            while first == nil, let next = await group.next() {
                first = next
            }
            group.cancelAll()
            // The loser: a body that finished just as the timer fired is dropped.
            for await late in group {
                if case .done(.fetched(let f))? = late { Sink.discard(f.body) }
            }
            return first ?? .final(.cancelled, "cancelled", answered: false)
        }
        return (result, received.withLockedValue { $0 })
    }

    private func attempt<Sink: HTTPBodySink>(
        _ spec: HTTPRequestSpec, target: Target, makeSink: @escaping @Sendable (HTTPResponseHead) throws -> Sink,
        received: NIOLockedValueBox<Int>
    ) async -> AttemptResult<Sink.Output> {
        let maxBytes = spec.maxBytes ?? options.maxBytes
        var current = target
        var redirects = 0
        var answered = false
        var sink: Sink?
        do {
            while true {
                guard let client = client(for: options.proxies.server(scheme: current.scheme, host: current.host, port: current.port)) else {
                    return .final(.local, "the HTTP client is shut down", answered: false)
                }
                var request = HTTPClientRequest(url: current.url)
                request.method = .GET
                request.headers.add(name: "User-Agent", value: options.userAgent)
                request.headers.add(name: "Accept", value: spec.accept)
                request.headers.add(name: "Accept-Encoding", value: "gzip, deflate")
                switch options.referer {
                case .none: break
                case .origin: request.headers.add(name: "Referer", value: current.origin + "/")
                case .fixed(let value): request.headers.add(name: "Referer", value: value)
                }
                for h in spec.headers { request.headers.add(name: h.name, value: h.value) }

                let response = try await client.execute(request, deadline: .now() + .nanoseconds(Int64((options.totalTimeout + 1) * 1e9)))
                answered = true
                let code = Int(response.status.code)
                let headers = response.headers.map { (name: $0.name, value: $0.value) }
                let head = HTTPResponseHead(status: code, headers: headers, url: current.url)

                if [301, 302, 303, 307, 308].contains(code), let location = head.header("Location") {
                    redirects += 1
                    guard redirects <= options.maxRedirects else {
                        return .final(.redirect, "more than \(options.maxRedirects) redirects (a redirect loop?)", answered: true)
                    }
                    guard let next = current.resolve(location) else {
                        let shown = WebURL.resolve(location, against: current.url)
                        return .final(.redirect, "redirected to \(shown), which is not followed (only http and https are)", answered: true)
                    }
                    current = next
                    continue   // the redirect's body is dropped with `response`
                }
                switch code {
                case 304:
                    return .done(.notModified(head))
                case 200, 203:
                    if let declared = head.contentLength, declared > maxBytes {
                        return .final(.tooLarge, "too large: \(HTTPOptions.size(declared)) declared, the limit is \(HTTPOptions.size(maxBytes)) (raise it with --max-download-size to keep it)", answered: true)
                    }
                    do {
                        sink = try makeSink(head)
                    } catch {
                        return .final(.local, "\(error)", answered: true)
                    }
                    var count = 0
                    for try await buffer in response.body {
                        let n = buffer.readableBytes
                        count += n
                        received.withLockedValue { $0 += n }
                        if count > maxBytes {
                            sink?.discard()
                            sink = nil
                            return .final(.tooLarge, "too large: stopped after more than \(HTTPOptions.size(maxBytes)) (raise it with --max-download-size to keep it)", answered: true)
                        }
                        try buffer.withUnsafeReadableBytes { try sink!.append($0) }
                    }
                    if Task.isCancelled {
                        sink?.discard()
                        return .final(.cancelled, "cancelled", answered: true)
                    }
                    let body = try sink!.finish()
                    sink = nil
                    return .done(.fetched(HTTPFetched(head: head, body: body, byteCount: count)))
                default:
                    let text = "HTTP \(code) \(HTTPResponseStatus(statusCode: code).reasonPhrase.capitalized)"
                    let retryAfter = Self.retryAfter(head.header("Retry-After"))
                    switch code {
                    case 408, 425, 429, 500...599:
                        return .retry(.status(code), text, retryAfter: retryAfter, answered: true)
                    case 401, 407:
                        return .final(.status(code), text + " (the \(spec.subject) needs a login; not retried)", answered: true)
                    case 403:
                        return .final(.status(code), text + " (the host refuses the request; if it guards against hot-linking, try --referer origin)", answered: true)
                    case 404, 410:
                        return .final(.status(code), text + " (the \(spec.subject) is gone or the URL is wrong; not retried)", answered: true)
                    case 300...399:
                        return .final(.status(code), text + " (a redirect without a usable Location)", answered: true)
                    case 200...299:
                        return .final(.status(code), text + " (no \(spec.subject) body)", answered: true)
                    default:
                        return .final(.status(code), text + " (not retried)", answered: true)
                    }
                }
            }
        } catch {
            sink?.discard()
            return classify(error, answered: answered)
        }
    }

    private func classify<Body>(_ error: Error, answered: Bool) -> AttemptResult<Body> {
        if error is CancellationError { return .final(.cancelled, "cancelled", answered: answered) }
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout:
                return .unreachable(.init(kind: .connectTimeout, message: "could not connect within \(HTTPOptions.seconds(options.connectTimeout)) (connect timeout)"))
            case .readTimeout:
                let message = "timed out: no data for \(HTTPOptions.seconds(options.idleTimeout))"
                // No response at all counts against the host; a stalled body does not.
                return answered ? .retry(.timeout, message, retryAfter: nil, answered: true)
                                : .unreachable(.init(kind: .timeout, message: message))
            case .deadlineExceeded:
                return .retry(.timeout, "timed out: took longer than \(HTTPOptions.seconds(options.totalTimeout)) in all", retryAfter: nil, answered: answered)
            case .remoteConnectionClosed:
                return .retry(.transport, "connection lost (closed by the server before the whole response arrived)", retryAfter: nil, answered: answered)
            case .cancelled:
                return .final(.cancelled, "cancelled", answered: answered)
            case .invalidProxyResponse, .proxyAuthenticationRequired, .httpProxyHandshakeTimeout:
                return .final(.transport, "the proxy refused or failed the connection (\(e)); check HTTP_PROXY / HTTPS_PROXY / NO_PROXY", answered: false)
            case .alreadyShutdown:
                return .final(.local, "the HTTP client is shut down", answered: answered)
            case .bodyLengthMismatch:
                return .retry(.transport, "connection closed early (the body is shorter than declared)", retryAfter: nil, answered: answered)
            default:
                return .retry(.transport, "network error: \(e)", retryAfter: nil, answered: answered)
            }
        }
        if let e = error as? NIOConnectionError {
            if e.connectionErrors.isEmpty, e.dnsAError != nil || e.dnsAAAAError != nil {
                return .unreachable(.init(kind: .dns, message: "host not found (DNS lookup failed); check the URL"))
            }
            if e.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return .unreachable(.init(kind: .refused, message: "cannot connect to the host (connection refused)"))
            }
            if e.connectionErrors.contains(where: { Self.isConnectTimeout($0.error) }) {
                return .unreachable(.init(kind: .connectTimeout, message: "could not connect within \(HTTPOptions.seconds(options.connectTimeout)) (connect timeout)"))
            }
            return .unreachable(.init(kind: .other, message: "cannot connect to the host (\(e))"))
        }
        if Self.isConnectTimeout(error) {
            return .unreachable(.init(kind: .connectTimeout, message: "could not connect within \(HTTPOptions.seconds(options.connectTimeout)) (connect timeout)"))
        }
        if let e = error as? IOError {
            switch e.errnoCode {
            case ECONNRESET, EPIPE:
                return .retry(.transport, "connection lost (reset by the server)", retryAfter: nil, answered: answered)
            case ECONNREFUSED:
                return .unreachable(.init(kind: .refused, message: "cannot connect to the host (connection refused)"))
            default:
                return .retry(.transport, "network error: \(e)", retryAfter: nil, answered: answered)
            }
        }
        if error is ChannelError {
            return .retry(.transport, "connection lost (\(error))", retryAfter: nil, answered: answered)
        }
        let typeName = String(describing: type(of: error))
        if typeName.contains("Decompression") {
            return .final(.tooLarge, "too large: stopped after more than \(HTTPOptions.size(options.maxBytes)) decoded (raise it with --max-download-size to keep it)", answered: answered)
        }
        if typeName.contains("SSL") || typeName.contains("TLS") {
            return .final(.transport, "the TLS connection failed (\(error))", answered: answered)
        }
        if typeName.contains("Parser") {
            return .retry(.transport, "the server sent a malformed response (\(error))", retryAfter: nil, answered: answered)
        }
        // A sink's own failure (a cache folder that cannot be written, a type not wanted): final, not retried.
        if let local = error as? OffprintError { return .final(.local, local.description, answered: answered) }
        return .retry(.transport, "network error: \(error)", retryAfter: nil, answered: answered)
    }

    private static func isConnectTimeout(_ error: Error) -> Bool {
        if case .connectTimeout? = error as? ChannelError { return true }
        return false
    }

    static func retryAfter(_ value: String?) -> TimeInterval? {
        guard let v = value?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        if let n = TimeInterval(v) { return max(0, n) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let d = f.date(from: v) { return max(0, d.timeIntervalSinceNow) }
        return nil
    }
}

/// An absolute http/https URL, split once.
struct Target: Sendable {
    var url: String
    var scheme: String
    var host: String
    var port: Int

    init?(_ text: String) {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = c.host, !host.isEmpty else { return nil }
        url = text
        self.scheme = scheme
        self.host = host.lowercased()
        port = c.port ?? (scheme == "https" ? 443 : 80)
    }

    var defaultPort: Bool { port == (scheme == "https" ? 443 : 80) }
    /// What the breaker and the limiter key on, and what messages name.
    var hostKey: String { defaultPort ? host : "\(host):\(port)" }
    var origin: String { "\(scheme)://\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host)\(defaultPort ? "" : ":\(port)")" }

    /// The target of a `Location` (relative ones against this URL, by RFC 3986); `nil`
    /// unless http/https.
    func resolve(_ location: String) -> Target? {
        WebURL.absolute(location, against: url).flatMap(Target.init)
    }
}
