import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// Makes a cleaned article's content into what EPUB readers and epubcheck accept: XHTML5
/// content with only the attributes the element policy keeps (`ElementPolicy`), valid
/// values, URLs encoded as a book must hold them (remote links kept, images absolute), safe
/// styles, lang/xml:lang pairs; then the content models repaired (`StructureRepair`: blocks
/// lifted out of paragraphs, list and table children fixed).
///
/// The elements are clean-up's work (`ElementPolicyPass`): a `CleanedArticle` holds only
/// elements the policy keeps, players as links, images with their chosen `src`. What is
/// left here is what only XHTML needs: a task list's checkbox as ☐/☑, a link with neither
/// `href` nor `id` as its content, an image whose URL cannot be made absolute as its alt text.
/// Every step is iterative, so a tree 100,000 levels deep is no problem.
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

    /// Sanitises the children of `root` (the root itself is only a container): attributes
    /// and URLs, then the structure repair.
    mutating func rewrite(_ doc: inout Document, root: NodeID) {
        cleanElements(&doc, root: root)
        var repair = StructureRepair()
        repair.rewrite(&doc, root: root)
    }

    // MARK: XHTML attributes and URLs

    private mutating func cleanElements(_ doc: inout Document, root: NodeID) {
        var stack: [NodeID] = doc[root].children.reversed()
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
            if name == "input" {
                // (The one `<input>` a cleaned article keeps: a Markdown task list item's state.)
                doc.replace(id, with: doc.makeText(n.hasAttribute("checked") ? "\u{2611}" : "\u{2610}"))
                continue
            }
            guard let extra = ElementPolicy.keptAttributes(of: name) else {
                // (Not in a cleaned article; the content stays, as clean-up would keep it.)
                stack.append(contentsOf: n.children.reversed())
                doc.unwrap(id)
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
                // (The URL clean-up chose, `ImageURLs.chooseSource`.)
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
