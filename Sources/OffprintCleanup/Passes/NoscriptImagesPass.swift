import OffprintArticle
import OffprintDocument

/// Uses the `<img>` inside a `<noscript>` when the page shows a placeholder instead: the
/// placeholder (the image just before the noscript, or its single-image wrapper) is replaced
/// by the noscript's image; a noscript image with no image beside it takes the noscript's
/// place. Tracking pixels (1×1, hidden) are ignored. The noscript elements themselves are left
/// for `RemoveJunkPass`.
public struct NoscriptImagesPass: CleanupPass {
    public var name: String { "noscript-images" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        let preferLargest = context.options.imageSource == .largest
        for ns in doc.elements(named: "noscript", under: root) {
            guard doc.isAttached(ns) else { continue }
            importMarkupText(ns, in: &doc)
            let imgs = doc.elements(named: "img", under: ns).filter {
                !isTracker(doc[$0]) && ImageURLs.declaredURL(of: doc[$0], preferLargest: preferLargest) != nil
            }
            guard !imgs.isEmpty else { continue }
            if imgs.count == 1, let prev = previousElement(of: ns, in: doc), let target = singleImage(prev, in: doc) {
                let old = doc[target]
                let oldURL = ImageURLs.declaredURL(of: old, preferLargest: preferLargest)
                if oldURL == nil || (old.attribute("class") ?? "").lowercased().contains("lazy") {
                    let img = imgs[0]
                    for key in ["alt", "title", "width", "height"] where !doc[img].hasAttribute(key) {
                        if let v = old.attribute(key) { doc.setAttribute(key, v, on: img) }
                    }
                    doc.replace(target, with: img)
                }
            } else if let parent = doc.parent(of: ns),
                      !doc.elements(named: "img", under: parent).contains(where: { !doc.ancestors(of: $0).contains(ns) }) {
                for img in imgs { doc.insert(img, before: ns) }
            }
        }
    }

    /// A noscript whose content reached us as text (`&lt;img …&gt;`) is parsed as markup.
    private func importMarkupText(_ ns: Document.NodeID, in doc: inout Document) {
        let kids = doc[ns].children
        guard kids.count == 1, doc[kids[0]].kind == .text, doc[kids[0]].text.contains("<img") else { return }
        let frag = HTMLParser.parse(doc[kids[0]].text)
        guard let body = frag.body else { return }
        doc.detach(kids[0])
        // Copy the fragment's elements in (iteratively).
        var stack: [(Document.NodeID, Document.NodeID)] = frag[body].children.reversed().map { ($0, ns) }
        while let (src, parent) = stack.popLast() {
            let n = frag[src]
            let copy: Document.NodeID
            switch n.kind {
            case .element: copy = doc.makeElement(n.name, attributes: n.attributes)
            case .text: copy = doc.makeText(n.text)
            default: continue
            }
            doc.append(copy, to: parent)
            for k in n.children.reversed() { stack.append((k, copy)) }
        }
    }

    private func isTracker(_ n: Document.Node) -> Bool {
        if n.attribute("width") == "1" || n.attribute("height") == "1" || n.attribute("width") == "0" || n.attribute("height") == "0" { return true }
        let style = (n.attribute("style") ?? "").lowercased().filter { !$0.isWhitespace }
        return style.contains("display:none")
    }

    private func previousElement(of node: Document.NodeID, in doc: Document) -> Document.NodeID? {
        var cur = doc.previousSibling(of: node)
        while let c = cur {
            let n = doc[c]
            if n.kind == .element { return c }
            if n.kind == .text, !n.text.allSatisfy(\.isWhitespace) { return nil }
            cur = doc.previousSibling(of: c)
        }
        return nil
    }

    /// The image an element shows when it is an `img`, or a wrapper whose only content is a
    /// chain of single elements ending in an `img`.
    private func singleImage(_ node: Document.NodeID, in doc: Document) -> Document.NodeID? {
        var cur = node
        while true {
            let n = doc[cur]
            if n.name == "img" { return cur }
            let elems = n.children.filter { doc[$0].kind == .element }
            let hasText = n.children.contains { doc[$0].kind == .text && !doc[$0].text.allSatisfy(\.isWhitespace) }
            guard elems.count == 1, !hasText else { return nil }
            cur = elems[0]
        }
    }
}
