import Foundation
import OffprintSupport
import OffprintArticle
import OffprintCleanup
import OffprintDocument
import OffprintEPUB
import OffprintImages
@testable import OffprintProfiles
import OffprintTestSupport
import Testing

/// Every profile's book from the corpus Hexo posts, with images served as real WebP, huge
/// JPEG, transparent PNG, animated GIF, SVG and TIFF files: both epubchecks report nothing,
/// and the book keeps the profile's promises.
@Suite("Profile books", .serialized)
struct ProfileBookTests {
    static func tempDir() throws -> URL { try TempDir.create("profile-test") }

    /// The corpus Hexo posts (and the seed post), each `<img>` pointed at one of the test
    /// images in turn, so every kind appears; nil when the corpus is absent.
    static func corpusArticles() throws -> [Article]? {
        let files = Corpus.files("hexo", suffix: ".md")
        guard !files.isEmpty else { return nil }
        var articles = try files.map(Corpus.hexo)
        if let seed = Corpus.root?.appendingPathComponent("seed/000_f50aad5d968fa226.txt") { articles.append(try Corpus.hexo(seed)) }
        let kinds = TestImages.Kind.allCases
        var n = 0
        for i in articles.indices {
            articles[i].coverImage = nil
            for img in articles[i].document.elements(named: "img") {
                let kind = kinds[n % kinds.count]
                articles[i].document.setAttribute("src", "https://img.test/\(n).\(kind.rawValue)", on: img)
                n += 1
            }
        }
        // Every kind at least twice (shared bytes under several URLs are converted once).
        var extra = articles[0].document
        if let body = extra.body {
            for k in 0..<(2 * kinds.count) {
                let img = extra.makeElement("img", attributes: [.init("src", "https://img.test/extra\(k).\(kinds[k % kinds.count].rawValue)"),
                                                                 .init("alt", "extra \(k)")])
                let p = extra.makeElement("p")
                extra.append(img, to: p)
                extra.append(p, to: body)
            }
        }
        articles[0].document = extra
        return articles
    }

    /// Builds `profile`'s book into `dir`.
    static func build(_ profile: DeviceProfile, articles: [Article], metadata: BookMetadata, provider: any ImageProvider,
                      dir: URL, derived: URL, name: String? = nil) async throws -> ProfileBuildResult {
        let out = dir.appendingPathComponent((name ?? profile.name) + profile.fileExtension)
        return try await ProfileBuilder(profile: profile, derivedDirectory: derived).build(articles: Cleanup.clean(articles).0, metadata: metadata, images: provider, to: out)
    }

    /// The manifest's image items: href → media type.
    static func manifestImages(_ opf: String) -> [(href: String, type: String)] {
        var out: [(String, String)] = []
        for item in opf.components(separatedBy: "<item ").dropFirst() {
            guard let href = attribute("href", in: item), let type = attribute("media-type", in: item), type.hasPrefix("image/") else { continue }
            out.append((href, type))
        }
        return out
    }

