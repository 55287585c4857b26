import OffprintSupport
import Foundation
import OffprintHTTP
import OffprintTestSupport
import Testing
@testable import OffprintImages

/// The cache and downloader against a loopback server (FlyingFox on 127.0.0.1, ephemeral
/// port) that serves real image bytes and injects faults. Serialized: several tests wait
/// on timeouts and should not compete for the two cores.
@Suite(.serialized) struct ImageCacheTests {

    // MARK: - Good images, faults, and the second run

    @Test func goodImagesLandOnceAndFaultsFailAlone() async throws {
        let server = try await ImageServer.start()
        let reset = try ResetServer()
        let dir = TempDir()
        defer { reset.stop(); dir.remove() }

        let good: [String: Data] = Dictionary(uniqueKeysWithValues:
            Fixture.all.map { (server.url("/img/" + $0.name), $0.bytes) } + [
                (server.url("/flaky-500"), makePNG(width: 5, height: 4, seed: 99)),
                (server.url("/reset-once"), Fixture.all[3].bytes),
                (server.url("/wrong-type"), Fixture.all[5].bytes),
                (server.url("/redirect-once"), Paths.fixture("img.gif")),
                (server.url("/trickle"), Fixture.all[0].bytes),
                (server.url("/drawing.svg"), Paths.fixture("drawing.svg")),   // sent gzip-encoded
            ])
        let faults: [String: String] = [
            server.url("/404"): "HTTP 404",
            server.url("/always-503"): "HTTP 503",
            server.url("/stall"): "timed out: no data for 4 s",
            server.url("/stall-body"): "timed out: no data for 4 s",
            server.url("/loop"): "more than 5 redirects",
            server.url("/redirect-ftp"): "redirected to ftp://127.0.0.1/x.png",
            server.url("/html"): "the server sent an HTML page instead of an image",
            server.url("/huge-declared"): "too large: 50.0 MB declared",
            server.url("/huge-chunked"): "too large: stopped after more than 1.0 MB",
            server.url("/too-many"): "the server asks to wait 3600 s",
            reset.base + "/a.png": "connection lost",
            "file:///etc/hostname": "file: URLs are refused",
            "ftp://example.com/a.png": "ftp: URLs are not fetched",
            "images/relative.png": "not an absolute URL",
        ]
        // Two spellings of one URL, and one image under a second URL.
        let spelledTwice = server.url("/img/img.png").replacingOccurrences(of: "http://", with: "HTTP://") + "#frag"
        server.setImage("/copy/img.png", Paths.fixture("img.png"))
        let copy = server.url("/copy/img.png")

        // The idle timeout (4 s) is well above what even a loaded machine needs for a small
        // image and well below the 15 s the stalling routes wait.
        let log = RetryLog()
        let cache = try ImageCache(options: testOptions(dir.url) { $0.http.maxBytes = 1 << 20; $0.http.log = log.sink })
        let all = Array(good.keys) + Array(faults.keys) + [spelledTwice, copy]
        let batch = await cache.fetch(all.shuffled())

        for (url, bytes) in good {
            let image = try #require(batch.images[url]?.success, "\(url): \(String(describing: batch.images[url]))")
            #expect(fileBytes(image.file) == bytes, "\(url): cached bytes differ from the served ones")
            #expect(image.sha256 == Hex.sha256(bytes))
            #expect(image.byteCount == bytes.count)
            #expect(image.file.lastPathComponent == image.sha256 + "." + image.fileExtension)
        }
        for f in Fixture.all {
            let image = try #require(batch.images[server.url("/img/" + f.name)]?.success)
            #expect(image.mediaType == f.mediaType && image.width == f.width && image.height == f.height, "\(f.name)")
        }
        #expect(batch.images[server.url("/wrong-type")]?.success?.mediaType == .webp)
        let svg = try #require(batch.images[server.url("/drawing.svg")]?.success)
        #expect(svg.mediaType == .svg && svg.width == 160 && svg.height == 90)
        for (url, reason) in faults {
            let failure = try #require(batch.images[url]?.failure, "\(url) should fail")
            #expect(failure.url == url)
            #expect(failure.reason.contains(reason), "\(url): \(failure.reason)")
        }
        // The same bytes under two URLs (and two spellings of one URL) are one file.
        let png = try #require(batch.images[server.url("/img/img.png")]?.success)
        #expect(batch.images[copy]?.success?.file == png.file)
        #expect(batch.images[spelledTwice]?.success == png)

        // Requests per fault: no retry for 4xx, HTML, caps, refused redirects; retries for the
        // rest. (A retry after a timeout that a loaded machine caused is allowed for.)
        func expectRequests(_ path: String, _ n: Int, sourceLocation: SourceLocation = #_sourceLocation) {
            let extra = log.timeouts(server.url(path))
            #expect((n...n + extra).contains(server.count(path)), "\(path): \(server.count(path)) requests", sourceLocation: sourceLocation)
        }
        expectRequests("/img/img.png", 1)
        expectRequests("/404", 1)
        expectRequests("/html", 1)
        expectRequests("/too-many", 1)
        expectRequests("/flaky-500", 2)
        expectRequests("/reset-once", 2)
        expectRequests("/always-503", 3)
        #expect(server.count("/stall") == 3)
        expectRequests("/loop", 6)        // the request and 5 redirects, then stop
        #expect(reset.connections.current == 3)
        // The cap stops the transfer early: far less than the 50 MB body was produced.
        #expect(server.hugeProduced < ImageServer.hugeLength / 2, "server produced \(server.hugeProduced) bytes")
        print("oversized bodies: the server produced \(server.hugeProduced) bytes of its two 50 MB bodies (cap 1 MB)")

        let objects = cache.stats()
        let distinct = Set(good.values).count
        #expect(objects.objects == distinct)
        #expect(objects.tempFiles == 0)
        #expect(batch.summary.requested == good.count + faults.count + 1)   // + the copy URL
        #expect(batch.summary.fetched == good.count + 1)
        #expect(batch.summary.failed == faults.count)
        #expect(batch.summary.failures.count == faults.count)
        #expect(batch.summary.fromCache == 0)

        // Second run, a new instance (a new process): zero requests for what is cached;
        // only the failed http URLs are tried again.
        server.resetCounts()
        let again = try ImageCache(options: testOptions(dir.url) { $0.http.retries = 0; $0.http.maxBytes = 1 << 20 })
        let second = await again.fetch(Array(good.keys) + [copy])
        #expect(server.totalRequests == 0)
        #expect(second.summary.httpRequests == 0)
        #expect(second.summary.fromCache == good.count + 1)
        for (url, bytes) in good { #expect(second.images[url]?.success.flatMap { fileBytes($0.file) } == bytes) }

        await server.stop()
    }

    @Test func trickleWithinTheIdleTimeoutButPastTheTotalOne() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        // 10 pieces 60 ms apart: fine with a 1 s idle timeout, too slow for a 0.3 s total.
        let cache = try ImageCache(options: testOptions(dir.url) { $0.http.totalTimeout = 0.3; $0.http.retries = 1 })
        let r = await cache.image(for: server.url("/trickle-long"))
        #expect(r.failure?.reason.contains("took longer than 0.3 s in all") == true, "\(r)")
        #expect(server.count("/trickle-long") == 2)
        await server.stop()
    }

