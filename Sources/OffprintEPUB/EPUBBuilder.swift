import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument
import OffprintImages

/// Packs articles into an EPUB 3.3 book with EPUB 2 fallbacks (NCX, guide, `meta name=cover`).
///
/// ```swift
/// let report = try await EPUBBuilder(options: EPUBOptions())
///     .build(articles: articles, metadata: BookMetadata(title: "Weekly"), images: cache, to: url)
/// ```
///
/// The book: `mimetype` (stored, first), `META-INF/container.xml`, and under `EPUB/` the
/// package document, a navigation document (table of contents + landmarks, also the
/// contents page in the spine), an NCX, the style sheet, a cover page (or a generated
/// title page), one XHTML file per article (several when long) and the images, each stored
/// once. Same inputs give the same bytes; the file appears only when complete.
public struct EPUBBuilder: Sendable {
    public var options: EPUBOptions

    public init(options: EPUBOptions = EPUBOptions()) {
        self.options = options
    }

    static let containerXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
          <rootfiles>
            <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
          </rootfiles>
        </container>

        """

    /// Media types every EPUB reader must show (EPUB 3.2 core media types; WebP only with
    /// `keepWebP`, as EPUB 3.3 added it).
    static let coreImageTypes: Set<MediaType> = [.jpeg, .png, .gif, .svg]

    public func build(articles: [Article], metadata: BookMetadata, images: any ImageProvider,
                      to output: URL) async throws -> BuildReport {
        try await build(stored: articles.map(StoredArticle.init), metadata: metadata, images: images, to: output)
    }

    /// The same from articles kept by an `ArticleStore` (big books: the trees are loaded
    /// one at a time while the book is planned and written).
    public func build(stored input: [StoredArticle], metadata: BookMetadata, images: any ImageProvider,
                      to output: URL) async throws -> BuildReport {
        guard !input.isEmpty else {
            throw OffprintError(.epub, "no articles to put in \(output.path): give at least one article (a file, or a collection manifest listing some)")
        }
        let outDir = output.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw OffprintError(.epub, "cannot write \(output.path): the folder \(outDir.path) does not exist")
        }
        let templates = try TemplateSet.load(overrides: options.templatesDirectory)
        var diagnostics = templates.diagnostics

        // Duplicates: same origin, or same page.
        var articles: [StoredArticle] = []
        var byOrigin: [String: String] = [:], byPage: [String: String] = [:]
        for stored in input {
            let a = stored.metadata
            if let first = byOrigin[a.origin] {
                diagnostics.append(Diagnostic(origin: a.origin, "given twice: kept once (as the first, \(first))"))
                continue
            }
            if let s = a.sourceURL, !s.isEmpty, let first = byPage[WebURL.pageKey(s)] {
                diagnostics.append(Diagnostic(origin: a.origin, location: s, "same source URL as \(first): left out as a duplicate"))
                continue
            }
            byOrigin[a.origin] = a.origin
            if let s = a.sourceURL, !s.isEmpty { byPage[WebURL.pageKey(s)] = a.origin }
            articles.append(stored)
        }

        // Chapters, and what each article says of its language: one pass, loading each
        // article once (the book's language, needed for the chapters' own, comes after).
        let width = max(3, String(articles.count).count)
        var chapters: [Chapter] = []
        chapters.reserveCapacity(articles.count)
        var explicit: [LanguageTag?] = []
        var guessed: [LanguageTag?] = []
        var rtlScript: [Bool] = []
        var declared: [TextDirection?] = []
        var keptNodes = 0
        for (i, stored) in articles.enumerated() {
            let a = try stored.load()
            explicit.append(a.language)
            let sample = Substring(a.document.textContent(of: a.content).prefix(20_000))
            guessed.append(LanguageTag.guess(fromScriptOf: sample))
            rtlScript.append(TextDirection.dominant(in: sample) == .rtl)
            declared.append(a.direction)
            let stem = "ch" + String(repeating: "0", count: max(0, width - String(i + 1).count)) + String(i + 1)
            // (Language and direction are only stored by the chapter: set below.)
            var chapter = Chapter(article: a, title: EPUBBuilder.title(of: a, index: i), language: .undetermined, rtl: false,
                                  fileStem: stem, options: options)
            // Past the budget, keep only what other chapters need (anchors, image URLs) and
            // build the tree again when the chapter is written: big books stay small in memory.
            keptNodes += chapter.doc.count
            if keptNodes > options.chapterMemoryLimit / 256 { chapter.releaseTree() }
            chapters.append(chapter)
        }
        var bookLanguage = EPUBBuilder.mostCommon(explicit.compactMap { $0 }) ?? EPUBBuilder.mostCommon(guessed.compactMap { $0 }) ?? .undetermined
        if let l = metadata.language { bookLanguage = l }
        let labels = options.labels ?? BookLabels.forLanguage(bookLanguage)
        for i in chapters.indices {
            // Unknown language: the book's, unless the script says it cannot be (then "und").
            let lang = explicit[i] ?? guessed[i] ?? (rtlScript[i] != (bookLanguage.direction == .rtl) ? .undetermined : bookLanguage)
            chapters[i].language = lang
            // A direction the page declares (`dir`) wins; else the language's, else the script's.
            chapters[i].rtl = declared[i].map { $0 == .rtl }
                ?? (explicit[i] != nil ? lang.direction == .rtl : (rtlScript[i] || lang.direction == .rtl))
        }
        var pages: [String: Int] = [:]
        for (i, c) in chapters.enumerated() {
            if let s = c.sourceURL { pages[WebURL.pageKey(s)] = i }
        }
        let anchors = chapters.map(\.anchors)

        // Images: every <img> and the cover, fetched at once.
        var wanted = Set<String>()
        for c in chapters { wanted.formUnion(c.imageURLs) }
        // `given`: the book's own cover (always used); else the first article's image, used
        // only when it is cover-shaped (a banner or a thumbnail makes a poor cover).
        var coverSource: (url: String, origin: String, given: Bool)?
        if let c = metadata.coverImage?.trimmed, !c.isEmpty {
            coverSource = (c, "book metadata", true)
        } else if let i = input.firstIndex(where: { ($0.metadata.coverImage ?? "").contains(where: { !$0.isWhitespace }) }) {
            let a = input[i].metadata
            let raw = a.coverImage!.trimmed
            coverSource = (WebURL.absolute(WebURL.encoded(raw), against: a.baseURL ?? a.sourceURL).map(WebURL.encoded) ?? raw, a.origin, false)
        }
        let coverIsRemote = coverSource.map { ["http", "https"].contains(WebURL.scheme(of: $0.url) ?? "") } ?? false
        if coverIsRemote { wanted.insert(coverSource!.url) }
        let fetched = wanted.isEmpty ? [:] : await images.images(for: wanted.sorted())

        // One manifest item per distinct image.
        struct ImageItem { var id: String; var href: String; var mediaType: MediaType; var file: String?; var bytes: [UInt8]? }
        var items: [String: ImageItem] = [:]            // sha256 → item
        var usable: [String: Result<String, ImageFailure>] = [:]  // url → sha256
        for url in wanted.sorted() {
            guard let result = fetched[url] else {
                usable[url] = .failure(ImageFailure(url: url, reason: "the image provider returned nothing for it"))
                continue
            }
            switch result {
            case .failure(let f):
                usable[url] = .failure(f)
            case .success(let img):
                guard EPUBBuilder.coreImageTypes.contains(img.mediaType) || (options.keepWebP && img.mediaType == .webp) else {
                    usable[url] = .failure(ImageFailure(url: url, reason: "\(img.mediaType) is not an image type EPUB readers must support (JPEG, PNG, GIF, SVG\(options.keepWebP ? ", WebP" : "")); bundle with --profile (any profile converts it to JPEG or PNG) to keep it"))
                    continue
                }
                guard FileManager.default.isReadableFile(atPath: img.file.path) else {
                    usable[url] = .failure(ImageFailure(url: url, reason: "the cached file \(img.file.path) cannot be read"))
                    continue
                }
                let key = img.sha256.lowercased()
                if items[key] == nil {
                    let short = String(key.prefix(20))
                    var item = ImageItem(id: "img-" + short, href: "images/\(short).\(img.fileExtension)", mediaType: img.mediaType, file: img.file.path)
                    if img.mediaType == .svg {
                        // SVG is XML a reader runs: scripts, remote references and DOCTYPEs out.
                        guard let data = FileManager.default.contents(atPath: img.file.path),
                              let clean = SVGSanitizer.sanitize([UInt8](data)) else {
                            usable[url] = .failure(ImageFailure(url: url, reason: "not a well-formed SVG drawing"))
                            continue
                        }
                        item.file = nil
                        item.bytes = clean
                    }
                    items[key] = item
                }
                usable[url] = .success(key)
            }
        }

        // The cover image.
        var coverKey: String?
        let instead = options.fallbackCover != nil ? "the fallback cover" : options.generatesCover ? "a generated cover" : "no cover"
        if let cs = coverSource {
            if coverIsRemote {
                switch usable[cs.url] {
                case .success(let key)?:
                    var size: (Int?, Int?) = (nil, nil)
                    if case .success(let img)? = fetched[cs.url] { size = (img.width, img.height) }
                    if cs.given || EPUBBuilder.isCoverShaped(width: size.0, height: size.1) { coverKey = key }
                case .failure(let f)?:
                    diagnostics.append(Diagnostic(origin: cs.origin, location: "cover \(cs.url)", "cover image not used: \(f.reason); the book gets \(instead) instead"))
                case nil: break
                }
            } else {
                do {
                    let (key, item) = try EPUBBuilder.localCover(cs.url, keepWebP: options.keepWebP)
                    var size: (Int?, Int?) = (nil, nil)
                    if case .image(let info) = ImageSniffer.sniff(item.bytes) { size = (info.width, info.height) }
                    if cs.given || EPUBBuilder.isCoverShaped(width: size.0, height: size.1) {
                        if items[key] == nil { items[key] = ImageItem(id: item.id, href: item.href, mediaType: item.mediaType, file: nil, bytes: item.bytes) }
                        coverKey = key
                    }
                } catch let e as OffprintError {
                    diagnostics.append(Diagnostic(origin: cs.origin, location: "cover \(cs.url)", "\(e.message); the book gets \(instead) instead"))
                }
            }
        }
        if coverKey == nil, let fallback = options.fallbackCover {
            do {
                let (key, item) = try EPUBBuilder.localCover(fallback, keepWebP: options.keepWebP)
                if items[key] == nil { items[key] = ImageItem(id: item.id, href: item.href, mediaType: item.mediaType, file: nil, bytes: item.bytes) }
                coverKey = key
            } catch let e as OffprintError {
                diagnostics.append(Diagnostic(origin: "fallback cover", location: fallback, "\(e.message); the book gets \(options.generatesCover ? "a generated cover" : "no cover") instead"))
            }
        }

        // Book metadata.
        var title = Chapter.collapse(metadata.title)
        if title.isEmpty {
            title = chapters[0].title
            diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: "title", "the book has no title: using the first article's, \"\(title)\""))
        }
        let articleDates = chapters.compactMap(\.date)
        let (modifiedDate, modifiedProblem) = EPUBBuilder.modifiedDate(option: options.modified,
                                                                       environment: ProcessInfo.processInfo.environment,
                                                                       articleDates: articleDates.map(\.date))
        if let p = modifiedProblem { diagnostics.append(p) }
        let bookDate: String? = metadata.date?.w3cdtf ?? articleDates.max()?.day
        let identifier: String = {
            if let id = metadata.identifier?.trimmed, !id.isEmpty { return id }
            let sources = input.map { $0.metadata.sourceURL.flatMap { $0.isEmpty ? nil : $0 } ?? $0.metadata.origin }.sorted()
            return "urn:uuid:" + Identifiers.uuidV5(name: "offprint:" + sources.joined(separator: "\n"))
        }()
        var creators = metadata.creators.map(Chapter.collapse).filter { !$0.isEmpty }
        if creators.isEmpty {
            var seen = Set<String>()
            let authors = chapters.flatMap(\.authors).filter { seen.insert($0).inserted }
            if authors.count <= 3 { creators = authors }
        }
        var subjects: [String] = []
        do {
            var seen = Set<String>()
            let raw = metadata.subjects ?? input.flatMap { $0.metadata.categories + $0.metadata.tags }
            for s in raw {
                let t = Chapter.collapse(s)
                if !t.isEmpty && seen.insert(t.lowercased()).inserted { subjects.append(t) }
            }
        }

        // The date the title page (and a generated cover) shows: not when the title says it already.
        let shownDate = bookDate.flatMap { title.utf8Contains($0) ? nil : $0 }
        if coverKey == nil && options.generatesCover {
            let svg = GeneratedCover.svg(title: title, creators: creators, date: shownDate)
            let key = Hex.sha256(svg)
            let short = String(key.prefix(20))
            items[key] = ImageItem(id: "img-" + short, href: "images/\(short).svg", mediaType: .svg, file: nil, bytes: svg)
            coverKey = key
        }

        // Write.
        let tempPath = outDir.appendingPathComponent(".\(output.lastPathComponent).offprint-\(getpid()).tmp").path
        let spillDir = outDir.appendingPathComponent(".\(output.lastPathComponent).offprint-\(getpid()).parts")
        var spilled = false
        let zip = try ZipWriter(path: tempPath, modified: modifiedDate)
        var done = false
        defer {
            if !done {
                zip.discard()
                try? FileManager.default.removeItem(atPath: tempPath)
            }
            if spilled { try? FileManager.default.removeItem(at: spillDir) }
        }
        try zip.add("mimetype", string: "application/epub+zip", compress: false)
        try zip.add("META-INF/container.xml", string: EPUBBuilder.containerXML)

        var report = BuildReport(output: output, identifier: identifier, chapters: [], imagesEmbedded: 0, imagesFailed: 0, bytes: 0, diagnostics: [])
        var usedImages = Set<String>()
        if let k = coverKey { usedImages.insert(k) }
        var articleImages = Set<String>()  // what the report counts: the articles' images, not a cover made for the book
        var inMemory = 0
        var manifest: [[String: Any]] = []
        var spine: [[String: Any]] = []
        var tocItems: [TOCItem] = []
        let x = Escape.xmlSafe
        let rtl = bookLanguage.direction == .rtl
        func transformed(_ xhtml: [UInt8], _ path: String) throws -> [UInt8] {
            try options.contentTransform.map { try $0.transformXHTML(xhtml, path: path) } ?? xhtml
        }

        for i in chapters.indices {
            if chapters[i].treeReleased {
                let c = chapters[i]
                chapters[i] = Chapter(article: try articles[i].load(), title: c.title, language: c.language, rtl: c.rtl,
                                      fileStem: String(c.files[0].dropLast(6)), options: options)
            }
            chapters[i].rewriteLinks(book: pages, anchors: anchors, selfIndex: i)
            // Images: local file or alt text.
            for p in chapters[i].parts {
                for d in chapters[i].doc.descendants(of: p) where chapters[i].doc[d].name == "img" {
                    guard let src = chapters[i].doc[d].attribute("src") else { continue }
                    switch usable[src] {
                    case .success(let key)?:
                        chapters[i].doc.setAttribute("src", "../" + items[key]!.href, on: d)
                        usedImages.insert(key)
                        articleImages.insert(key)
                    case .failure(let f)?:
                        report.imagesFailed += 1
                        // An unreachable host is reported once for the run (`FetchSummary.hostGroups`).
                        if f.host == nil {
                            diagnostics.append(Diagnostic(origin: chapters[i].origin, location: "<img src=\"\(EPUBBuilder.short(src))\">",
                                                          "image not embedded (\(f.reason)): replaced by its alt text"))
                        }
                        Sanitizer(origin: chapters[i].origin, baseURL: nil).replaceByAlt(&chapters[i].doc, d)
                    case nil:
                        Sanitizer(origin: chapters[i].origin, baseURL: nil).replaceByAlt(&chapters[i].doc, d)
                    }
                }
            }
            let c = chapters[i]
            var chapterBytes = 0
            var paths: [String] = []
            for p in c.parts.indices {
                var ctx: [String: Any] = [
                    "language": c.language.value, "title": x(c.title), "stylesheet": "../styles/book.css",
                    "sectionID": "chapter", "firstPart": p == 0, "partNumber": p + 1, "partCount": c.parts.count,
                    "labels": EPUBBuilder.labelContext(labels), "body": c.body(part: p),
                ]
                if c.rtl { ctx["rtl"] = true }
                if !c.authors.isEmpty { ctx["byline"] = x(c.authors.joined(separator: ", ")) }
                if let d = c.date { ctx["date"] = x(d.day) }
                if let s = c.sourceURL {
                    ctx["sourceURL"] = x(s)
                    ctx["sourceLabel"] = x(EPUBBuilder.sourceLabel(s))
                }
                let name = "EPUB/text/" + c.files[p]
                let rendered = Array(try templates.render("chapter.xhtml.mustache", ctx).utf8)
                let xhtml = try transformed(rendered, name)
                if inMemory + xhtml.count <= options.chapterMemoryLimit {
                    try zip.add(name, bytes: xhtml)
                    inMemory += xhtml.count
                } else {
                    if !spilled {
                        try FileManager.default.createDirectory(at: spillDir, withIntermediateDirectories: true)
                        spilled = true
                    }
                    let file = spillDir.appendingPathComponent(c.files[p]).path
                    try EPUBBuilder.writeFile(file, xhtml)
                    try zip.add(name, file: file, compress: true)
                }
                chapterBytes += xhtml.count
                paths.append(name)
                if rendered.count > options.maxChapterBytes + options.maxChapterBytes / 5 {
                    diagnostics.append(Diagnostic(origin: c.origin, location: c.files[p],
                                                  "chapter file is \(rendered.count / 1000) KB, over the \(options.maxChapterBytes / 1000) KB split size: one block in it (a table, list or preformatted text) is too large to split"))
                }
                let itemID = String(c.files[p].dropLast(6))
                manifest.append(["itemID": itemID, "href": "text/" + c.files[p], "mediaType": MediaType.xhtml.value])
                spine.append(["idref": itemID, "linear": true])
            }
            diagnostics += chapters[i].diagnostics
            report.chapters.append(.init(origin: c.origin, title: c.title, files: paths, bytes: chapterBytes))
            // Table of contents (built below, once sections are known).
            tocItems.append(TOCItem(section: articles[i].metadata.section.map(Chapter.collapse).flatMap { $0.isEmpty ? nil : $0 },
                                    label: x(c.title), href: "text/" + c.files[0], language: c.language.value, rtl: c.rtl != rtl,
                                    children: c.subheadings.map { ("text/" + c.files[$0.part] + "#" + $0.id, x($0.label)) }))
            chapters[i].releaseTree()
        }

        let (tocEntries, ncxEntries, ncxDepth) = EPUBBuilder.contents(tocItems, bookLanguage: bookLanguage.value)

        // Images used, in a fixed order.
        var imageManifest: [[String: Any]] = []
        for key in usedImages.sorted() {
            let item = items[key]!
            let compress = item.mediaType == .svg
            if let f = item.file {
                try zip.add("EPUB/" + item.href, file: f, compress: compress)
            } else if let b = item.bytes {
                try zip.add("EPUB/" + item.href, bytes: b, compress: compress)
            }
            var m: [String: Any] = ["itemID": key == coverKey ? "cover-image" : item.id, "href": item.href, "mediaType": item.mediaType.value]
            if key == coverKey { m["itemProperties"] = "cover-image" }
            imageManifest.append(m)
        }
        report.imagesEmbedded = articleImages.count

        // Front matter pages, navigation, package.
        var book: [String: Any] = [
            "language": bookLanguage.value, "identifier": x(identifier), "title": x(title), "modified": Dates.timestamp(modifiedDate),
            "labels": EPUBBuilder.labelContext(labels), "creators": creators.enumerated().map { ["creatorID": "creator\($0.offset + 1)", "name": x($0.element)] },
            "subjects": subjects.map(x),
        ]
        if rtl { book["rtl"] = true }
        func put(_ key: String, _ value: String?) {
            if let v = value.map(Chapter.collapse), !v.isEmpty { book[key] = x(v) }
        }
        put("subtitle", metadata.subtitle)
        put("publisher", metadata.publisher)
        if let d = metadata.description?.trimmed, !d.isEmpty { book["description"] = x(d) }
        put("date", bookDate)
        if let s = metadata.series.map(Chapter.collapse), !s.isEmpty {
            book["series"] = true
            book["seriesName"] = x(s)
            if let idx = metadata.seriesIndex {
                book["seriesIndex"] = idx == idx.rounded() && abs(idx) < 1e15 ? String(Int(idx)) : String(idx)
            }
        }

        var front: [[String: Any]] = []
        var frontSpine: [[String: Any]] = []
        var landmarks: [[String: Any]] = []
        var guide: [[String: Any]] = []
        var ctx = book
        ctx["stylesheet"] = "../styles/book.css"
        if let key = coverKey {
            ctx["coverHref"] = "../" + items[key]!.href
            try zip.add("EPUB/text/cover.xhtml", bytes: try transformed(Array(try templates.render("cover.xhtml.mustache", ctx).utf8), "EPUB/text/cover.xhtml"))
            front.append(["itemID": "cover", "href": "text/cover.xhtml", "mediaType": MediaType.xhtml.value])
            frontSpine.append(["idref": "cover", "linear": true])
            landmarks.append(["landmarkType": "cover", "href": "text/cover.xhtml", "label": x(labels.cover)])
            guide.append(["guideType": "cover", "guideTitle": x(labels.cover), "href": "text/cover.xhtml"])
            book["coverImageID"] = "cover-image"
        }
        // Always a title page: title, subtitle, authors, series, publisher, date.
        var titleCtx = ctx
        titleCtx["date"] = shownDate.map { x(Chapter.collapse($0)) }
        try zip.add("EPUB/text/titlepage.xhtml", bytes: try transformed(Array(try templates.render("titlepage.xhtml.mustache", titleCtx).utf8), "EPUB/text/titlepage.xhtml"))
        front.append(["itemID": "titlepage", "href": "text/titlepage.xhtml", "mediaType": MediaType.xhtml.value])
        frontSpine.append(["idref": "titlepage", "linear": true])
        landmarks.append(["landmarkType": "titlepage", "href": "text/titlepage.xhtml", "label": x(labels.titlePage)])
        guide.append(["guideType": "title-page", "guideTitle": x(labels.titlePage), "href": "text/titlepage.xhtml"])
        landmarks.append(["landmarkType": "toc", "href": "nav.xhtml#toc", "label": x(labels.contents)])
        landmarks.append(["landmarkType": "bodymatter", "href": "text/" + chapters[0].files[0], "label": x(labels.start)])
        guide.append(["guideType": "toc", "guideTitle": x(labels.contents), "href": "nav.xhtml"])
        guide.append(["guideType": "text", "guideTitle": x(labels.start), "href": "text/" + chapters[0].files[0]])

        var navCtx = book
        navCtx["stylesheet"] = "styles/book.css"
        navCtx["toc"] = tocEntries
        navCtx["landmarks"] = landmarks
        try zip.add("EPUB/nav.xhtml", bytes: try transformed(Array(try templates.render("nav.xhtml.mustache", navCtx).utf8), "EPUB/nav.xhtml"))
        var ncxCtx = book
        ncxCtx["toc"] = ncxEntries
        ncxCtx["depth"] = ncxDepth
        try zip.add("EPUB/toc.ncx", string: try templates.render("toc.ncx.mustache", ncxCtx))
        try zip.add("EPUB/styles/book.css", string: options.contentTransform.map { $0.transformStylesheet(templates.text("style.css")) } ?? templates.text("style.css"))

        var opf = book
        opf["items"] = [
            ["itemID": "nav", "href": "nav.xhtml", "mediaType": MediaType.xhtml.value, "itemProperties": "nav"],
            ["itemID": "ncx", "href": "toc.ncx", "mediaType": MediaType.ncx.value],
            ["itemID": "css", "href": "styles/book.css", "mediaType": MediaType.css.value],
        ] + front + manifest + imageManifest
        opf["spine"] = frontSpine + [["idref": "nav", "linear": true]] + spine
        opf["guide"] = guide
        try zip.add("EPUB/package.opf", string: try templates.render("package.opf.mustache", opf))

        try zip.close()
        do {
            try AtomicFile.moveIntoPlace(URL(fileURLWithPath: tempPath), output)
        } catch {
            throw OffprintError(.epub, "cannot move the finished book to \(output.path): \(error.reason)")
        }
        done = true
        report.bytes = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        report.diagnostics = diagnostics
        report.language = bookLanguage
        return report
    }

    // MARK: Helpers

    /// One article's line in the table of contents.
    struct TOCItem {
        var section: String?
        var label: String
        var href: String
        var language: String
        var rtl: Bool
        var children: [(href: String, label: String)]
    }

    /// The navigation document's and the NCX's entries: articles with their subheadings,
    /// and consecutive articles of one section (a feed) under an entry of their own that
    /// opens the section's first article. Returns the NCX depth too.
    static func contents(_ items: [TOCItem], bookLanguage: String) -> (nav: [[String: Any]], ncx: [[String: Any]], depth: Int) {
        var nav: [[String: Any]] = []
        var ncx: [[String: Any]] = []
        var playOrder = 0
        var depth = 1
        var i = 0
        var articleNumber = 0
        // A section opens its first article: the same target, so the same play order.
        var sharesSectionOrder = false
        func article(_ item: TOCItem, level: Int) -> (nav: [String: Any], ncx: [String: Any]) {
            articleNumber += 1
            if sharesSectionOrder { sharesSectionOrder = false } else { playOrder += 1 }
            let n = articleNumber
            var ncxEntry: [String: Any] = ["navID": "nav-\(n)", "playOrder": playOrder, "label": item.label, "ncxHref": item.href]
            var kids: [[String: Any]] = []
            for (k, h) in item.children.enumerated() {
                playOrder += 1
                kids.append(["navID": "nav-\(n)-\(k + 1)", "playOrder": playOrder, "label": h.label, "ncxHref": h.href, "hasChildren": false, "children": [[String: Any]]()])
            }
            if !kids.isEmpty { depth = max(depth, level + 1) }
            ncxEntry["children"] = kids
            ncxEntry["hasChildren"] = !kids.isEmpty
            let navKids: [[String: Any]] = item.children.map { ["href": $0.href, "label": $0.label, "hasChildren": false, "children": [[String: Any]]()] }
            let navEntry: [String: Any] = ["href": item.href, "label": item.label, "hasChildren": !navKids.isEmpty, "children": navKids,
                                           "entryLanguage": item.language, "entryRTL": item.rtl]
            return (navEntry, ncxEntry)
        }
        var sectionNumber = 0
        while i < items.count {
            guard let section = items[i].section else {
                let (a, b) = article(items[i], level: 1)
                nav.append(a)
                ncx.append(b)
                i += 1
                continue
            }
            sectionNumber += 1
            playOrder += 1
            var sectionNCX: [String: Any] = ["navID": "section-\(sectionNumber)", "playOrder": playOrder,
                                             "label": Escape.xmlSafe(section), "ncxHref": items[i].href]
            var navKids: [[String: Any]] = []
            var ncxKids: [[String: Any]] = []
            depth = max(depth, 2)
            sharesSectionOrder = true
            while i < items.count, items[i].section == section {
                let (a, b) = article(items[i], level: 2)
                navKids.append(a)
                ncxKids.append(b)
                i += 1
            }
            sectionNCX["children"] = ncxKids
            sectionNCX["hasChildren"] = true
            ncx.append(sectionNCX)
            nav.append(["href": ncxKids.first?["ncxHref"] as? String ?? "",
                        "label": Escape.xmlSafe(section), "hasChildren": true, "children": navKids,
                        "entryLanguage": bookLanguage, "entryRTL": false])
        }
        return (nav, ncx, depth)
    }

    /// The book's modification date: the option, else `SOURCE_DATE_EPOCH`, else the newest
    /// article date, else 2000-01-01 — never the clock.
    static func modifiedDate(option: Date?, environment: [String: String], articleDates: [Date]) -> (Date, Diagnostic?) {
        if let d = option { return (d, nil) }
        var problem: Diagnostic?
        if let env = environment["SOURCE_DATE_EPOCH"] {
            if let secs = Int(env.trimmed), secs >= 0 {
                return (Date(timeIntervalSince1970: Double(secs)), nil)
            }
            problem = Diagnostic(origin: "SOURCE_DATE_EPOCH", "not a number of seconds since 1970 (\(env)): ignored")
        }
        return (articleDates.max() ?? Date(timeIntervalSince1970: 946_684_800), problem)
    }

    /// Writes a temporary file (plain POSIX: no atomic rename, no fsync; it lives until the
    /// archive is closed).
    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        guard let f = fopen(path, "wb") else {
            throw OffprintError(.epub, "cannot create the temporary file \(path): \(String(cString: strerror(errno)))")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        guard written == bytes.count, closed == 0 else {
            throw OffprintError(.epub, "cannot write the temporary file \(path): check the free space in its folder")
        }
    }

    static func labelContext(_ l: BookLabels) -> [String: String] {
        let x = Escape.xmlSafe
        return ["contents": x(l.contents), "landmarks": x(l.landmarks), "cover": x(l.cover),
                "titlePage": x(l.titlePage), "source": x(l.source), "start": x(l.start)]
    }

    static func title(of a: Article, index: Int) -> String {
        if let t = a.title.map(Chapter.collapse), !t.isEmpty { return t }
        let stem = URL(fileURLWithPath: a.origin).deletingPathExtension().lastPathComponent
        if a.origin != "-" && !stem.isEmpty { return stem }
        return "Article \(index + 1)"
    }

    /// `example.com/path…` for showing a URL.
    static func sourceLabel(_ url: String) -> String {
        var s = url
        if let r = s.firstRange(of: "://") { s = String(s[r.upperBound...]) }
        if s.hasPrefix("www.") { s.removeFirst(4) }
        let decoded = s.removingPercentEncoding ?? s
        return decoded.count > 60 ? String(decoded.prefix(57)) + "…" : decoded
    }

    static func short(_ url: String) -> String {
        url.hasPrefix("data:") ? String(url.prefix(40)) + "…" : url
    }

    static func mostCommon<T: Hashable>(_ values: [T]) -> T? {
        var counts: [T: Int] = [:]
        var order: [T] = []
        for v in values {
            if counts[v] == nil { order.append(v) }
            counts[v, default: 0] += 1
        }
        return order.max { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && order.firstIndex(of: $0)! > order.firstIndex(of: $1)!) }
    }

    /// Whether an article's image is fit to be a book's cover: portrait, between 1.2 and 2 times
    /// as high as wide (covers are about 1.5), and at least 500×700 pixels. An image whose
    /// size is unknown is not.
    static func isCoverShaped(width: Int?, height: Int?) -> Bool {
        guard let w = width, let h = height, w >= 500, h >= 700 else { return false }
        return h * 10 >= w * 12 && h <= w * 2
    }

    /// A cover image from a local path or `file:` URL: its sha256 and manifest item.
    static func localCover(_ raw: String, keepWebP: Bool) throws -> (String, (id: String, href: String, mediaType: MediaType, bytes: [UInt8])) {
        let path = raw.hasPrefix("file:") ? (URL(string: raw)?.path ?? String(raw.dropFirst(5))) : raw
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OffprintError(.epub, "cannot read the cover image \(path)")
        }
        var bytes = [UInt8](data)
        guard case .image(let info) = ImageSniffer.sniff(bytes), coreImageTypes.contains(info.mediaType) || (keepWebP && info.mediaType == .webp) else {
            throw OffprintError(.epub, "the cover image \(path) is not a JPEG, PNG, GIF or SVG file")
        }
        let type = info.mediaType, ext = type.fileExtension
        if type == .svg {
            guard let clean = SVGSanitizer.sanitize(bytes) else { throw OffprintError(.epub, "the cover image \(path) is not a well-formed SVG drawing") }
            bytes = clean
        }
        let key = Hex.sha256(bytes)
        let short = String(key.prefix(20))
        return (key, ("img-" + short, "images/\(short).\(ext)", type, bytes))
    }
}
