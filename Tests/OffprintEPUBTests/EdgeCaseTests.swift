import OffprintSupport
import Foundation
import OffprintSupport
import OffprintArticle
import OffprintDocument
import OffprintEPUB
import OffprintImages
import Testing

/// Hostile inputs: markup the schema rejects, names that need escaping, failing and
/// unsupported images, links between articles, long and deep articles.
@Suite("EPUB edge cases")
struct EdgeCaseTests {
    static func article(_ origin: String, _ html: String, title: String?, lang: String? = nil, source: String? = nil,
                        date: String? = nil, authors: [String] = []) -> Article {
        var a = Article(origin: origin, document: HTMLParser.parse(html))
        a.title = title
        a.language = lang.flatMap(LanguageTag.init)
        a.sourceURL = source
        a.baseURL = source
        a.date = date.flatMap { ArticleDate($0) }
        a.authors = authors
        return a
    }

    /// Builds a book in a temporary folder (removed again), runs both epubchecks on it when
    /// `validate`, and returns the report, its entries and its bytes.
    static func build(_ articles: [Article], _ meta: BookMetadata, options: EPUBOptions = EPUBOptions(),
                      name: String = "book", validate: Bool = false) async throws -> (BuildReport, ZipReader, Data) {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent(name + ".epub")
        let report = try await EPUBBuilder(options: options).build(articles: articles, metadata: meta, images: try TestImageProvider(), to: out)
        if let keep = ProcessInfo.processInfo.environment["OFFPRINT_EPUB_KEEP"] {
            try? FileManager.default.removeItem(atPath: keep + "/" + name + ".epub")
            try? FileManager.default.copyItem(atPath: out.path, toPath: keep + "/" + name + ".epub")
        }
        if validate { expectValid(out, name) }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != name + ".epub" }
        #expect(left.isEmpty, "\(name): temporary files left next to the book: \(left)")
        return (report, try ZipReader(out, preload: true), try Data(contentsOf: out))
    }

    static func expectValid(_ book: URL, _ label: String) {
        let problems = Epubcheck.run(book)
        #expect(problems.isEmpty, "\(label): \(problems.count) epubcheck messages:\n\(problems.prefix(40).map(\.description).joined(separator: "\n"))")
    }

    static let hostile = """
        <main><h1>Ünïcödé &amp; &lt;Title&gt; "quoted" 🎉</h1>
        <p>Intro <fb:like href="http://x" layout="button"></fb:like> with <o:p>office</o:p> text
        <a xlink:href="http://example.com/x" onclick="alert(1)" href="javascript:void(0)">js link</a>
        <span style="color:red; text-align: center" data-x="1" onmouseover="x()">styled</span></p>
        <p>para <div>div in p</div> after <p>p in p</p> tail</p>
        <span>span <div>div in span</div> <ul><li>list in span</li></ul> end</span>
        <p><b>bold <blockquote>quote in bold in p</blockquote> rest</b></p>
        <center>centred</center><font color="red">font</font><big>big</big><tt>tt</tt><marquee>marquee</marquee>
        <my-widget foo="bar">custom element</my-widget><x-y>x-y</x-y>
        <ul><li>one</li><ul><li>nested without li</li></ul>stray text<p>stray p</p></ul>
        <ol start="x" reversed><li value="3">three</li></ol>
        <dl><dt>term</dt>loose<dd>def</dd><dt>dangling</dt></dl>
        <table border="1" width="100%"><caption>cap</caption><tr><td colspan="0">a</td><td rowspan="2">b</td>text</tr>
          <tbody><tr><th scope="bogus">h</th></tr></tbody><div>div in table</div><caption>second caption</caption></table>
        <table><thead><tr><th><h2>heading in th</h2></th></tr></thead><tfoot><tr><td>foot</td></tr></tfoot><tbody><tr><td>body</td></tr></tbody></table>
        <figure><p>before</p><figcaption>middle caption</figcaption><img src="https://img.example/fig.png"></figure>
        <figcaption>stray figcaption</figcaption><li>stray li</li><td>stray td</td>
        <p id="dup">first</p><p id="dup">second</p><p id="9bad id">bad</p><a name="anchor">named</a>
        <a href="#dup">to dup</a> <a href="#9bad id">to bad</a> <a href="#missing">to missing</a> <a href="#anchor">to anchor</a>
        <a href="/relative/page">site-relative</a> <a href="other.html">relative</a> <a href="https://ex.com/a b">space</a>
        <a href="http://ex.com/x"><a href="http://ex.com/y">nested link</a></a>
        <iframe src="https://www.youtube.com/embed/abc" title="A video"></iframe>
        <video src="/media/clip.mp4" poster="p.jpg"><source src="clip.webm"></video><audio><source src="https://ex.com/a.mp3"></audio>
        <object data="movie.swf"></object><embed src="https://ex.com/x.swf">
        <form action="/f"><input name="q"><button>Go</button><select><option>opt</option></select><textarea>typed</textarea><label>label</label></form>
        <script>alert(1)</script><style>p{}</style><noscript>noscript</noscript><template><p>tpl</p></template>
        <svg viewBox="0 0 10 10"><circle r="5"/></svg><math><mi>x</mi></math>
        <img src="https://img.example/fail.png" alt="failing image"><img src="https://img.example/fail2.png">
        <img src="https://img.example/pic.webp" alt="webp image"><img src="https://img.example/a.jpg"><img src="https://img.example/b.svg" alt="svg"><img src="https://img.example/hostile.svg" alt="drawing">
        <img data-src="https://img.example/lazy.png" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
        <picture><source srcset="https://img.example/p.webp"><img src="https://img.example/p.png" alt="pic"></picture>
        <img src="https://img.example/a.jpg" alt="same jpeg again" width="abc" height="20">
        <p lang="zh_cn">中文段落</p><p lang="not a tag!">bad lang</p><p dir="rtl" lang="ar">مرحبا بالعالم</p>
        <time datetime="garbage">yesterday</time><details><summary>sum</summary>det</details>
        <h2>Section A</h2><p>a</p><h2 id="sec-b">Section B</h2><p>b</p>
        <pre><code>let x = 1 &lt; 2 &amp;&amp; y</code><div>div in pre</div></pre>
        <p>ctrl\u{01}char and \u{FFFE} nonchar</p>
        </main>
        """

    /// A direction the page declares (`dir="rtl"`, read by the extraction stage) reaches the
    /// chapter even when the language is not known or not right-to-left.
    @Test func declaredDirectionReachesTheChapter() async throws {
        var rtl = Self.article("rtl-page.html", "<p>Mixed text, mostly Latin letters in this test.</p>", title: "Declared RTL")
        rtl.direction = .rtl
        var ltr = Self.article("ltr-page.html", "<p>هذا نص عربي للاختبار في صفحة تقول إنها من اليسار.</p>", title: "Declared LTR", lang: "en")
        ltr.direction = .ltr
        let (_, zip, _) = try await Self.build([rtl, ltr], BookMetadata(title: "Directions", language: LanguageTag("en")), name: "directions")
        let ch1 = try #require(zip.string("EPUB/text/ch001.xhtml"))
        let ch2 = try #require(zip.string("EPUB/text/ch002.xhtml"))
        #expect(ch1.contains("dir=\"rtl\""))
        #expect(!ch2.contains("dir=\"rtl\""))
    }

    @Test("Hostile markup, titles and images still make a book both epubchecks accept")
    func hostileArticle() async throws {
        let a = Self.article("hostile.html", Self.hostile, title: "Ünïcödé & <Title> \"quoted\" 🎉", source: "https://site.example/posts/hostile",
                             date: "2021-07-14T05:08:05Z", authors: ["Ann <A&B>"])
        let rtl = Self.article("rtl.html", "<p>هذا نص عربي للاختبار.</p><p><a href=\"https://site.example/posts/hostile#sec-b\">back</a> <a href=\"https://site.example/posts/hostile\">top</a></p>",
                               title: "عنوان عربي", lang: "ar", source: "https://site.example/posts/rtl")
        let cjk = Self.article("cjk.html", "<p>中文内容，<a href=\"http://www.site.example/posts/rtl/\">阿拉伯语文章</a>。</p>", title: "中文标题「测试」", source: "https://site.example/posts/cjk")
        let hebrew = Self.article("he.html", "<p>שלום עולם, זהו טקסט בעברית ללא תג שפה.</p>", title: "כותרת")
        let (report, zip, _) = try await Self.build([a, rtl, cjk, hebrew], BookMetadata(title: "Edge & <cases> \"book\" 🎉", creators: ["Zoë"], language: LanguageTag("en")), name: "hostile", validate: true)
        let ch1 = try #require(zip.string("EPUB/text/ch001.xhtml"))
        // Active content is gone, text is kept.
        for bad in ["<script", "onclick", "onmouseover", "javascript:", "<iframe", "<video", "<audio", "<object", "<embed", "<form", "<input",
                    "<button", "<select", "<svg", "<font", "<center", "<marquee", "my-widget", "fb:like", "o:p", "xlink", "data-x", "<noscript", "<template", "color:"] {
            #expect(!ch1.contains(bad), "chapter keeps \(bad)")
        }
        for kept in ["div in p", "p in p", "div in span", "list in span", "quote in bold in p", "centred", "custom element", "office",
                     "nested without li", "stray text", "stray p", "heading in th", "div in table", "second caption", "stray li", "stray td",
                     "label", "中文段落", "مرحبا بالعالم", "div in pre", "nested link", "[failing image]", "[webp image]", "text-align: center"] {
            #expect(ch1.contains(kept), "chapter lost \(kept)")
        }
        // Title escaped in the header and the package.
        #expect(ch1.contains("<h1 class=\"article-title\">Ünïcödé &amp; &lt;Title&gt; &quot;quoted&quot; 🎉</h1>"))
        #expect(!ch1.contains("\u{01}") && !ch1.contains("\u{FFFE}"))
        // Links: ids made unique and valid, fragments rewritten or dropped, relative made absolute.
        #expect(ch1.contains("id=\"dup-2\""))
        #expect(ch1.contains("href=\"#dup\""))
        #expect(ch1.contains("id=\"id-9bad-id\"") && ch1.contains("href=\"#id-9bad-id\""))
        #expect(ch1.contains("href=\"#anchor\""))
        #expect(!ch1.contains("#missing"))
        #expect(ch1.contains("href=\"https://site.example/relative/page\""))
        #expect(ch1.contains("href=\"https://site.example/posts/other.html\""))
        #expect(ch1.contains("href=\"https://ex.com/a%20b\""))
        #expect(ch1.contains("href=\"https://www.youtube.com/embed/abc\""))
        #expect(ch1.contains("href=\"https://site.example/media/clip.mp4\""))
        #expect(ch1.contains("lang=\"zh-CN\" xml:lang=\"zh-CN\""))
        #expect(!ch1.contains("not a tag"))
        // Links between articles of the book point at their chapters.
        let ch2 = try #require(zip.string("EPUB/text/ch002.xhtml"))
        #expect(ch2.contains("href=\"ch001.xhtml#sec-b\""))
        #expect(ch2.contains("href=\"ch001.xhtml\""))
        #expect(ch2.contains("dir=\"rtl\"") && ch2.contains("lang=\"ar\""))
        let ch3 = try #require(zip.string("EPUB/text/ch003.xhtml"))
        #expect(ch3.contains("href=\"ch002.xhtml\""))
        // No language given, Hebrew script in an English book: right to left, language undetermined.
        let ch4 = try #require(zip.string("EPUB/text/ch004.xhtml"))
        #expect(ch4.contains("lang=\"und\" xml:lang=\"und\" dir=\"rtl\""))
        // Images: failed and unsupported ones became alt text with a diagnostic; identical bytes stored once.
        #expect(report.imagesFailed == 3)  // fail.png, fail2.png, pic.webp
        #expect(ch1.contains("[failing image]") && !ch1.contains("fail2"))
        #expect(report.diagnostics.contains { $0.message.contains("image/webp") })
        #expect(report.diagnostics.contains { $0.message.contains("HTTP 404") })
        let jpegs = zip.names.filter { $0.hasSuffix(".jpg") }
        #expect(jpegs.count == 1)
        let svgs = zip.names.filter { $0.hasSuffix(".svg") }
        #expect(svgs.count == 3)  // the two drawings and the generated cover
        for f in svgs {
            let svg = zip.string(f) ?? ""
            for bad in ["<!DOCTYPE", "<script", "onclick", "remote.png", "foreignObject", "sodipodi:namedview", "inkscape:version", "<!--"] {
                #expect(!svg.contains(bad), "\(f) keeps \(bad)")
            }
            #expect(svg.contains("<rect"))
        }
        #expect(!ch1.contains("src=\"http") && !ch1.contains("src=\"data:") && !ch1.contains("src=\"\""))
        // Navigation: one entry per article and the h2s under it.
        let nav = try #require(zip.string("EPUB/nav.xhtml"))
        #expect(nav.contains("text/ch001.xhtml#sec-1") && nav.contains("text/ch001.xhtml#sec-b"))
        #expect(nav.contains("epub:type=\"landmarks\"") && nav.contains("epub:type=\"bodymatter\""))
        #expect(nav.contains("<li lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\">"))
        let ncx = try #require(zip.string("EPUB/toc.ncx"))
        let opf = try #require(zip.string("EPUB/package.opf"))
        let uid = try #require(opf.range(of: "<dc:identifier id=\"uid\">").map { opf[$0.upperBound...].prefix(while: { $0 != "<" }) })
        #expect(ncx.contains("<meta name=\"dtb:uid\" content=\"\(uid)\"/>"))
        #expect(opf.contains("<dc:title id=\"title\">Edge &amp; &lt;cases&gt; &quot;book&quot; 🎉</dc:title>"))
        // No cover image given, none in the articles: a generated (SVG) cover, and the title page.
        #expect(zip.names.contains("EPUB/text/titlepage.xhtml"))
        #expect(opf.contains("media-type=\"image/svg+xml\" properties=\"cover-image\""))
    }

    @Test("OCF layout: mimetype first, stored, no extra field; fixed timestamps")
    func ocfLayout() async throws {
        let a = Self.article("a.html", "<p>Hello</p>", title: "A", date: "2020-02-03T04:05:06Z")
        let (_, zip, data) = try await Self.build([a], BookMetadata(title: "OCF"), name: "ocf")
        let bytes = [UInt8](data)
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("ocf.epub")
        try data.write(to: url)
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let method = UInt16(bytes[8]) | UInt16(bytes[9]) << 8
        let nameLength = Int(bytes[26]) | Int(bytes[27]) << 8
        let extraLength = Int(bytes[28]) | Int(bytes[29]) << 8
        let flags = UInt16(bytes[6]) | UInt16(bytes[7]) << 8
        #expect(method == 0, "mimetype must be stored")
        #expect(extraLength == 0, "mimetype must have no extra field")
        #expect(flags & 0x08 == 0, "no data descriptor")
        #expect(String(decoding: bytes[30..<(30 + nameLength)], as: UTF8.self) == "mimetype")
        #expect(String(decoding: bytes[(30 + nameLength)..<(30 + nameLength + 20)], as: UTF8.self) == "application/epub+zip")
        #expect(zip.names.first == "mimetype")
        #expect(zip.names[1] == "META-INF/container.xml")
        // DOS time of the article date: 2020-02-03 04:05:06.
        let time = UInt16(bytes[10]) | UInt16(bytes[11]) << 8
        let date = UInt16(bytes[12]) | UInt16(bytes[13]) << 8
        #expect(date == UInt16((2020 - 1980) << 9 | 2 << 5 | 3))
        #expect(time == UInt16(4 << 11 | 5 << 5 | 3))
        let opf = try #require(zip.string("EPUB/package.opf"))
        #expect(opf.contains("<meta property=\"dcterms:modified\">2020-02-03T04:05:06Z</meta>"))
        // Every entry other than mimetype is deflated, none has an extra field (zipinfo's view).
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["zipinfo", "-v", url.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        if (try? p.run()) != nil {
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(out.contains("length of extra field:                          0 bytes"))
            #expect(!out.split(separator: "\n").contains { $0.contains("length of extra field:") && !$0.hasSuffix(" 0 bytes") })
        }
    }

    @Test("An empty article list is a clear error and writes nothing")
    func emptyList() async throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("empty.epub")
        await #expect(throws: OffprintError.self) {
            _ = try await EPUBBuilder().build(articles: [], metadata: BookMetadata(title: "x"), images: try TestImageProvider(), to: out)
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("A failed build leaves neither the book nor temporary files")
    func failedBuildLeavesNothing() async throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let templates = dir.appendingPathComponent("tpl")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "<html><body><p>{{title}}</body></html>".write(to: templates.appendingPathComponent("chapter.xhtml.mustache"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("broken.epub")
        let a = Self.article("a.html", "<p>Hello</p>", title: "A")
        do {
            _ = try await EPUBBuilder(options: EPUBOptions(templatesDirectory: templates)).build(articles: [a], metadata: BookMetadata(title: "B"), images: try TestImageProvider(), to: out)
            Issue.record("a template giving malformed XML must fail the build")
        } catch let e as OffprintError {
            #expect(e.path == templates.appendingPathComponent("chapter.xhtml.mustache").path && e.message.contains("not well-formed"))
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "tpl" }
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test("Duplicate articles are kept once, with a warning")
    func duplicates() async throws {
        let a = Self.article("a.html", "<p>A</p>", title: "A", source: "https://ex.com/a")
        let b = Self.article("b.html", "<p>B</p>", title: "B", source: "http://www.ex.com/a/")
        let (report, _, _) = try await Self.build([a, a, b], BookMetadata(title: "Dups"), name: "dups")
        #expect(report.chapters.count == 1)
        #expect(report.diagnostics.filter { $0.message.contains("twice") || $0.message.contains("duplicate") }.count == 2)
    }

    @Test("Template overrides replace the bundled files; unknown names are reported")
    func templateOverride() async throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "body { color: black; } /* custom-css-marker */".write(to: dir.appendingPathComponent("style.css"), atomically: true, encoding: .utf8)
        try "x".write(to: dir.appendingPathComponent("chapter.mustache"), atomically: true, encoding: .utf8)
        let a = Self.article("a.html", "<p>Hello</p>", title: "A")
        let (report, zip, _) = try await Self.build([a], BookMetadata(title: "T"), options: EPUBOptions(templatesDirectory: dir), name: "override", validate: true)
        #expect(zip.string("EPUB/styles/book.css")?.contains("custom-css-marker") == true)
        #expect(report.diagnostics.contains { $0.location == "chapter.mustache" })
    }

    @Test("A long article is split at headings into files under the size limit")
    func splitting() async throws {
        var html = "<article><div class=\"wrap\" id=\"wrap\">"
        for s in 1...12 {
            html += "<h2>Part \(s)</h2>"
            for p in 1...40 {
                html += "<p id=\"p\(s)-\(p)\">Section \(s) paragraph \(p): " + String(repeating: "lorem ipsum dolor sit amet ", count: 20) + "</p>"
            }
        }
        html += "<p><a href=\"#p1-1\">back to the start</a> <a href=\"#p12-40\">to the end</a></p></div></article>"
        let a = Self.article("long.html", html, title: "Long")
        let limit = 60_000
        let (report, zip, _) = try await Self.build([a], BookMetadata(title: "Long"), options: EPUBOptions(maxChapterBytes: limit), name: "split", validate: true)
        let files = report.chapters[0].files
        #expect(files.count >= 4)
        var all = ""
        for f in files {
            let x = try #require(zip.string(f))
            #expect(x.utf8.count <= limit + limit / 5, "\(f) is \(x.utf8.count) bytes")
            all += x
        }
        for s in 1...12 {
            for p in 1...40 { #expect(all.contains("Section \(s) paragraph \(p):")) }
        }
        // The wrapper's id appears once; cross-part fragment links name the file.
        #expect(all.components(separatedBy: "id=\"wrap\"").count == 2)
        let last = try #require(zip.string(files.last!))
        #expect(last.contains("href=\"ch001.xhtml#p1-1\""))
        #expect(last.contains("href=\"#p12-40\""))
        // Parts after the first start at a heading when one was near.
        for f in files.dropFirst() {
            let x = try #require(zip.string(f))
            let body = x.components(separatedBy: "<div class=\"article-body\">")[1]
            #expect(body.contains("<h2"), "\(f) has no heading")
        }
    }

    @Test("Very deep nesting does not overflow the stack")
    func deepNesting() async throws {
        let depth = 100_000
        let html = String(repeating: "<div><span>", count: depth / 2) + "deep text" + String(repeating: "</span></div>", count: depth / 2)
        let a = Self.article("deep.html", html, title: "Deep")
        let (report, zip, _) = try await Self.build([a], BookMetadata(title: "Deep"), name: "deep")
        #expect(report.chapters.count == 1)
        #expect(zip.string("EPUB/text/ch001.xhtml")?.contains("deep text") == true)
    }

    @Test("Cover from a local file, identifier given, metadata fields written; empty ones omitted")
    func coverAndMetadata() async throws {
        let dir = try CorpusBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cover = dir.appendingPathComponent("cover.png")
        try Data(PNG.make(width: 60, height: 90, rgb: (10, 20, 30))).write(to: cover)
        let a = Self.article("a.html", "<p>Hello</p>", title: "A", date: "2019-05-06")
        let meta = BookMetadata(title: "Covered", subtitle: "A subtitle", creators: ["One", "Two"], language: LanguageTag("de-de"), publisher: "",
                                description: "Desc & more", date: ArticleDate("2020-01-02"), series: "S", seriesIndex: 1.5,
                                subjects: ["x", "X", " "], coverImage: cover.path, identifier: "urn:isbn:9780000000002")
        let (_, zip, _) = try await Self.build([a], meta, name: "cover", validate: true)
        let opf = try #require(zip.string("EPUB/package.opf"))
        #expect(opf.contains("<dc:identifier id=\"uid\">urn:isbn:9780000000002</dc:identifier>"))
        #expect(opf.contains("<dc:language>de-DE</dc:language>"))
        #expect(opf.contains("<dc:date>2020-01-02</dc:date>"))
        #expect(opf.contains("group-position\">1.5<"))
        #expect(opf.contains("properties=\"cover-image\""))
        #expect(opf.contains("<meta name=\"cover\" content=\"cover-image\"/>"))
        #expect(!opf.contains("<dc:publisher"))
        #expect(opf.components(separatedBy: "<dc:subject>").count == 2)
        #expect(opf.contains("subtitle"))
        #expect(zip.names.contains("EPUB/text/cover.xhtml"))
        let nav = try #require(zip.string("EPUB/nav.xhtml"))
        #expect(nav.contains("Inhalt"))
    }

    @Test("The identifier is derived from the sources: same articles, same id; others, another")
    func derivedIdentifier() async throws {
        let a = Self.article("a.html", "<p>A</p>", title: "A", source: "https://ex.com/a")
        let b = Self.article("b.html", "<p>B</p>", title: "B", source: "https://ex.com/b")
        func uid(_ zip: ZipReader) -> String? {
            guard let opf = zip.string("EPUB/package.opf"), let r = opf.range(of: "<dc:identifier id=\"uid\">") else { return nil }
            return String(opf[r.upperBound...].prefix(while: { $0 != "<" }))
        }
        let (_, z1, _) = try await Self.build([a, b], BookMetadata(title: "X"), name: "id1")
        let (_, z2, _) = try await Self.build([b, a], BookMetadata(title: "Y"), name: "id2")
        let (_, z3, _) = try await Self.build([a], BookMetadata(title: "X"), name: "id3")
        let u1 = try #require(uid(z1))
        #expect(u1.hasPrefix("urn:uuid:") && u1.count == 45)
        #expect(u1 == uid(z2))
        #expect(u1 != uid(z3))
    }
}

/// Random nestings of the elements whose content models trip validators, from a fixed
/// seed: every one must come out as XHTML both epubchecks accept, with its text kept.
@Suite("EPUB random markup")
struct RandomMarkupTests {
    /// SplitMix64: a small deterministic generator (the same markup on every run).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
    }

    static let tags = ["p", "div", "span", "a", "ul", "ol", "li", "table", "tr", "td", "th", "tbody", "thead", "caption",
                       "dl", "dt", "dd", "figure", "figcaption", "h2", "h3", "pre", "blockquote", "b", "em", "code", "section",
                       "header", "footer", "main", "nav", "aside", "details", "summary", "q", "small", "sup", "ruby", "rt",
                       "center", "font", "form", "label", "address", "hgroup", "picture", "time", "nobr", "u",
                       "ins", "del", "s", "sub", "kbd", "mark", "bdi", "bdo", "dfn", "colgroup", "col", "tfoot", "article", "menu",
                       "dir", "marquee", "fb:like", "o:p", "my-el", "abbr", "cite", "var", "legend", "fieldset"]

    static func markup(_ g: inout Generator, words: inout Int) -> String {
        var out = ""
        var open: [String] = []
        for _ in 0..<(60 + Int(g.next() % 80)) {
            switch g.next() % 6 {
            case 0, 1:
                let t = g.pick(tags)
                var attrs = ""
                if t == "a" { attrs = g.pick([" href=\"#x\(g.next() % 5)\"", " href=\"https://ex.com/\(g.next() % 9)\"", " name=\"x\(g.next() % 5)\"", ""]) }
                if g.next() % 4 == 0 { attrs += " id=\"x\(g.next() % 5)\"" }
                if g.next() % 3 == 0 {
                    attrs += g.pick([" lang=\"fr\"", " lang=\"zh_TW\"", " lang=\"!!\"", " xml:lang=\"de\"", " dir=\"auto\"", " dir=\"rtl\"",
                                     " style=\"color:red;text-align:center\"", " title=\"t &amp; &quot;q&quot;\"", " onclick=\"x()\"",
                                     " data-x=\"1\"", " xmlns:foo=\"urn:x\" foo:bar=\"y\"", " class=\"a b\"", " hidden", " tabindex=\"1\"",
                                     " width=\"50%\"", " align=\"center\"", " role=\"note\" aria-label=\"n\""])
                }
                if t == "td" || t == "th" { attrs += g.pick([" colspan=\"2\"", " rowspan=\"-1\"", ""]) }
                out += "<\(t)\(attrs)>"
                open.append(t)
            case 2 where !open.isEmpty:
                out += "</\(open.removeLast())>"
            case 3:
                out += g.pick(["<br>", "<hr>", "<img src=\"https://img.example/\(g.next() % 4).png\" alt=\"i\">", "<wbr>"])
            default:
                words += 1
                out += " w\(words) "
            }
        }
        while let t = open.popLast() { out += "</\(t)>" }
        return out
    }

    @Test("Forty articles of random nesting pass both epubchecks and keep every word")
    func randomNesting() async throws {
        var g = Generator(state: ProcessInfo.processInfo.environment["OFFPRINT_EPUB_SEED"].flatMap { UInt64($0) } ?? 20_211_231)
        var articles: [Article] = []
        var counts: [Int] = []
        for i in 0..<40 {
            var words = 0
            let html = Self.markup(&g, words: &words)
            articles.append(EdgeCaseTests.article("random-\(i).html", html, title: "Random \(i)", source: "https://random.example/\(i)"))
            counts.append(words)
        }
        let (report, zip, _) = try await EdgeCaseTests.build(articles, BookMetadata(title: "Random"), name: "random", validate: true)
        for (i, chapter) in report.chapters.enumerated() {
            let text = chapter.files.compactMap { zip.string($0)?.components(separatedBy: "<div class=\"article-body\">").last }.joined()
            var found = Set<Int>()
            for piece in text.components(separatedBy: "w").dropFirst() {
                if let n = Int(piece.prefix(while: { $0.isNumber })) { found.insert(n) }
            }
            // The words a reader of the source sees (not those inside buttons, objects, scripts).
            let a = articles[i]
            let visible = TextTokens.tokens(TextTokens.visibleText(a.document, under: a.content))
            var expected = Set<Int>()
            for piece in visible.joined(separator: " ").components(separatedBy: "w").dropFirst() {
                if let n = Int(piece.prefix(while: { $0.isNumber })) { expected.insert(n) }
            }
            #expect(expected.count * 10 >= counts[i] * 8, "article \(i): the generator's words are mostly not visible in the source")
            for w in expected.sorted() {
                #expect(found.contains(w), "article \(i) lost word w\(w)")
            }
        }
    }
}
