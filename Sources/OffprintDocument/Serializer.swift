import OffprintSupport
import Foundation

/// Writes a `Document` (or a subtree) back out as markup, iteratively.
///
/// `.html` writes HTML5 syntax (void elements without a slash, raw-text elements as is);
/// `.xhtml` writes well-formed XML whatever the tree holds: names that are not XML names are
/// dropped (elements unwrapped, attributes skipped), prefixed names without a declared
/// namespace are dropped, text is escaped, characters XML forbids are removed, and comments
/// are made safe.
public struct Serializer: Sendable {
    public enum Syntax: Sendable { case html, xhtml }
    public var syntax: Syntax
    /// Keep comments in the output.
    public var keepComments: Bool

    public init(syntax: Syntax = .html, keepComments: Bool = false) {
        self.syntax = syntax
        self.keepComments = keepComments
    }

    /// The markup of `node` itself (`outerHTML`), or of the root's children for the root.
    public func serialize(_ doc: Document, node: Document.NodeID? = nil) -> String {
        var out = ""
        write(doc, node: node ?? doc.root, into: &out, includeSelf: true)
        return out
    }

    /// The markup of `node`'s children (`innerHTML`).
    public func serializeChildren(_ doc: Document, of node: Document.NodeID) -> String {
        var out = ""
        write(doc, node: node, into: &out, includeSelf: false)
        return out
    }

    private func write(_ doc: Document, node start: Document.NodeID, into out: inout String, includeSelf: Bool) {
        let xml = syntax == .xhtml
        // Elements left out (not valid XML names) are unwrapped: their children are kept.
        var unwrapped = Set<Document.NodeID>()
        doc.walk(from: start, enter: { id, depth in
            let n = doc[id]
            if depth == 0 && !includeSelf { return .descend }
            switch n.kind {
            case .root:
                return .descend
            case .text:
                if let p = n.parent, !xml, Serializer.rawTextElements.contains(doc[p].name) {
                    out += n.text
                } else {
                    Escape.text(n.text, into: &out, xml: xml)
                }
                return .skipChildren
            case .comment:
                if keepComments {
                    // No "--" inside a comment, nor "-" at its end: a space after each dash
                    // that follows a dash ("---" is "- - -"), and after a final one.
                    var t = ""
                    var dash = false
                    for c in n.text.unicodeScalars {
                        if c == "-" && dash { t += " " }
                        t.unicodeScalars.append(c)
                        dash = c == "-"
                    }
                    if dash { t += " " }
                    out += "<!--"
                    out += xml ? Escape.xmlSafe(t) : t
                    out += "-->"
                }
                return .skipChildren
            case .element:
                if xml && !Serializer.isXMLName(n.name) {
                    unwrapped.insert(id)
                    return .descend
                }
                out += "<"
                out += n.name
                for a in n.attributes {
                    if xml && (!Serializer.isXMLName(a.name) || a.name.hasPrefix("xmlns")) && a.name != "xmlns:epub" { continue }
                    if xml && a.name.contains(":") && !Serializer.knownPrefixes.contains(where: { a.name.hasPrefix($0) }) { continue }
                    out += " "
                    out += a.name
                    out += "=\""
                    Escape.attribute(a.value, into: &out, xml: xml)
                    out += "\""
                }
                if HTMLElements.void.contains(n.name) {
                    out += xml ? "/>" : ">"
                    return .skipChildren
                }
                out += ">"
                return .descend
            }
        }, exit: { id, depth in
            let n = doc[id]
            guard n.kind == .element, !(depth == 0 && !includeSelf) else { return }
            if HTMLElements.void.contains(n.name) || unwrapped.contains(id) { return }
            out += "</"
            out += n.name
            out += ">"
        })
    }

    static let rawTextElements: NameSet = ["script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext"]
    static let knownPrefixes = ["xml:", "epub:"]

    /// Whether `name` is an XML name without a namespace prefix, or with one we declare.
    static func isXMLName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        func isStart(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" || (c.value >= 0xC0 && c.value != 0xD7 && c.value != 0xF7 && c.value < 0x37E) || (c.value > 0x37F && c.value < 0x2000)
        }
        guard isStart(first) else { return false }
        var colons = 0
        for c in name.unicodeScalars {
            if c == ":" { colons += 1; continue }
            if !(isStart(c) || (c >= "0" && c <= "9") || c == "-" || c == "." || c == "\u{B7}") { return false }
        }
        if colons == 0 { return true }
        return colons == 1 && knownPrefixes.contains(where: { name.hasPrefix($0) })
    }
}

extension String {
    /// `replacingOccurrences(of:with:)` without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var out = ""
        var rest = self[...]
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}
