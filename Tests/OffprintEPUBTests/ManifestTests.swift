import OffprintSupport
import Foundation
import OffprintSupport
import OffprintArticle
import OffprintDocument
import OffprintEPUB
import Testing

@Suite("Collection manifest")
struct ManifestTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let example = repo.appendingPathComponent("examples/collection.yml")

    @Test("examples/collection.yml reads, lists files that exist, and builds a valid book")
    func example() async throws {
        let m = try CollectionManifest.load(from: Self.example)
        #expect(m.diagnostics.isEmpty, "\(m.diagnostics)")
        #expect(m.metadata.title == "科技周报 · Tech Weekly")
        #expect(m.metadata.creators == ["Offprint"])
        #expect(m.metadata.language?.value == "zh-CN")
        #expect(m.metadata.seriesIndex == 1)
        #expect(m.metadata.subjects == ["软件", "安全"])
        #expect(m.order == .date)
        #expect(m.entries.count == 3)
        #expect(m.entries.allSatisfy { FileManager.default.fileExists(atPath: $0.file.path) })
        #expect(m.entries[1].title == "版本号变成三位数后，Chrome 可能会“无法使用”")
        #expect(m.entries[1].authors == ["ZAKER 编辑部"])
        #expect(m.entries[2].file.lastPathComponent == "metasploit-6-2.md")

        let loaded = try m.entries.map { try Corpus.hexo($0.file) }
        let articles = m.arrange(loaded)
        // sort: date — Chrome (2021-12-30), Exchange (2022-01-01), Metasploit (2022-06-15).
        #expect(articles.map { URL(fileURLWithPath: $0.origin).lastPathComponent } == ["chrome-three-digit-version.md", "exchange-2022-date-bug.md", "metasploit-6-2.md"])
        #expect(articles[0].title == "版本号变成三位数后，Chrome 可能会“无法使用”")
        #expect(articles[0].authors == ["ZAKER 编辑部"])

        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("example.epub")
        let report = try await EPUBBuilder().build(articles: articles, metadata: m.metadata, images: try TestImageProvider(), to: out)
        EdgeCaseTests.expectValid(out, "example")
        let zip = try ZipReader(out, preload: true)
        let opf = try #require(zip.string("EPUB/package.opf"))
        #expect(opf.contains("<dc:language>zh-CN</dc:language>"))
        #expect(opf.contains("<dc:date>2022-06-30</dc:date>"))
        #expect(opf.contains("<dc:subject>安全</dc:subject>"))
        #expect(report.chapters.map(\.title).first == "版本号变成三位数后，Chrome 可能会“无法使用”")
    }

    @Test("Unknown keys are warnings naming the key; missing files are errors naming the file")
    func problems() throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "<p>x</p>".write(to: dir.appendingPathComponent("a.html"), atomically: true, encoding: .utf8)
        try "<p>y</p>".write(to: dir.appendingPathComponent("b.html"), atomically: true, encoding: .utf8)
        let m = try CollectionManifest(yaml: """
            title: T
            colour: blue
            articles:
              - file: a.html
                subtitle: nope
              - "*.html"
            """, baseDirectory: dir)
        #expect(m.diagnostics.contains { $0.message.contains("\"colour\"") && $0.location?.contains("line 2") == true })
        #expect(m.diagnostics.contains { $0.message.contains("\"subtitle\"") })
        #expect(m.entries.map(\.file.lastPathComponent) == ["a.html", "a.html", "b.html"])

        #expect {
            _ = try CollectionManifest(yaml: "title: T\narticles: [a.html, gone.md]\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError)?.description.contains("gone.md") == true }
        #expect {
            _ = try CollectionManifest(yaml: "title: T\narticles: ['*.txt']\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError)?.description.contains("*.txt") == true }
        #expect {
            _ = try CollectionManifest(yaml: "title: T\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError)?.description.contains("no articles") == true }
        #expect {
            _ = try CollectionManifest(yaml: "title: T\nsort: random\narticles: [a.html]\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError)?.description.contains("sort") == true }
        #expect {
            _ = try CollectionManifest(yaml: "title: [T\narticles: [a.html]\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError)?.description.contains("YAML") == true }
        #expect {
            _ = try CollectionManifest(yaml: "title: T\ncover: missing.jpg\narticles: [a.html]\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError)?.description.contains("missing.jpg") == true }
    }

    @Test("Dates and languages are read once, by the same rules as articles', or refused with the line")
    func typedValues() throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "<p>x</p>".write(to: dir.appendingPathComponent("a.html"), atomically: true, encoding: .utf8)
        let m = try CollectionManifest(yaml: """
            title: T
            date: July 14, 2021
            language: zh_tw
            articles:
              - file: a.html
                date: 2021年9月23日 下午4:09
                language: EN-gb
            """, baseDirectory: dir)
        #expect(m.metadata.date?.iso8601 == "2021-07-14" && m.metadata.language?.value == "zh-TW")
        #expect(m.entries[0].date?.iso8601 == "2021-09-23T16:09:00" && m.entries[0].language?.value == "en-GB")
        #expect(try CollectionManifest(yaml: "title: T\ndate: 2021-07\narticles: [a.html]\n", baseDirectory: dir).metadata.date?.iso8601 == "2021-07")
        #expect {
            _ = try CollectionManifest(yaml: "title: T\ndate: 2022-13-45\narticles: [a.html]\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError).map { $0.line == 2 && $0.description.contains(":2: date: ") } == true }
        #expect {
            _ = try CollectionManifest(yaml: "title: T\narticles:\n  - file: a.html\n    language: not a tag!\n", baseDirectory: dir)
        } throws: { ($0 as? OffprintError).map { $0.line == 4 && $0.description.contains(":4: language: \"not a tag!\" is not a BCP 47 language tag") } == true }
    }

    @Test("Sorting by date (both ways) and title keeps undated articles last, in listed order")
    func sorting() throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for n in ["a", "b", "c", "d"] { try "<p>\(n)</p>".write(to: dir.appendingPathComponent("\(n).html"), atomically: true, encoding: .utf8) }
        func articles(_ m: CollectionManifest) -> [Article] {
            let meta: [String: (String?, String)] = ["a": ("2021-03-01", "Zeta"), "b": (nil, "alpha"), "c": ("2020-01-01T10:00:00+08:00", "Beta"), "d": ("2022-01-01", "beta")]
            return m.entries.map { e in
                let n = e.file.deletingPathExtension().lastPathComponent
                var a = Article(origin: n, document: HTMLParser.parse("<p>\(n)</p>"))
                a.date = meta[n]!.0.flatMap { ArticleDate($0) }
                a.title = meta[n]!.1
                return a
            }
        }
        for (order, expected) in [("date", "cadb"), ("date-desc", "dacb"), ("title", "bcda"), ("listed", "abcd")] {
            let m = try CollectionManifest(yaml: "sort: \(order)\narticles: [a.html, b.html, c.html, d.html]\n", baseDirectory: dir)
            let got = m.arrange(articles(m)).map(\.origin).joined()
            #expect(got == expected, "sort: \(order)")
        }
    }
}