    // MARK: - Offline and refresh

    @Test func offlineWorksWithTheServerStopped() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let urls = Fixture.all.map { server.url("/img/" + $0.name) }
        let first = await (try ImageCache(options: testOptions(dir.url))).fetch(urls)
        #expect(first.summary.fetched == urls.count)
        let missing = server.url("/img/never-fetched.png")
        await server.stop()

        let offline = try ImageCache(options: testOptions(dir.url) { $0.policy = .offline })
        let batch = await offline.fetch(urls + [missing, "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"])
        #expect(batch.summary.fromCache == urls.count)
        #expect(batch.summary.decoded == 1)
        #expect(batch.summary.httpRequests == 0)
        for (url, f) in zip(urls, Fixture.all) {
            #expect(batch.images[url]?.success.flatMap { fileBytes($0.file) } == f.bytes)
        }
        #expect(batch.images[missing]?.failure?.reason.contains("not in the image cache, and --offline does not download") == true)

        // Normal mode with the server gone: cached images need no network either.
        let normal = await (try ImageCache(options: testOptions(dir.url))).fetch(urls)
        #expect(normal.summary.fromCache == urls.count && normal.summary.failed == 0)
    }

    @Test func refreshRevalidatesWithConditionalRequests() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        server.setImage("/changing.png", makePNG(width: 3, height: 3, seed: 1))
        let urls = [server.url("/img/img.png"), server.url("/img/img.jpg"), server.url("/changing.png")]
        _ = await (try ImageCache(options: testOptions(dir.url))).fetch(urls)
        #expect(server.totalRequests == 3)

        let newer = makePNG(width: 4, height: 2, seed: 2)
        server.setImage("/changing.png", newer)
        server.resetCounts()
        let refresh = try ImageCache(options: testOptions(dir.url) { $0.policy = .refresh })
        let batch = await refresh.fetch(urls)
        #expect(server.totalRequests == 3)
        let sent = server.state.withLock { $0.headers["/img/img.png"] ?? [:] }
        #expect(sent["if-none-match"] != nil)
        #expect(sent["if-modified-since"] == "Tue, 01 Jun 2021 10:00:00 GMT")
        #expect(batch.summary.revalidated == 2)
        #expect(batch.summary.fetched == 1)
        let changed = try #require(batch.images[server.url("/changing.png")]?.success)
        #expect(fileBytes(changed.file) == newer)
        #expect(changed.width == 4 && changed.height == 2)
        // Within one instance each URL is revalidated once.
        _ = await refresh.fetch(urls)
        #expect(server.totalRequests == 3)

        // Refresh with the server gone: the cached copies are used, with a warning.
        await server.stop()
        let stale = try ImageCache(options: testOptions(dir.url) { $0.policy = .refresh; $0.http.retries = 0 })
        let r = await stale.fetch(urls)
        #expect(r.summary.fromCache == 3 && r.summary.failed == 0)
        #expect(r.summary.warnings.count == 3)
        #expect(r.summary.warnings.allSatisfy { $0.reason.contains("could not revalidate") })
        #expect(r.images[server.url("/changing.png")]?.success.flatMap { fileBytes($0.file) } == newer)
    }

    // MARK: - Crashes and damage

    @Test func aKilledRunLeavesTheCacheValid() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let urls = Fixture.all.map { server.url("/img/" + $0.name) }
        let first = await (try ImageCache(options: testOptions(dir.url))).fetch(urls)
        let truncated = try #require(first.images[urls[0]]?.success)
        let flipped = try #require(first.images[urls[1]]?.success)
        let garbled = urls[2]

        // What a killed run (or a bad disk) leaves behind:
        let store = try CacheStore(root: dir.url)
        let tmp = dir.url.appendingPathComponent("tmp")
        let deadWriter = tmp.appendingPathComponent("2147483000-0123.part")      // pid that cannot exist
        try Data(repeating: 7, count: 5000).write(to: deadWriter)
        let stray = tmp.appendingPathComponent("stray.part")
        try Data("x".utf8).write(to: stray)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: stray.path)
        let liveWriter = tmp.appendingPathComponent("\(getpid())-live.part")    // this process: in progress
        try Data("partial".utf8).write(to: liveWriter)
        let h = try FileHandle(forWritingTo: truncated.file)
        try h.truncate(atOffset: UInt64(truncated.byteCount / 2))
        try h.close()
        var bytes = try Data(contentsOf: flipped.file)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: flipped.file)
        try Data("{\"url\": \"trunc".utf8).write(to: store.indexFile(forURL: garbled))

        server.resetCounts()
        let cache = try ImageCache(options: testOptions(dir.url))
        #expect(!FileManager.default.fileExists(atPath: deadWriter.path))
        #expect(!FileManager.default.fileExists(atPath: stray.path))
        #expect(FileManager.default.fileExists(atPath: liveWriter.path))
        let batch = await cache.fetch(urls)
        for (url, f) in zip(urls, Fixture.all) {
            #expect(batch.images[url]?.success.flatMap { fileBytes($0.file) } == f.bytes, "\(f.name)")
        }
        // Exactly the three damaged ones were fetched again.
        #expect(server.totalRequests == 3)
        #expect(server.count("/img/" + Fixture.all[0].name) == 1)
        #expect(server.count("/img/" + Fixture.all[1].name) == 1)
        #expect(server.count("/img/" + Fixture.all[2].name) == 1)
        #expect(batch.summary.fetched == 3 && batch.summary.fromCache == urls.count - 3)
        try FileManager.default.removeItem(at: liveWriter)
        let check = cache.verify()
        #expect(check.isClean, "\(check)")
        #expect(check.objectsChecked == urls.count)
        await server.stop()
    }

    @Test func damageFoundOfflineIsReportedAndVerifyRepairsTheIndex() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let url = server.url("/img/img.gif")
        let image = try #require(await (try ImageCache(options: testOptions(dir.url))).image(for: url).success)
        await server.stop()
        var bytes = try Data(contentsOf: image.file)
        bytes[10] ^= 0x01
        try bytes.write(to: image.file)

        // Size-only checking does not notice a same-size flip; a full verify does.
        let sizeOnly = try ImageCache(options: testOptions(dir.url) { $0.policy = .offline; $0.verification = .size })
        #expect(await sizeOnly.image(for: url).success != nil)
        let offline = try ImageCache(options: testOptions(dir.url) { $0.policy = .offline })
        let r = await offline.image(for: url)
        #expect(r.failure?.reason.contains("SHA-256 does not match") == true, "\(r)")
        #expect(r.failure?.reason.contains("--offline cannot fetch it again") == true)
        // The damaged file was removed on detection; verify drops the entry pointing at it.
        let v = offline.verify()
        #expect(v.entriesRemoved == 1)
        #expect(offline.stats().entries == 0)
    }

    // MARK: - Sharing one cache

    @Test func twoInstancesInParallelShareOneFolder() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let urls = (0..<60).map { server.url("/gen/\($0).png") } + Fixture.all.map { server.url("/img/" + $0.name) }
        let a = try ImageCache(options: testOptions(dir.url))
        let b = try ImageCache(options: testOptions(dir.url))
        async let ra = a.fetch(urls)
        async let rb = b.fetch(urls.reversed())
        let (x, y) = await (ra, rb)
        #expect(x.summary.failed == 0 && y.summary.failed == 0)
        for url in urls {
            let ix = try #require(x.images[url]?.success)
            let iy = try #require(y.images[url]?.success)
            #expect(ix == iy)
            #expect(fileBytes(ix.file).map { Hex.sha256($0) } == ix.sha256)
        }
        let v = a.verify()
        #expect(v.isClean && v.objectsChecked == urls.count && v.entriesChecked == urls.count)
        #expect(a.stats().tempFiles == 0)
        await server.stop()
    }

    @Test func aSecondProcessSharesTheCache() async throws {
        let tool = Paths.benchTool
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            Issue.record("the helper \(tool.path) is not built; run `swift build` (it builds every target) before the tests")
            return
        }
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let urls = (0..<80).map { server.url("/gen/\($0).png") }

        let process = Process()
        process.executableURL = tool
        process.arguments = ["fetch", "--cache", dir.url.path] + urls
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let mine = await (try ImageCache(options: testOptions(dir.url))).fetch(urls.reversed())
        let output = await Task.detached { String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }.value
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "child: \(output)")
        #expect(output.contains("80 images:") && output.contains("0 failed"), "child: \(output)")
        #expect(mine.summary.failed == 0)
        // The child's writes and ours agree; nothing is half-written.
        let third = try ImageCache(options: testOptions(dir.url) { $0.policy = .offline; $0.verification = .always })
        let check = await third.fetch(urls)
        #expect(check.summary.fromCache == urls.count)
        #expect(third.verify().isClean)
        #expect(third.stats().tempFiles == 0)
        await server.stop()
    }

    // MARK: - Limits, headers, progress, data: URLs

    @Test func concurrencyIsBoundedPerHost() async throws {
        let server = try await ImageServer.start(latency: .milliseconds(80))
        let dir = TempDir()
        defer { dir.remove() }
        let cache = try ImageCache(options: testOptions(dir.url) { $0.http.perHostConcurrency = 3 })
        let batch = await cache.fetch((0..<24).map { server.url("/gen/\($0).png") })
        #expect(batch.summary.fetched == 24)
        let peak = server.state.withLock { $0.maxInFlight }
        #expect(peak <= 3)
        #expect(peak >= 2, "downloads should overlap")

        let dir2 = TempDir()
        defer { dir2.remove() }
        let one = try ImageCache(options: testOptions(dir2.url) { $0.http.concurrency = 1 })
        server.state.withLock { $0.maxInFlight = 0 }
        _ = await one.fetch((0..<6).map { server.url("/gen/\($0).png") })
        #expect(server.state.withLock { $0.maxInFlight } == 1)
        await server.stop()
    }

    @Test func userAgentAndRefererPolicy() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        _ = await (try ImageCache(options: testOptions(dir.url))).image(for: server.url("/img/img.png"))
        let plain = server.state.withLock { $0.headers["/img/img.png"] ?? [:] }
        #expect(plain["referer"] == nil)
        #expect(plain["user-agent"] == HTTPOptions.defaultUserAgent)
        #expect(plain["accept"]?.hasPrefix("image/avif,image/webp") == true)

        _ = await (try ImageCache(options: testOptions(dir.url) { $0.http.referer = .origin; $0.http.userAgent = "T/1" }))
            .image(for: server.url("/img/img.gif"))
        let origin = server.state.withLock { $0.headers["/img/img.gif"] ?? [:] }
        #expect(origin["referer"] == server.base + "/")
        #expect(origin["user-agent"] == "T/1")

        _ = await (try ImageCache(options: testOptions(dir.url) { $0.http.referer = .fixed("https://news.example/") }))
            .image(for: server.url("/redirect-once"))
        #expect(server.state.withLock { $0.headers["/img/img.gif"]?["referer"] } == "https://news.example/")
        await server.stop()
    }

    @Test func progressCountsEveryImage() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let seen = Locked<[ImageProgress]>([])
        let cache = try ImageCache(options: testOptions(dir.url) { o in
            o.progress = { p in seen.withLock { $0.append(p) } }
        })
        let urls = (0..<30).map { server.url("/gen/\($0).png") } + [server.url("/404"), server.url("/gen/0.png")]
        let batch = await cache.fetch(urls)
        let log = seen.current
        let last = try #require(log.last)
        #expect(last.total == 31 && last.completed == 31 && last.failed == 1)
        #expect(last.bytesReceived == batch.summary.bytesReceived)
        #expect(batch.summary.bytesReceived > 0)
        #expect(zip(log, log.dropFirst()).allSatisfy { $0.completed <= $1.completed && $0.bytesReceived <= $1.bytesReceived })
        #expect(cache.summary == batch.summary)
        await server.stop()
    }

    @Test func dataURIsAreDecodedIntoTheCache() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let cache = try ImageCache(options: testOptions(dir.url) { $0.policy = .offline })
        let png = makePNG(width: 2, height: 2, seed: 5)
        let labelledGIF = "data:image/gif;base64," + png.base64EncodedString()
        let svg = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%2050%2030'%3E%3C/svg%3E"
        let html = "data:text/html;base64," + Data("<html><body>hi</body></html>".utf8).base64EncodedString()
        let bad = "data:image/png;base64,***"
        let batch = await cache.fetch([labelledGIF, svg, html, bad])
        let p = try #require(batch.images[labelledGIF]?.success)
        #expect(p.mediaType == .png && fileBytes(p.file) == png)
        #expect(batch.images[svg]?.success?.width == 50)
        #expect(batch.images[html]?.failure?.reason.contains("holds an HTML page, not an image (it declares text/html)") == true)
        #expect(batch.images[bad]?.failure?.reason.contains("invalid base64") == true)
        #expect(batch.summary.decoded == 2 && batch.summary.failed == 2)
    }

    /// More images than the resolutions kept in flight at once, asked by two overlapping
    /// calls: every URL settles once, with its own bytes, and the progress adds up.
    @Test func manyImagesAreSettledAWindowAtATime() async throws {
        let dir = TempDir()
        defer { dir.remove() }
        let seen = Locked<[ImageProgress]>([])
        let cache = try ImageCache(options: testOptions(dir.url) { o in
            o.policy = .offline
            o.progress = { p in seen.withLock { $0.append(p) } }
        })
        let pngs = (0..<300).map { makePNG(width: 1 + $0 % 7, height: 1 + $0 / 7, seed: $0) }
        let urls = pngs.map { "data:image/png;base64," + $0.base64EncodedString() }
        let bad = (0..<20).map { "data:image/png;base64,***\($0)" }
        async let a = cache.fetch(urls + bad)
        async let b = cache.fetch(Array((urls + bad).reversed()))
        let (first, second) = await (a, b)
        for batch in [first, second] {
            for (i, u) in urls.enumerated() {
                let img = try #require(batch.images[u]?.success)
                #expect(fileBytes(img.file) == pngs[i])
            }
            for u in bad { #expect(batch.images[u]?.failure != nil) }
        }
        let total = cache.summary
        #expect(total.requested == urls.count + bad.count)
        #expect(total.decoded + total.failed == urls.count + bad.count)
        let last = try #require(seen.withLock { $0.last })
        #expect(last.completed == urls.count + bad.count && last.total == last.completed && last.failed == bad.count)

        // One call: the total is known from the first report on, not counted up as the
        // window moves.
        let alone = Locked<[ImageProgress]>([])
        let single = try ImageCache(options: testOptions(TempDir("single").url) { o in
            o.policy = .offline
            o.progress = { p in alone.withLock { $0.append(p) } }
        })
        _ = await single.fetch(urls)
        let reports = alone.withLock { $0 }
        #expect(!reports.isEmpty && reports.allSatisfy { $0.total == urls.count })
    }

    // MARK: - Stats and prune

    @Test func statsAndPrune() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        let urls = Fixture.all.map { server.url("/img/" + $0.name) } + [server.url("/copy.png")]
        server.setImage("/copy.png", Paths.fixture("img.png"))
        let cache = try ImageCache(options: testOptions(dir.url))
        _ = await cache.fetch(urls)
        let s = cache.stats()
        #expect(s.entries == urls.count)
        #expect(s.objects == Fixture.all.count)
        #expect(s.bytes == Fixture.all.reduce(0) { $0 + $1.bytes.count })
        #expect(s.objectsByType["image/jpeg"] == 3 && s.objectsByType["image/webp"] == 3)
        #expect(s.oldestUse != nil && s.newestUse != nil)

        #expect(cache.prune(olderThan: 3600) == PruneResult())
        // Pretend one URL was last used 100 days ago; pruning at 90 days drops it and
        // nothing else (its image is still used by another URL).
        let old = Date(timeIntervalSinceNow: -100 * 86_400)
        let store = cache.store
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: store.indexFile(forURL: ImageURL.normalize(urls.last!)!).path)
        let r1 = cache.prune(olderThan: try #require(ImageCacheOptions.parseAge("90d")))
        #expect(r1.entriesRemoved == 1 && r1.objectsRemoved == 0)
        // Two days from now, everything is older than a day.
        let r2 = cache.prune(olderThan: 86_400, now: Date(timeIntervalSinceNow: 2 * 86_400))
        #expect(r2.entriesRemoved == Fixture.all.count && r2.objectsRemoved == Fixture.all.count)
        #expect(r2.bytesFreed == s.bytes)
        #expect(cache.stats().entries == 0 && cache.stats().objects == 0)
        await server.stop()
    }

    @Test func optionsDefaults() {
        #expect(ImageCacheOptions.defaultDirectory(environment: ["OFFPRINT_CACHE_DIR": "/x/c", "XDG_CACHE_HOME": "/y"]).path == "/x/c")
        #expect(ImageCacheOptions.defaultDirectory(environment: ["XDG_CACHE_HOME": "/y", "HOME": "/h"]).path == "/y/offprint")
        #expect(ImageCacheOptions.defaultDirectory(environment: ["XDG_CACHE_HOME": "rel", "HOME": "/h"]).path == "/h/.cache/offprint")
        #expect(ImageCacheOptions.parseAge("90d") == TimeInterval(90 * 86_400))
        #expect(ImageCacheOptions.parseAge("12h") == TimeInterval(43_200))
        #expect(ImageCacheOptions.parseAge("2w") == TimeInterval(1_209_600))
        #expect(ImageCacheOptions.parseAge("30") == TimeInterval(30))
        #expect(ImageCacheOptions.parseAge("1.5h") == TimeInterval(5_400))
        #expect(ImageCacheOptions.parseAge("x") == nil && ImageCacheOptions.parseAge("-1d") == nil && ImageCacheOptions.parseAge("") == nil)
        let o = ImageCacheOptions()
        #expect(o.http.concurrency == 8 && o.http.perHostConcurrency == 4 && o.http.maxRedirects == 5 && o.http.maxBytes == 25 * 1024 * 1024)
        #expect(o.http.referer == .none && o.policy == .normal)
    }

    @Test func unusableFolderIsAClearError() throws {
        let dir = TempDir()
        defer { dir.remove() }
        let file = dir.url.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: file)
        #expect {
            _ = try ImageCache(options: ImageCacheOptions(directory: file))
        } throws: { error in
            (error as? OffprintError)?.hint?.contains("pass --cache-dir or set OFFPRINT_CACHE_DIR") == true
        }
    }
}

