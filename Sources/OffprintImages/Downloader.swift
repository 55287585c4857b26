import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A body that arrived whole into a temp file (closed; `CacheStore.commitObject` fsyncs it).
struct Downloaded: Sendable {
    var temp: URL
    var sha256: String
    var byteCount: Int
    /// The first bytes (up to `Transfer.prefixLimit`), for sniffing without re-reading.
    var prefix: Data
    var contentType: String?
    var etag: String?
    var lastModified: String?
    var finalURL: String
}

/// What fetching one URL came to, after retries.
enum FetchOutcome: Sendable {
    case downloaded(Downloaded)
    case notModified(etag: String?, lastModified: String?)
    case failed(String)
}

/// The network side: one URLSession whose delegate streams each body into a temp file
/// (hashing as it goes), enforces the size cap, the redirect limit and the timeouts, and a
/// limiter for global and per-host concurrency. Retries with exponential backoff.
final class Downloader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let options: ImageCacheOptions
    private let store: CacheStore
    private let limiter: Limiter
    private let transfers = Locked<[Int: Transfer]>([:])
    private var session: URLSession!
    /// Told of every body chunk (bytes), for progress.
    private let onBytes: @Sendable (Int) -> Void

    init(options: ImageCacheOptions, store: CacheStore, onBytes: @escaping @Sendable (Int) -> Void) {
        self.options = options
        self.store = store
        self.onBytes = onBytes
        limiter = Limiter(total: max(1, options.concurrency), perHost: max(1, options.perHostConcurrency))
        super.init()
        let config = URLSessionConfiguration.ephemeral
        config.urlCache = nil
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.httpCookieStorage = nil
        config.httpShouldSetCookies = false
        // The watchdog in `attempt` enforces both timeouts (and tells them apart); the
        // session's own ones are only a backstop, set beyond them.
        config.timeoutIntervalForRequest = Self.backstop(options)
        config.timeoutIntervalForResource = Self.backstop(options)
        config.httpMaximumConnectionsPerHost = max(1, options.perHostConcurrency)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        queue.name = "offprint.images.downloads"
        session = URLSession(configuration: config, delegate: self, delegateQueue: queue)
    }

    private static let watchQueue = DispatchQueue(label: "offprint.images.watchdog")

    private static func backstop(_ o: ImageCacheOptions) -> TimeInterval {
        max(o.idleTimeout, o.totalTimeout) + 5
    }

    /// Lets running transfers finish, then frees the session (which holds its delegate).
    func shutdown() {
        session.finishTasksAndInvalidate()
    }

    // MARK: - Fetch with retries

    /// Fetches `url` (normalised http/https). With `conditional`, asks only for changes
    /// since that entry. `requests` counts attempts made, `bytes` body bytes received.
    func fetch(_ url: String, conditional: IndexEntry?) async -> (FetchOutcome, requests: Int, bytes: Int) {
        guard let target = URL(string: url) else {
            return (.failed("the URL cannot be parsed"), 0, 0)
        }
        let host = ImageURL.host(ofNormalized: url)
        var attempts = 0
        var bytes = 0
        while true {
            if Task.isCancelled { return (.failed("cancelled"), attempts, bytes) }
            attempts += 1
            await limiter.acquire(host)
            let result = await attempt(target, conditional: conditional)
            await limiter.release(host)
            bytes += result.bytes
            let verdict = judge(result.outcome)
            switch verdict {
            case .done(let outcome):
                return (outcome, attempts, bytes)
            case .retry(let reason, let retryAfter):
                guard attempts <= options.retries else {
                    return (.failed(reason + (attempts > 1 ? " (gave up after \(attempts) attempts; try again later)" : "")), attempts, bytes)
                }
                let exp = options.retryDelay * pow(2, Double(attempts - 1)) * Double.random(in: 0.75...1.25)
                var delay = min(exp, options.maxRetryDelay)
                if let ra = retryAfter {
                    guard ra <= options.maxRetryDelay else {
                        return (.failed(reason + " (the server asks to wait \(Int(ra)) s; try again later)"), attempts, bytes)
                    }
                    delay = max(delay, ra)
                }
                options.log?("\(url): \(reason); retry \(attempts) of \(options.retries) in \(String(format: "%.2f", delay)) s")
                try? await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
            }
        }
    }

    private enum Verdict {
        case done(FetchOutcome)
        case retry(String, retryAfter: TimeInterval?)
    }

    private func judge(_ r: AttemptResult) -> Verdict {
        switch r {
        case .body(let d):
            return .done(.downloaded(d))
        case .notModified(let etag, let lm):
            return .done(.notModified(etag: etag, lastModified: lm))
        case .status(let code, let retryAfter):
            let text = "HTTP \(code) \(HTTPURLResponse.localizedString(forStatusCode: code).capitalized)"
            switch code {
            case 408, 425, 429, 500...599:
                return .retry(text, retryAfter: retryAfter)
            case 401, 407:
                return .done(.failed(text + " (the image needs a login; not retried)"))
            case 403:
                return .done(.failed(text + " (the host refuses the request; if it guards against hot-linking, try --referer origin)"))
            case 404, 410:
                return .done(.failed(text + " (the image is gone or the URL is wrong; not retried)"))
            case 300...399:
                return .done(.failed(text + " (a redirect without a usable Location)"))
            case 200...299:
                return .done(.failed(text + " (no image body)"))
            default:
                return .done(.failed(text + " (not retried)"))
            }
        case .timeout(let idle):
            let text = idle
                ? "timed out: no data for \(Self.seconds(options.idleTimeout))"
                : "timed out: took longer than \(Self.seconds(options.totalTimeout)) in all"
            return .retry(text, retryAfter: nil)
        case .transport(let message, let retryable):
            return retryable ? .retry(message, retryAfter: nil) : .done(.failed(message))
        case .tooLarge(let declared):
            let limit = Self.size(options.maxBytes)
            if let declared {
                return .done(.failed("too large: \(Self.size(declared)) declared, the limit is \(limit) (raise it with --max-download-size to keep it)"))
            }
            return .done(.failed("too large: stopped after more than \(limit) (raise the limit with --max-download-size to keep it)"))
        case .tooManyRedirects:
            return .done(.failed("more than \(options.maxRedirects) redirects (a redirect loop?)"))
        case .badRedirect(let to):
            return .done(.failed("redirected to \(to), which is not followed (only http and https are)"))
        case .local(let message):
            return .done(.failed(message))
        case .cancelled:
            return .done(.failed("cancelled"))
        }
    }

    static func seconds(_ t: TimeInterval) -> String {
        t == t.rounded() ? "\(Int(t)) s" : String(format: "%.1f s", t)
    }

    static func size(_ n: Int) -> String {
        if n >= 1 << 20 { return String(format: "%.1f MB", Double(n) / 1_048_576) }
        if n >= 1 << 10 { return String(format: "%.0f KB", Double(n) / 1024) }
        return "\(n) bytes"
    }

    // MARK: - One attempt

    enum AttemptResult: Sendable {
        case body(Downloaded)
        case notModified(etag: String?, lastModified: String?)
        case status(Int, retryAfter: TimeInterval?)
        case timeout(idle: Bool)
        case transport(String, retryable: Bool)
        case tooLarge(declared: Int?)
        case tooManyRedirects
        case badRedirect(String)
        case local(String)
        case cancelled
    }

    private func attempt(_ url: URL, conditional: IndexEntry?) async -> (outcome: AttemptResult, bytes: Int) {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: Self.backstop(options))
        applyHeaders(to: &request, for: url)
        if let c = conditional {
            if let etag = c.etag { request.setValue(etag, forHTTPHeaderField: "If-None-Match") }
            if let lm = c.lastModified { request.setValue(lm, forHTTPHeaderField: "If-Modified-Since") }
        }
        let task = session.dataTask(with: request)
        let transfer = Transfer(task: task, delegateQueue: session.delegateQueue)
        transfers.withLock { $0[task.taskIdentifier] = transfer }
        // The watchdog: abandons the attempt after `idleTimeout` seconds without progress
        // (connecting, or between body pieces) or `totalTimeout` seconds in all. A dispatch
        // timer, not a Task: it keeps time even when the cooperative pool is busy.
        let watchdog = DispatchSource.makeTimerSource(queue: Self.watchQueue)
        let idle = options.idleTimeout, total = options.totalTimeout
        let tick = max(0.01, min(0.25, min(idle, total) / 5))
        watchdog.schedule(deadline: .now() + tick, repeating: tick, leeway: .milliseconds(5))
        watchdog.setEventHandler { [transfer] in
            let (done, last, started) = transfer.state.withLock { ($0.done, $0.lastActivity, $0.started) }
            if done { return }
            let now = Date()
            if now.timeIntervalSince(started) >= total {
                transfer.abort(.timeout(idle: false))
            } else if now.timeIntervalSince(last) >= idle {
                transfer.abort(.timeout(idle: true))
            }
        }
        watchdog.resume()
        let outcome: AttemptResult = await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<AttemptResult, Never>) in
                transfer.state.withLock { $0.continuation = cont }
                task.resume()
            }
        } onCancel: {
            transfer.abort(.cancelled)
        }
        watchdog.cancel()
        return (outcome, transfer.state.withLock { $0.received })
    }

    private func applyHeaders(to request: inout URLRequest, for url: URL) {
        request.setValue(options.userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue("image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5", forHTTPHeaderField: "Accept")
        switch options.referer {
        case .none:
            request.setValue(nil, forHTTPHeaderField: "Referer")
        case .imageOrigin:
            if let scheme = url.scheme, let host = url.host {
                let port = url.port.map { ":\($0)" } ?? ""
                request.setValue("\(scheme)://\(host)\(port)/", forHTTPHeaderField: "Referer")
            }
        case .fixed(let value):
            request.setValue(value, forHTTPHeaderField: "Referer")
        }
    }

    // MARK: - URLSession delegate

    private func transfer(for task: URLSessionTask) -> Transfer? {
        transfers.withLock { $0[task.taskIdentifier] }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        // swift-corelibs-foundation ignores the disposition passed to `completionHandler`
        // (the transfer goes on), so refusing a body always goes through `abort`, which
        // cancels the task.
        guard let t = transfer(for: dataTask), let http = response as? HTTPURLResponse else {
            dataTask.cancel()
            completionHandler(.cancel)
            return
        }
        let aborted = t.state.withLock { s -> Bool in
            s.finalResponse = true
            return s.abort != nil
        }
        if aborted {
            completionHandler(.cancel)
            return
        }
        t.touch()
        let code = http.statusCode
        let header = { (name: String) in http.value(forHTTPHeaderField: name) }
        switch code {
        case 200, 203:
            // (With Content-Encoding the declared length is the compressed one; the cap
            // on decoded bytes is checked as they arrive.)
            if http.expectedContentLength > Int64(options.maxBytes) {
                t.abort(.tooLarge(declared: Int(http.expectedContentLength)))
                completionHandler(.cancel)
                return
            }
            do {
                let (url, handle) = try store.makeTempFile()
                t.state.withLock {
                    $0.response = http
                    $0.temp = url
                    $0.handle = handle
                }
                completionHandler(.allow)
            } catch {
                t.abort(.local("cannot write to the image cache: \(error)"))
                completionHandler(.cancel)
            }
        case 304:
            t.state.withLock { $0.response = http }
            completionHandler(.allow)
        default:
            t.abort(.status(code, retryAfter: Self.retryAfter(header("Retry-After"))))
            completionHandler(.cancel)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let t = transfer(for: dataTask) else { return }
        let limit = options.maxBytes
        var overflow = false
        var failedWrite: String?
        var counted = false
        t.state.withLock { s in
            // Bodies of refused responses (error pages) may still trickle in until the
            // cancel lands; they are not counted.
            guard s.abort == nil else { return }
            s.lastActivity = Date()
            s.received += data.count
            counted = true
            guard s.handle != nil else { return }   // 304: no body expected
            if s.received > limit {
                overflow = true
                return
            }
            do {
                try s.handle?.write(contentsOf: data)
            } catch {
                failedWrite = "cannot write to the image cache: \(error.localizedDescription)"
                return
            }
            s.hasher.update(data: data)
            if s.prefix.count < Transfer.prefixLimit {
                s.prefix.append(data.prefix(Transfer.prefixLimit - s.prefix.count))
            }
        }
        if counted { onBytes(data.count) }
        if overflow { t.abort(.tooLarge(declared: nil)) }
        if let failedWrite { t.abort(.local(failedWrite)) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        guard let t = transfer(for: task) else {
            completionHandler(nil)
            return
        }
        // Runs on the delegate queue, like every cancel (see `Transfer.abort`). A task
        // cancelled while its redirect was pending must not get an answer: the library
        // would trap on it. One being aborted just stops at this redirect.
        let (cancelled, aborted) = t.state.withLock { ($0.cancelIssued, $0.abort != nil) }
        if cancelled { return }
        if aborted {
            completionHandler(nil)
            return
        }
        t.touch()
        let count = t.state.withLock { s -> Int in
            s.redirects += 1
            return s.redirects
        }
        // Refusing: the task then ends with the 3xx response, which settles as `reason`.
        guard count <= options.maxRedirects else {
            t.refuse(.tooManyRedirects)
            completionHandler(nil)
            return
        }
        guard let next = request.url, let scheme = next.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            t.refuse(.badRedirect(request.url?.absoluteString ?? "an unreadable Location"))
            completionHandler(nil)
            return
        }
        var req = request
        applyHeaders(to: &req, for: next)
        completionHandler(req)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        guard let t = transfer(for: task) else { return }
        transfers.withLock { $0[task.taskIdentifier] = nil }
        t.finish(error: error)
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

/// The state of one attempt, shared by the delegate queue, the watchdog and the caller.
final class Transfer: Sendable {
    static let prefixLimit = 1 << 20

    struct State {
        var continuation: CheckedContinuation<Downloader.AttemptResult, Never>?
        var response: HTTPURLResponse?
        var temp: URL?
        var handle: FileHandle?
        var hasher = SHA256()
        var received = 0
        var prefix = Data()
        var redirects = 0
        var abort: Downloader.AttemptResult?
        /// `task.cancel()` was called.
        var cancelIssued = false
        /// A response other than a redirect arrived: no redirect callback can follow.
        var finalResponse = false
        var started = Date()
        var lastActivity = Date()
        var done = false
    }

    let state = Locked(State())
    private let task: URLSessionTask
    private let delegateQueue: OperationQueue

    init(task: URLSessionTask, delegateQueue: OperationQueue) {
        self.task = task
        self.delegateQueue = delegateQueue
    }

    func touch() { state.withLock { $0.lastActivity = Date() } }

    /// Stops the attempt with `reason` (the first reason wins).
    ///
    /// swift-corelibs-foundation traps if a task is cancelled while it waits for the
    /// redirect delegate callback. Before the final response has arrived a redirect may be
    /// pending, so the cancel then runs on the (serial) delegate queue, where it cannot
    /// interleave with answering a redirect (see the redirect delegate method). Once the
    /// final response is in, no redirect can follow and the task is cancelled at once:
    /// queued behind a flood of body callbacks, a cancel would let the server send on.
    func abort(_ reason: Downloader.AttemptResult) {
        let (first, direct) = state.withLock { s -> (Bool, Bool) in
            guard s.abort == nil, !s.done else { return (false, false) }
            s.abort = reason
            if s.finalResponse { s.cancelIssued = true }
            return (true, s.finalResponse)
        }
        guard first else { return }
        if direct {
            task.cancel()
            return
        }
        let task = self.task
        delegateQueue.addOperation { [state] in
            state.withLock { $0.cancelIssued = true }
            task.cancel()
        }
    }

    /// Records why the transfer failed without cancelling it (it is ending anyway).
    func refuse(_ reason: Downloader.AttemptResult) {
        state.withLock { s in
            if s.abort == nil { s.abort = reason }
        }
    }

    /// Called once by the session when the task ends: settles the result and resumes
    /// the waiting caller.
    func finish(error: Error?) {
        let (cont, result) = state.withLock { s -> (CheckedContinuation<Downloader.AttemptResult, Never>?, Downloader.AttemptResult) in
            s.done = true
            let result = Self.settle(&s, error: error)
            let c = s.continuation
            s.continuation = nil
            return (c, result)
        }
        cont?.resume(returning: result)
    }

    private static func settle(_ s: inout State, error: Error?) -> Downloader.AttemptResult {
        let handle = s.handle
        s.handle = nil
        func discardTemp() {
            try? handle?.close()
            if let temp = s.temp { unlink(temp.path) }
        }
        if let abort = s.abort {
            discardTemp()
            return abort
        }
        if let error {
            discardTemp()
            return classify(error)
        }
        guard let http = s.response else {
            discardTemp()
            return .transport("no HTTP response", retryable: true)
        }
        let etag = http.value(forHTTPHeaderField: "ETag")
        let lastModified = http.value(forHTTPHeaderField: "Last-Modified")
        if http.statusCode == 304 {
            return .notModified(etag: etag, lastModified: lastModified)
        }
        // Content-Length counts the encoded body; curl hands us decoded bytes.
        let encoding = http.value(forHTTPHeaderField: "Content-Encoding")?.lowercased() ?? "identity"
        let expected = http.expectedContentLength
        if expected >= 0, encoding == "identity", Int64(s.received) != expected {
            discardTemp()
            return .transport("connection closed early (\(s.received) of \(expected) bytes)", retryable: true)
        }
        guard let handle, let temp = s.temp else { return .local("no temp file for the body") }
        do {
            // Closed here; flushed to disk (fsync) by `CacheStore.commitObject`, off this
            // queue, which serves every transfer's callbacks.
            try handle.close()
        } catch {
            unlink(temp.path)
            return .local("cannot write to the image cache: \(error.localizedDescription)")
        }
        return .body(Downloaded(
            temp: temp,
            sha256: hexString(s.hasher.finalize()),
            byteCount: s.received,
            prefix: s.prefix,
            contentType: http.value(forHTTPHeaderField: "Content-Type"),
            etag: etag,
            lastModified: lastModified,
            finalURL: http.url?.absoluteString ?? ""))
    }

    private static func classify(_ error: Error) -> Downloader.AttemptResult {
        let ns = error as NSError
        guard ns.domain == NSURLErrorDomain else {
            return .transport("network error: \(ns.localizedDescription)", retryable: true)
        }
        switch URLError.Code(rawValue: ns.code) {
        case .timedOut:
            return .timeout(idle: true)
        case .cancelled:
            return .cancelled
        case .networkConnectionLost:
            return .transport("connection lost (reset by the server)", retryable: true)
        case .cannotConnectToHost:
            return .transport("cannot connect to the host (refused)", retryable: true)
        case .badServerResponse, .cannotParseResponse:
            return .transport("the server sent a malformed response", retryable: true)
        case .secureConnectionFailed:
            return .transport("the TLS connection failed", retryable: true)
        case .cannotFindHost, .dnsLookupFailed:
            return .transport("host not found (DNS); check the URL", retryable: false)
        case .notConnectedToInternet:
            return .transport("no network connection; use --offline to work from the cache", retryable: false)
        case .httpTooManyRedirects:
            return .tooManyRedirects
        case .serverCertificateUntrusted, .serverCertificateHasBadDate, .serverCertificateNotYetValid,
             .serverCertificateHasUnknownRoot, .clientCertificateRejected, .clientCertificateRequired:
            return .transport("the server's TLS certificate is not trusted (\(ns.localizedDescription))", retryable: false)
        case .unsupportedURL, .badURL:
            return .transport("the URL is not supported by the network layer", retryable: false)
        case .unknown where ns.localizedDescription.contains("transfer closed"):
            // curl: the server closed the connection before the whole body arrived.
            return .transport("connection closed early (\(ns.localizedDescription))", retryable: true)
        default:
            return .transport("network error: \(ns.localizedDescription) (\(ns.code))", retryable: true)
        }
    }
}

/// At most `total` downloads at once, at most `perHost` per host; waiters are served in
/// arrival order among those whose host has room.
actor Limiter {
    private let total: Int
    private let perHost: Int
    private var running = 0
    private var byHost: [String: Int] = [:]
    private var waiters: [(host: String, continuation: CheckedContinuation<Void, Never>)] = []

    init(total: Int, perHost: Int) {
        self.total = total
        self.perHost = perHost
    }

    private func hasRoom(_ host: String) -> Bool {
        running < total && byHost[host, default: 0] < perHost
    }

    private func take(_ host: String) {
        running += 1
        byHost[host, default: 0] += 1
    }

    func acquire(_ host: String) async {
        if hasRoom(host) {
            take(host)
            return
        }
        await withCheckedContinuation { waiters.append((host, $0)) }
    }

    func release(_ host: String) {
        running -= 1
        let n = byHost[host, default: 1] - 1
        byHost[host] = n > 0 ? n : nil
        var i = 0
        while i < waiters.count && running < total {
            if hasRoom(waiters[i].host) {
                let w = waiters.remove(at: i)
                take(w.host)
                w.continuation.resume()
            } else {
                i += 1
            }
        }
    }
}
