import Foundation
import CLibXML2
import OffprintSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One event of `XMLStreamReader`.
public enum XMLEvent: Sendable, Equatable {
    public struct Attribute: Sendable, Equatable {
        /// Local name (`href`), namespace URI (`""` for none) and qualified name (`xml:lang`).
        public var name: String
        public var namespace: String
        public var qualifiedName: String
        public var value: String
    }
    /// An element starts. `isEmpty`: written `<x/>`, no `end` follows.
    case start(name: String, namespace: String, qualifiedName: String, attributes: [Attribute], isEmpty: Bool)
    case end(name: String, namespace: String, qualifiedName: String)
    /// Character data (text, CDATA sections and whitespace, entities already replaced).
    case text(String)
}

/// Reads XML one event at a time (libxml2's `xmlTextReader`), so a 50 MB feed never becomes
/// a tree: memory is the current node plus what the caller keeps. Never touches the
/// network, never loads external entities or DTDs. The libxml2 reader lives and dies inside
/// this object.
///
///     let reader = try XMLStreamReader(file: "feed.xml")
///     while let event = try reader.next() { … }
public final class XMLStreamReader {
    private var reader: xmlTextReaderPtr?
    private var buffer: UnsafeMutableRawBufferPointer?
    private var firstError: OffprintError?
    private var pendingEnd: XMLEvent?

    static let flags = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_NOWARNING.rawValue
                             | XML_PARSE_NOERROR.rawValue | XML_PARSE_HUGE.rawValue)

    /// Reads the file at `path`, streaming from disk.
    public init(file path: String) throws {
        precondition(HTMLParser.libxmlReady)  // libxml2's global set-up, once per process
        guard let r = xmlReaderForFile(path, nil, Self.flags) else {
            throw OffprintError(.xml, path: path, "cannot be opened")
        }
        reader = r
        installErrorHandler()
    }

    /// Reads XML from bytes (copied once: the reader needs them for its whole life).
    public init(bytes: [UInt8]) throws {
        precondition(HTMLParser.libxmlReady)  // libxml2's global set-up, once per process
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { buf.copyMemory(from: $0) }
        buffer = buf
        guard let r = xmlReaderForMemory(buf.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(clamping: bytes.count), nil, nil, Self.flags) else {
            buf.deallocate()
            buffer = nil
            throw OffprintError(.xml, "cannot be read as XML")
        }
        reader = r
        installErrorHandler()
    }

    deinit {
        if let r = reader { xmlFreeTextReader(r) }
        buffer?.deallocate()
    }

    private func installErrorHandler() {
        let handler: xmlStructuredErrorFunc = { ctx, error in
            guard let ctx, let error else { return }
            let me = Unmanaged<XMLStreamReader>.fromOpaque(ctx).takeUnretainedValue()
            let e = error.pointee
            guard me.firstError == nil, e.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let msg = e.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "not well-formed XML"
            me.firstError = OffprintError(.xml, line: Int(e.line), msg)
        }
        xmlTextReaderSetStructuredErrorHandler(reader, handler, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The line the parser has read to (1-based; 0 when unknown); it can be ahead of the
    /// current event.
    public var line: Int { reader.map { Int(xmlTextReaderGetParserLineNumber($0)) } ?? 0 }

    /// The line the last `start` event's element starts on (1-based; 0 when unknown).
    public private(set) var elementLine = 0

    /// The next event, nil at the end of the document. Throws the first well-formedness error.
    public func next() throws -> XMLEvent? {
        if let e = pendingEnd { pendingEnd = nil; return e }
        guard let r = reader else { return nil }
        while true {
            let status = xmlTextReaderRead(r)
            if status < 0 || firstError != nil {
                let e = firstError ?? OffprintError(.xml, line: line, "not well-formed XML")
                close()
                throw e
            }
            if status == 0 { close(); return nil }
            switch xmlTextReaderNodeType(r) {
            case 1:  // element
                let name = Self.string(xmlTextReaderConstLocalName(r))
                let ns = Self.string(xmlTextReaderConstNamespaceUri(r))
                let qname = Self.string(xmlTextReaderConstName(r))
                let empty = xmlTextReaderIsEmptyElement(r) == 1
                elementLine = xmlTextReaderCurrentNode(r).map { Int(xmlGetLineNo($0)) } ?? line
                var attrs: [XMLEvent.Attribute] = []
                if xmlTextReaderHasAttributes(r) == 1 {
                    while xmlTextReaderMoveToNextAttribute(r) == 1 {
                        let q = Self.string(xmlTextReaderConstName(r))
                        if q == "xmlns" || q.hasPrefix("xmlns:") { continue }
                        attrs.append(.init(name: Self.string(xmlTextReaderConstLocalName(r)),
                                           namespace: Self.string(xmlTextReaderConstNamespaceUri(r)),
                                           qualifiedName: q, value: Self.string(xmlTextReaderConstValue(r))))
                    }
                    xmlTextReaderMoveToElement(r)
                }
                if empty { pendingEnd = .end(name: name, namespace: ns, qualifiedName: qname) }
                return .start(name: name, namespace: ns, qualifiedName: qname, attributes: attrs, isEmpty: empty)
            case 15:  // end element
                return .end(name: Self.string(xmlTextReaderConstLocalName(r)), namespace: Self.string(xmlTextReaderConstNamespaceUri(r)),
                            qualifiedName: Self.string(xmlTextReaderConstName(r)))
            case 3, 4, 13, 14:  // text, CDATA, whitespace
                return .text(Self.string(xmlTextReaderConstValue(r)))
            default:
                continue
            }
        }
    }

    private func close() {
        if let r = reader { xmlFreeTextReader(r) }
        reader = nil
        buffer?.deallocate()
        buffer = nil
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        return String(cString: p)
    }
}
