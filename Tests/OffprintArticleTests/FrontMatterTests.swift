import OffprintSupport
import Foundation
import Testing
@testable import OffprintArticle

@Suite struct FrontMatterTests {
    func load(_ text: String) throws -> (Article, [Diagnostic]) {
        try ArticleLoader.load(Array(text.utf8), origin: "post.md")
    }

    @Test func yamlTypedValuesInOrder() throws {
        let (a, d) = try load("""
        ---
        title: 'Hello: world'
        count: 3
        ratio: 0.5
        draft: false
        none:
        when: 2021-09-23 04:09:56
        tags: [a, b]
        author:
          name: Ann
        ---
        <p>Body</p>
        """)
        #expect(d.isEmpty)
        let fm = try #require(a.frontMatter)
        #expect(fm.format == .yaml)
        #expect(fm.entries.map(\.key) == ["title", "count", "ratio", "draft", "none", "when", "tags", "author"])
        #expect(fm["title"] == .string("Hello: world"))
        #expect(fm["count"] == .int(3))
        #expect(fm["ratio"] == .double(0.5))
        #expect(fm["draft"] == .bool(false))
        #expect(fm["none"] == .null)
        #expect(fm["when"] == .date(original: "2021-09-23 04:09:56", date: ArticleDate("2021-09-23T04:09:56")))
        #expect(fm["tags"] == .array([.string("a"), .string("b")]))
        #expect(fm["author"] == .table([("name", .string("Ann"))]))
        #expect(a.title == "Hello: world")
        #expect(a.authors == ["Ann"])
        #expect(a.tags == ["a", "b"])
        #expect(a.document.textContent(of: a.content).contains("Body"))
    }

    @Test func leadingBlankLinesAndDotsEndMarker() throws {
        let (a, d) = try load("\n\n  \n---\ntitle: T\n...\n<p>x</p>")
        #expect(d.isEmpty)
        #expect(a.title == "T")
        #expect(a.document.textContent(of: a.content) == "x")
    }

