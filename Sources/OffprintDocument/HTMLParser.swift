import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses HTML with libxml2's HTML parser (recovering from errors, never touching the
/// network) straight into a `Document`: libxml2's SAX events build the Swift tree, so no
/// libxml2 tree is built, converted and freed.
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
        /// The charset to use whatever the page declares (only a byte-order mark wins over
        /// it): `--encoding`, or a caller that has already chosen (`Charset.resolve`).
        public var encodingHint: String?
        /// The charset of an HTTP `Content-Type` header: wins over `<meta charset>`, as in
        /// browsers, but not over bytes that are valid UTF-8 (see `Charset.resolve`).
        public var transportCharset: String?
        /// Repair misnested inline formatting the way browsers do.
        public var repairMisnestedFormatting: Bool = true
        public init(encodingHint: String? = nil, transportCharset: String? = nil) {
            self.encodingHint = encodingHint
            self.transportCharset = transportCharset
        }
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

    /// The text a reader sees in an HTML fragment (a feed's description, a book's
    /// `dc:description`), on one line: entities decoded, tags gone, a space where a block or
    /// line break was, runs of white space collapsed, scripts and styles left out. Text with
    /// no markup only has its white space collapsed.
    public static func plainText(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else {
            return html.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        let doc = parse(html)
        var out = ""
        doc.walk(from: doc.body ?? doc.root, enter: { id, _ in
            let n = doc[id]
            switch n.kind {
            case .text:
                out += n.text
            case .element:
                if HTMLElements.invisible.contains(n.name) { return .skipChildren }
                if n.name == "br" || HTMLElements.isBlock(n.name) { out += " " }
            default:
                break
            }
            return .descend
        }, exit: { id, _ in
            if HTMLElements.isBlock(doc[id].name) { out += " " }
        })
        return out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// libxml2's HTML parser options: recover, quiet, no network, UTF-8 given (the input is
    /// converted first), and no 10 MB cap on a text node.
    static let libxmlFlags = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue
                                   | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue
                                   | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
        | (1 << 19) /* XML_PARSE_HUGE */

    /// libxml2's global set-up, once per process, before any thread parses.
    static let libxmlReady: Bool = {
        xmlInitParser()
        return true
    }()

    public static func parse(_ bytes: UnsafeRawBufferPointer, options: Options = Options()) -> Document {
        precondition(libxmlReady)
        let encoding = Charset.resolve(bytes, forced: options.encodingHint, transport: options.transportCharset).encoding
        var utf8 = Charset.utf8(bytes, encoding: encoding)
        var doc = Document()
        if utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }) {
            doc.ensureSkeleton()
            return doc
        }
        utf8 = MisnestRepair.repair(utf8, misnesting: options.repairMisnestedFormatting)
        doc = SAXTreeBuilder.build(utf8, flags: libxmlFlags)
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

/// Builds a `Document` from libxml2's HTML SAX events.
///
/// The tree is the one libxml2's own tree builder (xmlSAX2*) would make, converted: the
/// parser's element stack (`nameNr`) is mirrored, so elements libxml2 pops without an end
/// event (a start tag cut off by the end of a tag, say) close here too; adjacent character
/// events make one text node, and text outside every element is dropped (CDATA blocks,
/// from `<script>`/`<style>`, are not merged with plain text, as in libxml2's tree);
/// attributes without a value get their name as value when HTML calls them boolean
/// (`checked`), else the empty string. One difference, on purpose: prefixed element names
/// (`<o:p>`) stay whole, where libxml2's tree keeps only the local name.
///
/// libxml2 2.9 does not know the HTML5 void elements `wbr`, `source`, `track`, `embed` and
/// lets them swallow what follows; their would-be children go to the parent, right after
/// the element, as if the element had been closed at once.
///
/// The builder is a struct reached through a pointer in the parser context's `_private`:
/// the callbacks then mutate it without the exclusivity checks a class's stored
/// properties would cost on every access.
struct SAXTreeBuilder {
    private var doc = Document()
    /// Mirrors libxml2's element stack: for each open element, the node that receives
    /// children (the parent's, for a void element) and where its children start in `kids`.
    private var open: [(element: Document.NodeID, target: Document.NodeID, firstKid: Int)] = []
    /// Children of the open elements, each element's after its own entry's `firstKid`.
    private var kids: [Document.NodeID] = []
    /// Character data not yet made into a text node (consecutive character events make
    /// one node), and whether it came as CDATA.
    private var pending: [UInt8] = []
    private var pendingIsCDATA = false

    static func build(_ utf8: [UInt8], flags: Int32) -> Document {
        let state = UnsafeMutablePointer<SAXTreeBuilder>.allocate(capacity: 1)
        state.initialize(to: SAXTreeBuilder())
        defer { state.deinitialize(count: 1); state.deallocate() }
        state.pointee.kids.reserveCapacity(256)
        state.pointee.doc.nodes.reserveCapacity(utf8.count / 40)
        guard let ctxt = htmlNewParserCtxt() else { return state.pointee.doc }
        defer { htmlFreeParserCtxt(ctxt) }
        var sax = htmlSAXHandler()
        sax.startElement = { ctx, name, atts in SAXTreeBuilder.from(ctx).pointee.startElement(name, atts, ctx) }
        sax.endElement = { ctx, _ in SAXTreeBuilder.from(ctx).pointee.endElement(ctx) }
        sax.characters = { ctx, ch, len in SAXTreeBuilder.from(ctx).pointee.characters(ch, len, cdata: false, ctx) }
        sax.cdataBlock = { ctx, ch, len in SAXTreeBuilder.from(ctx).pointee.characters(ch, len, cdata: true, ctx) }
        sax.ignorableWhitespace = sax.characters
        sax.comment = { ctx, value in SAXTreeBuilder.from(ctx).pointee.comment(value, ctx) }
        // A processing instruction is no node here (libxml2's tree has one, which the old
        // converter skipped), but it still separates the text before it from the text after.
        sax.processingInstruction = { ctx, _, _ in SAXTreeBuilder.from(ctx).pointee.boundary(ctx) }
        ctxt.pointee.sax.pointee = sax
        ctxt.pointee._private = UnsafeMutableRawPointer(state)
        _ = utf8.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                htmlCtxtReadMemory(ctxt, p, Int32(clamping: buf.count), nil, "UTF-8", flags)
            }
        }
        ctxt.pointee._private = nil
        state.pointee.finish()
        return state.pointee.doc
    }

    @inline(__always) private static func from(_ ctx: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<SAXTreeBuilder> {
        ctx!.assumingMemoryBound(to: htmlParserCtxt.self).pointee._private!.assumingMemoryBound(to: SAXTreeBuilder.self)
    }

    @inline(__always) private static func depth(_ ctx: UnsafeMutableRawPointer?) -> Int {
        Int(ctx!.assumingMemoryBound(to: htmlParserCtxt.self).pointee.nameNr)
    }

    private var target: Document.NodeID { open.last?.target ?? doc.root }

    /// Closes the elements libxml2 has popped without telling (its stack is `depth` deep).
    @inline(__always) private mutating func sync(to depth: Int) {
        if open.count > depth {
            flushText()
            while open.count > depth { close() }
        }
    }

    private mutating func close() {
        let entry = open.removeLast()
        guard entry.target == entry.element else { return }  // void: its children went to the parent
        let start = entry.firstKid
        if start < kids.count {
            doc.nodes[Int(entry.element.index)].children = Array(kids[start...])
            kids.removeSubrange(start...)
        }
    }

    private mutating func add(_ node: Document.NodeID) {
        doc.nodes[Int(node.index)].parent = target
        kids.append(node)
    }

    private mutating func flushText() {
        guard !pending.isEmpty else { return }
        add(doc.makeText(String(decoding: pending, as: UTF8.self)))
        pending.removeAll(keepingCapacity: pending.count < 1 << 16)
    }

    private mutating func startElement(_ cname: UnsafePointer<xmlChar>?, _ atts: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ ctx: UnsafeMutableRawPointer?) {
        // libxml2 has pushed this element already.
        sync(to: SAXTreeBuilder.depth(ctx) - 1)
        flushText()
        // Prefixed names (`<o:p>`, `<fb:like>`, `<a0:li>`) stay whole: browsers keep them as
        // unknown inline elements, where libxml2's own tree builder would keep only the local
        // name and turn Word's `<o:p>` into a paragraph.
        let local = cname
        let localLength = cname.map { strlen($0) } ?? 0
        let name = local.map { cachedName($0) } ?? ""
        if reopenDocumentElement(name) { return }
        var attributes: [Document.Attribute] = []
        if var a = atts {
            var count = 0
            while a[2 * count] != nil { count += 1 }
            attributes.reserveCapacity(count)
            while let n = a[0] {
                let attName = cachedName(n)
                let value: String
                if let v = a[1] {
                    value = String(cString: v)
                } else {
                    value = htmlIsBooleanAttr(n) != 0 ? attName : ""
                }
                // libxml2 has dropped repeated names already.
                attributes.append(Document.Attribute(attName, value))
                a += 2
            }
        }
        let el = doc.makeElement(name, attributes: attributes)
        add(el)
        if let local, SAXTreeBuilder.void.lookup(local, localLength) != nil {
            open.append((el, target, kids.count))
        } else {
            open.append((el, el, kids.count))
        }
    }

    /// Content after `</html>`: libxml2 starts a second `<html>` (which its own tree nests in
    /// the first one, with no `<body>`) where browsers carry on in the body. The builder does
    /// what browsers do: the `<html>` start reopens the first document's `<body>` (or its
    /// `<html>`, when it has none), and a `<body>` start inside that is transparent. The
    /// second tags' attributes are dropped. Returns whether `name`'s start was handled so.
    private mutating func reopenDocumentElement(_ name: String) -> Bool {
        if open.isEmpty, name == "html",
           let html = kids.last(where: { doc[$0].kind == .element && doc[$0].name == "html" }) {
            let body = doc[html].children.last { doc[$0].kind == .element && doc[$0].name == "body" }
            let host = body ?? html
            let existing = doc.nodes[Int(host.index)].children
            doc.nodes[Int(host.index)].children = []
            open.append((host, host, kids.count))
            kids.append(contentsOf: existing)
            return true
        }
        if open.count == 1, name == "body", doc[open[0].element].name == "body" {
            // (an entry whose target is not its element closes without taking children)
            open.append((doc.root, open[0].element, kids.count))
            return true
        }
        return false
    }

    private mutating func endElement(_ ctx: UnsafeMutableRawPointer?) {
        // libxml2 pops this element after the event.
        sync(to: SAXTreeBuilder.depth(ctx))
        flushText()
        if !open.isEmpty { close() }
    }

    private mutating func characters(_ ch: UnsafePointer<xmlChar>?, _ len: Int32, cdata: Bool, _ ctx: UnsafeMutableRawPointer?) {
        guard let ch, len > 0 else { return }
        sync(to: SAXTreeBuilder.depth(ctx))
        if open.isEmpty { return }  // outside <html> (white space after it): libxml2 drops it
        if pendingIsCDATA != cdata {
            flushText()
            pendingIsCDATA = cdata
        }
        pending.append(contentsOf: UnsafeBufferPointer(start: ch, count: Int(len)))
    }

    private mutating func boundary(_ ctx: UnsafeMutableRawPointer?) {
        sync(to: SAXTreeBuilder.depth(ctx))
        flushText()
    }

    private mutating func comment(_ value: UnsafePointer<xmlChar>?, _ ctx: UnsafeMutableRawPointer?) {
        sync(to: SAXTreeBuilder.depth(ctx))
        flushText()
        add(doc.makeComment(value.map { String(cString: $0) } ?? ""))
    }

    private mutating func finish() {
        flushText()
        while !open.isEmpty { close() }
        doc.nodes[0].children = kids
        kids.removeAll()
    }

    private static let void = NameTable(HTMLElements.void.map { ($0, true) })

    /// Element and attribute names by address: libxml2 interns names in its dictionary (or
    /// passes static strings), so an address seen before is the same name, made once.
    private var names = [(UnsafeRawPointer?, String)](repeating: (nil, ""), count: 256)

    private mutating func cachedName(_ p: UnsafePointer<xmlChar>) -> String {
        let slot = (Int(bitPattern: p) >> 3) & 255
        if names[slot].0 == UnsafeRawPointer(p) { return names[slot].1 }
        let n = SAXTreeBuilder.name(p)
        names[slot] = (UnsafeRawPointer(p), n)
        return n
    }

    /// libxml2 lower-cases ASCII in HTML names; anything else is lower-cased here.
    private static func name(_ p: UnsafePointer<xmlChar>?) -> String {
        guard let p else { return "" }
        let name = String(cString: p)
        if name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return name.lowercased() }
        return name
    }
}
