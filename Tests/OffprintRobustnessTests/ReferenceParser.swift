import Foundation
@testable import OffprintDocument

/// HTMLParser.parse the way it was done before the SAX builder: the same input
/// preparation, libxml2's tree, then conversion.
func referenceParse(_ bytes: [UInt8]) -> Document {
    bytes.withUnsafeBytes { raw in
        let encoding = Charset.detect(raw)
        var utf8 = Charset.utf8(raw, encoding: encoding)
        var doc = Document()
        if utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }) {
            doc.ensureSkeleton()
            return doc
        }
        utf8 = ReferenceMisnestRepair.repair(utf8)
        utf8 = MisnestRepair.repair(utf8, misnesting: false)  // the attribute cap (not a libxml2 behaviour)
        ReferenceTreeBuilder.build(from: LibXML2HTMLTree.parse(utf8), into: &doc)
        doc.ensureSkeleton()
        return doc
    }
}

/// Every attached node, one line each: depth, kind, name, attributes, text. Element names
/// are compared by their local name: the SAX builder keeps prefixed names (`<o:p>`) whole,
/// on purpose, where libxml2's tree drops the prefix.
func structureDump(_ doc: Document) -> [String] {
    var lines: [String] = []
    func local(_ name: String) -> Substring {
        // libxml2's tree splits off one prefix ("h:f:o" → "f:o", "f::" → ":"), the SAX
        // builder keeps the whole name: compare what follows the last colon (":" when that
        // is nothing), the same for both.
        guard name.contains(":") else { return name[...] }
        let tail = name.split(separator: ":", omittingEmptySubsequences: false).last!
        return tail.isEmpty ? ":" : tail
    }
    doc.walk(enter: { id, depth in
        let n = doc[id]
        switch n.kind {
        case .root: lines.append("\(depth) root")
        case .element: lines.append("\(depth) <\(local(n.name))" + n.attributes.map { " \($0.name)=\"\($0.value)\"" }.joined() + ">")
        case .text: lines.append("\(depth) text \(n.text.debugDescription)")
        case .comment: lines.append("\(depth) comment \(n.text.debugDescription)")
        }
        return .descend
    })
    return lines
}

/// The tree builder HTMLParser used before it built from SAX events: libxml2's own tree
/// (`LibXML2HTMLTree`), converted node by node. Kept here as the oracle the SAX builder is
/// checked against.
enum ReferenceTreeBuilder {
    static func build(from nodes: [LibXML2HTMLTree.Node], into doc: inout Document) {
        // Where each libxml2 node's children go in the Swift tree (nil: not an element).
        var host = [Document.NodeID?](repeating: nil, count: nodes.count)
        func lastChild(_ of: Document.NodeID, named: String) -> Document.NodeID? {
            doc[of].children.last { doc[$0].kind == .element && doc[$0].name == named }
        }
        // Document order, each node after its parent: the order the tree was walked in.
        for (i, node) in nodes.enumerated() {
            let parent: Document.NodeID
            if let p = node.parent {
                guard let h = host[p] else { continue }  // (parents are elements: never)
                parent = h
            } else {
                parent = doc.root
            }
            switch node.kind {
            case .element:
                // (libxml2 keeps only the local name of `svg:path`, or the prefix on a
                // namespace of its own making; structureDump compares local names.)
                var name = lowercased(node.name)
                if let prefix = node.prefix { name = lowercased(prefix) + ":" + name }
                // Content after `</html>`: libxml2 nests a second `<html>` in the first; the
                // SAX builder, as browsers do, carries on in the first body (HTMLParser.swift,
                // reopenDocumentElement). The same here.
                if name == "html", let first = lastChild(doc.root, named: "html") {
                    host[i] = lastChild(first, named: "body") ?? first
                    continue
                }
                if name == "body", doc[parent].kind == .element, doc[parent].name == "body" {
                    host[i] = parent
                    continue
                }
                let el = doc.makeElement(name, attributes: attributes(node.attributes))
                doc.append(el, to: parent)
                // libxml2 let a void element swallow what followed it: give those nodes
                // back to the parent, right after the element.
                host[i] = HTMLElements.void.contains(name) ? parent : el
            case .text:
                doc.append(doc.makeText(node.text), to: parent)
            case .comment:
                doc.append(doc.makeComment(node.text), to: parent)
            case .entityReference:
                // HTML entities are resolved by the parser; an unknown one stays as written.
                doc.append(doc.makeText("&" + node.name + ";"), to: parent)
            }
        }
    }

    private static func lowercased(_ name: String) -> String {
        name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) ? name.lowercased() : name
    }

    private static func attributes(_ attrs: [LibXML2HTMLTree.Attribute]) -> [Document.Attribute] {
        var out: [Document.Attribute] = []
        for a in attrs {
            let name = (a.prefix.map { $0 + ":" } ?? "") + lowercased(a.name)
            if !out.contains(where: { $0.name == name }) {
                out.append(Document.Attribute(name, a.value))
            }
        }
        return out
    }
}