    @Test func crlfAndBOM() throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        bytes += Array("---\r\ntitle: CRLF\r\ndate: 2021-07-14\r\ncategories:\r\n - a\r\n - b\r\n---\r\n<p>body</p>\r\n".utf8)
        let (a, d) = try ArticleLoader.load(bytes, origin: "crlf.md")
        #expect(d.isEmpty)
        #expect(a.title == "CRLF")
        #expect(a.date?.iso8601 == "2021-07-14")
        #expect(a.categories == ["a", "b"])
        #expect(a.document.textContent(of: a.content).contains("body"))
    }

    @Test func toml() throws {
        let (a, d) = try load("""
        +++
        title = "TOML post"
        date = 2021-07-14T05:08:05+08:00
        tags = ["x", "y"]
        weight = 2

        [params]
        cover = "https://example.com/c.jpg"
        +++
        <p>hi</p>
        """)
        #expect(d.isEmpty)
        let fm = try #require(a.frontMatter)
        #expect(fm.format == .toml)
        #expect(fm.entries.map(\.key) == ["title", "date", "tags", "weight", "params"])
        #expect(a.title == "TOML post")
        #expect(a.date?.iso8601 == "2021-07-14T05:08:05+08:00")
        #expect(a.tags == ["x", "y"])
        #expect(fm["weight"] == .int(2))
        let toml = fm.render(as: .toml)
        let back = try FrontMatter.parse(String(toml.dropFirst(4).dropLast(4)), format: .toml)
        #expect(back == fm)
    }

    @Test func noFrontMatterIsAPage() throws {
        let (a, _) = try load("<html><head><title>Just a page here</title></head><body><p>x</p></body></html>")
        #expect(a.frontMatter == nil)
        #expect(a.title == "Just a page here")
    }

    @Test func brokenYAMLKeepsBodyAndSalvagesKeys() throws {
        let (a, d) = try load("""
        ---
        title: 'It's broken'
        author: ZAKER
        categories:
         - news
         - tech
        date: Wed, 14 Jul 2021 05:08:05 GMT
        ---
        <p>Body survives</p>
        """)
        #expect(a.document.textContent(of: a.content).contains("Body survives"))
        #expect(a.title == "It's broken")
        #expect(a.authors == ["ZAKER"])
        #expect(a.categories == ["news", "tech"])
        #expect(a.date?.iso8601 == "2021-07-14T05:08:05Z")
        // The diagnostic names the line of the file (line 2: the title).
        #expect(d.contains { $0.location == "line 2" && $0.message.contains("not valid YAML") })
        #expect(d.contains { $0.location == "line 2" && $0.message.contains("`title`") })
        #expect(a.frontMatter?.entries.map(\.key) == ["title", "author", "categories", "date"])
    }

    @Test func duplicateKeysKeepTheLast() throws {
        let (a, d) = try load("---\ntitle: one\ntitle: two\n---\n<p>x</p>")
        #expect(a.title == "two")
        #expect(d.contains { $0.message.contains("duplicate") })
        #expect(d.contains { $0.message.contains("given twice") })
    }

    @Test func unclosedFrontMatterIsCutAtTheMarkup() throws {
        let (a, d) = try load("---\ntitle: Open\nauthor: me\n<div><p>text</p></div>")
        #expect(a.title == "Open")
        #expect(a.document.textContent(of: a.content) == "text")
        #expect(d.contains { $0.message.contains("never closed") })
    }

    @Test func unreadableDateIsReported() throws {
        let (a, d) = try load("---\ntitle: x\ndate: someday\n---\n<p>x</p>")
        #expect(a.date == nil)
        #expect(d.contains { $0.location == "front matter `date`" })
    }

    @Test(arguments: [
        "plain", "yes", "No", "on", "null", "~", "", " lead", "trail ", "1.0", "1e5", "0x1F", "017", "1:20", "2021-07-14",
        "2021-07-14 05:08:05", "a: b", "a #b", "#x", "- x", "[x]", "{x}", "'q'", "\"dq\"", "&a", "*a", "!tag", "|", ">", "%x",
        "@x", "`x", "x:", "it's", "line\nbreak", "tab\there", "中文：标题", "https://cors.zfour.workers.dev/?http://a/b.jpg",
        "<<", "=", ".inf", ".NaN", "y", "N", "---", "...", "? x", "a\u{85}b", "ctrl\u{1}x", "emoji 😀", "true", "FALSE",
    ])
    func stringsRoundTrip(_ s: String) throws {
        let fm = FrontMatter(format: .yaml, entries: [("k", .string(s)), (s.isEmpty ? "empty" : s, .int(1))])
        let text = fm.render(as: .yaml, delimited: false)
        let back = try FrontMatter.parse(text, format: .yaml)
        #expect(back == fm, "rendered: \(text)")
    }

    @Test func valuesRoundTrip() throws {
        let fm = FrontMatter(format: .yaml, entries: [
            ("i", .int(-42)), ("d", .double(1e-5)), ("big", .double(1.5e300)), ("b", .bool(true)), ("n", .null),
            ("date", .date(original: "2021-07-14T05:08:05Z", date: ArticleDate("2021-07-14T05:08:05Z"))),
            ("list", .array([.string("a"), .int(1), .array([.string("nested")]), .table([("k", .string("v"))])])),
            ("empty", .array([])), ("table", .table([("x", .table([("y", .string("z"))]))])), ("emptyTable", .table([])),
        ])
        let text = fm.render()
        #expect(text.hasPrefix("---\n") && text.hasSuffix("---\n"))
        let back = try FrontMatter.parse(String(text.dropFirst(4).dropLast(4)), format: .yaml)
        #expect(back == fm, "rendered: \(text)")
    }

    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func everyCorpusPostRoundTrips() throws {
        let posts = Corpus.posts
        #expect(posts.count >= 12)
        for url in posts {
            let (a, d) = try ArticleLoader.load(file: url)
            #expect(d.isEmpty, "\(url.lastPathComponent): \(d)")
            let fm = try #require(a.frontMatter, "\(url.lastPathComponent) has no front matter")
            #expect(!fm.entries.isEmpty)
            #expect(a.title != nil && a.date != nil && a.coverImage != nil, "\(url.lastPathComponent)")
            for out in [fm, a.outputFrontMatter()] {
                let text = out.render()
                let back = try FrontMatter.parse(String(text.dropFirst(4).dropLast(4)), format: .yaml)
                #expect(back == out, "\(url.lastPathComponent): \(text)")
                #expect(back.entries.map(\.key) == fm.entries.map(\.key))
            }
            // TOML output parses too, with the same keys (TOML has no null: those are left out).
            let toml = a.outputFrontMatter().render(as: .toml, delimited: false)
            let fromTOML = try FrontMatter.parse(toml, format: .toml)
            #expect(fromTOML.entries.map(\.key) == fm.entries.filter { $0.value != .null }.map(\.key), "\(toml)")
            #expect(fromTOML["title"] == fm["title"])
            // The output date is ISO 8601 and agrees with the input.
            #expect(a.outputFrontMatter()["date"] == .date(original: a.date!.iso8601, date: a.date))
        }
    }

    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func seedPost() throws {
        let (a, d) = try ArticleLoader.load(file: Corpus.root.appendingPathComponent("seed/000_f50aad5d968fa226.txt"))
        #expect(d.isEmpty)
        #expect(a.title == "反垄断_铁拳_下，阿里腾讯生态互通？")
        #expect(a.authors == ["ZAKER"])
        #expect(a.date?.iso8601 == "2021-07-14T05:08:05Z")
        #expect(a.categories == ["新媒体", "ZAKER", "channel"])
        #expect(a.coverImage == "https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/202107/60eedaf08e9f094faf1d1b63_1024.jpg")
        #expect(a.frontMatter?.entries.map(\.key) == ["title", "categories", "headimg", "author", "comments", "date", "thumbnail"])
        #expect(a.frontMatter?["comments"] == .bool(false))
        #expect(a.document.textContent(of: a.content).contains("7 月 14 日消息"))
    }
}