extension Paths {
    /// The helper executable (`offprint-images-bench`), built beside the test bundle.
    static var benchTool: URL {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        // On Linux the tests run from <build>/debug/OffprintPackageTests.xctest.
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        return dir.appendingPathComponent("offprint-images-bench")
    }
}

@Suite struct AssetFolderTests {
    private func image(_ url: String, _ bytes: Data, _ type: MediaType = .png) -> CachedImage {
        CachedImage(url: url, file: URL(fileURLWithPath: "/nonexistent"), sha256: Hex.sha256(bytes),
                    mediaType: type, byteCount: bytes.count)
    }

    @Test func namesAreReadableStableAndDistinct() {
        var folder = AssetFolder(directory: URL(fileURLWithPath: "/tmp/x.assets"))
        let a = image("https://example.com/img/Cat%20Photo.JPG?w=640", Data([1]))
        let b = image("https://cdn.example.org/other/cat-photo.png", Data([2]))
        let aAgain = image("https://mirror.example.net/whatever.gif", Data([1]))
        #expect(folder.fileName(for: a) == "Cat-Photo.png")
        // Names differing only by case clash on macOS and Windows file systems.
        #expect(folder.fileName(for: b) == "cat-photo-2.png")
        let c = image("https://example.com/cat-photo.webp", Data([3]), .png)
        #expect(folder.fileName(for: c) == "cat-photo-3.png")
        #expect(folder.fileName(for: aAgain) == "Cat-Photo.png")     // same bytes, same file
        #expect(folder.fileName(for: image("https://example.com/show-image.php?id=3", Data([4]), .jpeg)) == "show-image.jpg")
    }

