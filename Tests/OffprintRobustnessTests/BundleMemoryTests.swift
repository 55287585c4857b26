import Foundation
import OffprintTestSupport
import Testing
import Offprint

/// Big books in bounded memory: the Bundler's articles wait in a temporary file past its
/// memory budget (ArticleStore), and the EPUB builder drops chapter trees past its own; the
/// book must be the same bytes whichever way it was built.
@Suite struct BundleMemoryTests {
    @Test func aBookBuiltFromTheTemporaryFileIsTheSameBook() async throws {
        let dir = try TempDir.create("bundle-memory")
        defer { try? FileManager.default.removeItem(at: dir) }
        var inputs: [String] = []
        // Generated articles (links between them, headings, a table, Chinese text) and, when
        // present, the corpus's posts.
        for i in 0..<30 {
            let next = String(format: "a%02d.html", (i + 1) % 30)
            let html = """
                <html lang="\(i % 3 == 0 ? "zh-CN" : "en")"><head><meta charset="utf-8"><title>Article \(i)</title>
                <meta property="article:published_time" content="2024-01-\(String(format: "%02d", i % 28 + 1))T08:00:00Z"></head>
                <body><article><h1>Article \(i)</h1><p>First paragraph \(i), 中文内容第\(i)段。 See <a href="\(next)">the next one</a>.</p>
                <h2 id="s\(i)">Section</h2><table><tr><th>k</th><th>v</th></tr><tr><td>\(i)</td><td>\(i * i)</td></tr></table>
                \(String(repeating: "<p>Body text of article \(i), with <em>emphasis</em> and <code>code</code>.</p>", count: 20))
                </article></body></html>
                """
            let path = dir.appendingPathComponent(String(format: "a%02d.html", i)).path
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
            inputs.append(path)
        }
        inputs += Corpus.files("hexo", suffix: ".md").map(\.path)

        let cache = try ImageCache(options: ImageCacheOptions(directory: dir.appendingPathComponent("cache"), policy: .offline))
        func build(_ name: String, articleMemory: Int, chapterMemory: Int) async throws -> (Data, BundleResult) {
            var options = BundleOptions()
            options.metadata.title = "Memory"
            options.articleMemoryLimit = articleMemory
            options.epub.chapterMemoryLimit = chapterMemory
            options.epub.modified = Date(timeIntervalSince1970: 1_700_000_000)
            let out = dir.appendingPathComponent(name)
            let result = try await Bundler(options: options).bundle(inputs, to: out, images: cache)
            return (try Data(contentsOf: out), result)
        }
        let (roomy, r1) = try await build("roomy.epub", articleMemory: 1 << 30, chapterMemory: 1 << 30)
        let (tight, r2) = try await build("tight.epub", articleMemory: 1, chapterMemory: 1)
        #expect(r1.report.chapters.count == inputs.count)
        #expect(r2.report.chapters.map(\.title) == r1.report.chapters.map(\.title))
        #expect(roomy == tight, "the book changed when its articles and chapters were kept out of memory")
        // Nothing left next to the book but the two books and the inputs.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasSuffix(".html") && $0 != "cache" }.sorted()
        #expect(left == ["roomy.epub", "tight.epub"])
    }
}
