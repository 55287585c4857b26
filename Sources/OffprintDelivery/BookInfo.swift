import Foundation
import OffprintDocument
import OffprintEPUB
import OffprintSupport

/// What the delivery steps need to know about one EPUB (or KEPUB) file, read from its OPF:
/// the subject line of a Send-to-Kindle message, the entries of the OPDS catalog.
public struct BookInfo: Sendable, Equatable {
    public var file: URL
    public var title: String
    public var authors: [String]
    /// The first `dc:language` that is a BCP 47 tag (case normalised: `en-us` → `en-US`);
    /// nil when there is none.
    public var language: LanguageTag?
    /// `dc:date`, when it reads as a date (W3CDTF: YYYY, YYYY-MM, YYYY-MM-DD or a full timestamp).
    public var date: ArticleDate?
    public var description: String?
    public var identifier: String?
    /// The cover image inside the archive (zip entry name) and its media type.
    public var coverEntry: String?
    public var coverMediaType: MediaType?
    /// A Kobo KEPUB (named `*.kepub.epub`, or whose content carries `koboSpan`s).
    public var isKEPUB: Bool
    public var byteCount: Int64

    /// The media type a catalog or a message gives the file.
    public var mediaType: MediaType { isKEPUB ? .kepub : .epub }

    /// Reads `file`'s container and OPF. Throws `OffprintError` naming the file and the part
    /// that is missing or broken.
    public static func read(_ file: URL) throws -> BookInfo {
        let archive = try openArchive(file)
        guard let container = archive.data("META-INF/container.xml") else {
            throw OffprintError(.delivery, path: file.path, "not an EPUB (no META-INF/container.xml)",
                                hint: "only EPUB/KEPUB files made by `offprint bundle` (or any EPUB) can be delivered")
        }
        let containerDoc = try XMLTree(container, name: "\(file.path)!META-INF/container.xml")
        guard let opfPath = containerDoc.elements(named: "rootfile").compactMap({ $0.attribute("full-path") }).first else {
            throw OffprintError(.delivery, path: file.path, "META-INF/container.xml names no rootfile (full-path)")
        }
        guard let opfBytes = archive.data(opfPath) else {
            throw OffprintError(.delivery, path: file.path, "the package document \(opfPath) named by META-INF/container.xml is missing")
        }
        let opf = try XMLTree(opfBytes, name: "\(file.path)!\(opfPath)")
        let dc = "http://purl.org/dc/elements/1.1/"
        func texts(_ local: String) -> [String] {
            opf.elements(named: local, namespace: dc).map { $0.text.collapsedWhitespace }.filter { !$0.isEmpty }
        }
        let fallbackTitle = file.lastPathComponent.replacingOccurrences(of: ".kepub.epub", with: "").replacingOccurrences(of: ".epub", with: "")
        var info = BookInfo(file: file,
                            title: texts("title").first ?? fallbackTitle,
                            authors: texts("creator"),
                            language: texts("language").lazy.compactMap { LanguageTag($0) }.first,
                            date: texts("date").first.flatMap { ArticleDate($0, allowingYearOrMonth: true) },
                            description: texts("description").first,
                            identifier: texts("identifier").first,
                            isKEPUB: file.lastPathComponent.lowercased().hasSuffix(".kepub.epub"),
                            byteCount: archive.fileSize)
        // The cover: EPUB 3 `properties="cover-image"`, else EPUB 2 `<meta name="cover" content="ID">`.
        let items = opf.elements(named: "item")
        let base = opfPath.contains("/") ? String(opfPath[..<opfPath.lastIndex(of: "/")!]) + "/" : ""
        var coverItem = items.first { ($0.attribute("properties") ?? "").split(separator: " ").contains("cover-image") }
        if coverItem == nil, let id = opf.elements(named: "meta").first(where: { $0.attribute("name") == "cover" })?.attribute("content") {
            coverItem = items.first { $0.attribute("id") == id }
        }
        if let item = coverItem, let href = item.attribute("href"), let type = item.attribute("media-type").flatMap({ MediaType($0) }), type.isImage {
            let entry = entryName(href, against: base)
            if archive.has(entry) {
                info.coverEntry = entry
                info.coverMediaType = type
            }
        }
        if !info.isKEPUB {
            info.isKEPUB = archive.anyEntry(where: { $0.hasSuffix(".xhtml") || $0.hasSuffix(".html") }, contains: Array("class=\"koboSpan\"".utf8))
        }
        return info
    }

    /// The cover image's bytes, read from the archive again (nil when the book has none).
    public func coverBytes() throws -> [UInt8]? {
        guard let entry = coverEntry else { return nil }
        return try Self.openArchive(file).data(entry)
    }

    /// The book's archive; a missing file or one that is not a zip is an `OffprintError` of
    /// the delivery step naming the file (the reader's message, its cause kept as `underlying`).
    private static func openArchive(_ file: URL) throws -> ZipReader {
        do { return try ZipReader(file) } catch {
            let e = OffprintError.wrapping(error, step: .delivery)
            throw OffprintError(.delivery, path: e.path ?? file.path, line: e.line, e.message, hint: e.hint, kind: e.kind, underlying: error)
        }
    }

    /// `href` (percent-encoded, relative to the OPF's folder `base`) as a zip entry name.
    static func entryName(_ href: String, against base: String) -> String {
        let raw = (href.split(separator: "#", maxSplits: 1).first.map(String.init) ?? href)
        let decoded = raw.removingPercentEncoding ?? raw
        var parts: [Substring] = []
        for p in (base + decoded).split(separator: "/", omittingEmptySubsequences: true) {
            if p == "." { continue }
            if p == ".." { _ = parts.popLast(); continue }
            parts.append(p)
        }
        return parts.joined(separator: "/")
    }
}

/// An XML document's elements as plain values, in document order (read with
/// OffprintDocument's `XMLStreamReader`; no tree is kept).
struct XMLTree {
    struct Element {
        var name: String
        var namespace: String?
        var attributes: [String: String]
        /// The text of the element and everything inside it.
        var text: String
        func attribute(_ n: String) -> String? { attributes[n] }
    }
    private(set) var elements: [Element] = []

    init(_ bytes: [UInt8], name: String) throws {
        var out: [Element] = []
        var text: [UInt8] = []
        // The open elements: their index in `out` and where their text starts in `text`.
        var open: [(element: Int, textStart: Int)] = []
        do {
            let reader = try XMLStreamReader(bytes: bytes)
            while let event = try reader.next() {
                switch event {
                case .start(let local, let ns, _, let attributes, _):
                    var attrs: [String: String] = [:]
                    for a in attributes { attrs[a.name] = a.value }
                    open.append((out.count, text.count))
                    out.append(Element(name: local, namespace: ns.isEmpty ? nil : ns, attributes: attrs, text: ""))
                case .end:
                    guard let (index, start) = open.popLast() else { continue }
                    out[index].text = String(decoding: text[start...], as: UTF8.self)
                case .text(let s):
                    if !open.isEmpty { text += s.utf8 }
                }
            }
        } catch {
            let e = OffprintError.wrapping(error, step: .xml)
            throw OffprintError(.delivery, path: name, line: e.line, "the XML is not well-formed (\(e.message))", underlying: error)
        }
        elements = out
    }

    func elements(named local: String, namespace: String? = nil) -> [Element] {
        elements.filter { $0.name == local && (namespace == nil || $0.namespace == namespace) }
    }
}

extension String {
    var collapsedWhitespace: String {
        split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
