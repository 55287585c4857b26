import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// Gives every image its real URL in `src`:
/// - `<picture>`: the image keeps its own URL, or takes the best `<source srcset>` candidate
///   of a type an `<img>` can show (JPEG, PNG, GIF, WebP, SVG); the picture is then replaced
///   by the image;
/// - lazy loading: `data-original`, `data-src`, `data-lazy-src`, … and `data-srcset`;
/// - `srcset`: its widest (or densest) candidate when there is no other URL, or always with
///   `imageSource: .largest`;
/// - placeholders (`data:` pixels and spinners, `blank.gif`, `about:blank`) are not URLs.
///
/// An image the page shows as a block (`style="display: block"`) in a line of text stands on
/// a line of its own, as it does in the browser: a `<br>` separates it from the text beside
/// it (`<p><img style="display:block" src="a.jpg">Caption</p>`: the caption goes under it).
///
/// An image left without any usable URL is removed, with a diagnostic naming it. The
/// attributes that held the URL (`data-src`, `srcset`, `sizes`, …) are removed. The choice
/// itself is `ImageURLs.resolvePicture` and `ImageURLs.chooseSource`, the one rule the EPUB
/// sanitiser applies too.
public struct ImagesPass: CleanupPass {
    public var name: String { "images" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        let largest = context.options.imageSource == .largest
        for pic in doc.elements(named: "picture", under: root) where doc.isAttached(pic) {
            ImageURLs.resolvePicture(pic, in: &doc, preferLargest: largest)
        }
        // Listed after the pictures are resolved: only attached images are reached.
        for img in doc.elements(named: "img", under: root) {
            if ImageURLs.chooseSource(of: img, in: &doc, preferLargest: largest) { continue }
            diagnostics.append(Diagnostic(origin: context.origin, location: doc.describe(img),
                                          "image without a usable URL (no src, or only a placeholder); left out"))
            doc.detach(img)
        }
        for img in doc.elements(named: "img", under: root) where doc[img].styleProperty("display") == "block" {
            Self.breakLine(around: img, in: &doc)
        }
        // Lazy embeds and videos: <iframe data-src>, <video data-src>.
        for id in doc.elements(named: Self.lazyMedia, under: root) {
            let n = doc[id]
            let src = n.attribute("src").map(WebURL.clean) ?? ""
            guard src.isEmpty || src == "about:blank" || ImageURLs.isPlaceholder(src),
                  let lazy = ["data-src", "data-lazy-src", "data-original", "data-url"].lazy.compactMap({ n.attribute($0).flatMap(ImageURLs.usable) }).first
            else { continue }
            doc.setAttribute("src", lazy, on: id)
        }
    }

    /// Puts a `<br>` between a block-displayed image (or the link around only it) and inline
    /// content next to it.
    static func breakLine(around img: Document.NodeID, in doc: inout Document) {
        var box = img
        if let a = doc.parent(of: img), doc[a].name == "a",
           doc[a].children.allSatisfy({ $0 == img || (doc[$0].kind == .text && RemoveEmptyPass.isBlank(doc[$0].text)) }) {
            box = a
        }
        func inlineNeighbour(_ step: (Document.NodeID) -> Document.NodeID?) -> Bool {
            var n = step(box)
            while let k = n {
                switch doc[k].kind {
                case .text:
                    if !RemoveEmptyPass.isBlank(doc[k].text) { return true }
                case .element:
                    return doc[k].name != "br" && !HTMLElements.isBlock(doc[k].name)
                default:
                    break
                }
                n = step(k)
            }
            return false
        }
        let before = inlineNeighbour { doc.previousSibling(of: $0) }
        let after = inlineNeighbour { doc.nextSibling(of: $0) }
        if before { let br = doc.makeElement("br"); doc.insert(br, before: box) }
        if after { let br = doc.makeElement("br"); doc.insert(br, after: box) }
    }

    static let lazyMedia: NameSet = ["iframe", "video", "audio", "source", "embed"]
}
