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
/// An image left without any usable URL is removed, with a diagnostic naming it. The
/// attributes that held the URL (`data-src`, `srcset`, `sizes`, …) are removed.
public struct ImagesPass: CleanupPass {
    public var name: String { "images" }
    public init() {}

    static let showableTypes: Set<String> = ["image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/apng", "image/gif",
                                             "image/webp", "image/svg+xml"]

    public func run(on article: inout Article, options: CleanupOptions) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        var doc = article.takeDocument()
        defer { article.document = doc }
        let largest = options.imageSource == .largest

        for pic in doc.elements(named: "picture", under: article.content) where doc.isAttached(pic) {
            resolvePicture(pic, in: &doc, largest: largest)
        }
        // Listed after the pictures are resolved: only attached images are reached.
        for img in doc.elements(named: "img", under: article.content) {
            let n = doc[img]
            if let url = ImageURLs.declaredURL(of: n, preferLargest: largest) {
                var attrs = n.attributes.filter { !ImageURLs.consumed.contains($0.name) && $0.name != "src" }
                attrs.insert(.init("src", url), at: 0)
                doc.setAttributes(attrs, of: img)
            } else {
                diags.append(Diagnostic(origin: article.origin, location: doc.describe(img),
                                        "image without a usable URL (no src, or only a placeholder); left out"))
                doc.detach(img)
            }
        }
        // Lazy embeds and videos: <iframe data-src>, <video data-src>.
        for id in doc.elements(named: Self.lazyMedia, under: article.content) {
            let n = doc[id]
            let src = n.attribute("src").map(WebURL.clean) ?? ""
            guard src.isEmpty || src == "about:blank" || ImageURLs.isPlaceholder(src),
                  let lazy = ["data-src", "data-lazy-src", "data-original", "data-url"].lazy.compactMap({ n.attribute($0).flatMap(ImageURLs.usable) }).first
            else { continue }
            doc.setAttribute("src", lazy, on: id)
        }
        return diags
    }

    static let lazyMedia: NameSet = ["iframe", "video", "audio", "source", "embed"]

    /// Puts the best URL on the picture's `<img>` (creating one if there is none) and replaces
    /// the picture by it.
    private func resolvePicture(_ pic: Document.NodeID, in doc: inout Document, largest: Bool) {
        let img = doc.elements(named: "img", under: pic).first
        let own = img.flatMap { ImageURLs.declaredURL(of: doc[$0], preferLargest: largest) }
        var fromSource: SrcsetCandidate?
        if own == nil || largest {
            let sources = doc.elements(named: "source", under: pic).filter { s in
                let t = doc[s].attribute("type")?.lowercased().trimmingCharacters(in: .whitespaces) ?? ""
                return t.isEmpty || Self.showableTypes.contains(t)
            }
            // The browser takes the first source that fits; prefer one without a media query.
            let ordered = sources.filter { doc[$0].attribute("media") == nil } + sources.filter { doc[$0].attribute("media") != nil }
            for s in ordered {
                let n = doc[s]
                let set = n.attribute("srcset") ?? n.attribute("data-srcset") ?? n.attribute("src") ?? n.attribute("data-src") ?? ""
                if let b = SrcsetCandidate.best(SrcsetCandidate.parse(set).filter { ImageURLs.usable($0.url) != nil }) {
                    fromSource = b
                    break
                }
            }
        }
        let target: Document.NodeID
        if let img {
            target = img
        } else {
            guard fromSource != nil else { return }
            target = doc.makeElement("img")
        }
        if let b = fromSource, own == nil || (largest && b.width != nil) {
            doc.setAttribute("src", b.url, on: target)
            for a in ImageURLs.lazyAttributes + ImageURLs.lazySrcsetAttributes + ["srcset"] { doc.removeAttribute(a, from: target) }
        }
        doc.replace(pic, with: target)
    }
}
