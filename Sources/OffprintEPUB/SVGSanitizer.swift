import CLibXML2
import Foundation
import OffprintDocument

/// Makes an SVG file from the web safe to store in a book. epubcheck rejects what drawing
/// programs and sites put in them: a DOCTYPE with external identifiers, scripts and event
/// handlers (the item would need `scripted`), references to remote resources, embedded
/// HTML (`foreignObject`). Those are removed, as are elements and attributes of editor
/// namespaces (Inkscape, Sodipodi, Illustrator); links are unwrapped (an image shows none).
/// The tree is walked iteratively.
enum SVGSanitizer {
    static let svgNS = "http://www.w3.org/2000/svg"
    static let xlinkNS = "http://www.w3.org/1999/xlink"
    static let xmlNS = "http://www.w3.org/XML/1998/namespace"

    /// The cleaned SVG, or nil when `bytes` is not a well-formed SVG document.
    static func sanitize(_ bytes: [UInt8]) -> [UInt8]? {
        guard !bytes.isEmpty else { return nil }
        // No DTD loading, no network, no entity expansion from outside.
        let flags = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                          | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOCDATA.rawValue)
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(clamping: buf.count), "image.svg", nil, flags)
            }
        }
        guard let doc = parsed else { return nil }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc), name(root) == "svg", namespace(root) == svgNS else { return nil }
        if let dtd = xmlGetIntSubset(doc) {
            xmlUnlinkNode(UnsafeMutablePointer<xmlNode>(OpaquePointer(dtd)))
            xmlFreeDtd(dtd)
        }

        var remove: [xmlNodePtr] = []
        var unwrap: [xmlNodePtr] = []
        var stack: [xmlNodePtr] = [root]
        while let node = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let n = name(node)
                let ns = namespace(node)
                if ns != svgNS || n == "script" || n == "foreignObject" || n == "handler" || n == "listener" {
                    remove.append(node)
                    continue
                }
                if n == "style", let text = content(node)?.lowercased(), text.contains("url(") || text.contains("@import") {
                    remove.append(node)
                    continue
                }
                if n == "a" { unwrap.append(node) }  // an <img> shows no links; untitled ones draw a warning
                cleanAttributes(node, element: n)
            case XML_COMMENT_NODE, XML_PI_NODE, XML_ENTITY_REF_NODE:
                remove.append(node)
                continue
            default:
                break
            }
            var child = node.pointee.children
            while let c = child {
                stack.append(c)
                child = c.pointee.next
            }
        }
        for a in unwrap {
            while let c = a.pointee.children {
                xmlUnlinkNode(c)
                xmlAddPrevSibling(a, c)
            }
            xmlUnlinkNode(a)
            xmlFreeNode(a)
        }
        for node in remove {
            xmlUnlinkNode(node)
            xmlFreeNode(node)
        }

        var out: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(doc, &out, &size, "UTF-8")
        guard let out, size > 0 else { return nil }
        defer { offprint_xml_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(size)))
    }

    /// Drops event handlers, editor-namespace attributes, remote or script references and
    /// style attributes that load anything.
    private static func cleanAttributes(_ node: xmlNodePtr, element: String) {
        var attr = node.pointee.properties
        var doomed: [xmlAttrPtr] = []
        while let a = attr {
            let an = a.pointee.name.map { String(cString: $0) } ?? ""
            let ans = a.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
            let value = attributeValue(node, a)
            if an.lowercased().hasPrefix("on") && ans == nil {
                doomed.append(a)
            } else if let ans, ans != xlinkNS && ans != xmlNS {
                doomed.append(a)
            } else if an == "href" {
                let v = value.trimmed.lowercased()
                let remote = v.hasPrefix("http:") || v.hasPrefix("https:") || v.hasPrefix("//") || v.hasPrefix("ftp:")
                let allowedLink = element == "a" && remote
                if (remote && !allowedLink) || v.hasPrefix("javascript:") || (v.hasPrefix("data:") && element != "image") {
                    doomed.append(a)
                } else if !remote && !v.hasPrefix("#") && !v.hasPrefix("data:") && !v.isEmpty && element != "a" {
                    // A relative reference to a file that is not in the book.
                    doomed.append(a)
                }
            } else if an == "style" && (value.lowercased().contains("url(") || value.lowercased().contains("@import")) {
                doomed.append(a)
            }
            attr = a.pointee.next
        }
        for a in doomed { xmlRemoveProp(a) }
    }

    private static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private static func namespace(_ node: xmlNodePtr) -> String? {
        node.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
    }

    private static func content(_ node: xmlNodePtr) -> String? {
        guard let c = xmlNodeGetContent(node) else { return nil }
        defer { offprint_xml_free(c) }
        return String(cString: c)
    }

    private static func attributeValue(_ node: xmlNodePtr, _ attr: xmlAttrPtr) -> String {
        guard let c = xmlNodeListGetString(node.pointee.doc, attr.pointee.children, 1) else { return "" }
        defer { offprint_xml_free(c) }
        return String(cString: c)
    }
}
