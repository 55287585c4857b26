import CLibXML2

/// libxml2's own HTML parser and tree builder (`htmlReadMemory`), its tree given back as
/// plain values: an independent reading of a page that the robustness tests check
/// `HTMLParser`'s SAX-built tree against. The pipeline does not use it. The libxml2
/// document lives and dies inside `parse`: no C pointer leaves this file.
public enum LibXML2HTMLTree {
    /// One node of libxml2's tree, in document order.
    public struct Node: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case element
            /// Text or a CDATA section.
            case text
            case comment
            /// An entity reference libxml2 did not resolve (`&unknown;`): `name` is `unknown`.
            case entityReference
        }

        public var kind: Kind
        /// Index in the node list of the parent element; nil at the top of the document.
        public var parent: Int?
        /// An element's local name or a reference's entity name, as libxml2 gives it.
        public var name: String
        /// The namespace prefix libxml2 gave an element (`svg` of `svg:path`), if any.
        public var prefix: String?
        /// An element's attributes, in order (values with entities resolved).
        public var attributes: [Attribute]
        /// A text's or comment's text.
        public var text: String
    }

    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var prefix: String?
        public var value: String
    }

    /// libxml2's tree of `utf8` (UTF-8 HTML, read with `HTMLParser`'s options), every node
    /// an element, text, comment or unresolved entity reference holds, in document order
    /// (each after its parent). Doctypes and processing instructions are left out. Built
    /// without recursion, so any depth libxml2 gives is fine.
    public static func parse(_ utf8: [UInt8]) -> [Node] {
        precondition(HTMLParser.libxmlReady)
        guard !utf8.isEmpty else { return [] }
        let cdoc: htmlDocPtr? = utf8.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                htmlReadMemory(p, Int32(clamping: buf.count), nil, "UTF-8", HTMLParser.libxmlFlags)
            }
        }
        guard let cdoc else { return [] }
        defer { xmlFreeDoc(cdoc) }
        var out: [Node] = []
        // (libxml2 node, index of its parent in `out`), the next to visit last.
        var stack: [(xmlNodePtr, Int?)] = []
        func pushChildren(of first: xmlNodePtr?, parent: Int?) {
            var kids: [xmlNodePtr] = []
            var k = first
            while let kk = k { kids.append(kk); k = kk.pointee.next }
            for kk in kids.reversed() { stack.append((kk, parent)) }
        }
        pushChildren(of: cdoc.pointee.children, parent: nil)
        while let (node, parent) = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                out.append(Node(kind: .element, parent: parent, name: string(node.pointee.name),
                                prefix: node.pointee.ns?.pointee.prefix.map { string($0) },
                                attributes: attributes(of: node), text: ""))
                pushChildren(of: node.pointee.children, parent: out.count - 1)
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    out.append(Node(kind: .text, parent: parent, name: "", prefix: nil, attributes: [], text: string(content)))
                }
            case XML_COMMENT_NODE:
                out.append(Node(kind: .comment, parent: parent, name: "", prefix: nil, attributes: [],
                                text: node.pointee.content.map { string($0) } ?? ""))
            case XML_ENTITY_REF_NODE:
                if let n = node.pointee.name {
                    out.append(Node(kind: .entityReference, parent: parent, name: string(n), prefix: nil, attributes: [], text: ""))
                }
            default:
                break  // DTD, processing instructions: nothing a reader sees
            }
        }
        return out
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }

    private static func attributes(of node: xmlNodePtr) -> [Attribute] {
        var out: [Attribute] = []
        var a = node.pointee.properties
        while let attr = a {
            var value = ""
            var v = attr.pointee.children
            while let vv = v {
                if let c = vv.pointee.content { value += String(cString: c) }
                v = vv.pointee.next
            }
            out.append(Attribute(name: string(attr.pointee.name), prefix: attr.pointee.ns?.pointee.prefix.map { string($0) }, value: value))
            a = attr.pointee.next
        }
        return out
    }
}