/// The misnesting pre-pass as it was before it worked on raw bytes: the oracle for the
/// faster one.
///
/// For `<b><i>x</b>y</i>` libxml2 2.9 closes both elements at `</b>` and drops the stray
/// `</i>`, so "y" loses its italics. HTML5's adoption agency algorithm gives
/// `<b><i>x</i></b><i>y</i>`. This pass does the same for the common case, formatting
/// elements misnested with each other: at an end tag whose element still has formatting
/// elements open inside it, it closes those explicitly and reopens them (with their
/// attributes) after the end tag. Anything else passes through byte for byte; block tags
/// reset the tracking, since libxml2's own rules govern there.
enum ReferenceMisnestRepair {
    private static let rawText: Set<String> = ["script", "style", "textarea", "title", "xmp", "plaintext", "noembed", "noframes", "iframe"]

    static func repair(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var copied = 0  // input[..<copied] is already in out (when out is in use)
        var changed = false
        var open: [(name: String, startTag: ArraySlice<UInt8>)] = []
        let n = input.count
        var i = 0
        while i < n {
            guard input[i] == UInt8(ascii: "<"), i + 1 < n else { i += 1; continue }
            let c = input[i + 1]
            if c == UInt8(ascii: "!") {
                if i + 3 < n, input[i + 2] == UInt8(ascii: "-"), input[i + 3] == UInt8(ascii: "-") {
                    i = find(input, "-->", from: i + 4).map { $0 + 3 } ?? n
                } else {
                    i = (input[(i + 2)...].firstIndex(of: UInt8(ascii: ">")) ?? n - 1) + 1
                }
                continue
            }
            if c == UInt8(ascii: "?") {
                i = (input[(i + 2)...].firstIndex(of: UInt8(ascii: ">")) ?? n - 1) + 1
                continue
            }
            let isEnd = c == UInt8(ascii: "/")
            let nameStart = isEnd ? i + 2 : i + 1
            guard nameStart < n, isLetter(input[nameStart]) else { i += 1; continue }
            var j = nameStart
            while j < n, !isSpace(input[j]), input[j] != UInt8(ascii: ">"), input[j] != UInt8(ascii: "/") { j += 1 }
            let name = String(decoding: input[nameStart..<j], as: UTF8.self).lowercased()
            let tagEnd = endOfTag(input, from: j)
            i = tagEnd
            if isEnd {
                if HTMLElements.formatting.contains(name) {
                    guard let k = open.lastIndex(where: { $0.name == name }) else { continue }
                    let inner = open[(k + 1)...]
                    if !inner.isEmpty {
                        // </b> with <i> still open: </i></b><i ...>
                        if !changed { out.reserveCapacity(n + 64); changed = true }
                        out.append(contentsOf: input[copied..<(nameStart - 2)])
                        for e in inner.reversed() { out.append(contentsOf: Array("</\(e.name)>".utf8)) }
                        out.append(contentsOf: input[(nameStart - 2)..<tagEnd])
                        for e in inner { out.append(contentsOf: e.startTag) }
                        copied = tagEnd
                    }
                    open.remove(at: k)
                } else if HTMLElements.block.contains(name) {
                    open.removeAll()
                }
            } else if rawText.contains(name) {
                // Skip the element's text up to its end tag.
                let close = Array("</\(name)".utf8)
                var p = tagEnd
                i = n
                while let f = find(input, close, from: p) {
                    let after = f + close.count
                    if after >= n || !isLetter(input[after]) { i = f; break }
                    p = after
                }
            } else {
                let selfClosing = tagEnd >= 2 && input[tagEnd - 2] == UInt8(ascii: "/")
                if HTMLElements.formatting.contains(name), !selfClosing {
                    open.append((name, input[(nameStart - 1)..<tagEnd]))
                } else if HTMLElements.block.contains(name) {
                    open.removeAll()
                }
            }
        }
        guard changed else { return input }
        out.append(contentsOf: input[copied...])
        return out
    }

    private static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C
    }

    /// The index just past the `>` that ends the tag whose attributes start at `from`
    /// (quoted attribute values may contain `>`).
    private static func endOfTag(_ input: [UInt8], from: Int) -> Int {
        var i = from
        var quote: UInt8 = 0
        while i < input.count {
            let b = input[i]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                // Only a quote right after '=' (allowing spaces) opens a value.
                var k = i - 1
                while k > from, isSpace(input[k]) { k -= 1 }
                if input[k] == UInt8(ascii: "=") { quote = b }
            } else if b == UInt8(ascii: ">") {
                return i + 1
            }
            i += 1
        }
        return input.count
    }

    private static func find(_ input: [UInt8], _ needle: String, from: Int) -> Int? {
        find(input, Array(needle.utf8), from: from)
    }

    /// Case-insensitive search for an ASCII needle.
    private static func find(_ input: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, from < input.count else { return nil }
        let first = needle[0]
        var i = from
        let last = input.count - needle.count
        while i <= last {
            if lower(input[i]) == first {
                var ok = true
                for k in 1..<needle.count where lower(input[i + k]) != needle[k] { ok = false; break }
                if ok { return i }
            }
            i += 1
        }
        return nil
    }

    private static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b + 32 : b }
}
