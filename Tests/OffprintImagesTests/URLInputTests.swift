import Foundation
import OffprintTestSupport
import Testing

/// `offprint export URL` / `offprint bundle URL`: the real binary against the loopback
/// server (pages fetched through the same HTTP client as images).
@Suite(.serialized) struct URLInputTests {
    /// The built binary, off the cooperative pool (the loopback server needs it).
    func offprint(_ args: [String]) async throws -> CLI.Result { try await CLI.runDetached(args) }

    @Test func aRedirectedPageResolvesRelativeImagesAgainstItsFinalURL() async throws {
        let server = try await ImageServer.start()
        let work = TempDir("url")
        defer { work.remove() }
        let out = work.url.appendingPathComponent("out/")
        let r = try await offprint(["export", server.url("/old-post"), "-o", out.path + "/"])
        #expect(r.status == 0, "\(r.stderr)")
        // The output name comes from the URL's path.
        let md = try String(contentsOf: out.appendingPathComponent("old-post.md"), encoding: .utf8)
        #expect(md.contains(server.url("/articles/img/a.png")), "\(md)")
        #expect(md.contains(server.url("/about.html")), "\(md)")
        #expect(md.contains(server.url("/articles/post.html")), "the source URL is recorded: \(md)")

        // With --images download, the image is fetched through the same client.
        let out2 = work.url.appendingPathComponent("dl/post.md")
        let r2 = try await offprint(["export", server.url("/old-post"), "--images", "download", "--cache-dir",
                               work.url.appendingPathComponent("cache").path, "-o", out2.path])
        #expect(r2.status == 0, "\(r2.stderr)")
        let md2 = try String(contentsOf: out2, encoding: .utf8)
        #expect(md2.contains("](post.assets/"), "\(md2)")
        await server.stop()
    }

    @Test func aMissingPageIsAClearErrorNamingTheURLAndStatus() async throws {
        let server = try await ImageServer.start()
        let work = TempDir("url")
        defer { work.remove() }
        let r = try await offprint(["export", server.url("/404"), "-o", work.url.appendingPathComponent("x.md").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(server.url("/404")) && r.stderr.contains("HTTP 404 Not Found"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: work.url.appendingPathComponent("x.md").path))
        await server.stop()
    }

    @Test func aNonHTMLResponseIsAClearError() async throws {
        let server = try await ImageServer.start()
        let work = TempDir("url")
        defer { work.remove() }
        let r = try await offprint(["export", server.url("/articles/img/a.png"), "-o", work.url.appendingPathComponent("x.md").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(server.url("/articles/img/a.png")) && r.stderr.contains("image/png, not an HTML page"), "\(r.stderr)")
        let ftp = try await offprint(["export", "ftp://127.0.0.1/x.html", "-o", work.url.appendingPathComponent("y.md").path])
        #expect(ftp.status == 1 && ftp.stderr.contains("ftp: URLs are not fetched"), "\(ftp.stderr)")
        await server.stop()
    }

    @Test func theHeaderCharsetDecodesAPageWithoutAMeta() async throws {
        let server = try await ImageServer.start()
        let work = TempDir("url")
        defer { work.remove() }
        let out = work.url.appendingPathComponent("gbk.md")
        let r = try await offprint(["export", server.url("/page/gbk"), "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOf: out, encoding: .utf8)
        #expect(md.contains("中文测试"), "the Content-Type charset (gbk) must decode the page: \(md)")
        await server.stop()
    }

    @Test func bundleTakesURLs() async throws {
        let server = try await ImageServer.start()
        let work = TempDir("url")
        defer { work.remove() }
        let book = work.url.appendingPathComponent("book.epub")
        let r = try await offprint(["bundle", server.url("/old-post"), server.url("/page/gbk"), "--cache-dir",
                              work.url.appendingPathComponent("cache").path, "-o", book.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: book.path))
        #expect(server.count("/articles/img/a.png") == 1, "the redirected page's relative image was fetched")
        let bad = try await offprint(["bundle", server.url("/old-post"), server.url("/404"), "--cache-dir",
                                work.url.appendingPathComponent("cache").path, "-o", work.url.appendingPathComponent("b2.epub").path])
        #expect(bad.status == 1 && bad.stderr.contains(server.url("/404")) && bad.stderr.contains("HTTP 404"), "\(bad.stderr)")
        await server.stop()
    }
}
