import Foundation
import OffprintArticle
import OffprintDocument
import OffprintEPUB
import Testing

/// Books of many articles: timings are printed (never asserted), results checked.
@Suite("EPUB scale")
struct ScaleTests {
    /// Every corpus article: Hexo posts, Readability's extracted articles, whole news pages.
    static func corpusArticles() throws -> [Article] {
        guard let root = Corpus.root else { return [] }
        var out = try Corpus.files("hexo", suffix: ".md").map(Corpus.hexo)
        for i in out.indices { CorpusBookTests.unproxyImages(&out[i]) }
        let rdir = root.appendingPathComponent("readability")
        let names = try FileManager.default.contentsOfDirectory(atPath: rdir.path).filter { !$0.hasSuffix(".tsv") }.sorted()
        out += try names.map { try Corpus.readability(rdir.appendingPathComponent($0)) }
        out += try (Corpus.files("gne", suffix: ".html") + Corpus.files("aeb", suffix: ".html")).map(Corpus.page)
        return out
    }

    static func peakMemoryMB() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) / 1024
    }

    @Test("A 50-article book from a warm image cache: timed, valid", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func fiftyArticles() async throws {
        let all = try Self.corpusArticles()
        guard all.count >= 50 else {
            Issue.record("incomplete corpus: the corpus (../shared/corpus) is needed for 50 articles")
            return
        }
        let articles = Array(all.prefix(50))
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = try TestImageProvider()
        let meta = BookMetadata(title: "Fifty")
        let out = dir.appendingPathComponent("fifty.epub")
        _ = try await EPUBBuilder().build(articles: articles, metadata: meta, images: images, to: out)  // warms the cache
        let clock = ContinuousClock()
        var report: BuildReport?
        let elapsed = try await clock.measure {
            report = try await EPUBBuilder().build(articles: articles, metadata: meta, images: images, to: out)
        }
        let r = try #require(report)
        print("50-article book: \(elapsed) (warm cache), \(r.bytes / 1024) KiB, \(r.chapters.count) chapters, \(r.imagesEmbedded) images")
        #expect(r.chapters.count == 50)
        EdgeCaseTests.expectValid(out, "fifty")
    }

    /// 500 articles by default (a debug build takes about 20 ms an article);
    /// `OFFPRINT_EPUB_SCALE=2000` for a measurement.
    @Test("Hundreds of articles: chapters spilled to temporary files give the same bytes as in memory", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func thousands() async throws {
        let count = ProcessInfo.processInfo.environment["OFFPRINT_EPUB_SCALE"].flatMap { Int($0) } ?? 500
        let all = try Self.corpusArticles()
        guard !all.isEmpty else {
            Issue.record("incomplete corpus: ../shared/corpus not found next to the repository")
            return
        }
        var articles: [Article] = []
        for i in 0..<count {
            var a = all[i % all.count]
            a.origin = "copy-\(i)/" + a.origin
            a.sourceURL = "https://mirror.example/\(i)"
            articles.append(a)
        }
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = try TestImageProvider()
        let meta = BookMetadata(title: "Thousands")
        let clock = ContinuousClock()
        let before = Self.peakMemoryMB()
        var report: BuildReport?
        let inMemory = dir.appendingPathComponent("memory.epub")
        let t1 = try await clock.measure {
            report = try await EPUBBuilder().build(articles: articles, metadata: meta, images: images, to: inMemory)
        }
        let spilled = dir.appendingPathComponent("spilled.epub")
        let t2 = try await clock.measure {
            _ = try await EPUBBuilder(options: EPUBOptions(chapterMemoryLimit: 1 << 20)).build(articles: articles, metadata: meta, images: images, to: spilled)
        }
        let r = try #require(report)
        print("\(count)-article book: \(t1) in memory, \(t2) spilled to files; \(r.bytes / 1024 / 1024) MiB, \(r.chapters.reduce(0) { $0 + $1.files.count }) XHTML files; peak RSS \(before) → \(Self.peakMemoryMB()) MiB")
        #expect(r.chapters.count == count)
        #expect(try Data(contentsOf: inMemory) == Data(contentsOf: spilled))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        let zip = try ZipReader(spilled, preload: true)
        #expect(zip.names.filter { $0.hasPrefix("EPUB/text/ch") }.count == r.chapters.reduce(0) { $0 + $1.files.count })
    }
}
