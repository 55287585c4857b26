import OffprintSupport
import Foundation
import OffprintTestSupport
import Testing
@testable import OffprintArticle

@Suite struct LoaderTests {
    @Test(arguments: [[UInt8](), Array("  \n\t\r\n".utf8), [0xEF, 0xBB, 0xBF, 0x0A]])
    func emptyInput(_ bytes: [UInt8]) {
        #expect(throws: OffprintError.emptyInput(origin: "in.md")) {
            try ArticleLoader.load(bytes, origin: "in.md")
        }
    }

    @Test(arguments: [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] as [UInt8], "PNG"),
        ([0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0] as [UInt8], "ZIP"),
        ([0x25, 0x50, 0x44, 0x46, 0x2D, 0x31] as [UInt8], "PDF"),
        ([1, 0, 0, 7, 0, 0, 0, 3, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1] as [UInt8], "NUL"),
    ])
    func binaryInput(_ bytes: [UInt8], _ word: String) {
        do {
            _ = try ArticleLoader.load(bytes, origin: "x.bin")
            Issue.record("binary input was accepted")
        } catch let e as OffprintError {
            #expect(e.kind == .notText && e.step == .read && e.path == "x.bin")
            #expect(e.description.contains("not a text/HTML file"))
            #expect(e.description.contains(word))
            #expect(e.description.hasPrefix("x.bin: "))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func directory() throws {
        let dir = FileManager.default.temporaryDirectory
        #expect(ArticleLoader.isDirectory(dir))
        #expect(throws: OffprintError.isDirectory(origin: dir.path)) { try ArticleLoader.load(file: dir) }
        let missing = dir.appendingPathComponent("no-such-file-\(UUID().uuidString).html")
        #expect(throws: OffprintError.unreadable(origin: missing.path, reason: "no such file")) { try ArticleLoader.load(file: missing) }
    }

    @Test func utf16WithoutBOMIsText() throws {
        var bytes: [UInt8] = []
        for u in "<html><body><p>Hello UTF-16 é</p></body></html>".utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
        let (a, _) = try ArticleLoader.load(bytes, origin: "u16.html")
        #expect(a.document.textContent(of: a.content).contains("Hello UTF-16 é"))
    }

    @Test func gbkPostIsDecoded() throws {
        // "标题" in GBK, in a post whose body declares the charset.
        let head = Array("---\ntitle: ".utf8) + [0xB1, 0xEA, 0xCC, 0xE2] + Array("\n---\n<meta charset=\"gbk\"><p>x</p>".utf8)
        let (a, d) = try ArticleLoader.load(head, origin: "gbk.md")
        #expect(d.isEmpty)
        #expect(a.title == "标题")
    }

    @Test func postBaseURLFromLinkAndOverride() throws {
        let text = Array("---\ntitle: t\nlink: https://example.com/posts/1/\n---\n<p><a href=\"../2/\">x</a></p>".utf8)
        let (a, _) = try ArticleLoader.load(text, origin: "p.md")
        #expect(a.sourceURL == "https://example.com/posts/1/")
        #expect(a.baseURL == "https://example.com/posts/1/")
        let (b, _) = try ArticleLoader.load(text, origin: "p.md", options: LoadOptions(baseURL: "https://mirror.example/"))
        #expect(b.baseURL == "https://mirror.example/")
    }

    @Test func htmlFormatIgnoresDashes() throws {
        let (a, _) = try ArticleLoader.load(Array("---\ntitle: x\n---\n<p>y</p>".utf8), origin: "p.html", options: LoadOptions(format: .html))
        #expect(a.frontMatter == nil)
    }

    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func wholeCorpusLoads() throws {
        var count = 0
        for url in Corpus.posts + Corpus.pages {
            let (a, _) = try ArticleLoader.load(file: url)
            #expect(a.document.body != nil)
            count += 1
        }
        #expect(count >= 70)
    }
}

@Suite struct WebURLTests {
    @Test(arguments: [
        ("g", "http://a/b/c/g"), ("./g", "http://a/b/c/g"), ("g/", "http://a/b/c/g/"), ("/g", "http://a/g"),
        ("//g", "http://g"), ("?y", "http://a/b/c/d;p?y"), ("g?y", "http://a/b/c/g?y"), ("#s", "http://a/b/c/d;p?q#s"),
        ("", "http://a/b/c/d;p?q"), (".", "http://a/b/c/"), ("..", "http://a/b/"), ("../g", "http://a/b/g"),
        ("../../g", "http://a/g"), ("../../../g", "http://a/g"), ("/./g", "http://a/g"), ("g.", "http://a/b/c/g."),
        ("g;x=1/../y", "http://a/b/c/y"), ("https://x/y", "https://x/y"), (" 图片/a b.jpg ", "http://a/b/c/图片/a b.jpg"),
    ])
    func rfc3986(_ ref: String, _ expected: String) {
        #expect(WebURL.resolve(ref, against: "http://a/b/c/d;p?q") == expected)
    }

    @Test func withoutBase() {
        #expect(WebURL.resolve("//cdn.example/x.png", against: nil) == "https://cdn.example/x.png")
        #expect(WebURL.resolve("img/x.png", against: nil) == "img/x.png")
        #expect(WebURL.resolve("img/x.png", against: "base/") == "img/x.png")
        #expect(WebURL.scheme(of: "JavaScript:void(0)") == "javascript")
        #expect(WebURL.scheme(of: "/a:b") == nil)
    }
}
