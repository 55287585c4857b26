import OffprintSupport
import Crypto
import Foundation
import OffprintSupport
import OffprintArticle
import OffprintDocument
@testable import OffprintEPUB
import OffprintImages
import OffprintTestSupport
import Testing

/// Images of the size their URL names (`…/banner-716x212.png`), with that size reported,
/// as the image cache does.
final class SizedImageProvider: ImageProvider, @unchecked Sendable {
    let dir: URL
    init() throws {
        dir = try TempDir.create("sized")
    }
    deinit { try? FileManager.default.removeItem(at: dir) }

    func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>] {
        var out: [String: Result<CachedImage, ImageFailure>] = [:]
        for url in urls {
            let name = url.split(separator: "/").last.map(String.init) ?? ""
            let dims = name.split(separator: "-").last?.split(separator: ".").first?.split(separator: "x").compactMap { Int($0) } ?? []
            let (w, h) = dims.count == 2 ? (dims[0], dims[1]) : (24, 16)
            let bytes = Data(PNG.make(width: w, height: h, rgb: (120, 60, 30)))
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            let file = dir.appendingPathComponent(sha + ".png")
            try? bytes.write(to: file)
            out[url] = .success(CachedImage(url: url, file: file, sha256: sha, mediaType: .png,
                                            byteCount: bytes.count, width: w, height: h))
        }
        return out
    }
}

@Suite("Covers and title pages")
struct FrontMatterTests {
    static func article(cover: String?) -> Article {
        var a = EdgeCaseTests.article("a.html", "<p>Body text.</p>", title: "The article", source: "https://news.test/a",
                                      date: "2019-11-20", authors: ["Ann Author"])
        a.coverImage = cover
        return a
    }

    static func build(_ articles: [Article], _ meta: BookMetadata, options: EPUBOptions = EPUBOptions(), name: String) async throws -> (BuildReport, ZipReader) {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent(name + ".epub")
        let report = try await EPUBBuilder(options: options).build(articles: articles, metadata: meta, images: try SizedImageProvider(), to: out)
        EdgeCaseTests.expectValid(out, name)
        return (report, try ZipReader(out, preload: true))
    }

    static func coverItem(_ opf: String) -> String? {
        opf.split(separator: "\n").first { $0.contains("properties=\"cover-image\"") }.map(String.init)
    }

