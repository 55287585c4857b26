import Foundation
import Offprint
import OffprintArticle
import OffprintCleanup
import OffprintDocument
import OffprintEPUB
import OffprintMarkdown
import OffprintTestSupport
import Testing

/// One contract for the content: the EPUB builder takes only cleaned articles (given loaded
/// ones, it cleans them as an export would), so a book shows the same images and player
/// links as the export; and the Markdown writer given a tree that was not cleaned makes the
/// same player links, by the same rule (`EmbeddedMedia.replace`).
@Suite("One contract for the content")
struct ContentContractTests {
    static let page = """
        <html><body><article><h1>Contract</h1>
        <p>One <img alt="a" src="https://img.example/small.png" data-original="https://img.example/original.png"></p>
        <p>Two <img alt="b" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://img.example/photo-2.png"></p>
        <picture><source type="image/avif" srcset="https://img.example/pic.avif"><source srcset="https://img.example/pic-small.jpg 300w, https://img.example/pic-large.jpg 900w"><img alt="c"></picture>
        <p>Three <img alt="d" srcset="https://img.example/set-1x.png 1x, https://img.example/set-2x.png 2x"></p>
        <p>Players: <video src="https://v.example/clip.mp4"></video> <iframe title="A map" src="https://maps.example/x"></iframe>
        <iframe src="https://t.example/px" width="1" height="1"></iframe> <object><span>fallback text</span></object></p>
        </article></body></html>
        """

    static func load() throws -> Article {
        try ArticleLoader.load(Array(page.utf8), origin: "contract.html", options: LoadOptions(baseURL: "https://site.example/post")).0
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let re = try! NSRegularExpression(pattern: pattern)
        return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) }
    }

    /// The export: clean-up, then Markdown.
    static func exported() throws -> String {
        let (a, _) = Cleanup.clean(try load())
        return MarkdownWriter().markdown(for: a.document, from: a.content)
    }

    @Test("A lazy image, a picture and a srcset give the same URL in the export and in a book built from the loaded article")
    func imagesAgree() async throws {
        let md = try Self.exported()
        let exportImages = Self.matches(#"!\[[^\]]*\]\((https://img\.example/[^)\s]+)\)"#, in: md)
        #expect(exportImages == ["https://img.example/original.png", "https://img.example/photo-2.png",
                                 "https://img.example/pic-large.jpg", "https://img.example/set-2x.png"])

        let provider = try TestImageProvider()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let book = dir.appendingPathComponent("b.epub")
        _ = try await EPUBBuilder(options: EPUBOptions()).build(articles: [try Self.load()], metadata: BookMetadata(title: "Contract"),
                                                                images: provider, to: book)
        #expect(Set(provider.requested.filter { $0.hasPrefix("https://img.example/") }) == Set(exportImages))
    }

    @Test("Players: the export's links, the writer's on an uncleaned tree and a book's come from one rule")
    func playersAgree() async throws {
        let md = try Self.exported()
        var uncleaned = try Self.load()
        let direct = MarkdownWriter().markdown(for: uncleaned.document, from: uncleaned.content)
        // The writer given the uncleaned tree makes the same player links as clean-up did.
        let links = Self.matches(#"\]\((https://(?:v|maps|t)\.example/[^)\s]*)\)"#, in: md)
        #expect(links == ["https://v.example/clip.mp4", "https://maps.example/x"])
        #expect(Self.matches(#"\]\((https://(?:v|maps|t)\.example/[^)\s]*)\)"#, in: direct) == links)
        #expect(md.contains("[Video](https://v.example/clip.mp4) [A map](https://maps.example/x)"))
        #expect(md.contains("fallback text") && direct.contains("fallback text"))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-contract-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let book = dir.appendingPathComponent("b.epub")
        uncleaned.title = "Contract"
        _ = try await EPUBBuilder(options: EPUBOptions()).build(articles: [uncleaned], metadata: BookMetadata(title: "Contract"),
                                                                images: try TestImageProvider(), to: book)
        let zip = try ZipReader(book)
        let chapter = zip.names.filter { $0.hasPrefix("EPUB/text/ch") }.sorted().compactMap { zip.string($0) }.joined()
        #expect(Self.matches(#"href="(https://(?:v|maps|t)\.example/[^"]*)""#, in: chapter) == links)
        #expect(chapter.contains("fallback text"))
    }
}
