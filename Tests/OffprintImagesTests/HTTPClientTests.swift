import Foundation
import OffprintTestSupport
import OffprintSupport
import Testing
@testable import OffprintHTTP
@testable import OffprintImages

/// The HTTP client (AsyncHTTPClient) against loopback faults: a listener that never
/// answers, one that never accepts, DNS failure, the per-host breaker and its grouped
/// report, remembered failures, proxies, and page fetching. Serialized: several tests
/// wait on (short) timeouts.
@Suite(.serialized) struct HTTPClientTests {

    func httpOptions(_ tweak: (inout HTTPOptions) -> Void = { _ in }) -> HTTPOptions {
        var o = HTTPOptions(connectTimeout: 0.5, idleTimeout: 0.5, totalTimeout: 10, retries: 2, retryDelay: 0.02, maxRetryDelay: 0.2,
                            proxies: .none, log: { print("[http log] \($0)") })
        tweak(&o)
        return o
    }

    // MARK: - Faults

    @Test func aListenerThatNeverAnswersTimesOut() async throws {
        let stall = try StallServer()
        defer { stall.stop() }
        let http = HTTPFetcher(options: httpOptions { $0.breakerThreshold = 100 })
        let (outcome, requests, _) = await http.fetch(HTTPRequestSpec(url: stall.base + "/a.png"), sink: { _ in MemorySink() })
        await http.shutdown()
        guard case .failed(let f) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(f.message.contains("timed out: no data for 0.5 s"), "\(f.message)")
        #expect(f.kind == .timeout && f.hostUnreachable)
        #expect(requests == 3)                       // the first try and 2 retries
        #expect(stall.connections.current == 3)
    }

    @Test func aListenerThatNeverAcceptsIsAConnectTimeout() async throws {
        let hole = try BlackholeServer()
        defer { hole.stop() }
        try #require(hole.isBlackhole, "this kernel accepted every connection; no connect timeout to test")
        // The idle timeout is long: only the connect timeout can end this quickly.
        let http = HTTPFetcher(options: httpOptions { $0.idleTimeout = 60; $0.retries = 0 })
        let (outcome, requests, _) = await http.fetch(HTTPRequestSpec(url: hole.base + "/a.png"), sink: { _ in MemorySink() })
        await http.shutdown()
        guard case .failed(let f) = outcome else { Issue.record("expected a failure, got \(outcome)"); return }
        #expect(f.message.contains("could not connect within 0.5 s"), "\(f.message)")
        #expect(f.kind == .unreachable && f.hostUnreachable)
        #expect(requests == 1)
    }

    @Test func dnsFailureOpensTheBreakerAtOnce() async throws {
        let http = HTTPFetcher(options: httpOptions { $0.connectTimeout = 5 })
        let (first, requests, _) = await http.fetch(HTTPRequestSpec(url: "http://offprint-test.invalid/a.png"), sink: { _ in MemorySink() })
        guard case .failed(let f) = first else { Issue.record("expected a failure"); return }
        #expect(f.message.contains("host not found (DNS"), "\(f.message)")
        #expect(requests == 1)   // not retried
        let (second, requests2, _) = await http.fetch(HTTPRequestSpec(url: "http://offprint-test.invalid/b.png"), sink: { _ in MemorySink() })
        await http.shutdown()
        guard case .failed(let g) = second else { Issue.record("expected a failure"); return }
        #expect(g.kind == .hostDown && g.message.contains("not requested: host offprint-test.invalid is not answering (host not found (DNS))"), "\(g.message)")
        #expect(requests2 == 0)
        #expect(http.unreachableHosts["offprint-test.invalid"] != nil)
    }

    @Test func resetsAreRetriedAndDoNotOpenTheBreaker() async throws {
        let reset = try ResetServer()
        defer { reset.stop() }
        let http = HTTPFetcher(options: httpOptions { $0.breakerThreshold = 1 })
        let (outcome, requests, _) = await http.fetch(HTTPRequestSpec(url: reset.base + "/a.png"), sink: { _ in MemorySink() })
        await http.shutdown()
        guard case .failed(let f) = outcome else { Issue.record("expected a failure"); return }
        #expect(f.message.contains("connection lost"), "\(f.message)")
        #expect(requests == 3)
        #expect(http.unreachableHosts.isEmpty)
    }

    // MARK: - The breaker and the grouped report

