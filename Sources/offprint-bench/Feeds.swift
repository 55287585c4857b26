import Foundation
import Offprint
import OffprintSupport

/// `offprint bundle FEED` of a 500- and a 5,000-entry RSS 2.0 feed (the corpus's clean
/// article texts as `content:encoded`, no images): wall, CPU, peak memory and book size,
/// so that memory can be seen to stay bounded as the feed grows (entries stream through the
/// XML reader into the article store, which spills past its budget).
enum FeedBench {
    static func run(corpus: Corpus, config: Config) async throws {
        print("## Feeds: one RSS file with N entries (`offprint bundle feed.xml --fetch-entries never`)")
        print("")
        let dir = config.work + "/feeds"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let bodies = try BundleBench.articleBodies(corpus: corpus)
        print("| entries | feed | wall | CPU | peak RSS | EPUB |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for n in config.feedSizes {
            let feed = "\(dir)/feed-\(n).xml"
            let out = "\(dir)/feed-\(n).epub"
            try write(feed, entries: n, bodies: bodies)
            let size = (try? FileManager.default.attributesOfItem(atPath: feed)[.size] as? Int) ?? 0
            let argv = [config.offprint, "bundle", feed, "-o", out, "--offline", "--cache-dir", dir + "/cache",
                        "--quiet", "--fetch-entries", "never"]
            let r = try await Task.detached { try Spawn.best(argv, runs: 1) }.value
            let epub = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            print("| \(n) | \(mib(size)) | \(fmt(r.wall, 2)) s | \(fmt(r.cpu, 2)) s | \(mib(r.peakRSS)) | \(mib(epub)) |")
        }
        print("")
    }

    /// Writes the feed a chunk at a time (the big one is tens of MB).
    static func write(_ path: String, entries n: Int, bodies: [(String, String)]) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? h.close() }
        try h.write(contentsOf: Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <channel><title>Bench feed</title><link>https://bench.example/</link><description>offprint-bench</description>

            """.utf8))
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        var chunk = ""
        for i in 0..<n {
            let (title, body) = bodies[i % bodies.count]
            let date = f.string(from: Date(timeIntervalSince1970: 1_700_000_000 + Double(i) * 3600))
            chunk += "<item><title>\(escape("\(i + 1). \(title)"))</title><link>https://bench.example/\(i)</link><guid>bench-\(i)</guid>"
                + "<dc:creator>Bench</dc:creator><pubDate>\(date)</pubDate>"
                + "<content:encoded><![CDATA[\(body.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>"))]]></content:encoded></item>\n"
            if chunk.utf8.count > 1 << 20 {
                try h.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try h.write(contentsOf: Data((chunk + "</channel></rss>\n").utf8))
    }

    static func escape(_ s: String) -> String {
        Escape.html(s)
    }
}