    static func attribute(_ name: String, in s: String) -> String? {
        guard let r = s.range(of: name + "=\"") else { return nil }
        let rest = s[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    /// Checks what `profile` promises about the book at `url`.
    static func checkPromises(_ profile: DeviceProfile, url: URL) throws {
        let zip = try ZipReader(url, preload: true)
        let opf = try #require(zip.string("EPUB/package.opf"))
        let images = manifestImages(opf)
        #expect(!images.isEmpty)
        let s = profile.images
        for (href, type) in images {
            let bytes = try #require(zip.data("EPUB/" + href), "\(href) is in the manifest but not in the book")
            let format = try #require(MediaType(type).flatMap(ImageFormat.init(mediaType:)), "\(profile.name): \(href) is \(type)")
            #expect(s.formats.contains(format), "\(profile.name): \(href) is \(type), not one of the profile's formats")
            #expect(ImageSniffer.convertibleMediaType(bytes) == MediaType(type), "\(profile.name): \(href) is declared \(type) but holds \(ImageSniffer.convertibleMediaType(bytes)?.value ?? "?")")
            if format == .svg { continue }
            let img = try VImage.open(bytes)
            #expect(s.fits(width: img.width, height: img.height), "\(profile.name): \(href) is \(img.width)×\(img.height)")
            if let b = s.maxImageBytes { #expect(bytes.count <= b, "\(profile.name): \(href) is \(bytes.count) bytes, over \(b)") }
            if s.grayscale { #expect(img.bands <= 2, "\(profile.name): \(href) has colour") }
            if s.animation == .firstFrame { #expect(img.pages == 1, "\(profile.name): \(href) is still animated") }
        }
        if let budget = profile.maxBookBytes {
            let size = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
            #expect(size <= budget)
        }
        // Every content document stays under the Adobe limit.
        for name in zip.names where name.hasSuffix(".xhtml") {
            let n = zip.data(name)?.count ?? 0
            #expect(n <= 260_000, "\(profile.name): \(name) is \(n) bytes, over the 260 KB Adobe limit")
        }
        // A raster cover.
        #expect(opf.contains("properties=\"cover-image\""), "\(profile.name): no cover image")
        let cover = images.first { opf.contains("id=\"cover-image\" href=\"\($0.href)\"") }
        if let cover { #expect(cover.type == "image/jpeg" || cover.type == "image/png", "\(profile.name): cover is \(cover.type)") }
        // The style sheet.
        let css = Self.withoutComments(try #require(zip.string("EPUB/styles/book.css")))
        if profile.stylesheet == .adobeSafe {
            for f in ["var(", "calc(", "min(", "max(", "display: flex", "display: grid"] { #expect(!css.contains(f), "\(profile.name): CSS keeps \(f)") }
        }
    }

    @Test("Every built-in profile's corpus book passes both epubchecks and keeps its promises; a second build does no image work", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func everyProfile() async throws {
        guard let articles = try Self.corpusArticles() else {
            Issue.record("incomplete corpus: ../shared/corpus/hexo not found next to the repository")
            return
        }
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let provider = try GeneratedImageProvider()
        let meta = BookMetadata(title: "RSS 精选 — profiles", creators: ["Offprint Test"], coverImage: "https://img.test/cover.webp")
        for profile in DeviceProfile.builtIn {
            let derived = dir.appendingPathComponent("derived-" + profile.name)
            let start = Date()
            let first = try await Self.build(profile, articles: articles, metadata: meta, provider: provider, dir: dir, derived: derived)
            let seconds = Date().timeIntervalSince(start)
            let url = first.report.output
            if let keep = ProcessInfo.processInfo.environment["OFFPRINT_PROFILE_KEEP"] {
                try? FileManager.default.removeItem(atPath: keep + "/" + url.lastPathComponent)
                try? FileManager.default.copyItem(atPath: url.path, toPath: keep + "/" + url.lastPathComponent)
            }
            let problems = Epubcheck.run(url)
            #expect(problems.isEmpty, "\(profile.name): \(problems.count) epubcheck messages:\n\(problems.prefix(30).map(\.description).joined(separator: "\n"))")
            try Self.checkPromises(profile, url: url)
            #expect(first.images.converted > 0)
            #expect(first.report.imagesFailed == 0, "\(profile.name): \(first.report.diagnostics)")
            print("\(profile.name): \(first.report.bytes) bytes, \(first.report.chapters.count) chapters, \(first.report.imagesEmbedded) images; images \(first.images); \(String(format: "%.2f", seconds)) s")

            // Again: every conversion comes from the derived cache, and the bytes are the same.
            let again = try await Self.build(profile, articles: articles, metadata: meta, provider: provider, dir: dir, derived: derived, name: profile.name + "-again")
            #expect(again.images.converted == 0, "\(profile.name): the second build converted \(again.images.converted) images")
            #expect(again.images.reused == first.images.converted + first.images.unchanged)
            #expect(try Data(contentsOf: url) == Data(contentsOf: again.report.output), "\(profile.name): two builds differ")
        }
    }

    @Test("KEPUB: every chapter has koboSpans and the book-columns wrappers, and reads the same text as the EPUB", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func kepubText() async throws {
        guard let articles = try Self.corpusArticles() else {
            Issue.record("incomplete corpus: ../shared/corpus/hexo not found next to the repository")
            return
        }
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let provider = try GeneratedImageProvider()
        let meta = BookMetadata(title: "KEPUB text", language: LanguageTag("zh"))
        var plain = DeviceProfile.kobo
        plain.kepub = false
        plain.fileExtension = ".epub"
        plain.name = "kobo-plain"
        let derived = dir.appendingPathComponent("derived")
        let k = try await Self.build(.kobo, articles: articles, metadata: meta, provider: provider, dir: dir, derived: derived)
        let e = try await Self.build(plain, articles: articles, metadata: meta, provider: provider, dir: dir, derived: derived)
        #expect(k.report.output.lastPathComponent.hasSuffix(".kepub.epub"))
        let kz = try ZipReader(k.report.output, preload: true), ez = try ZipReader(e.report.output, preload: true)
        #expect(kz.names == ez.names)
        var spans = 0
        for name in ez.names where name.hasSuffix(".xhtml") {
            let kx = try #require(kz.string(name)), ex = try #require(ez.string(name))
            let kd = HTMLParser.parse(kx), ed = HTMLParser.parse(ex)
            let kt = Self.collapse(TextTokens.visibleText(kd, under: kd.body!)), et = Self.collapse(TextTokens.visibleText(ed, under: ed.body!))
            #expect(kt == et, "\(name): KEPUB text differs from the EPUB's")
            #expect(kx.contains("<div id=\"book-columns\"><div id=\"book-inner\">"), "\(name): no Kobo wrappers")
            #expect(kx.contains("class=\"kobostylehacks\""), "\(name): no kobostylehacks style")
            if name.hasPrefix("EPUB/text/ch") {
                let n = kx.components(separatedBy: "class=\"koboSpan\"").count - 1
                #expect(n > 0, "\(name): no koboSpans")
                spans += n
            }
        }
        print("kobo: \(spans) koboSpans in \(k.report.chapters.count) chapters")
        let problems = Epubcheck.run(k.report.output)
        #expect(problems.isEmpty, "\(problems.prefix(30).map(\.description).joined(separator: "\n"))")
    }

    static func withoutComments(_ css: String) -> String {
        var out = ""
        var rest = Substring(css)
        while let r = rest.range(of: "/*") {
            out += rest[..<r.lowerBound]
            guard let e = rest[r.upperBound...].range(of: "*/") else { return out }
            rest = rest[e.upperBound...]
        }
        return out + rest
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    @Test("A book without a cover gets a generated raster cover; epubcheck-clean", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func generatedCover() async throws {
        guard let articles = try Self.corpusArticles() else {
            Issue.record("incomplete corpus: ../shared/corpus/hexo not found next to the repository")
            return
        }
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let provider = try GeneratedImageProvider()
        let r = try await Self.build(.kindle, articles: Array(articles.prefix(3)), metadata: BookMetadata(title: "没有封面的书 — No cover", creators: ["作者 Author"], date: ArticleDate("2022-01-03")),
                                     provider: provider, dir: dir, derived: dir.appendingPathComponent("derived"))
        let zip = try ZipReader(r.report.output, preload: true)
        let opf = try #require(zip.string("EPUB/package.opf"))
        let href = try #require(Self.manifestImages(opf).first { opf.contains("id=\"cover-image\" href=\"\($0.href)\"") }?.href)
        let bytes = try #require(zip.data("EPUB/" + href))
        #expect(ImageSniffer.convertibleMediaType(bytes) == .jpeg)
        let img = try VImage.open(bytes)
        #expect(img.width == 1264 && img.height == 1680)
        #expect(zip.names.contains("EPUB/text/cover.xhtml"))
        let problems = Epubcheck.run(r.report.output)
        #expect(problems.isEmpty, "\(problems.prefix(30).map(\.description).joined(separator: "\n"))")
        if let keep = ProcessInfo.processInfo.environment["OFFPRINT_PROFILE_KEEP"] {
            try? Data(bytes).write(to: URL(fileURLWithPath: keep + "/generated-cover.jpg"))
        }
    }

    @Test("Over the book budget: images are reduced until the book fits", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func budgetByReducingImages() async throws {
        guard let articles = try Self.corpusArticles() else {
            Issue.record("incomplete corpus: ../shared/corpus/hexo not found next to the repository")
            return
        }
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let provider = try GeneratedImageProvider()
        let meta = BookMetadata(title: "Budget")
        let derived = dir.appendingPathComponent("derived")
        let free = try await Self.build(.kindle, articles: articles, metadata: meta, provider: provider, dir: dir, derived: derived, name: "free")
        var tight = DeviceProfile.kindle
        let imageBytes = free.images.sizes.reduce(0, +)
        tight.maxBookBytes = free.report.bytes - imageBytes / 2   // half the images' bytes must go
        let r = try await Self.build(tight, articles: articles, metadata: meta, provider: provider, dir: dir, derived: derived, name: "tight")
        #expect(r.attempts > 1)
        #expect(r.report.bytes <= tight.maxBookBytes!)
        #expect(r.settings.maxImageBytes! < DeviceProfile.kindle.images.maxImageBytes!)
        try Self.checkPromises(r.settings == tight.images ? tight : { var p = tight; p.images = r.settings; return p }(), url: r.report.output)
        print("budget \(tight.maxBookBytes!): \(r.attempts) builds, images capped at \(r.settings.maxImageBytes!) bytes, book \(r.report.bytes) bytes (was \(free.report.bytes))")
    }

    @Test("A budget that images cannot meet: a clear error, or volumes that each fit", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func budgetErrorAndVolumes() async throws {
        guard let withImages = try Self.corpusArticles() else {
            Issue.record("incomplete corpus: ../shared/corpus/hexo not found next to the repository")
            return
        }
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let provider = try GeneratedImageProvider()
        let meta = BookMetadata(title: "Volumes")
        let derived = dir.appendingPathComponent("derived")
        // Text-heavy articles (their images out), so that reducing images cannot meet the budget.
        var texts = withImages
        for i in texts.indices { for img in texts[i].document.elements(named: "img") { texts[i].document.detach(img) } }
        let articles = texts
        var noCover = DeviceProfile.kindle
        noCover.coverWidth = nil
        let free = try await Self.build(noCover, articles: articles, metadata: meta, provider: provider, dir: dir, derived: derived, name: "free")
        var tiny = noCover
        tiny.maxBookBytes = free.report.bytes * 3 / 4
        let out = dir.appendingPathComponent("tiny.epub")
        do {
            _ = try await ProfileBuilder(profile: tiny, derivedDirectory: derived).build(articles: Cleanup.clean(articles).0, metadata: meta, images: provider, to: out)
            Issue.record("a book three times its budget was written")
        } catch let e as OffprintError {
            #expect(e.path == out.path && e.message.hasPrefix("the book would be"), "\(e)")
            #expect(e.hint?.contains("--split-volumes") == true && e.description.hasPrefix(out.path + ": the book would be"))
        }
        #expect(!FileManager.default.fileExists(atPath: out.path), "an over-budget book was left behind")

        let r = try await ProfileBuilder(profile: tiny, derivedDirectory: derived, splitVolumes: true)
            .build(articles: Cleanup.clean(articles).0, metadata: meta, images: provider, to: out)
        #expect(r.volumes.count >= 2)
        #expect(r.volumes.map(\.chapters.count).reduce(0, +) == articles.count)
        for v in r.volumes {
            #expect(v.bytes <= tiny.maxBookBytes!)
            #expect(v.output.lastPathComponent.hasPrefix("tiny-"))
            let problems = Epubcheck.run(v.output)
            #expect(problems.isEmpty, "\(v.output.lastPathComponent): \(problems.prefix(20).map(\.description).joined(separator: "\n"))")
        }
        print("budget \(tiny.maxBookBytes!): \(r.volumes.count) volumes of \(r.volumes.map(\.bytes))")
    }

    @Test("Kindle: languages off Amazon's list, and unknown ones, are warned about")
    func kindleLanguages() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let provider = try GeneratedImageProvider()
        func article(_ text: String) -> Article {
            Article(origin: "a.html", document: HTMLParser.parse("<p>\(text)</p>"))
        }
        for (lang, warned) in [("en-GB", false), ("zh", false), ("ru", true), ("und", true)] {
            var p = DeviceProfile.kindle
            p.coverWidth = nil
            let r = try await ProfileBuilder(profile: p, derivedDirectory: dir.appendingPathComponent("d"))
                .build(articles: Cleanup.clean([article("Some text. More text.")]).0, metadata: BookMetadata(title: "L", language: lang == "und" ? nil : LanguageTag(lang)),
                       images: provider, to: dir.appendingPathComponent("\(lang).epub"))
            let w = r.diagnostics.contains { $0.description.contains("language") }
            #expect(w == warned, "\(lang): \(r.diagnostics)")
        }
    }
}

/// KEPUB over the wide corpora (many languages, RTL, tables, lists, code, inline SVG and
/// MathML, whole news pages): spans must keep every document valid.
@Suite("KEPUB corpora", .serialized)
struct KEPUBCorpusTests {
    static func check(_ articles: [Article], name: String, language: String? = nil) async throws {
        let dir = try ProfileBookTests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = try TestImageProvider()
        let plainProfile: DeviceProfile = { var p = DeviceProfile.kobo; p.kepub = false; p.fileExtension = ".epub"; p.name = "plain"; return p }()
        let meta = BookMetadata(title: name, language: language.flatMap(LanguageTag.init))
        let derived = dir.appendingPathComponent("derived")
        let k = try await ProfileBuilder(profile: .kobo, derivedDirectory: derived)
            .build(articles: Cleanup.clean(articles).0, metadata: meta, images: images, to: dir.appendingPathComponent(name + ".kepub.epub"))
        let e = try await ProfileBuilder(profile: plainProfile, derivedDirectory: derived)
            .build(articles: Cleanup.clean(articles).0, metadata: meta, images: images, to: dir.appendingPathComponent(name + ".epub"))
        let problems = Epubcheck.run(k.report.output)
        #expect(problems.isEmpty, "\(name): \(problems.count) epubcheck messages:\n\(problems.prefix(30).map(\.description).joined(separator: "\n"))")
        let kz = try ZipReader(k.report.output, preload: true), ez = try ZipReader(e.report.output, preload: true)
        var spans = 0, files = 0, largest = 0
        for f in ez.names where f.hasPrefix("EPUB/text/") {
            let kx = try #require(kz.string(f)), ex = try #require(ez.string(f))
            let kd = HTMLParser.parse(kx), ed = HTMLParser.parse(ex)
            #expect(ProfileBookTests.collapse(TextTokens.visibleText(kd, under: kd.body!)) == ProfileBookTests.collapse(TextTokens.visibleText(ed, under: ed.body!)),
                    "\(name) \(f): KEPUB text differs")
            spans += kx.components(separatedBy: "class=\"koboSpan\"").count - 1
            files += 1
            largest = max(largest, kx.utf8.count)
        }
        print("\(name): \(k.report.chapters.count) articles, \(files) files, \(spans) koboSpans, largest file \(largest) bytes, book \(k.report.bytes) bytes (EPUB \(e.report.bytes))")
    }

    @Test("Readability's articles as KEPUB: valid, same text", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func readability() async throws {
        guard let root = Corpus.root else { Issue.record("incomplete corpus: ../shared/corpus not found next to the repository"); return }
        let dir = root.appendingPathComponent("readability")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasSuffix(".tsv") }.sorted()
        try await Self.check(try names.map { try Corpus.readability(dir.appendingPathComponent($0)) }, name: "readability", language: "en")
    }

    @Test("Whole Chinese and English news pages as KEPUB: valid, same text", .enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository"))
    func pages() async throws {
        let files = Corpus.files("gne", suffix: ".html") + Corpus.files("aeb", suffix: ".html")
        guard !files.isEmpty else { Issue.record("incomplete corpus: ../shared/corpus/gne and aeb not found next to the repository"); return }
        try await Self.check(try files.map(Corpus.page), name: "pages")
    }
}
