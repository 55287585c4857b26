import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// Makes an article's content into what EPUB readers and epubcheck accept: XHTML5 content
/// with no active content, no remote resources, only the elements and attributes the
/// element policy keeps (`ElementPolicy`, the one table Markdown's raw-HTML tables read
/// too), content models repaired (blocks lifted out of paragraphs, list and table children
/// fixed), valid unique ids.
///
/// It expects a cleaned article (`Cleanup`: images have their chosen `src`, players are
/// links); given one that was not cleaned it applies the same rules, by calling the same
/// functions (`ImageURLs.chooseSource`, `ImageURLs.resolvePicture`, `EmbeddedMedia.replace`),
/// so a book shows what an export shows.
///
/// This file applies the policy (elements, attributes, URLs, styles); the content models are
/// repaired by `StructureRepair`, which `rewrite` runs after it. Every step is iterative
/// (explicit stacks or precomputed node lists), so a tree 100,000 levels deep is no problem.
struct Sanitizer: DocumentRewriter {
    /// The article the content comes from (for messages and for resolving relative URLs).
    var origin: String
    var baseURL: String?
    var diagnostics: [Diagnostic] = []

    typealias NodeID = Document.NodeID

    init(origin: String, baseURL: String?) {
        self.origin = origin
        self.baseURL = baseURL
    }

    // MARK: Splitting

    /// Containers a long article may be split inside (they are cloned into each part).
    static let splittable: Set<String> = ["div", "section", "article", "aside", "blockquote", "ul"]

    // MARK: Entry

    /// Sanitises the children of `root` (the root itself is only a container): the element
    /// policy, then the structure repair.
    mutating func rewrite(_ doc: inout Document, root: NodeID) {
        cleanElements(&doc, root: root)
        var repair = StructureRepair()
        repair.rewrite(&doc, root: root)
    }

    // MARK: The element policy (`ElementPolicy`), for XHTML

