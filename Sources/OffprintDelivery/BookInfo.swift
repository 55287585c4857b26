import CLibXML2
import CLibZip
import Foundation
import OffprintSupport

/// What the delivery steps need to know about one EPUB (or KEPUB) file, read from its OPF:
/// the subject line of a Send-to-Kindle message, the entries of the OPDS catalog.
public struct BookInfo: Sendable, Equatable {
    public var file: URL
    public var title: String
    public var authors: [String]
    /// `dc:language`, as written (BCP 47).
    public var language: String?
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

    /// Reads `file`'s container and OPF. Throws `DeliveryError` naming the file and the part
    /// that is missing or broken.
    public static func read(_ file: URL) throws -> BookInfo {
        let archive = try EPUBArchive(file)
        guard let container = archive.data("META-INF/container.xml") else {
            throw DeliveryError("reading \(file.path): not an EPUB (no META-INF/container.xml); only EPUB/KEPUB files made by `offprint bundle` (or any EPUB) can be delivered")
        }
        let containerDoc = try XMLTree(container, name: "\(file.lastPathComponent)!META-INF/container.xml")
        guard let opfPath = containerDoc.elements(named: "rootfile").compactMap({ $0.attribute("full-path") }).first else {
            throw DeliveryError("reading \(file.path): META-INF/container.xml names no rootfile (full-path)")
        }
        guard let opfBytes = archive.data(opfPath) else {
            throw DeliveryError("reading \(file.path): the package document \(opfPath) named by META-INF/container.xml is missing")
        }
        let opf = try XMLTree(opfBytes, name: "\(file.lastPathComponent)!\(opfPath)")
        let dc = "http://purl.org/dc/elements/1.1/"
        func texts(_ local: String) -> [String] {
            opf.elements(named: local, namespace: dc).map { $0.text.collapsedWhitespace }.filter { !$0.isEmpty }
        }
        let fallbackTitle = file.lastPathComponent.replacingOccurrences(of: ".kepub.epub", with: "").replacingOccurrences(of: ".epub", with: "")
        var info = BookInfo(file: file,
                            title: texts("title").first ?? fallbackTitle,
                            authors: texts("creator"),
                            language: texts("language").first,
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
            let entry = EPUBArchive.resolve(href, against: base)
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
        return try EPUBArchive(file).data(entry)
    }
}

/// An error of a delivery step; the message names the step, the file and a flag to fix it.
public struct DeliveryError: Error, CustomStringConvertible, LocalizedError {
    public var description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}

/// Read access to a zip (EPUB) archive with libzip; the `zip_t` never leaves this type.
struct EPUBArchive {
    private let names: [String: UInt64]
    let path: String
    let fileSize: Int64

    init(_ url: URL) throws {
        path = url.path
        let attrs = try? FileManager.default.attributesOfItem(atPath: url.path)
        fileSize = (attrs?[.size] as? NSNumber)?.int64Value ?? 0
        var err: Int32 = 0
        guard let za = zip_open(url.path, ZIP_RDONLY, &err) else {
            if !FileManager.default.fileExists(atPath: url.path) {
                throw DeliveryError("reading \(url.path): no such file")
            }
            throw DeliveryError("reading \(url.path): not a zip archive, so not an EPUB (libzip error \(err))")
        }
        defer { zip_discard(za) }
        var names: [String: UInt64] = [:]
        let n = zip_get_num_entries(za, 0)
        if n > 0 {
            for i in 0..<UInt64(n) {
                if let cname = zip_get_name(za, i, 0) { names[String(cString: cname)] = i }
            }
        }
        self.names = names
    }

    func has(_ name: String) -> Bool { names[name] != nil }

    /// The bytes of entry `name`, or nil when there is none (or it cannot be read).
    func data(_ name: String) -> [UInt8]? {
        guard let index = names[name] else { return nil }
        var err: Int32 = 0
        guard let za = zip_open(path, ZIP_RDONLY, &err) else { return nil }
        defer { zip_discard(za) }
        return Self.read(za, index)
    }

    /// Whether any entry whose name passes `filter` contains `needle`.
    func anyEntry(where filter: (String) -> Bool, contains needle: [UInt8]) -> Bool {
        var err: Int32 = 0
        guard let za = zip_open(path, ZIP_RDONLY, &err) else { return false }
        defer { zip_discard(za) }
        for (name, index) in names.sorted(by: { $0.value < $1.value }) where filter(name) {
            if let bytes = Self.read(za, index), bytes.firstRange(of: needle) != nil { return true }
        }
        return false
    }

    private static func read(_ za: OpaquePointer, _ index: UInt64) -> [UInt8]? {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(za, index, 0, &st) == 0, st.size < 512 << 20 else { return nil }
        guard let f = zip_fopen_index(za, index, 0) else { return nil }
        defer { zip_fclose(f) }
        var buf = [UInt8](repeating: 0, count: Int(st.size))
        if st.size > 0 {
            let got = buf.withUnsafeMutableBytes { zip_fread(f, $0.baseAddress, st.size) }
            guard got == Int64(st.size) else { return nil }
        }
        return buf
    }

    /// `href` (percent-encoded, relative to the OPF's folder `base`) as a zip entry name.
    static func resolve(_ href: String, against base: String) -> String {
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

/// A parsed XML document as plain values (libxml2 parses; its tree is freed before `init` returns).
struct XMLTree {
    struct Element {
        var name: String
        var namespace: String?
        var attributes: [String: String]
        var text: String
        func attribute(_ n: String) -> String? { attributes[n] }
    }
    private(set) var elements: [Element] = []

    init(_ bytes: [UInt8], name: String) throws {
        var bytes = bytes
        let flags = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let doc = bytes.withUnsafeMutableBufferPointer { buf -> xmlDocPtr? in
            guard let base = buf.baseAddress else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(clamping: buf.count), name, nil, flags)
            }
        }
        guard let doc else {
            let detail = xmlGetLastError().map { e in "line \(e.pointee.line): " + (e.pointee.message.map { String(cString: $0) } ?? "").trimmingCharacters(in: .whitespacesAndNewlines) } ?? "not well-formed"
            throw DeliveryError("reading \(name): the XML is not well-formed (\(detail))")
        }
        defer { xmlFreeDoc(doc) }
        var stack: [xmlNodePtr] = []
        if let root = xmlDocGetRootElement(doc) { stack.append(root) }
        var out: [Element] = []
        while let node = stack.popLast() {
            guard node.pointee.type == XML_ELEMENT_NODE else { continue }
            var attrs: [String: String] = [:]
            var a = node.pointee.properties
            while let attr = a {
                let key = String(cString: attr.pointee.name)
                if let v = xmlGetProp(node, attr.pointee.name) {
                    attrs[key] = String(cString: v)
                    offprint_xml_free(v)
                }
                a = attr.pointee.next
            }
            var text = ""
            if let c = xmlNodeGetContent(node) {
                text = String(cString: c)
                offprint_xml_free(c)
            }
            out.append(Element(name: String(cString: node.pointee.name),
                               namespace: node.pointee.ns.flatMap { $0.pointee.href.map { String(cString: $0) } },
                               attributes: attrs, text: text))
            var children: [xmlNodePtr] = []
            var c = node.pointee.children
            while let child = c {
                children.append(child)
                c = child.pointee.next
            }
            stack.append(contentsOf: children.reversed())
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
