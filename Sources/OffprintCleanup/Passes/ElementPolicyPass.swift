import OffprintArticle
import OffprintDocument
import OffprintSupport

/// Leaves only the elements the element policy keeps (`ElementPolicy`, the project's one
/// table), with the rules of their own: dropped elements go with their content, obsolete ones
/// take their valid names, unknown ones (custom elements, `fb:like`, `o:p`) leave their
/// content; players become links (`EmbeddedMedia.replace`), pictures their image
/// (`ImageURLs.resolvePicture`), images keep their chosen URL (`ImageURLs.chooseSource`) or go,
/// inline SVG is left out and `<math>` becomes its text (its alt text when it has none). A Markdown task list's checkbox
/// stays (`ElementPolicy.isTaskCheckbox`): each writer shows its state.
///
/// `Cleanup.clean` always runs it, after the junk and image passes and before URLs are
/// resolved and unwrapped (so the links players become are treated like every other link):
/// it is what makes the result a `CleanedArticle`, whatever the options say. It is the one
/// place players become links. Iterative, so a tree 100,000 levels deep is no problem.
public struct ElementPolicyPass: CleanupPass {
    public var name: String { "element-policy" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        var stack: [Document.NodeID] = doc[root].children.reversed()
        var svgCount = 0, players = 0, imagesLeftOut = 0
        let largest = context.options.imageSource == .largest
        let base = context.options.baseURL ?? context.baseURL
        while let id = stack.popLast() {
            let n = doc[id]
            guard n.kind == .element else { continue }
            let name = n.name
            if name == "input", n.attribute("type")?.lowercased() == "checkbox", ElementPolicy.isTaskCheckbox(id, in: doc) {
                continue
            }
            let rule = ElementPolicy.rule(for: name)
            switch rule {
            case .drop?:
                doc.detach(id)
                continue
            case .rename(let to)?:
                doc.rename(id, to: to)
                if to == "img" { stack.append(id); continue }  // (`image`: an image like any other)
            case .keep?:
                break
            case nil:
                if name == "svg" {
                    svgCount += 1
                    doc.detach(id)
                } else if name == "math" {
                    // Its text as a browser without MathML shows it (the formula's symbols, then
                    // a TeX annotation when there is one); the alt text when it has none.
                    let inner = doc.textContent(of: id)
                    let text = inner.allSatisfy(\.isWhitespace) ? (n.attribute("alttext") ?? "") : inner
                    let span = doc.makeElement("span", attributes: [.init("class", "math")])
                    doc.append(doc.makeText(text), to: span)
                    doc.replace(id, with: span)
                } else if EmbeddedMedia.elements.contains(name) {
                    let fallback = n.children
                    switch EmbeddedMedia.replace(id, in: &doc, resolve: { WebURL.resolve($0, against: base) }) {
                    case .link(let link):
                        players += 1
                        stack.append(link)  // a link like any other (its poster an image like any other)
                    case .fallback:
                        stack.append(contentsOf: fallback.reversed())
                    case .removed:
                        break
                    }
                } else if name == "picture" {
                    let parent = doc.parent(of: id)!
                    let at = doc[parent].children.firstIndex(of: id)!, count = doc[parent].children.count
                    if ImageURLs.resolvePicture(id, in: &doc, preferLargest: largest) != nil {
                        // What took the picture's place: its image and anything else nested in it.
                        let kids = doc[parent].children
                        stack.append(contentsOf: kids[at..<(at + kids.count - count + 1)].reversed())
                    } else {
                        for k in doc[id].children where doc[k].name == "source" { doc.detach(k) }
                        stack.append(contentsOf: doc[id].children.reversed())
                        doc.unwrap(id)
                    }
                } else {
                    stack.append(contentsOf: n.children.reversed())
                    doc.unwrap(id)
                }
                continue
            }
            if doc[id].name == "img" && !ImageURLs.chooseSource(of: id, in: &doc, preferLargest: largest) {
                imagesLeftOut += 1
                doc.detach(id)
                continue
            }
            stack.append(contentsOf: doc[id].children.reversed())
        }
        if svgCount > 0 {
            diagnostics.append(Diagnostic(origin: context.origin, location: "<svg>",
                                          "\(svgCount) inline SVG drawing\(svgCount == 1 ? "" : "s") left out (inline SVG is carried into neither Markdown nor books; use an <img> with an .svg file to keep a drawing)"))
        }
        if players > 0 {
            diagnostics.append(Diagnostic(origin: context.origin, location: "<iframe>/<video>/<audio>",
                                          "\(players) embedded player\(players == 1 ? "" : "s") replaced by a link to what it showed"))
        }
        if imagesLeftOut > 0 {
            diagnostics.append(Diagnostic(origin: context.origin, location: "<img>",
                                          "\(imagesLeftOut) image\(imagesLeftOut == 1 ? "" : "s") without a usable URL (no src, or only a placeholder) left out"))
        }
    }
}