    private mutating func cleanElements(_ doc: inout Document, root: NodeID) {
        var stack: [NodeID] = doc[root].children.reversed()
        var svgCount = 0
        var embeddedLinks = 0
        while let id = stack.popLast() {
            let n = doc[id]
            switch n.kind {
            case .comment:
                doc.detach(id)
                continue
            case .text, .root:
                continue
            case .element:
                break
            }
            var name = n.name
            if name == "input", n.attribute("type")?.lowercased() == "checkbox", ElementPolicy.isTaskCheckbox(id, in: doc) {
                // A Markdown task list item: its state as a ballot box.
                doc.replace(id, with: doc.makeText(n.hasAttribute("checked") ? "\u{2611}" : "\u{2610}"))
                continue
            }
            let rule = ElementPolicy.rule(for: name)
            if rule == .drop {
                doc.detach(id)
                continue
            }
            if name == "svg" {
                svgCount += 1
                doc.detach(id)
                continue
            }
            if name == "math" {
                let text = n.attribute("alttext") ?? doc.textContent(of: id)
                let span = doc.makeElement("span", attributes: [.init("class", "math")])
                doc.append(doc.makeText(text), to: span)
                doc.replace(id, with: span)
                continue
            }
            if EmbeddedMedia.elements.contains(name) {
                // (Clean-up has made players links already; this is for articles that were not
                // cleaned: the one rule, with an absolute http(s) URL.)
                let base = baseURL
                let fallback = n.children
                switch EmbeddedMedia.replace(id, in: &doc, resolve: { raw in
                    guard let abs = WebURL.absolute(WebURL.encoded(raw), against: base), WebURL.isHTTP(abs) else { return nil }
                    return WebURL.encoded(abs)
                }) {
                case .link(let link):
                    embeddedLinks += 1
                    stack.append(link)  // cleaned like any link (its poster image like any image)
                case .fallback:
                    stack.append(contentsOf: fallback.reversed())
                case .removed:
                    break
                }
                continue
            }
            if name == "picture" {
                // (Clean-up has replaced pictures by their images already.) The image, with the
                // URL clean-up would choose; a picture without one is only its content.
                let parent = doc.parent(of: id)!
                let at = doc[parent].children.firstIndex(of: id)!, count = doc[parent].children.count
                if ImageURLs.resolvePicture(id, in: &doc, preferLargest: false) != nil {
                    // What took the picture's place: its image and anything else nested in it.
                    let kids = doc[parent].children
                    stack.append(contentsOf: kids[at..<(at + kids.count - count + 1)].reversed())
                } else {
                    for k in doc[id].children where doc[k].name == "source" { doc.detach(k) }
                    stack.append(contentsOf: doc[id].children.reversed())
                    doc.unwrap(id)
                }
                continue
            }
            if case .rename(let r)? = rule {
                doc.rename(id, to: r)
                name = r
            }
            guard let extra = ElementPolicy.keptAttributes(of: name) else {
                // Custom elements, prefixed elements (fb:like, o:p), unknown names: keep the content.
                stack.append(contentsOf: doc[id].children.reversed())
                doc.unwrap(id)
                continue
            }
            if name == "img" && !ImageURLs.chooseSource(of: id, in: &doc, preferLargest: false) {
                // No usable image URL (clean-up has removed such images already): its alt text stands in.
                replaceByAlt(&doc, id)
                continue
            }
            if name == "bdo" && !["ltr", "rtl"].contains(n.attribute("dir")?.lowercased() ?? "") {
                doc.rename(id, to: "span")
                name = "span"
            }
            cleanAttributes(&doc, id, name: name, extra: extra)
            if name == "a" && !doc[id].hasAttribute("href") && !doc[id].hasAttribute("id") {
                stack.append(contentsOf: doc[id].children.reversed())
                doc.unwrap(id)
                continue
            }
            if name == "img" && doc[id].attribute("src") == nil {
                // Its URL cannot be made absolute (relative, no base URL): its alt text stands in.
                replaceByAlt(&doc, id)
                continue
            }
            stack.append(contentsOf: doc[id].children.reversed())
        }
        if svgCount > 0 {
            diagnostics.append(Diagnostic(origin: origin, location: "<svg>",
                                          "\(svgCount) inline SVG drawing\(svgCount == 1 ? "" : "s") left out (inline SVG is not carried into books; use an <img> with an .svg file to keep a drawing)"))
        }
        if embeddedLinks > 0 {
            diagnostics.append(Diagnostic(origin: origin, location: "<iframe>/<video>/<audio>",
                                          "\(embeddedLinks) embedded player\(embeddedLinks == 1 ? "" : "s") replaced by a link (books carry no active content)"))
        }
    }

    /// Replaces an `<img>` by its alt text (or removes it when there is none).
    func replaceByAlt(_ doc: inout Document, _ id: NodeID) {
        let alt = (doc[id].attribute("alt") ?? "").trimmed
        if alt.isEmpty {
            doc.detach(id)
        } else {
            let span = doc.makeElement("span", attributes: [.init("class", "image-missing")])
            doc.append(doc.makeText("[" + alt + "]"), to: span)
            doc.replace(id, with: span)
        }
    }