    @Test func meaninglessNamesUseTheHash() {
        var folder = AssetFolder(directory: URL(fileURLWithPath: "/tmp/x.assets"))
        let wechat = image("https://mmbiz.qpic.cn/mmbiz_jpg/AbCdEf/640?wx_fmt=jpeg", Data([5]), .jpeg)
        let chinese = image("https://example.cn/图片/猫.png", Data([6]))
        let hashy = image("https://zkres1.myzaker.com/202108/611efbd68e9f0972d25236fd_1024.jpg", Data([7]), .jpeg)
        let inline = image("data:image/png;base64,AAAA", Data([8]))
        let generic = image("https://example.com/2021/img.png", Data([9]))
        for img in [wechat, chinese, hashy, inline, generic] {
            #expect(folder.fileName(for: img) == "image-\(img.sha256.prefix(10)).\(img.fileExtension)")
        }
        let random = image("https://image.woshipm.com/wp-files/2021/08/WzlA1Y8hQWTiMqzEFZJC.jpg", Data([10]), .jpeg)
        #expect(folder.fileName(for: random) == "WzlA1Y8hQWTiMqzEFZJC.jpg")
        #expect(AssetFolder.stem(fromURL: "https://example.com/") == "")
        #expect(AssetFolder.stem(fromURL: "https://example.com/a/" + String(repeating: "long-name-", count: 10) + ".png").count <= 64)
    }

