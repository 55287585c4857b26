import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument
import OffprintEPUB
import OffprintImages
import Testing

/// Books built from the real corpus: both epubchecks must report nothing, every article's
/// text must be in its chapter, and two builds must be byte-identical.
@Suite("Corpus books")
struct CorpusBookTests {
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-epub-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// Builds, runs both epubchecks, compares texts; returns the report and the per-article recall.
    static func check(_ articles: [Article], metadata: BookMetadata, name: String, options: EPUBOptions = EPUBOptions(),
                      minRecall: Double = 0.97) async throws -> (BuildReport, ZipReader) {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = try TestImageProvider()
        let out = dir.appendingPathComponent(name + ".epub")
        let report = try await EPUBBuilder(options: options).build(articles: articles, metadata: metadata, images: images, to: out)
        if let keep = ProcessInfo.processInfo.environment["OFFPRINT_EPUB_KEEP"] {
            try? FileManager.default.removeItem(atPath: keep + "/" + name + ".epub")
            try? FileManager.default.copyItem(atPath: out.path, toPath: keep + "/" + name + ".epub")
        }
        let problems = Epubcheck.run(out)
        #expect(problems.isEmpty, "\(name): \(problems.count) epubcheck messages:\n\(problems.prefix(40).map(\.description).joined(separator: "\n"))")

        let zip = try ZipReader(out)
        // Every article's visible text is in its chapter files.
        var recalls: [Double] = []
        for (i, chapter) in report.chapters.enumerated() {
            guard let a = articles.first(where: { $0.origin == chapter.origin }) else { continue }
            let source = TextTokens.tokens(TextTokens.visibleText(a.document, under: a.content))
            var text = ""
            for f in chapter.files {
                let xhtml = try #require(zip.string(f), "missing \(f)")
                let doc = HTMLParser.parse(xhtml)
                text += TextTokens.visibleText(doc, under: doc.body!) + " "
            }
            let r = TextTokens.recall(source: source, target: TextTokens.tokens(text))
            recalls.append(r)
            #expect(r >= minRecall, "\(name) chapter \(i + 1) (\(chapter.origin)): only \(Int(r * 1000)) ‰ of the source text is in the chapter")
        }
        let mean = recalls.reduce(0, +) / Double(max(1, recalls.count))
        print("\(name): \(report.chapters.count) chapters, \(report.imagesEmbedded) images embedded, \(report.imagesFailed) failed, \(report.bytes) bytes, text recall mean \(String(format: "%.4f", mean)) min \(String(format: "%.4f", recalls.min() ?? 1)), \(report.diagnostics.count) diagnostics")

        if ProcessInfo.processInfo.environment["OFFPRINT_EPUB_VERBOSE"] != nil {
            for d in report.diagnostics { print("  \(d)") }
        }
        // Same inputs, same bytes.
        let again = dir.appendingPathComponent(name + "-2.epub")
        _ = try await EPUBBuilder(options: options).build(articles: articles, metadata: metadata, images: images, to: again)
        #expect(try Data(contentsOf: out) == Data(contentsOf: again), "\(name): two builds differ")
        return (report, zip)
    }

    @Test("Hexo posts (Chinese, proxied images) make a valid book", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func hexoBook() async throws {
        let files = Corpus.files("hexo", suffix: ".md")
        guard !files.isEmpty else {
            Issue.record("incomplete corpus: ../shared/corpus/hexo not found next to the repository")
            return
        }
        var articles = try files.map(Corpus.hexo)
        if let seed = Corpus.root?.appendingPathComponent("seed/000_f50aad5d968fa226.txt") {
            articles.append(try Corpus.hexo(seed))
        }
        for i in articles.indices {
            // What the cleanup passes will do: lazy images and proxy prefixes.
            Self.unproxyImages(&articles[i])
        }
        let meta = BookMetadata(title: "RSS 精选 & \"Hexo\" <合集>", creators: ["Offprint Test"], series: "周刊", seriesIndex: 3)
        let (report, zip) = try await Self.check(articles, metadata: meta, name: "hexo")
        #expect(report.chapters.count == articles.count)
        #expect(report.imagesEmbedded > 0)
        let opf = try #require(zip.string("EPUB/package.opf"))
        #expect(opf.contains("<dc:language>zh</dc:language>"))
        #expect(opf.contains("properties=\"cover-image\""))
        #expect(opf.contains("belongs-to-collection"))
        #expect(opf.contains("<meta name=\"calibre:series_index\" content=\"3\"/>"))
        #expect(opf.contains("&amp; &quot;Hexo&quot; &lt;合集&gt;"))
        // No remote image left.
        for name in zip.names where name.hasSuffix(".xhtml") {
            let x = zip.string(name) ?? ""
            #expect(!x.contains("src=\"http"), "\(name) keeps a remote image")
        }
    }

    @Test("Readability's extracted articles (many languages, RTL, tables, lazy images) make a valid book", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func readabilityBook() async throws {
        guard let root = Corpus.root else {
            Issue.record("incomplete corpus: ../shared/corpus not found next to the repository")
            return
        }
        let dir = root.appendingPathComponent("readability")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasSuffix(".tsv") }.sorted()
        let articles = try names.map { try Corpus.readability(dir.appendingPathComponent($0)) }
        let meta = BookMetadata(title: "Readability pages", language: LanguageTag("en"), publisher: "Offprint tests",
                                description: "The extracted articles of Readability's test pages.")
        let (report, _) = try await Self.check(articles, metadata: meta, name: "readability")
        #expect(report.chapters.count == articles.count)
    }

    @Test("Whole Chinese and English news pages (scripts, forms, iframes, SVG) make a valid book", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func fullPagesBook() async throws {
        let files = Corpus.files("gne", suffix: ".html") + Corpus.files("aeb", suffix: ".html")
        guard !files.isEmpty else {
            Issue.record("incomplete corpus: ../shared/corpus/gne and aeb not found next to the repository")
            return
        }
        let articles = try files.map(Corpus.page)
        let meta = BookMetadata(title: "News pages", creators: ["A", "B"])
        let (report, _) = try await Self.check(articles, metadata: meta, name: "pages", minRecall: 0.95)
        #expect(report.chapters.count == articles.count)
    }

    /// Moves lazy-loading URLs into `src` and strips the corpus' CORS proxy, as OffprintCleanup will.
    static func unproxyImages(_ a: inout Article) {
        for img in a.document.elements(named: "img") {
            let n = a.document[img]
            if let real = n.attribute("data-original") ?? n.attribute("data-src") {
                a.document.setAttribute("src", real, on: img)
            }
            if let s = a.document[img].attribute("src"), s.hasPrefix("https://cors.zfour.workers.dev/?") {
                a.document.setAttribute("src", String(s.dropFirst("https://cors.zfour.workers.dev/?".count)), on: img)
            }
        }
    }
}
