import OffprintSupport
import Foundation
import OffprintArticle
import OffprintCleanup
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

    /// Builds the book from cleaned articles (`Cleanup.clean`).
    public func build(articles: [CleanedArticle], metadata: BookMetadata, images: any ImageProvider,
                      to output: URL) async throws -> BuildReport {
        try await build(stored: articles.map(StoredArticle.init), metadata: metadata, images: images, to: output)
    }

    /// Builds the book from articles as loaded: each is cleaned first (`Cleanup.clean` with
    /// `cleanup`), exactly as an export would clean it, and clean-up's messages lead the
    /// report's.
    public func build(articles: [Article], cleanup: CleanupOptions = CleanupOptions(), metadata: BookMetadata,
                      images: any ImageProvider, to output: URL) async throws -> BuildReport {
        let (cleaned, diagnostics) = Cleanup.clean(articles, options: cleanup)
        var report = try await build(articles: cleaned, metadata: metadata, images: images, to: output)
        report.diagnostics = diagnostics + report.diagnostics
        return report
    }

    /// The same from articles kept by an `ArticleStore` (big books: the trees are loaded
    /// one at a time while the book is planned and written).
    public func build(stored input: [StoredArticle], metadata: BookMetadata, images: any ImageProvider,
                      to output: URL) async throws -> BuildReport {
        guard !input.isEmpty else {
            throw OffprintError(.epub, path: output.path, "no articles to put in the book", hint: "give at least one article (a file, or a collection manifest listing some)")
        }
        let outDir = output.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw OffprintError(.epub, path: output.path, "cannot write the book: the folder \(outDir.path) does not exist", hint: "create the folder, or give -o a path in an existing one")
        }
        let templates = try TemplateSet.load(overrides: options.templatesDirectory)
        var plan = try await self.plan(input, metadata: metadata, images: images, output: output)
        var diagnostics = templates.diagnostics + plan.diagnostics
        let book = BookValues(plan.book, labels: plan.labels)

        let archive = try BookArchive(output: output, modified: plan.book.modified, options: options)
        defer { archive.cleanUp() }
        try archive.zip.add("mimetype", string: "application/epub+zip", compress: false)
        try archive.zip.add("META-INF/container.xml", string: EPUBBuilder.containerXML)
        var report = BuildReport(output: output, identifier: plan.book.identifier, chapters: [], imagesEmbedded: 0, imagesFailed: 0, bytes: 0, diagnostics: [])
        let chapters = try writeChapters(&plan, templates: templates, to: archive, report: &report, diagnostics: &diagnostics)
        var parts = PackageParts(chapters: chapters.manifest)
        parts.images = try EPUBBuilder.writeImages(chapters.images.union(plan.images.cover.map { [$0] } ?? []), plan: plan.images, to: archive)
        report.imagesEmbedded = chapters.images.count
        parts.front = try writeFrontMatter(plan, book: book, templates: templates, to: archive)
        try writeNavigation(plan, toc: chapters.toc, book: book, templates: templates, to: archive)
        try archive.zip.add("EPUB/styles/book.css", string: options.contentTransform.map { $0.transformStylesheet(templates.text("style.css")) } ?? templates.text("style.css"))
        try writePackage(plan, parts: parts, book: book, templates: templates, to: archive)
        try archive.finish()

        report.bytes = (try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0
        report.diagnostics = diagnostics
        report.language = plan.book.language
        return report
    }

    // MARK: Helpers

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

    static func title(of a: ArticleMetadata, index: Int) -> String {
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

    /// The book's language from its chapters' tags: the most common primary language, then
    /// that language's most common tag. A tie goes to a tag without an extended language
    /// subtag (readers know `zh-CN` better than `zh-cmn-Hans`, a form some do not match), then
    /// to the first seen.
    public static func bookLanguage(_ tags: [LanguageTag]) -> LanguageTag? {
        guard let primary = mostCommon(tags.map(\.language)) else { return nil }
        let same = tags.filter { $0.language == primary }
        var counts: [LanguageTag: Int] = [:]
        var order: [LanguageTag] = []
        for t in same {
            if counts[t] == nil { order.append(t) }
            counts[t, default: 0] += 1
        }
        // An extended language subtag: three letters right after the language (`cmn`).
        func hasExtlang(_ t: LanguageTag) -> Bool {
            let parts = t.value.split(separator: "-")
            return parts.count > 1 && parts[1].count == 3 && parts[1].allSatisfy(\.isLetter)
        }
        return order.enumerated().max { a, b in
            let (ca, cb) = (counts[a.element]!, counts[b.element]!)
            if ca != cb { return ca < cb }
            let (ea, eb) = (hasExtlang(a.element), hasExtlang(b.element))
            if ea != eb { return ea }
            return a.offset > b.offset
        }?.element
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
}

/// The book's zip while it is written: next to the output under a temporary name, moved
/// into place when finished (removed otherwise). Content documents go through the
/// options' `contentTransform`; chapter XHTML past `chapterMemoryLimit` goes to temporary
/// files (libzip reads every entry only when the archive is closed).
final class BookArchive {
    let zip: ZipWriter
    private let output: URL
    private let tempPath: String
    private let spillDir: URL
    private var spilled = false
    private var inMemory = 0
    private var finished = false
    private let transform: (any EPUBContentTransform)?
    private let memoryLimit: Int

    init(output: URL, modified: Date, options: EPUBOptions) throws {
        let outDir = output.deletingLastPathComponent()
        self.output = output
        tempPath = outDir.appendingPathComponent(".\(output.lastPathComponent).offprint-\(getpid()).tmp").path
        spillDir = outDir.appendingPathComponent(".\(output.lastPathComponent).offprint-\(getpid()).parts")
        transform = options.contentTransform
        memoryLimit = options.chapterMemoryLimit
        zip = try ZipWriter(path: tempPath, modified: modified)
    }

    /// The XHTML of a content document as stored (transformed).
    func transformed(_ xhtml: String, _ path: String) throws -> [UInt8] {
        let bytes = Array(xhtml.utf8)
        return try transform.map { try $0.transformXHTML(bytes, path: path) } ?? bytes
    }

    /// Stores a content document (transformed).
    func addDocument(_ path: String, _ xhtml: String) throws {
        try zip.add(path, bytes: try transformed(xhtml, path))
    }

    /// Stores a chapter's part (transformed), in memory or, past the memory limit, from a
    /// temporary file named `file`. Returns its size as stored.
    func addChapter(_ path: String, file: String, _ rendered: String) throws -> Int {
        let xhtml = try transformed(rendered, path)
        if inMemory + xhtml.count <= memoryLimit {
            try zip.add(path, bytes: xhtml)
            inMemory += xhtml.count
        } else {
            if !spilled {
                try FileManager.default.createDirectory(at: spillDir, withIntermediateDirectories: true)
                spilled = true
            }
            let spill = spillDir.appendingPathComponent(file).path
            try BookArchive.writeFile(spill, xhtml)
            try zip.add(path, file: spill, compress: true)
        }
        return xhtml.count
    }

    /// Closes the archive and moves it into place.
    func finish() throws {
        try zip.close()
        do {
            try AtomicFile.moveIntoPlace(URL(fileURLWithPath: tempPath), output)
        } catch {
            throw OffprintError(.epub, path: output.path, "cannot move the finished book into place: \(error.reason)", underlying: error)
        }
        finished = true
    }

    /// Removes the temporary files (and the unfinished archive).
    func cleanUp() {
        if !finished {
            zip.discard()
            try? FileManager.default.removeItem(atPath: tempPath)
        }
        if spilled { try? FileManager.default.removeItem(at: spillDir) }
    }

    /// Writes a temporary file (plain POSIX: no atomic rename, no fsync; it lives until the
    /// archive is closed).
    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        guard let f = fopen(path, "wb") else {
            throw OffprintError(.epub, path: path, "cannot create the temporary file: \(String(cString: strerror(errno)))", hint: "set TMPDIR to a writable folder")
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let closed = fclose(f)
        guard written == bytes.count, closed == 0 else {
            throw OffprintError(.epub, path: path, "cannot write the temporary file", hint: "check the free space in its folder")
        }
    }
}
