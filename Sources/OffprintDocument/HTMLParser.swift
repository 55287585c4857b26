import CLibXML2

/// Parses HTML with libxml2's HTML parser (recovering from errors, never touching the
/// network) and converts the result into a `Document`. The libxml2 document never leaves
/// `parse`: it is freed before the function returns.
///
/// libxml2 2.9 is an HTML4-era parser; the tree builder repairs what it gets wrong for
/// today's HTML:
/// - HTML5 void elements it does not know (`wbr`, `source`, `track`, `embed`) swallow what
///   follows them; their "children" are moved out to be their following siblings. This also
///   repairs `<picture>`, where the `<img>` ends up inside the last `<source>`.
/// - Misnested inline formatting (`<b><i>x</b>y</i>`) loses the formatting of `y`; the
///   builder reopens it, as HTML5's adoption agency algorithm does.
/// - Prefixed tag names (`<o:p>`, `<fb:like>`) lose their prefix, turning Word's `<o:p>`
///   into a paragraph; they are kept as the unknown elements browsers see.
public enum HTMLParser {
    public struct Options: Sendable {
        /// The charset to use when the bytes carry no BOM (an HTTP header's, say). Wins over
        /// an in-document `<meta charset>`, as in browsers.
        public var encodingHint: String?
        /// Repair misnested inline formatting the way browsers do.
        public var repairMisnestedFormatting: Bool = true
        public init(encodingHint: String? = nil) { self.encodingHint = encodingHint }
    }

    /// Parses a whole page (or a body fragment, which gets implied `<html><body>`).
    public static func parse(_ bytes: [UInt8], options: Options = Options()) -> Document {
        bytes.withUnsafeBytes { parse($0, options: options) }
    }

    public static func parse(_ html: String, options: Options = Options()) -> Document {
        var opts = options
        opts.encodingHint = "UTF-8"
        var s = html
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0), options: opts) }
    }

    /// libxml2's global set-up, once per process, before any thread parses.
    private static let libxmlReady: Bool = {
        xmlInitParser()
        return true
    }()

    public static func parse(_ bytes: UnsafeRawBufferPointer, options: Options = Options()) -> Document {
        precondition(libxmlReady)
        let encoding = Charset.detect(bytes, hint: options.encodingHint)
        var utf8 = Charset.utf8(bytes, encoding: encoding)
        var doc = Document()
        if utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }) {
            doc.ensureSkeleton()
            return doc
        }
        utf8 = MisnestRepair.repair(utf8, repairFormatting: options.repairMisnestedFormatting)
        let flags = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                          | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
                          | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
            | (1 << 19) /* XML_PARSE_HUGE: no 10 MB cap on a text node */
        let cdoc: htmlDocPtr? = utf8.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                htmlReadMemory(p, Int32(clamping: buf.count), nil, "UTF-8", flags)
            }
        }
        guard let cdoc else {
            doc.ensureSkeleton()
            return doc
        }
        defer { xmlFreeDoc(cdoc) }
        TreeBuilder.build(from: cdoc, into: &doc)
        doc.ensureSkeleton()
        return doc
    }
}

extension Document {
    /// Makes sure the document has `<html>` with a `<head>` and a `<body>`, so that callers
    /// can rely on `head` and `body`.
    mutating func ensureSkeleton() {
        let html: NodeID
        if let h = htmlElement {
            html = h
        } else {
            html = makeElement("html")
            // Move any stray top-level content into the new <html>.
            for k in self[root].children where self[k].kind != .comment { append(k, to: html) }
            append(html, to: root)
        }
        if head == nil {
            let h = makeElement("head")
            append(h, to: html)
            if let first = self[html].children.first, first != h { insert(h, before: first) }
        }
        if body == nil {
            let b = makeElement("body")
            // Everything in <html> that is not <head> belongs to the body.
            for k in self[html].children where self[k].name != "head" { append(k, to: b) }
            append(b, to: html)
        }
    }
}

/// Converts libxml2's tree into a `Document`, iteratively.
enum TreeBuilder {
    static func build(from cdoc: htmlDocPtr, into doc: inout Document) {
        // (libxml2 node, parent in the Swift tree)
        var stack: [(xmlNodePtr, Document.NodeID)] = []
        var child = cdoc.pointee.children
        var top: [xmlNodePtr] = []
        while let c = child { top.append(c); child = c.pointee.next }
        for c in top.reversed() { stack.append((c, doc.root)) }

        while let (node, parent) = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                var name = lowercasedName(node.pointee.name)
                if name.utf8.contains(MisnestRepair.prefixSeparator) {
                    name = String(decoding: name.utf8.map { $0 == MisnestRepair.prefixSeparator ? UInt8(ascii: ":") : $0 }, as: UTF8.self)
                }
                let el = doc.makeElement(name, attributes: attributes(of: node))
                doc.append(el, to: parent)
                var kids: [xmlNodePtr] = []
                var k = node.pointee.children
                while let kk = k { kids.append(kk); k = kk.pointee.next }
                if HTMLElements.void.contains(name) {
                    // libxml2 let a void element swallow what followed it: give those nodes
                    // back to the parent, right after the element.
                    for kk in kids.reversed() { stack.append((kk, parent)) }
                } else {
                    for kk in kids.reversed() { stack.append((kk, el)) }
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    let t = doc.makeText(String(cString: content))
                    doc.append(t, to: parent)
                }
            case XML_COMMENT_NODE:
                let t = doc.makeComment(node.pointee.content.map { String(cString: $0) } ?? "")
                doc.append(t, to: parent)
            case XML_ENTITY_REF_NODE:
                // HTML entities are resolved by the parser; an unknown one stays as written.
                if let n = node.pointee.name {
                    let t = doc.makeText("&" + String(cString: n) + ";")
                    doc.append(t, to: parent)
                }
            default:
                break  // DTD, processing instructions: nothing a reader sees
            }
        }
    }

    private static func lowercasedName(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        var name = String(cString: p)
        if name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { name = name.lowercased() }
        return name
    }

    private static func attributes(of node: xmlNodePtr) -> [Document.Attribute] {
        var out: [Document.Attribute] = []
        var a = node.pointee.properties
        while let attr = a {
            var name = lowercasedName(attr.pointee.name)
            if let ns = attr.pointee.ns, let prefix = ns.pointee.prefix {
                name = String(cString: prefix) + ":" + name
            }
            var value = ""
            var v = attr.pointee.children
            while let vv = v {
                if let c = vv.pointee.content { value += String(cString: c) }
                v = vv.pointee.next
            }
            if !out.contains(where: { $0.name == name }) {
                out.append(Document.Attribute(name, value))
            }
            a = attr.pointee.next
        }
        return out
    }
}
