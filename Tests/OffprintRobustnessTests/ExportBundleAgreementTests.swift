import Foundation
import OffprintDocument
import OffprintEPUB
import Offprint
import OffprintSupport
import OffprintTestSupport
import Testing

/// Every http(s) and data: image succeeds (a small PNG per URL); the URLs asked for are kept.
private final class RecordingImageProvider: ImageProvider, @unchecked Sendable {
    let dir: URL
    private let lock = NSLock()
    private(set) var requested = Set<String>()

    init() throws {
        dir = try TempDir.create("agree")
    }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>] {
        lock.withLock { requested.formUnion(urls) }
        var out: [String: Result<CachedImage, ImageFailure>] = [:]
        for url in urls {
            let h = Array(Hex.sha256(Array(url.utf8)).utf8)
            let bytes = PNG.make(width: 2 + Int(h[0] % 5), height: 2 + Int(h[1] % 5), rgb: (h[2], h[3], h[4]))
            let sha = Hex.sha256(bytes)
            let file = dir.appendingPathComponent(sha + ".png")
            if !FileManager.default.fileExists(atPath: file.path) { try? Data(bytes).write(to: file) }
            out[url] = .success(CachedImage(url: url, file: file, sha256: sha, mediaType: .png, byteCount: bytes.count))
        }
        return out
    }
}

/// The same article exported and bundled: the same images, the same links, the same text.
@Suite("Export and bundle agree")
struct ExportBundleAgreementTests {
    static func markdownImageCount(_ md: String) -> Int {
        md.components(separatedBy: "![").count - 1 + md.components(separatedBy: "<img ").count - 1
    }

    static func words(_ text: String) -> [String] {
        let t = text.replacingOccurrences(of: #"[\\*_`#>\[\]!|~]"#, with: " ", options: .regularExpression)
        return TextTokens.tokens(t).filter { $0.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil } }
    }

    /// A URL compared without its encoding (books percent-encode what Markdown may keep raw).
    static func key(_ url: String) -> String {
        let decoded = url.replacingOccurrences(of: "&amp;", with: "&").removingPercentEncoding ?? url
        return decoded.replacingOccurrences(of: "\\", with: "")
    }

    static func xhtmlWords(_ xhtml: String, header: Bool) -> [String] {
        // An image the book could not embed (relative, no base URL) stands as its alt text;
        // the export keeps it as an image.
        let shown = xhtml.replacingOccurrences(of: #"<span class="image-missing">[^<]*</span>"#, with: " ", options: .regularExpression)
        let doc = HTMLParser.parse(Array(shown.utf8))
        let body = doc.elements(named: "body").first ?? doc.root
        // The chapter header (title, byline, date, source) is the book's, not the article's.
        var text = TextTokens.visibleText(doc, under: body)
        if !header {
            for h in doc.elements(named: "header", under: body) { text = text.replacingOccurrences(of: TextTokens.visibleText(doc, under: h), with: " ") }
        }
        return words(text)
    }

    @Test("Corpus pages: the book shows the images, links and text the Markdown export has",
          .enabled(if: Corpus.available, Corpus.missing))
    func corpusAgreement() async throws {
        // Every corpus page but the readability expected outputs (the same articles again).
        let files = Corpus.all.filter { $0.lastPathComponent != "expected.html" }
        #expect(files.count > 50)
        let dir = try TempDir.create("agree")
        defer { try? FileManager.default.removeItem(at: dir) }
        var checked = 0
        var worst: [(String, String)] = []
        for file in files {
            let exported = try Exporter().export([UInt8](try Data(contentsOf: file)), origin: file.path)
            let provider = try RecordingImageProvider()
            let out = dir.appendingPathComponent("book.epub")
            var options = BundleOptions()
            options.jobs = 1
            let result = try await Bundler(options: options).bundle([file.path], to: out, images: provider)
            let zip = try ZipReader(out, preload: true)
            let xhtml = result.report.chapters.flatMap(\.files).compactMap { zip.string($0) }.joined(separator: "\n")
            let name = file.deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent

            // What the export wrote (the cleaned article its Markdown renders) against what the
            // book holds (the chapter files, parsed).
            let doc = exported.article.document, root = exported.article.content
            let book = HTMLParser.parse(Array(xhtml.utf8))
            let bookBody = book.elements(named: "body")

            // Images: the book fetched every absolute image the export shows, one <img> each.
            // (A relative image without a base URL cannot go into a book: left out of the count.)
            let exportImages = doc.elements(named: "img", under: root).compactMap { doc[$0].attribute("src") }
                .filter { WebURL.isHTTP($0) || WebURL.isData($0) }
            let bookImages = bookBody.flatMap { book.elements(named: "img", under: $0) }
            #expect(bookImages.count == exportImages.count, "\(name): \(exportImages.count) images exported, \(bookImages.count) in the book")
            let missing = Set(exportImages.map(Self.key)).subtracting(provider.requested.map(Self.key))
            #expect(missing.isEmpty, "\(name): exported images the book did not fetch: \(Array(missing.prefix(3)))")
            #expect(Self.markdownImageCount(exported.markdown) >= exportImages.count, "\(name): the Markdown shows fewer images than its article")

            // Links: the same absolute links (the book's percent-encoded; links to the article's
            // own page become links inside the book).
            let page = exported.article.sourceURL.map(WebURL.pageKey)
            func external(_ h: String) -> Bool { WebURL.isHTTP(h) && WebURL.pageKey(h) != page }
            let exportLinks = Set(doc.elements(named: "a", under: root).compactMap { doc[$0].attribute("href") }.filter(external).map(Self.key))
            let bookLinks = Set(bookBody.flatMap { book.elements(named: "a", under: $0) }.compactMap { book[$0].attribute("href") }
                .filter(external).map(Self.key)).subtracting(exported.article.sourceURL.map { [Self.key($0)] } ?? [])
            let onlyExport = exportLinks.subtracting(bookLinks), onlyBook = bookLinks.subtracting(exportLinks)
            #expect(onlyExport.isEmpty && onlyBook.isEmpty, "\(name): links only exported \(Array(onlyExport.prefix(3))), only in the book \(Array(onlyBook.prefix(3)))")

            // Text: the same words (the book's chapter header and the math it keeps as text aside).
            // (A book keeps math as its alt text; the chapter header holds the title a repeated
            // first heading was dropped for.)
            let math = doc.elements(named: "math", under: root).map { doc[$0].attribute("alttext") ?? doc.textContent(of: $0) }
            let exportWords = Self.words(TextTokens.visibleText(doc, under: root) + " " + math.joined(separator: " "))
            let bookWords = Self.xhtmlWords(xhtml, header: false), bookAll = Self.xhtmlWords(xhtml, header: true)
            let r1 = TextTokens.recall(source: bookWords, target: exportWords), r2 = TextTokens.recall(source: exportWords, target: bookAll)
            if r1 < 0.98 {
                var bag: [String: Int] = [:]
                for w in exportWords { bag[w, default: 0] += 1 }
                let extra = bookWords.filter { w in if let c = bag[w], c > 0 { bag[w] = c - 1; return false }; return true }
                print("\(name): words only in the book: \(extra.prefix(40).joined(separator: " "))")
            }
            #expect(r1 >= 0.98 && r2 >= 0.98, "\(name): text recall book→export \(r1), export→book \(r2)")
            if r1 < 0.995 || r2 < 0.995 { worst.append((name, String(format: "%.3f / %.3f", r1, r2))) }
            checked += 1
        }
        print("export/bundle agreement: \(checked) pages; below 0.995 word recall: \(worst.map { "\($0.0) \($0.1)" })")
    }
}