    @Test func aDeadHostFailsFastWithOneGroupedReportAndIsRememberedNextRun() async throws {
        let server = try await ImageServer.start()
        let stall = try StallServer()
        let dir = TempDir()
        defer { stall.stop(); dir.remove() }
        let dead = (0..<12).map { stall.base + "/photo-\($0).jpg" }
        let good = (0..<3).map { server.url("/gen/\($0).png") }

        let cache = try ImageCache(options: testOptions(dir.url) { $0.http.idleTimeout = 0.5; $0.http.connectTimeout = 0.5; $0.http.proxies = .none })
        let batch = await cache.fetch((dead + good).shuffled())
        await cache.shutdown()
        for url in good { #expect(batch.images[url]?.success != nil, "\(url): \(String(describing: batch.images[url]))") }
        for url in dead { #expect(batch.images[url]?.failure?.host == "127.0.0.1:\(stall.port)") }
        // 4 at a time on one host: the first 4 time out together, the breaker opens, the
        // rest fail without a request.
        #expect(stall.connections.current <= 6, "\(stall.connections.current) connections to the dead host")
        let groups = batch.summary.hostGroups
        #expect(groups.count == 1)
        let g = try #require(groups.first)
        #expect(g.host == "127.0.0.1:\(stall.port)" && g.count == 12)
        #expect(g.description.hasPrefix("host 127.0.0.1:\(stall.port): 12 images not fetched (timed out"), "\(g)")
        #expect(batch.summary.individualFailures.isEmpty)

        // The next run (a new cache, as a new process): no request to the dead host.
        let before = stall.connections.current
        let again = try ImageCache(options: testOptions(dir.url) { $0.http.idleTimeout = 0.5; $0.http.connectTimeout = 0.5; $0.http.proxies = .none })
        let second = await again.fetch(dead + good)
        await again.shutdown()
        #expect(stall.connections.current == before)
        #expect(second.summary.skipped == 12)
        #expect(second.summary.fromCache == 3)
        #expect(second.summary.description.contains("skipped 12 (failed recently; --retry-failed to try again)"), "\(second.summary)")
        #expect(second.summary.hostGroups.first?.remembered == 12)
        #expect(second.images[dead[0]]?.failure?.reason.contains("--retry-failed to try again") == true)

        // cache stats shows them; --retry-failed asks again.
        let stats = again.stats()
        #expect(stats.failuresActive == 12 && stats.entries == 3, "\(stats)")
        #expect(stats.description.contains("12 failed URLs not requested again"), "\(stats)")
        let retry = try ImageCache(options: testOptions(dir.url) { $0.http.idleTimeout = 0.5; $0.http.connectTimeout = 0.5; $0.retryFailed = true; $0.http.proxies = .none })
        let third = await retry.fetch(dead)
        await retry.shutdown()
        #expect(stall.connections.current > before)
        #expect(third.summary.skipped == 0)

        // prune keeps failures in force, drops expired ones.
        #expect(retry.prune(olderThan: 86_400 * 30).failuresRemoved == 0)
        let later = retry.prune(olderThan: 86_400 * 30, now: Date().addingTimeInterval(2 * 86_400))
        #expect(later.failuresRemoved == 12, "\(later)")
        #expect(retry.stats().failuresActive == 0)
        await server.stop()
    }

    @Test func notFoundIsRememberedLongerAndASuccessForgetsAFailure() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let cache = try ImageCache(options: testOptions(dir.url) { $0.http.proxies = .none })
        _ = await cache.fetch([server.url("/later.png"), server.url("/img/img.png")])
        await cache.shutdown()
        let record = try #require(cache.store.readFailure(forURL: server.url("/later.png")))
        #expect(record.status == 404)
        #expect(record.retryAfter.timeIntervalSince(record.failedAt) > 6 * 86_400)
        #expect(cache.store.readFailure(forURL: server.url("/img/img.png")) == nil)

        // The image appears under the URL: --retry-failed fetches it, the record goes.
        server.setImage("/later.png", Paths.fixture("img.gif"))
        let plain = try ImageCache(options: testOptions(dir.url) { $0.http.proxies = .none })
        #expect(await plain.image(for: server.url("/later.png")).failure?.remembered == true)
        #expect(server.count("/later.png") == 1)
        let retry = try ImageCache(options: testOptions(dir.url) { $0.retryFailed = true; $0.http.proxies = .none })
        let r = await retry.image(for: server.url("/later.png"))
        await retry.shutdown()
        #expect(r.success != nil, "\(r)")
        #expect(retry.store.readFailure(forURL: server.url("/later.png")) == nil)
        await server.stop()
    }

    @Test func defaults() {
        let o = HTTPOptions(proxies: .none)
        #expect(o.connectTimeout == 5 && o.idleTimeout == 20 && o.totalTimeout == 120)
        #expect(o.connectTimeout * 4 <= o.idleTimeout, "connect timeout much shorter than the idle one")
        #expect(o.retries == 3 && o.maxRedirects == 5 && o.maxBytes == 25 << 20 && o.breakerThreshold == 3)
        let c = ImageCacheOptions()
        #expect(c.failureTTL == 86_400 && c.goneTTL == 7 * 86_400 && !c.retryFailed)
        #expect(c.http.connectTimeout == 5 && c.http.userAgent == HTTPOptions.defaultUserAgent && c.http.breakerCooldown == 300)
    }

    // MARK: - Proxies

    @Test func proxiesFromTheEnvironment() {
        let s = ProxySettings.fromEnvironment(["HTTP_PROXY": "proxy.example:3128", "https_proxy": "http://u:p%40ss@secure.example:8080/",
                                               "HTTPS_PROXY": "http://ignored.example", "NO_PROXY": "localhost, .internal.example,example.org:8443"])
        #expect(s.http == .init(host: "proxy.example", port: 3128))
        #expect(s.https == .init(host: "secure.example", port: 8080, credentials: "u:p@ss"))
        #expect(s.server(scheme: "http", host: "a.example", port: 80) == s.http)
        #expect(s.server(scheme: "https", host: "a.example", port: 443) == s.https)
        #expect(s.server(scheme: "http", host: "localhost", port: 80) == nil)
        #expect(s.server(scheme: "http", host: "db.internal.example", port: 80) == nil)
        #expect(s.server(scheme: "https", host: "example.org", port: 8443) == nil)
        #expect(s.server(scheme: "https", host: "example.org", port: 443) == s.https)
        #expect(s.server(scheme: "http", host: "notexample.org", port: 80) == s.http)
        #expect(ProxySettings.fromEnvironment(["http_proxy": "socks5://x:1080"]).http == nil)
        #expect(ProxySettings.fromEnvironment(["NO_PROXY": "*", "HTTP_PROXY": "p:1"]).server(scheme: "http", host: "x", port: 80) == nil)
    }

    @Test func requestsGoThroughTheProxyUnlessNoProxySaysNot() async throws {
        let server = try await ImageServer.start()
        let proxy = try ConnectProxy()
        let dir = TempDir()
        defer { proxy.stop(); dir.remove() }
        let via = ProxySettings(http: .init(host: "127.0.0.1", port: Int(proxy.port)))
        let cache = try ImageCache(options: testOptions(dir.url) { $0.http.proxies = via })
        let r = await cache.image(for: server.url("/img/img.png"))
        await cache.shutdown()
        #expect(r.success.flatMap { fileBytes($0.file) } == Paths.fixture("img.png"))
        #expect(proxy.targets.current == ["127.0.0.1:\(server.port)"])
        #expect(server.count("/img/img.png") == 1)

        var direct = via
        direct.noProxy = ["127.0.0.1"]
        let dir2 = TempDir()
        defer { dir2.remove() }
        let cache2 = try ImageCache(options: testOptions(dir2.url) { $0.http.proxies = direct })
        let r2 = await cache2.image(for: server.url("/img/img.gif"))
        await cache2.shutdown()
        #expect(r2.success != nil)
        #expect(proxy.targets.current.count == 1)   // unchanged: NO_PROXY went direct
        await server.stop()
    }

    // MARK: - Pages

    @Test func pagesComeWithTheirCharsetAndFinalURL() async throws {
        let server = try await ImageServer.start()
        let http = HTTPFetcher(options: httpOptions())
        let page = try await http.fetchPage(server.url("/old-post"))
        #expect(page.finalURL == server.url("/articles/post.html"))
        #expect(page.mediaType == .html && page.charset == "utf-8")
        #expect(String(decoding: page.bytes, as: UTF8.self).contains("<img src=\"img/a.png\""))
        let gbk = try await http.fetchPage(server.url("/page/gbk"))
        #expect(gbk.charset == "gbk")

        await #expect { try await http.fetchPage(server.url("/404")) } throws: { error in
            let e = error as? OffprintError
            return e?.kind == .httpStatus(404) && e?.step == .fetch && e!.description.contains("HTTP 404 Not Found") && e!.description.hasPrefix(server.url("/404"))
        }
        await #expect { try await http.fetchPage(server.url("/img/img.png")) } throws: { error in
            (error as? OffprintError)?.message.contains("the server sent application/octet-stream, not an HTML page") == true
        }
        await #expect { try await http.fetchPage("ftp://127.0.0.1/x.html") } throws: { error in
            (error as? OffprintError)?.message.contains("only http and https") == true
        }
        await http.shutdown()
        await server.stop()
    }

    @Test func pageTypesAcceptByMediaTypeAndRange() async throws {
        #expect(PageTypes.text.accepts(MediaType("text/plain")!) && PageTypes.text.accepts(.html))
        #expect(!PageTypes.html.accepts(MediaType("text/plain")!) && PageTypes.html.accepts(.xMarkdown))
        #expect(!PageTypes.text.accepts(.png) && PageTypes.feed.accepts(.rss))

        let server = try await ImageServer.start()
        let http = HTTPFetcher(options: httpOptions())
        // text/* lets an HTML page through; an image is not text.
        let wrong = try await http.fetchPage(server.url("/wrong-type"), types: .text)
        #expect(wrong.mediaType == .html && wrong.contentType == "text/html; charset=utf-8")
        await #expect { try await http.fetchPage(server.url("/flaky-500"), types: .text) } throws: { error in
            (error as? OffprintError)?.message.contains("the server sent image/png, not a text document") == true
        }
        // A Content-Type that is no media type counts as none: markup passes, typeless.
        let bad = try await http.fetchPage(server.url("/page/bad-type"))
        #expect(bad.mediaType == nil && bad.contentType == "html")
        await http.shutdown()
        await server.stop()
    }
}
