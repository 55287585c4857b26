import OffprintArticle
import OffprintDocument

/// Drops paragraphs, divs, sections and spans with nothing in them: no text but white space
/// and no-break spaces, only `<br>`s, or only other such empty wrappers (`<p></p>`,
/// `<p>&nbsp;</p>`, `<div><span> </span></div>`).
///
/// An empty block right after a line break and before more text is a spacer between two
/// paragraphs (`text<br><div class="gap"></div>text`, a common news-site layout): it becomes a
/// second `<br>`, which ends the paragraph as two line breaks in a row do.
///
/// Text is never joined by it: a block removed from between two runs of inline text leaves a
/// space, and a span holding only white space is replaced by one space. An element whose `id`
/// is the target of an in-page link stays. Text outside paragraphs (`</div>text<p>`) is not
/// touched.
public struct RemoveEmptyPass: CleanupPass {
    public var name: String { "remove-empty" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    static let blocks: NameSet = ["p", "div", "section", "center"]
    static let inlines: NameSet = ["span", "font"]

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        // Fragment targets of in-page links.
        var targets = Set<String>()
        for a in doc.elements(named: "a", under: doc.root) {
            if let h = doc[a].attribute("href"), h.hasPrefix("#"), h.count > 1 { targets.insert(String(h.dropFirst())) }
        }
        // Post-order: children are judged before their parent.
        // (Flags by node index: cheaper than sets of IDs at every node.)
        var empty = [Bool](repeating: false, count: doc.count)
        var hasSpace = [Bool](repeating: false, count: doc.count)  // empty elements that held white space
        doc.walk(from: root, enter: { id, _ in
            doc[id].kind == .element ? .descend : .skipChildren
        }, exit: { id, depth in
            guard depth > 0, doc[id].kind == .element else { return }
            let prunable = Self.blocks.contains(doc[id].name) || Self.inlines.contains(doc[id].name)
            guard prunable else { return }
            if let i = doc[id].attribute("id"), targets.contains(i) { return }
            var space = false
            for k in doc[id].children {
                switch doc[k].kind {
                case .text:
                    guard Self.isBlank(doc[k].text) else { return }
                    if !doc[k].text.isEmpty { space = true }
                case .comment:
                    continue
                case .element:
                    if doc[k].name == "br" { space = true; continue }
                    guard empty[Int(k.index)] else { return }
                    if hasSpace[Int(k.index)] { space = true }
                case .root:
                    return
                }
            }
            empty[Int(id.index)] = true
            if space { hasSpace[Int(id.index)] = true }
        })
        // Remove the outermost empty elements.
        var removed = [Bool](repeating: false, count: doc.count)
        for id in doc.descendants(of: root) where Int(id.index) < empty.count && empty[Int(id.index)] {
            if let p = doc.parent(of: id), empty[Int(p.index)] || removed[Int(p.index)] { removed[Int(id.index)] = true; continue }
            let n = doc[id]
            if Self.inlines.contains(n.name) {
                if hasSpace[Int(id.index)] { doc.replace(id, with: doc.makeText(" ")) } else { doc.detach(id) }
            } else if isSpacerAfterBreak(id, in: doc) {
                let br = doc.makeElement("br")
                doc.replace(id, with: br)
            } else if isBetweenInlineContent(id, in: doc) {
                doc.replace(id, with: doc.makeText(" "))
            } else {
                doc.detach(id)
            }
            removed[Int(id.index)] = true
        }
    }

    /// ASCII white space and no-break spaces only (an ideographic space is text: it shows).
    static func isBlank(_ s: String) -> Bool {
        s.unicodeScalars.allSatisfy { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\u{0C}" || $0 == "\u{A0}" }
    }

    /// Whether a `<br>` is the sibling before (white space aside) and inline content the one after.
    private func isSpacerAfterBreak(_ id: Document.NodeID, in doc: Document) -> Bool {
        func sibling(_ step: (Document.NodeID) -> Document.NodeID?) -> Document.NodeID? {
            var n = step(id)
            while let k = n, doc[k].kind == .comment || (doc[k].kind == .text && Self.isBlank(doc[k].text)) { n = step(k) }
            return n
        }
        guard let prev = sibling({ doc.previousSibling(of: $0) }), doc[prev].kind == .element, doc[prev].name == "br",
              let next = sibling({ doc.nextSibling(of: $0) }) else { return false }
        switch doc[next].kind {
        case .text: return true
        case .element: return doc[next].name != "br" && !HTMLElements.isBlock(doc[next].name)
        default: return false
        }
    }

    /// Whether the siblings on both sides are inline content that would run together without
    /// the block between them (`foo<div></div>bar`).
    private func isBetweenInlineContent(_ id: Document.NodeID, in doc: Document) -> Bool {
        guard let prev = doc.previousSibling(of: id), let next = doc.nextSibling(of: id) else { return false }
        func inlineEdge(_ n: Document.NodeID, atEnd: Bool) -> Bool {
            let node = doc[n]
            switch node.kind {
            case .text:
                guard let c = atEnd ? node.text.unicodeScalars.last : node.text.unicodeScalars.first else { return false }
                return !(c == " " || c == "\n" || c == "\t" || c == "\r")
            case .element:
                return !HTMLElements.isBlock(node.name) && node.name != "br"
            default:
                return false
            }
        }
        return inlineEdge(prev, atEnd: true) && inlineEdge(next, atEnd: false)
    }
}