    @Test func placeCopiesIntoTheFolder() async throws {
        let server = try await ImageServer.start()
        let dir = TempDir()
        defer { dir.remove() }
        server.setImage("/pics/sunset.jpg", Paths.fixture("img.jpg"))
        server.setImage("/pics/diagram.php", Paths.fixture("img.png"))
        let urls = [server.url("/pics/sunset.jpg"), server.url("/pics/diagram.php"), server.url("/redirect-once")]
        let cache = try ImageCache(options: testOptions(dir.url.appendingPathComponent("cache")))
        let batch = await cache.fetch(urls)
        await server.stop()
        var folder = AssetFolder(directory: dir.url.appendingPathComponent("notes/post.assets"))
        var placed: [String] = []
        for url in urls {
            let img = try #require(batch.images[url]?.success)
            let file = try folder.place(img)
            #expect(fileBytes(file) == fileBytes(img.file))
            placed.append(file.lastPathComponent)
        }
        #expect(placed == ["sunset.jpg", "diagram.png", "redirect-once.gif"])
        // Copies, not links: changing the export leaves the cache whole.
        try Data("edited".utf8).write(to: dir.url.appendingPathComponent("notes/post.assets/diagram.png"))
        #expect(cache.verify().isClean)
        // Placing again replaces the edited file and keeps an identical one.
        let again = try folder.place(try #require(batch.images[urls[1]]?.success))
        #expect(fileBytes(again) == Paths.fixture("img.png"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent("notes/post.assets").path)
        #expect(names.sorted() == ["diagram.png", "redirect-once.gif", "sunset.jpg"])
    }
}

@Suite struct FailureTextTests {
    @Test func longDataURLsAreShortenedForDisplay() {
        let long = "data:image/png;base64," + String(repeating: "A", count: 5000)
        let f = ImageFailure(url: long, reason: "invalid base64")
        #expect(f.description == "data:image/png;base64,AAAAAAAAAAAAAAAAAA… (5022 characters): invalid base64")
        #expect(ImageFailure(url: "https://x/a.png", reason: "HTTP 404").description == "https://x/a.png: HTTP 404")
    }
}
