import OffprintSupport
import Foundation
import OffprintDocument

/// Reads an input file into an `Article`: a post (YAML or TOML front matter followed by an
/// HTML body, as Hexo, Jekyll and Hugo write them) or an HTML page (metadata from `<title>`,
/// `<meta>`, Open Graph and JSON-LD).
///
///     let (article, warnings) = try ArticleLoader.load(file: URL(fileURLWithPath: "post.md"))
///
/// Problems that do not stop the load (broken front matter, a date that cannot be read) come
/// back as diagnostics; inputs that cannot be an article (empty, binary, a directory) throw
/// `ArticleError`.
public enum ArticleLoader {
    public static func load(_ bytes: [UInt8], origin: String, options: LoadOptions = .init()) throws -> (Article, [Diagnostic]) {
        let sniffed = try InputSniffer.check(bytes, origin: origin)
        // One charset decision for the whole input (see `Charset.resolve`), with a warning
        // when it is a guess.
        let forced = options.encodingHint.flatMap(Charset.supportedName) ?? sniffed
        let decision = bytes.withUnsafeBytes { Charset.resolve($0, forced: forced, transport: options.transportCharset) }
        let charsetNotes = decision.warning.map { [Diagnostic(origin: origin, $0)] } ?? []
        let encoding = decision.encoding
        if options.format == .post || (options.format == .auto && InputSniffer.mayStartWithFrontMatter(bytes)) {
            let text = decode(bytes, encoding: encoding)
            if let split = FrontMatterSplitter.split(text) {
                let (a, d) = loadPost(body: String(split.body), split: split, origin: origin, options: options)
                return (a, charsetNotes + d)
            }
            if options.format == .post {
                let (a, d) = loadPost(body: text, split: nil, origin: origin, options: options)
                return (a, charsetNotes + d)
            }
        }
        let doc = HTMLParser.parse(bytes, options: .init(encodingHint: encoding))
        let (a, d) = loadPage(doc, origin: origin, options: options)
        return (a, charsetNotes + d)
    }

    /// Loads a file. Throws `ArticleError` with kind `.isDirectory` for a directory (callers
    /// that accept directories check `isDirectory(_:)` first) and `.unreadable` when the file
    /// cannot be read.
    public static func load(file: URL, options: LoadOptions = .init()) throws -> (Article, [Diagnostic]) {
        let origin = file.path
        if isDirectory(file) { throw ArticleError.isDirectory(origin: origin) }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            let reason = FileManager.default.fileExists(atPath: origin) ? "permission denied or I/O error" : "no such file"
            throw ArticleError.unreadable(origin: origin, reason: reason)
        }
        return try load([UInt8](data), origin: origin, options: options)
    }

    /// Whether `url` names an existing directory.
    public static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    // MARK: Posts

    static func loadPost(body: String, split: FrontMatterSplit?, origin: String, options: LoadOptions) -> (Article, [Diagnostic]) {
        var diags: [Diagnostic] = []
        let markdown = isMarkdown(body: body, split: split, origin: origin, options: options)
        let doc: Document
        if markdown {
            let (html, d) = MarkdownBody.html(body, origin: origin, firstLine: split.map { $0.bodyLine } ?? 1,
                                              assetFolder: URL(fileURLWithPath: origin).deletingPathExtension().lastPathComponent)
            diags += d
            doc = HTMLParser.parse(html)
        } else {
            doc = HTMLParser.parse(body)
        }
        var article = Article(origin: origin, document: doc)
        if let split {
            let (fm, d) = FrontMatterReader.read(split, origin: origin)
            diags += d
            article.frontMatter = fm
            diags += FrontMatterMapping.apply(fm, to: &article)
        }
        // A body that is a whole page says its language in `<html lang>` (pages: `PageMetadata`).
        if article.language == nil, let html = doc.htmlElement {
            article.language = [doc[html].attribute("lang"), doc[html].attribute("xml:lang")].lazy.compactMap { $0.flatMap(LanguageTag.init) }.first
        }
        if markdown, article.date == nil {
            // Jekyll names posts 2024-01-31-title.md and may leave the date out.
            let stem = URL(fileURLWithPath: origin).lastPathComponent
            if stem.count > 10, stem.dropFirst(10).first == "-", let d = ArticleDate(String(stem.prefix(10))), !d.hasTime {
                article.date = d
            }
        }
        if article.sourceURL == nil, let s = options.sourceURL { article.sourceURL = s }
        article.baseURL = options.baseURL ?? article.sourceURL.flatMap { WebURL.isHTTP($0) ? $0 : nil }
        if options.inlineLocalImages { diags += LocalImages.inline(&article) }
        return (article, diags)
    }

    /// Markdown extensions: read as Markdown unless the body looks like HTML (`--body auto`).
    public static let markdownExtensions: Set<String> = ["md", "markdown", "mdown", "mkd", "mkdn"]

    static func isMarkdown(body: String, split: FrontMatterSplit?, origin: String, options: LoadOptions) -> Bool {
        switch options.body {
        case .html: return false
        case .markdown: return true
        case .auto:
            let ext = URL(fileURLWithPath: origin).pathExtension.lowercased()
            let candidate = markdownExtensions.contains(ext) || (ext.isEmpty && split != nil)
            return candidate && !MarkdownBody.looksLikeHTML(Substring(body))
        }
    }

    // MARK: Pages

    static func loadPage(_ doc: Document, origin: String, options: LoadOptions) -> (Article, [Diagnostic]) {
        var diags: [Diagnostic] = []
        var article = Article(origin: origin, document: doc)
        let meta = PageMetadata.extract(from: doc)
        article.title = meta.title
        article.authors = meta.authors
        article.date = meta.publishedTime
        article.language = meta.language
        article.summary = meta.excerpt
        article.siteName = meta.siteName
        article.tags = meta.tags
        article.sourceURL = options.sourceURL ?? meta.url
        let pageURL = article.sourceURL.flatMap { WebURL.isHTTP($0) ? $0 : nil }
        article.coverImage = meta.image.map { WebURL.resolve($0, against: pageURL) }
        var base = pageURL
        if let href = meta.baseHref {
            let resolved = WebURL.resolve(href, against: pageURL)
            if WebURL.isAbsolute(resolved) {
                base = resolved
            } else if options.baseURL == nil {
                diags.append(Diagnostic(origin: origin, location: "<base href=\"\(href)\">",
                                        "relative base URL with no page URL to resolve it against; relative links stay relative (give the page's URL with --base-url)"))
            }
        }
        article.baseURL = options.baseURL ?? base
        return (article, diags)
    }

    static func decode(_ bytes: [UInt8], encoding: String) -> String {
        bytes.withUnsafeBytes { raw in
            String(decoding: Charset.utf8(raw, encoding: encoding), as: UTF8.self)
        }
    }
}