    private func cleanAttributes(_ doc: inout Document, _ id: NodeID, name: String, extra: Set<String>) {
        let old = doc[id].attributes
        var out: [Document.Attribute] = []
        var lang: String?
        func int(_ v: String, min: Int) -> String? {
            let t = v.trimmed
            guard let i = Int(t), i >= min, i < 100_000 else { return nil }
            return String(i)
        }
        for a in old {
            let key = a.name.lowercased()
            if key == "xml:lang" || key == "lang" {
                if let l = LanguageTag(a.value)?.value, lang == nil || key == "lang" { lang = l }
                continue
            }
            if key == "name" && name == "a" && !old.contains(where: { $0.name == "id" }) {
                let v = a.value.trimmed
                if !v.isEmpty { out.append(.init("id", v)) }
                continue
            }
            guard ElementPolicy.globalAttributes.contains(key) || extra.contains(key) else { continue }
            var v = a.value
            switch key {
            case "id":
                v = v.trimmed
                if v.isEmpty { continue }
            case "class", "title":
                v = v.trimmed
                if v.isEmpty { continue }
            case "dir":
                v = v.lowercased()
                guard v == "ltr" || v == "rtl" else { continue }
            case "style":
                guard let s = Sanitizer.safeStyle(v) else { continue }
                v = s
            case "href":
                guard let h = cleanHref(v) else { continue }
                v = h
            case "src":
                // (The URL `ImageURLs.chooseSource` put there.)
                guard let s = absoluteImageURL(v) else { continue }
                v = s
            case "alt":
                break
            case "width", "height", "start", "value":
                guard let i = int(v, min: key == "width" || key == "height" ? 0 : Int.min + 1) else { continue }
                v = i
            case "colspan", "span":
                guard let i = int(v, min: 1) else { continue }
                v = i
            case "rowspan":
                guard let i = int(v, min: 0) else { continue }
                v = i
            case "reversed":
                v = "reversed"
            case "type":
                guard ["1", "a", "A", "i", "I"].contains(v) else { continue }
            case "scope":
                v = v.lowercased()
                guard ["row", "col", "rowgroup", "colgroup"].contains(v) else { continue }
            default:
                break
            }
            if out.contains(where: { $0.name == key }) { continue }
            out.append(.init(key, v))
        }
        if name == "img" && !out.contains(where: { $0.name == "alt" }) {
            out.append(.init("alt", ""))
        }
        if let l = lang {
            out.append(.init("lang", l))
            out.append(.init("xml:lang", l))
        }
        doc.setAttributes(out, of: id)
    }

    /// An image's chosen URL as the book asks the image provider for it: absolute, encoded
    /// once (a `data:` URL as it is). Nil when it cannot be made absolute.
    func absoluteImageURL(_ raw: String) -> String? {
        if WebURL.isData(raw) { return raw }
        guard let abs = WebURL.absolute(WebURL.encoded(raw), against: baseURL) else { return nil }
        return WebURL.encoded(abs)
    }

    /// An href a book can keep: fragments as they are (checked later), absolute URLs with a
    /// harmless scheme, relative ones made absolute. Nil: drop the link.
    func cleanHref(_ raw: String) -> String? {
        let t = raw.trimmed
        if t.isEmpty { return nil }
        if t.hasPrefix("#") { return t.count > 1 ? t : nil }
        let cleaned = WebURL.encoded(t)
        if let sch = WebURL.scheme(of: cleaned) {
            return ["http", "https", "mailto", "ftp", "tel", "news", "gopher"].contains(sch) ? cleaned : nil
        }
        guard let abs = WebURL.absolute(cleaned, against: baseURL), let sch = WebURL.scheme(of: abs),
              sch == "http" || sch == "https" else { return nil }
        return WebURL.encoded(abs)
    }

    /// Keeps only simple, harmless declarations a reader may honour (alignment, emphasis,
    /// indentation); nil when nothing is left.
    static func safeStyle(_ style: String) -> String? {
        let allowed: Set<String> = ["text-align", "font-weight", "font-style", "text-decoration", "text-indent"]
        var out: [String] = []
        for decl in style.split(separator: ";") {
            let parts = decl.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let prop = parts[0].trimmed.lowercased()
            let value = parts[1].trimmed.lowercased()
            guard allowed.contains(prop), !value.isEmpty, value.count < 40,
                  value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "." || $0 == "%") }) else { continue }
            switch prop {
            case "text-align": guard ["left", "right", "center", "justify"].contains(value) else { continue }
            case "font-weight": guard ["bold", "bolder", "normal", "lighter"].contains(value) || Int(value) != nil else { continue }
            case "font-style": guard ["italic", "normal", "oblique"].contains(value) else { continue }
            case "text-decoration": guard ["underline", "line-through", "none", "overline"].contains(value) else { continue }
            case "text-indent":
                guard value == "0" || value.hasSuffix("em") || value.hasSuffix("%"),
                      Double(value.replacingOccurrences(of: "em", with: "").replacingOccurrences(of: "%", with: "")) != nil else { continue }
            default: continue
            }
            out.append(prop + ": " + value)
        }
        return out.isEmpty ? nil : out.joined(separator: "; ")
    }
}
