import CLibXML2

/// An XML document edited element by element, with libxml2 inside this module: it parses
/// the bytes (no network, no DTD or external entity loading; whitespace-only text between
/// elements dropped, CDATA sections read as text), asks the caller what becomes of each
/// element, and writes the result back as UTF-8. No C pointer leaves the call.
///
/// Used by the book writer to make SVG files from the web safe (its policy lives there;
/// this is only the mechanism).
public enum XMLRewrite {
    /// One attribute: local name, namespace URI (nil for none), value (entities replaced).
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var namespace: String?
        public var value: String
    }

    /// One element as the caller sees it before deciding.
    public struct Element: Sendable, Equatable {
        /// Local name and namespace URI (nil for none).
        public var name: String
        public var namespace: String?
        public var attributes: [Attribute]
        /// The text of the element and everything inside it, for the element names the
        /// caller listed in `textOf` (nil for the others).
        public var text: String?
        /// The document's root element.
        public var isRoot: Bool
    }

    /// What becomes of an element.
    public enum Decision: Sendable, Equatable {
        /// Kept without the attributes at these positions of `Element.attributes`; its
        /// children are visited.
        case keep(removingAttributes: [Int])
        /// Replaced by its children (which are visited).
        case unwrap
        /// Removed with everything inside it.
        case remove

        public static let keep = Decision.keep(removingAttributes: [])
    }

    /// Nodes other than elements that are dropped wholesale.
    public struct Drop: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// The DOCTYPE and its internal subset.
        public static let doctype = Drop(rawValue: 1)
        public static let comments = Drop(rawValue: 2)
        public static let processingInstructions = Drop(rawValue: 4)
        /// References to entities that were not replaced.
        public static let entityReferences = Drop(rawValue: 8)
        public static let all: Drop = [.doctype, .comments, .processingInstructions, .entityReferences]
    }

    /// The rewritten document, or nil when `bytes` is not well-formed XML or the root is
    /// not kept (the root can only be kept: `remove` or `unwrap` on it gives nil).
    /// `decide` is called once per element, in document order (parents before children).
    public static func rewrite(_ bytes: [UInt8], name: String = "document.xml", dropping drop: Drop = [],
                               textOf: Set<String> = [], _ decide: (Element) -> Decision) -> [UInt8]? {
        guard !bytes.isEmpty else { return nil }
        let flags = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                          | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_NOCDATA.rawValue)
        let parsed: xmlDocPtr? = bytes.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(clamping: buf.count), name, nil, flags)
            }
        }
        guard let doc = parsed else { return nil }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return nil }
        var rootKept = false
        var remove: [xmlNodePtr] = []
        var unwrap: [xmlNodePtr] = []
        var stack: [xmlNodePtr] = [root]
        while let node = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let (element, attrs) = view(node, isRoot: node == root, textOf: textOf)
                let decision = decide(element)
                if node == root {
                    guard case .keep = decision else { return nil }
                    rootKept = true
                }
                switch decision {
                case .remove:
                    remove.append(node)
                    continue
                case .unwrap:
                    unwrap.append(node)
                case .keep(let doomed):
                    for i in doomed where attrs.indices.contains(i) { xmlRemoveProp(attrs[i]) }
                }
            case XML_COMMENT_NODE where drop.contains(.comments),
                 XML_PI_NODE where drop.contains(.processingInstructions),
                 XML_ENTITY_REF_NODE where drop.contains(.entityReferences):
                remove.append(node)
                continue
            default:
                break
            }
            // Children pushed last-first, so they are visited in document order.
            var children: [xmlNodePtr] = []
            var child = node.pointee.children
            while let c = child {
                children.append(c)
                child = c.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        guard rootKept else { return nil }
        if drop.contains(.doctype), let dtd = xmlGetIntSubset(doc) {
            xmlUnlinkNode(UnsafeMutablePointer<xmlNode>(OpaquePointer(dtd)))
            xmlFreeDtd(dtd)
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

    /// The element's Swift view, and its attribute nodes in the same order (kept here).
    private static func view(_ node: xmlNodePtr, isRoot: Bool, textOf: Set<String>) -> (Element, [xmlAttrPtr]) {
        let name = string(node.pointee.name) ?? ""
        var attributes: [Attribute] = []
        var nodes: [xmlAttrPtr] = []
        var attr = node.pointee.properties
        while let a = attr {
            var value = ""
            if let c = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                value = String(cString: c)
                offprint_xml_free(c)
            }
            attributes.append(Attribute(name: string(a.pointee.name) ?? "",
                                        namespace: a.pointee.ns.flatMap { string($0.pointee.href) }, value: value))
            nodes.append(a)
            attr = a.pointee.next
        }
        var text: String?
        if textOf.contains(name), let c = xmlNodeGetContent(node) {
            text = String(cString: c)
            offprint_xml_free(c)
        }
        return (Element(name: name, namespace: node.pointee.ns.flatMap { string($0.pointee.href) },
                        attributes: attributes, text: text, isRoot: isRoot), nodes)
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        p.map { String(cString: $0) }
    }
}
