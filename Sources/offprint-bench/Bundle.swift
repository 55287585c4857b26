import FlyingFox
import Foundation
import Offprint

/// `offprint bundle` of 50 / 500 / 1000 articles from a warm image cache: wall, CPU, peak
/// memory and book size, and how memory grows with the number of articles.
///
/// The articles are the corpus's clean article texts (Readability's expected pages and the
/// Hexo posts' bodies) with their images taken out and two images of a local server put
/// in (a 40 KB and a 2 KB JPEG, all distinct); the cache is filled from that server first,
/// then every book is built `--offline`.
enum BundleBench {
    /// A real JPEG (Tests/OffprintImagesTests/Fixtures/img.jpg); each served copy gets distinct bytes after its end (decoders ignore
    /// them), so every URL is a different image of the wanted size.
    static let jpeg: [UInt8] = Array(Data(base64Encoded: "/9j/4QC8RXhpZgAASUkqAAgAAAAGABIBAwABAAAAAQAAABoBBQABAAAAVgAAABsBBQABAAAAXgAAACgBAwABAAAAAgAAABMCAwABAAAAAQAAAGmHBAABAAAAZgAAAAAAAAA4YwAA6AMAADhjAADoAwAABgAAkAcABAAAADAyMTABkQcABAAAAAECAwAAoAcABAAAADAxMDABoAMAAQAAAP//AAACoAQAAQAAACUAAAADoAQAAQAAABcAAAAAAAAA/9sAQwAIBgYHBgUIBwcHCQkICgwUDQwLCwwZEhMPFB0aHx4dGhwcICQuJyAiLCMcHCg3KSwwMTQ0NB8nOT04MjwuMzQy/9sAQwEJCQkMCwwYDQ0YMiEcITIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIy/8AAEQgAFwAlAwEiAAIRAQMRAf/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/EAB8BAAMBAQEBAQEBAQEAAAAAAAABAgMEBQYHCAkKC//EALURAAIBAgQEAwQHBQQEAAECdwABAgMRBAUhMQYSQVEHYXETIjKBCBRCkaGxwQkjM1LwFWJy0QoWJDThJfEXGBkaJicoKSo1Njc4OTpDREVGR0hJSlNUVVZXWFlaY2RlZmdoaWpzdHV2d3h5eoKDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uLj5OXm5+jp6vLz9PX29/j5+v/aAAwDAQACEQMRAD8A5miiigAooooAKKKKACiiigAooooAKKKKAP/Z")!)

    static func image(_ name: String, size: Int) -> [UInt8] {
        var out = jpeg
        var state: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a of the name: the same bytes every run
        for b in name.utf8 { state = (state ^ UInt64(b)) &* 0x100_0000_01B3 }
        state |= 1
        while out.count < size {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            withUnsafeBytes(of: state) { out.append(contentsOf: $0) }
        }
        return out
    }