    @Test("A banner from the first article is not the cover: a generated one is; the title page names title, subtitle, authors, date")
    func bannerIsNotACover() async throws {
        let meta = BookMetadata(title: "Weekly", subtitle: "Cars and more", creators: ["Ed Itor"])
        let (_, zip) = try await Self.build([Self.article(cover: "https://img.test/banner-716x212.png")], meta, name: "banner")
        let opf = try #require(zip.string("EPUB/package.opf"))
        let cover = try #require(Self.coverItem(opf))
        #expect(cover.contains("image/svg+xml"), "the cover should be the generated SVG: \(cover)")
        let svgName = try #require(zip.names.first { $0.hasPrefix("EPUB/images/") && $0.hasSuffix(".svg") })
        let svg = try #require(zip.string(svgName))
        #expect(svg.contains(">Weekly<") && svg.contains("Ed Itor") && svg.contains("2019-11-20"))
        // The banner is not in the book at all (it was only the article's cover).
        #expect(!zip.names.contains { $0.hasSuffix(".png") })
        let title = try #require(zip.string("EPUB/text/titlepage.xhtml"))
        for needle in ["<h1 class=\"book-title\">Weekly</h1>", "Cars and more", "Ed Itor", "<p class=\"book-date\">2019-11-20</p>"] {
            #expect(title.contains(needle), "title page lacks \(needle)")
        }
        // Reading order: cover, title page, contents, chapters.
        let spine = opf.components(separatedBy: "<itemref idref=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(Array(spine.prefix(3)) == ["cover", "titlepage", "nav"])
    }

    @Test("A cover-shaped, large article image is the cover, and the title page follows it")
    func coverShapedImageIsUsed() async throws {
        let (_, zip) = try await Self.build([Self.article(cover: "https://img.test/portrait-600x900.png")],
                                            BookMetadata(title: "Portrait"), name: "portrait")
        let opf = try #require(zip.string("EPUB/package.opf"))
        let cover = try #require(Self.coverItem(opf))
        #expect(cover.contains("image/png"))
        #expect(zip.names.contains("EPUB/text/cover.xhtml") && zip.names.contains("EPUB/text/titlepage.xhtml"))
    }

    @Test("Cover shape rules: portrait 1.2–2 times as high as wide, at least 500×700; unknown sizes are not covers")
    func coverShape() {
        #expect(EPUBBuilder.isCoverShaped(width: 600, height: 900))
        #expect(EPUBBuilder.isCoverShaped(width: 1600, height: 2560))
        #expect(!EPUBBuilder.isCoverShaped(width: 716, height: 212))   // banner
        #expect(!EPUBBuilder.isCoverShaped(width: 1200, height: 630))  // og:image
        #expect(!EPUBBuilder.isCoverShaped(width: 300, height: 450))   // thumbnail
        #expect(!EPUBBuilder.isCoverShaped(width: 600, height: 600))   // square
        #expect(!EPUBBuilder.isCoverShaped(width: 500, height: 1500))  // strip
        #expect(!EPUBBuilder.isCoverShaped(width: nil, height: 900))
    }

    @Test("Without generated covers: no cover page, the title page opens the book; the date shown once")
    func noGeneratedCover() async throws {
        var options = EPUBOptions()
        options.generatesCover = false
        let meta = BookMetadata(title: "2 articles, 2019-11-18 – 2019-11-20")
        let (_, zip) = try await Self.build([Self.article(cover: nil)], meta, options: options, name: "nocover")
        let opf = try #require(zip.string("EPUB/package.opf"))
        #expect(Self.coverItem(opf) == nil && !zip.names.contains("EPUB/text/cover.xhtml"))
        let title = try #require(zip.string("EPUB/text/titlepage.xhtml"))
        #expect(title.contains("book-title") && !title.contains("book-date"), "the title says the date already")
        #expect(opf.contains("<dc:date>2019-11-20</dc:date>"))
    }

    @Test("The generated cover wraps long and CJK titles and escapes markup")
    func generatedCoverText() {
        let svg = String(decoding: GeneratedCover.svg(title: "A <very> long title & more words than one line holds, surely", creators: ["A", "B"], date: nil), as: UTF8.self)
        #expect(svg.contains("&lt;very&gt;") && svg.contains("&amp;"))
        #expect(svg.components(separatedBy: "font-weight=\"bold\"").count > 2, "the title takes several lines")
        let cjk = GeneratedCover.wrap(String(repeating: "汉字", count: 30), width: 960, size: 110)
        #expect(cjk.count > 1 && cjk.allSatisfy { GeneratedCover.estimate($0, size: 110) <= 960 })
    }
}

@Suite("Template overrides")
struct TemplateOverrideTests {
    static func folder(_ files: [String: String]) throws -> URL {
        let dir = try CorpusBookTests.tempDir().appendingPathComponent("tpl")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    @Test("A misnamed file is reported with the name it was likely meant to have and every known name")
    func misnamed() throws {
        let dir = try Self.folder(["chapter.xhtml": "x", "styles.css": "p {}"])
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let set = try TemplateSet.load(overrides: dir)
        let messages = set.diagnostics.map(\.description)
        #expect(messages.contains { $0.contains("chapter.xhtml") && $0.contains("did you mean chapter.xhtml.mustache?") && $0.contains("titlepage.xhtml.mustache") })
        #expect(messages.contains { $0.contains("styles.css") && $0.contains("did you mean style.css?") })
    }

    @Test("A broken Mustache template is reported with its file, line and column, not a Swift value dump")
    func brokenMustache() throws {
        let dir = try Self.folder(["titlepage.xhtml.mustache": "<p>\n<h1>{{title}}</h1>\n{{#subtitle}}<p>{{subtitle}}</p>\n"])
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        do {
            _ = try TemplateSet.load(overrides: dir)
            Issue.record("an unclosed section must be an error")
        } catch let e as OffprintError {
            #expect(e.path == dir.appendingPathComponent("titlepage.xhtml.mustache").path && e.line == 4)
            #expect(e.description.hasPrefix(e.path! + ":4: column ") && e.message.contains("never closed"))
            #expect(e.hint?.contains("--templates") == true)
            #expect(!e.message.contains("ParserError") && !e.message.contains("MustacheParserContext"))
        }
    }

    @Test("A style sheet override epubcheck would reject is an error naming the file and line")
    func brokenStylesheet() throws {
        for (css, needle) in [("p { color: red;\n", "never closed"), ("\n\n@import url(more.css);\np {}", "@import"),
                              ("@font-face { src: url(fonts/a.woff) }", "url("), ("p { content: \"open }\n", "string")] {
            let dir = try Self.folder(["style.css": css])
            defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
            do {
                _ = try TemplateSet.load(overrides: dir)
                Issue.record("\(css) should be refused")
            } catch let e as OffprintError {
                #expect(e.path == dir.appendingPathComponent("style.css").path && e.line != nil, "\(e)")
                #expect(e.description.hasPrefix(e.path! + ":\(e.line!): "), "\(e)")
                #expect(e.message.contains(needle), "\(e.message)")
            }
        }
        #expect(StylesheetCheck.problems("\n\n@import \"x.css\";").first?.line == 3)
        #expect(StylesheetCheck.problems("/* a { */ p { background: url(\"data:image/png;base64,AAAA\") } a[href] { }").isEmpty)
    }

    @Test("A good style sheet override goes into a book that passes epubcheck")
    func goodStylesheet() async throws {
        let dir = try Self.folder(["style.css": "body { font-family: serif; }\n.book-title { font-size: 2em; }\n"])
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let (_, zip) = try await FrontMatterTests.build([FrontMatterTests.article(cover: nil)], BookMetadata(title: "Styled"),
                                                        options: EPUBOptions(templatesDirectory: dir), name: "styled")
        #expect(zip.string("EPUB/styles/book.css")?.contains(".book-title { font-size: 2em; }") == true)
    }
}