/// Tells text from binary before anything tries to parse it.
enum InputSniffer {
    /// Throws for empty and binary input; returns UTF-16LE or UTF-16BE for BOM-less UTF-16
    /// text, else nil.
    static func check(_ bytes: [UInt8], origin: String) throws -> String? {
        var i = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        let isUTF16BOM = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        if !isUTF16BOM {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x0C { i += 1 }
            if i == bytes.count { throw ArticleError.emptyInput(origin: origin) }
        } else if bytes.count <= 2 {
            throw ArticleError.emptyInput(origin: origin)
        }
        if let kind = magic(bytes) { throw ArticleError.notText(origin: origin, detected: kind) }
        if isUTF16BOM { return nil }
        let sample = bytes.prefix(8192)
        let nuls = sample.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }
        if nuls > 0 {
            // BOM-less UTF-16: every other byte is zero for ASCII-range text.
            var evenZero = 0, oddZero = 0
            for (k, b) in sample.enumerated() where b == 0 { if k % 2 == 0 { evenZero += 1 } else { oddZero += 1 } }
            let pairs = sample.count / 2
            if pairs > 0, oddZero * 10 >= pairs * 4, evenZero * 20 < pairs { return "UTF-16LE" }
            if pairs > 0, evenZero * 10 >= pairs * 4, oddZero * 20 < pairs { return "UTF-16BE" }
            throw ArticleError.notText(origin: origin, detected: "\(nuls) NUL bytes in the first \(sample.count)")
        }
        let controls = sample.reduce(0) { $0 + (($1 < 0x09) || ($1 > 0x0D && $1 < 0x20 && $1 != 0x1B) ? 1 : 0) }
        if controls * 10 > sample.count {
            throw ArticleError.notText(origin: origin, detected: "mostly control characters")
        }
        return nil
    }

    /// Whether the first non-blank line could be a front matter delimiter (`---`, `+++`), so
    /// that pages are not decoded twice. UTF-16 input is always checked the long way.
    static func mayStartWithFrontMatter(_ b: [UInt8]) -> Bool {
        if b.starts(with: [0xFF, 0xFE]) || b.starts(with: [0xFE, 0xFF]) { return true }
        var i = b.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
        if i < b.count, b[i] == 0 { return true }  // BOM-less UTF-16
        guard i + 3 <= b.count else { return false }
        return (b[i] == 0x2D && b[i + 1] == 0x2D && b[i + 2] == 0x2D) || (b[i] == 0x2B && b[i + 1] == 0x2B && b[i + 2] == 0x2B)
    }

    private static func magic(_ b: [UInt8]) -> String? {
        func at(_ o: Int, _ sig: [UInt8]) -> Bool { b.count >= o + sig.count && Array(b[o..<(o + sig.count)]) == sig }
        if at(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "PNG image" }
        if at(0, [0xFF, 0xD8, 0xFF]) { return "JPEG image" }
        if at(0, Array("GIF87a".utf8)) || at(0, Array("GIF89a".utf8)) { return "GIF image" }
        if at(0, Array("RIFF".utf8)) && at(8, Array("WEBP".utf8)) { return "WebP image" }
        if at(4, Array("ftyp".utf8)) { return "MP4/HEIF/AVIF media" }
        if at(0, [0x50, 0x4B, 0x03, 0x04]) || at(0, [0x50, 0x4B, 0x05, 0x06]) { return "ZIP archive (or EPUB/DOCX)" }
        if at(0, Array("%PDF-".utf8)) { return "PDF document" }
        if at(0, [0x1F, 0x8B]) { return "gzip archive" }
        if at(0, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "xz archive" }
        if at(0, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return "7z archive" }
        if at(0, Array("Rar!".utf8)) { return "RAR archive" }
        if at(0, [0x7F, 0x45, 0x4C, 0x46]) { return "ELF executable" }
        if at(0, [0x49, 0x49, 0x2A, 0x00]) || at(0, [0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF image" }
        if at(0, Array("SQLite format 3".utf8)) { return "SQLite database" }
        if at(0, Array("OggS".utf8)) || at(0, Array("ID3".utf8)) { return "audio file" }
        return nil
    }
}