    static func run(corpus: Corpus, config: Config) async throws {
        print("## Bundle: books from a warm image cache (`offprint bundle … --offline`)")
        print("")
        guard let help = try? Spawn.run([config.offprint, "bundle", "--help"]), help.status == 0 else {
            print("skipped: this offprint has no `bundle` command")
            print("")
            return
        }
        let sizes = config.bundleSizes.sorted()
        guard let most = sizes.last, most > 0 else { return }

        // The image server, and the articles pointing at it.
        let handler = ClosureHTTPHandler { request in
            let size = request.path.hasSuffix("-big.jpg") ? 40_000 : 2_000
            return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "image/jpeg", .connection: "close"]),
                                body: Data(image(request.path, size: size)))
        }
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 60, logger: .disabled, handler: handler)
        let serving = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 60)
        guard case .ip4(_, let port)? = await server.listeningAddress else { throw BenchError("the image server did not start") }

        let dir = config.work + "/bundle"
        let articles = dir + "/articles"
        try FileManager.default.createDirectory(atPath: articles, withIntermediateDirectories: true)
        let sources = try articleBodies(corpus: corpus)
        var paths: [String] = []
        var urls: [String] = []
        var htmlBytes = 0
        for i in 0..<most {
            let (title, body) = sources[i % sources.count]
            let big = "http://127.0.0.1:\(port)/img/\(i)-big.jpg", small = "http://127.0.0.1:\(port)/img/\(i)-small.jpg"
            urls += [big, small]
            let html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>\(i + 1). \(title)</title></head><body>"
                + "<p><img src=\"\(big)\" alt=\"figure\"></p>" + body + "<p><img src=\"\(small)\" alt=\"icon\"></p></body></html>\n"
            let p = String(format: "%@/%05d.html", articles, i)
            try Data(html.utf8).write(to: URL(fileURLWithPath: p))
            paths.append(p)
            htmlBytes += html.utf8.count
        }
        let cacheDir = dir + "/cache"
        let cache = try ImageCache(options: ImageCacheOptions(directory: URL(fileURLWithPath: cacheDir)))
        let start = ContinuousClock.now
        let batch = await cache.fetch(urls)
        let fill = seconds(ContinuousClock.now - start)
        await server.stop()
        serving.cancel()
        print("articles: \(most) pages, \(fmt(mb(htmlBytes))) MB of HTML, \(urls.count) images (\(fmt(mb(most * 42_000))) MB) in the cache "
              + "(filled in \(fmt(fill, 1)) s over loopback, \(batch.summary.failed) failed)")
        print("")
        print("| articles | wall | CPU | peak RSS | EPUB | MB of HTML/s |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in sizes {
            let out = "\(dir)/book-\(n).epub"
            let argv = [config.offprint, "bundle"] + Array(paths.prefix(n))
                + ["-o", out, "--offline", "--cache-dir", cacheDir, "--quiet", "--title", "Bench \(n)"]
            let r = try await Task.detached { try Spawn.best(argv, runs: 1) }.value
            let epub = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            let bytes = paths.prefix(n).reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
            print("| \(n) | \(fmt(r.wall, 2)) s | \(fmt(r.cpu, 2)) s | \(mib(r.peakRSS)) | \(mib(epub)) | \(fmt(mb(bytes) / r.wall, 1)) |")
        }
        print("")
    }

    /// (title, body HTML without images) of each clean article of the corpus.
    static func articleBodies(corpus: Corpus) throws -> [(String, String)] {
        var out: [(String, String)] = []
        let root = URL(fileURLWithPath: corpus.root)
        var files: [URL] = []
        let readability = root.appendingPathComponent("readability")
        for name in ((try? FileManager.default.contentsOfDirectory(atPath: readability.path)) ?? []).sorted() {
            let f = readability.appendingPathComponent(name).appendingPathComponent("expected.html")
            if FileManager.default.fileExists(atPath: f.path) { files.append(f) }
        }
        files += corpus.files.filter { $0.source == "hexo" }.map { URL(fileURLWithPath: $0.path) }
        for f in files {
            let data = try Data(contentsOf: f)
            let body = f.pathExtension == "md" ? Corpus.body(ofPost: data) : Corpus.body(ofPage: data)
            let html = String(decoding: body, as: UTF8.self)
            let title = f.pathExtension == "md" ? f.deletingPathExtension().lastPathComponent : f.deletingLastPathComponent().lastPathComponent
            out.append((title, withoutImages(html)))
        }
        if out.isEmpty { throw BenchError("no articles for the bundle benchmark in \(corpus.root)") }
        return out
    }

    /// `html` with every `<img>`, `<picture>`, `<source>`, `<video>`, `<audio>` and `<iframe>`
    /// tag taken out, so that the books use only the local server's images.
    static func withoutImages(_ html: String) -> String {
        var out = ""
        var rest = html[...]
        let tags = ["<img", "<picture", "</picture", "<source", "<video", "</video", "<audio", "</audio", "<iframe", "</iframe"]
        while let lt = rest.firstIndex(of: "<") {
            out += rest[..<lt]
            let tail = rest[lt...].prefix(10).lowercased()
            if tags.contains(where: { tail.hasPrefix($0) }), let gt = rest[lt...].firstIndex(of: ">") {
                rest = rest[rest.index(after: gt)...]
            } else {
                out += "<"
                rest = rest[rest.index(after: lt)...]
            }
        }
        return out + rest
    }
}
