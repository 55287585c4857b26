import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// Makes an article's content into what EPUB readers and epubcheck accept: XHTML5 content
/// with no active content, no remote resources, only the elements and attributes the schema
/// allows, content models repaired (blocks lifted out of paragraphs, list and table children
/// fixed), valid unique ids.
///
/// Every pass is iterative (explicit stacks or precomputed node lists), so a tree 100,000
/// levels deep is no problem.
struct Sanitizer {
    /// The article the content comes from (for messages and for resolving relative URLs).
    var origin: String
    var baseURL: String?
    var diagnostics: [Diagnostic] = []

    typealias NodeID = Document.NodeID

    init(origin: String, baseURL: String?) {
        self.origin = origin
        self.baseURL = baseURL
    }

    // MARK: Element tables

    /// Elements kept as they are (after renaming), with the attributes each may keep beyond
    /// the global ones.
    static let allowed: [String: Set<String>] = [
        "a": ["href"], "abbr": [], "article": [], "aside": [], "b": [], "bdi": [], "bdo": [],
        "blockquote": [], "br": [], "caption": [], "cite": [], "code": [], "col": ["span"],
        "colgroup": ["span"], "dd": [], "del": [], "dfn": [], "div": [], "dl": [], "dt": [], "em": [],
        "figcaption": [], "figure": [], "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [],
        "hr": [], "i": [], "img": ["src", "alt", "width", "height"], "ins": [], "kbd": [], "li": ["value"],
        "mark": [], "ol": ["start", "reversed", "type"], "p": [], "pre": [], "q": [], "rp": [], "rt": [],
        "ruby": [], "s": [], "samp": [], "section": [], "small": [], "span": [], "strong": [], "sub": [],
        "sup": [], "table": [], "tbody": [], "td": ["colspan", "rowspan"], "tfoot": [],
        "th": ["colspan", "rowspan", "scope", "abbr"], "thead": [], "tr": [], "u": [], "ul": [], "var": [],
        "wbr": [],
    ]

    static let globalAttributes: Set<String> = ["id", "class", "title", "lang", "dir", "style"]

    /// Obsolete or unsupported elements renamed to their closest valid equivalent.
    static let renamed: [String: String] = [
        "center": "div", "font": "span", "big": "span", "tt": "code", "strike": "s", "acronym": "abbr",
        "dir": "ul", "menu": "ul", "listing": "pre", "xmp": "pre", "plaintext": "pre", "nobr": "span",
        "blink": "span", "marquee": "div", "time": "span", "data": "span", "header": "div",
        "footer": "div", "main": "div", "nav": "div", "address": "div", "hgroup": "div",
        "details": "div", "summary": "p", "search": "div", "fieldset": "div", "legend": "p",
        "label": "span", "rb": "span", "rtc": "span", "textarea": "pre", "output": "span",
        "image": "img", "dialog": "div",
    ]

    /// Elements removed with everything in them.
    static let dropped: Set<String> = [
        "script", "style", "noscript", "template", "head", "title", "meta", "link", "base", "frame",
        "frameset", "noframes", "input", "button", "select", "option", "optgroup", "datalist",
        "keygen", "progress", "meter", "canvas", "map", "area", "param", "source", "track",
        "applet", "bgsound", "basefont", "spacer", "slot", "portal", "menuitem",
    ]

    /// A checkbox opening a list item (`<li><input type=checkbox> text`, or inside the item's
    /// first paragraph): a task list, not a form.
    static func isTaskCheckbox(_ doc: Document, _ id: NodeID) -> Bool {
        // Task lists are written disabled and nameless; a form's checkboxes are neither.
        guard doc[id].hasAttribute("disabled"), !doc[id].hasAttribute("name"), var p = doc.parent(of: id) else { return false }
        if doc[p].name == "p", let pp = doc.parent(of: p), doc[pp].name == "li" { p = pp }
        return doc[p].name == "li"
    }

    /// Elements whose content must be phrasing content (no blocks inside).
    static let phrasingOnly: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "span", "em", "strong", "b", "i", "u", "s",
        "small", "mark", "code", "kbd", "samp", "var", "sub", "sup", "abbr", "cite", "dfn", "q", "bdi",
        "bdo", "ruby", "rt", "rp",
    ]

    /// Elements whose content model is their parent's.
    static let transparent: Set<String> = ["a", "ins", "del"]

    /// Flow content that is not phrasing content: may not sit inside a paragraph or a span.
    static let flowOnly: Set<String> = [
        "address", "article", "aside", "blockquote", "div", "dl", "figure", "h1", "h2", "h3", "h4",
        "h5", "h6", "hr", "ol", "p", "pre", "section", "table", "ul",
    ]

    static let sectioning: Set<String> = ["article", "aside", "section"]

    /// Containers a long article may be split inside (they are cloned into each part).
    static let splittable: Set<String> = ["div", "section", "article", "aside", "blockquote", "ul"]

    // MARK: Entry

    /// Sanitises the children of `root` (the root itself is only a container).
    mutating func sanitize(_ doc: inout Document, root: NodeID) {
        cleanElements(&doc, root: root)
        fixStrays(&doc, root: root)
        liftBlocks(&doc, root: root)
        fixContainers(&doc, root: root)
        fixNesting(&doc, root: root)
    }

    // MARK: Pass 1: elements and attributes

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
            if name == "input", n.attribute("type")?.lowercased() == "checkbox", Sanitizer.isTaskCheckbox(doc, id) {
                // A Markdown task list item: its state as a ballot box.
                doc.replace(id, with: doc.makeText(n.hasAttribute("checked") ? "\u{2611}" : "\u{2610}"))
                continue
            }
            if Sanitizer.dropped.contains(name) {
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
                // cleaned: the same link, with an absolute http(s) URL.)
                let base = baseURL
                let link = EmbeddedMedia.replaceByLink(id, in: &doc) { raw in
                    guard let abs = WebURL.absolute(WebURL.encoded(raw), against: base), WebURL.isHTTP(abs) else { return nil }
                    return WebURL.encoded(abs)
                }
                if let link {
                    embeddedLinks += 1
                    stack.append(link)  // cleaned like any link (its poster image like any image)
                }
                continue
            }
            if name == "picture" {
                // Keep the <img>; drop the <source>s (the cleanup passes have already picked the best URL).
                let kids = doc[id].children
                for k in kids where doc[k].name == "source" { doc.detach(k) }
                stack.append(contentsOf: doc[id].children.reversed())
                doc.unwrap(id)
                continue
            }
            if let r = Sanitizer.renamed[name] {
                doc.rename(id, to: r)
                name = r
            }
            guard let extra = Sanitizer.allowed[name] else {
                // Custom elements, prefixed elements (fb:like, o:p), unknown names: keep the content.
                stack.append(contentsOf: doc[id].children.reversed())
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
                // No usable image URL: its alt text stands in.
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
            guard Sanitizer.globalAttributes.contains(key) || extra.contains(key) else { continue }
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
                guard let s = imageSource(doc[id]) else { continue }
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
        if name == "img" && !out.contains(where: { $0.name == "src" }), let s = imageSource(doc[id]) {
            out.insert(.init("src", s), at: 0)
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

    /// The URL an `<img>` shows, made absolute: `ImageURLs.declaredURL`, the one choice
    /// clean-up makes too (so a book built without clean-up shows the same picture as an
    /// export). Nil when it has none.
    func imageSource(_ n: Document.Node) -> String? {
        guard let raw = ImageURLs.declaredURL(of: n, preferLargest: false) else { return nil }
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

    // MARK: Pass 2: blocks out of phrasing content

    /// Lifts every block that sits inside phrasing content (`<p><div>…</div></p>`,
    /// `<span><ul>…</ul></span>`) out, splitting the phrasing ancestors around it the way an
    /// HTML parser closes a paragraph.
    private mutating func liftBlocks(_ doc: inout Document, root: NodeID) {
        let blocks = doc.descendants(of: root).filter { doc[$0].kind == .element && Sanitizer.flowOnly.contains(doc[$0].name) }
        for b in blocks {
            guard doc[b].parent != nil else { continue }
            // Find the outermost phrasing-only ancestor below the nearest flow container.
            var top: NodeID?
            var cur = doc[b].parent!
            while cur != root {
                let name = doc[cur].name
                if Sanitizer.phrasingOnly.contains(name) {
                    top = cur
                } else if !Sanitizer.transparent.contains(name) {
                    break
                }
                guard let p = doc[cur].parent else { break }
                cur = p
            }
            guard let top, doc[top].parent != nil else { continue }
            split(&doc, around: b, top: top)
        }
    }

    /// Moves `node` out of `top` (an ancestor): `top` keeps what came before it, `node`
    /// follows `top`, and a copy of the ancestor chain holding what came after follows `node`.
    private func split(_ doc: inout Document, around node: NodeID, top: NodeID) {
        var level = node
        var after: NodeID?
        while let p = doc[level].parent {
            let kids = doc[p].children
            let i = kids.firstIndex(of: level)!
            let followers = kids[(i + 1)...]
            let clone = doc.makeElement(doc[p].name, attributes: doc[p].attributes.filter { $0.name != "id" })
            if let a = after { doc.append(a, to: clone) }
            for f in followers { doc.append(f, to: clone) }
            after = clone
            if p == top { break }
            level = p
        }
        doc.insert(node, after: top)
        if let a = after {
            if Sanitizer.isEmpty(doc, a) { doc.detach(a) } else { doc.insert(a, after: node) }
        }
        if Sanitizer.isEmpty(doc, top) && doc[top].attribute("id") == nil { doc.detach(top) }
    }

    /// Renames an element after its attributes were cleaned, dropping those the new name
    /// does not allow (`colspan` on a stray cell turned `div`).
    static func rename(_ doc: inout Document, _ id: NodeID, to name: String) {
        doc.rename(id, to: name)
        let extra = allowed[name] ?? []
        let attrs = doc[id].attributes
        let kept = attrs.filter { globalAttributes.contains($0.name) || $0.name == "xml:lang" || extra.contains($0.name) }
        if kept.count != attrs.count { doc.setAttributes(kept, of: id) }
    }

    /// No text other than white space, no image, no line break, no id.
    static func isEmpty(_ doc: Document, _ id: NodeID) -> Bool {
        var stack = doc[id].children
        while let n = stack.popLast() {
            let node = doc[n]
            switch node.kind {
            case .text:
                if node.text.contains(where: { !$0.isWhitespace }) { return false }
            case .element:
                if node.name == "img" || node.name == "br" || node.name == "hr" || node.hasAttribute("id") { return false }
                stack.append(contentsOf: node.children)
            default:
                break
            }
        }
        return true
    }

    // MARK: Pass 3: content models of lists, tables, definition lists, figures

    /// Stray list items and table parts, outside the containers they need, are wrapped or
    /// renamed to plain blocks.
    private mutating func fixStrays(_ doc: inout Document, root: NodeID) {
        let elements = doc.descendants(of: root).filter { doc[$0].kind == .element }
        for id in elements {
            guard let parent = doc[id].parent else { continue }
            let name = doc[id].name
            let parentName = doc[parent].name
            switch name {
            case "li":
                if parentName != "ul" && parentName != "ol" { wrapRun(&doc, from: id, in: "ul", matching: ["li"]) }
            case "dt", "dd":
                let inDL = parentName == "dl" || (parentName == "div" && doc[parent].parent.map { doc[$0].name } == "dl")
                if !inDL { Sanitizer.rename(&doc, id, to: "div") }
            case "tr":
                if !["table", "tbody", "thead", "tfoot"].contains(parentName) { Sanitizer.rename(&doc, id, to: "div") }
            case "td", "th":
                if parentName != "tr" { Sanitizer.rename(&doc, id, to: "div") }
            case "tbody", "thead", "tfoot", "colgroup", "caption":
                if parentName != "table" { Sanitizer.rename(&doc, id, to: "div") }
            case "col":
                if parentName != "colgroup" && parentName != "table" { doc.detach(id) }
            case "figcaption":
                if parentName != "figure" { Sanitizer.rename(&doc, id, to: "div") }
            case "rt", "rp":
                if parentName != "ruby" { Sanitizer.rename(&doc, id, to: "span") }
            default:
                break
            }
        }
    }

    /// Lists, definition lists, tables and figures get the children their content models allow.
    private mutating func fixContainers(_ doc: inout Document, root: NodeID) {
        let elements = doc.descendants(of: root).filter { doc[$0].kind == .element }
        for id in elements where doc[id].parent != nil {
            switch doc[id].name {
            case "ul", "ol": fixList(&doc, id)
            case "dl": fixDefinitionList(&doc, id)
            case "table": fixTable(&doc, id)
            case "figure": fixFigure(&doc, id)
            case "ruby": fixRuby(&doc, id)
            default: break
            }
        }
    }

    /// Wraps `start` and the following siblings named in `names` (white space between them
    /// included) in a new `wrapper` element.
    private func wrapRun(_ doc: inout Document, from start: NodeID, in wrapper: String, matching names: Set<String>) {
        guard let parent = doc[start].parent else { return }
        let kids = doc[parent].children
        var i = kids.firstIndex(of: start)!
        var run: [NodeID] = []
        while i < kids.count {
            let k = doc[kids[i]]
            if k.kind == .element && names.contains(k.name) { run.append(kids[i]) }
            else if k.kind == .text && k.text.allSatisfy(\.isWhitespace) { run.append(kids[i]) }
            else { break }
            i += 1
        }
        while let last = run.last, doc[last].kind == .text { run.removeLast() }
        let w = doc.makeElement(wrapper)
        doc.insert(w, before: start)
        for r in run { doc.append(r, to: w) }
    }

    private static func isBlank(_ doc: Document, _ id: NodeID) -> Bool {
        let n = doc[id]
        return n.kind == .text && n.text.allSatisfy(\.isWhitespace)
    }

    /// `ul`/`ol` may hold only `li`: anything else goes into the preceding item, or a new one.
    private func fixList(_ doc: inout Document, _ list: NodeID) {
        var lastItem: NodeID?
        for k in doc[list].children {
            if Sanitizer.isBlank(doc, k) { continue }
            if doc[k].kind == .element && doc[k].name == "li" { lastItem = k; continue }
            if let li = lastItem {
                doc.append(k, to: li)
            } else {
                let li = doc.makeElement("li")
                doc.insert(li, before: k)
                doc.append(k, to: li)
                lastItem = li
            }
        }
    }

    /// `dl` may hold `dt`/`dd` (a `div` around them is unwrapped); anything else goes into
    /// the preceding `dd`, or a new one. It must start with a `dt` and end with a `dd`; one
    /// without any `dt` is an indented block.
    private func fixDefinitionList(_ doc: inout Document, _ dl: NodeID) {
        for k in doc[dl].children where doc[k].kind == .element && doc[k].name == "div" {
            doc.unwrap(k)
        }
        var last: NodeID?
        for k in doc[dl].children {
            if Sanitizer.isBlank(doc, k) { continue }
            let n = doc[k]
            if n.kind == .element && (n.name == "dt" || n.name == "dd") { last = k; continue }
            if let l = last, doc[l].name == "dd" {
                doc.append(k, to: l)
            } else {
                let dd = doc.makeElement("dd")
                doc.insert(dd, before: k)
                doc.append(k, to: dd)
                last = dd
            }
        }
        let items = doc[dl].children.filter { doc[$0].kind == .element }
        if !items.contains(where: { doc[$0].name == "dt" }) {
            // `<dl><dd>` without terms is how wikis indent: an indented block, not a list.
            Sanitizer.rename(&doc, dl, to: "div")
            doc.setAttribute("class", "indent", on: dl)
            for k in items { Sanitizer.rename(&doc, k, to: "div") }
            return
        }
        if let first = items.first, doc[first].name == "dd" {
            doc.insert(doc.makeElement("dt"), before: first)
        }
        if let l = items.last, doc[l].name == "dt" {
            doc.append(doc.makeElement("dd"), to: dl)
        }
    }

    /// A table's children in the order HTML requires: caption, colgroups, thead, tbodies,
    /// tfoot; rows only in row groups, cells only in rows; anything else moved into a cell.
    private func fixTable(_ doc: inout Document, _ table: NodeID) {
        var captions: [NodeID] = [], colgroups: [NodeID] = [], heads: [NodeID] = [], bodies: [NodeID] = [], foots: [NodeID] = []
        var run: NodeID?
        for k in doc[table].children {
            let n = doc[k]
            if Sanitizer.isBlank(doc, k) { doc.detach(k); continue }
            if n.kind == .comment { doc.detach(k); continue }
            switch n.kind == .element ? n.name : "" {
            case "caption": captions.append(k); run = nil
            case "colgroup": colgroups.append(k); run = nil
            case "col":
                let cg = doc.makeElement("colgroup")
                doc.insert(cg, before: k)
                doc.append(k, to: cg)
                colgroups.append(cg); run = nil
            case "thead": heads.append(k); run = nil
            case "tfoot": foots.append(k); run = nil
            case "tbody": bodies.append(k); run = nil
            case "tr":
                if run == nil {
                    let tb = doc.makeElement("tbody")
                    doc.insert(tb, before: k)
                    bodies.append(tb)
                    run = tb
                }
                doc.append(k, to: run!)
            default:
                // Stray content in a table: into a row of its own.
                if run == nil {
                    let tb = doc.makeElement("tbody")
                    doc.insert(tb, before: k)
                    bodies.append(tb)
                    run = tb
                }
                let tr = doc.makeElement("tr")
                let td = doc.makeElement("td")
                doc.append(tr, to: run!)
                doc.append(td, to: tr)
                doc.append(k, to: td)
            }
        }
        // One caption, one thead, one tfoot: extras become body groups / paragraphs.
        for extra in captions.dropFirst() { Sanitizer.rename(&doc, extra, to: "div"); doc.insert(extra, after: table) }
        for extra in heads.dropFirst() { Sanitizer.rename(&doc, extra, to: "tbody"); bodies.append(extra) }
        for extra in foots.dropFirst() { Sanitizer.rename(&doc, extra, to: "tbody"); bodies.append(extra) }
        var order: [NodeID] = []
        order += captions.prefix(1)
        order += colgroups
        order += heads.prefix(1)
        order += bodies.sorted { a, b in
            // Keep the document order of body groups.
            doc[table].children.firstIndex(of: a) ?? 0 < doc[table].children.firstIndex(of: b) ?? 0
        }
        order += foots.prefix(1)
        for k in order where doc[k].parent == table { doc.detach(k) }
        for k in order { doc.append(k, to: table) }
        // A colgroup holds only cols: anything else goes before the table, as browsers
        // "foster-parent" it.
        var fostered: NodeID?
        for cg in colgroups {
            for k in doc[cg].children where !(doc[k].kind == .element && doc[k].name == "col") {
                if Sanitizer.isBlank(doc, k) || doc[k].kind == .comment { doc.detach(k); continue }
                if fostered == nil {
                    fostered = doc.makeElement("div")
                    doc.insert(fostered!, before: table)
                }
                doc.append(k, to: fostered!)
            }
        }
        for group in heads.prefix(1) + bodies + foots.prefix(1) { fixRowGroup(&doc, group) }
        if !doc[table].children.contains(where: { ["thead", "tbody", "tfoot"].contains(doc[$0].name) }) {
            // A table without rows: keep its caption's text, drop the table.
            Sanitizer.rename(&doc, table, to: "div")
            for k in doc[table].children where doc[k].name == "caption" || doc[k].name == "colgroup" {
                if doc[k].name == "caption" { Sanitizer.rename(&doc, k, to: "div") } else { doc.detach(k) }
            }
        }
    }

    private func fixRowGroup(_ doc: inout Document, _ group: NodeID) {
        var lastRow: NodeID?
        for k in doc[group].children {
            if Sanitizer.isBlank(doc, k) { continue }
            let n = doc[k]
            if n.kind == .element && n.name == "tr" { fixRow(&doc, k); lastRow = k; continue }
            if n.kind == .element && (n.name == "td" || n.name == "th") {
                if lastRow == nil {
                    let tr = doc.makeElement("tr")
                    doc.insert(tr, before: k)
                    lastRow = tr
                }
                doc.append(k, to: lastRow!)
                continue
            }
            let tr = doc.makeElement("tr")
            let td = doc.makeElement("td")
            doc.insert(tr, before: k)
            doc.append(td, to: tr)
            doc.append(k, to: td)
            lastRow = tr
        }
        if !doc[group].children.contains(where: { doc[$0].name == "tr" }) {
            doc.append(doc.makeElement("tr"), to: group)
        }
        for k in doc[group].children where doc[k].name == "tr" && !doc[k].children.contains(where: { ["td", "th"].contains(doc[$0].name) }) {
            doc.append(doc.makeElement("td"), to: k)
        }
    }

    private func fixRow(_ doc: inout Document, _ tr: NodeID) {
        var lastCell: NodeID?
        for k in doc[tr].children {
            if Sanitizer.isBlank(doc, k) { continue }
            let n = doc[k]
            if n.kind == .element && (n.name == "td" || n.name == "th") { lastCell = k; continue }
            if let c = lastCell {
                doc.append(k, to: c)
            } else {
                let td = doc.makeElement("td")
                doc.insert(td, before: k)
                doc.append(k, to: td)
                lastCell = td
            }
        }
    }

    /// Ruby is text followed by its annotations (`rt`), repeated: `rp` fallbacks are dropped,
    /// trailing text moves after the ruby, and a ruby that does not start with text or has no
    /// annotation becomes plain text.
    private func fixRuby(_ doc: inout Document, _ ruby: NodeID) {
        for k in doc[ruby].children where doc[k].name == "rp" { doc.detach(k) }
        let kids = doc[ruby].children.filter { !Sanitizer.isBlank(doc, $0) }
        guard let firstRT = kids.firstIndex(where: { doc[$0].name == "rt" }), firstRT > 0 else {
            for k in doc[ruby].children where doc[k].name == "rt" { Sanitizer.rename(&doc, k, to: "span") }
            Sanitizer.rename(&doc, ruby, to: "span")
            return
        }
        let lastRT = kids.lastIndex(where: { doc[$0].name == "rt" })!
        var anchor = ruby
        for k in kids[(lastRT + 1)...] {
            doc.insert(k, after: anchor)
            anchor = k
        }
    }

    /// A `figcaption` must be the first or last child of its figure, and only one.
    private func fixFigure(_ doc: inout Document, _ figure: NodeID) {
        let elements = doc[figure].children.filter { !Sanitizer.isBlank(doc, $0) }
        var seen = false
        for (i, k) in elements.enumerated() where doc[k].name == "figcaption" {
            if seen || (i != 0 && i != elements.count - 1) { Sanitizer.rename(&doc, k, to: "div") } else { seen = true }
        }
    }

    // MARK: Pass 4: nesting rules the schema checks on descendants

    /// Links inside links and definitions inside definitions are unwrapped; headings and
    /// sectioning elements inside `th`, `dt` and `caption` (which forbid them) become plain
    /// blocks; a caption holding a table moves before its table as a plain block.
    private mutating func fixNesting(_ doc: inout Document, root: NodeID) {
        var unwrapList: [NodeID] = []
        var renameList: [(NodeID, String)] = []
        var openLinks = 0
        var openDefinitions = 0
        var restricted = 0
        var captions: [NodeID] = []
        var captionsWithTables = Set<NodeID>()
        doc.walk(from: root, enter: { id, _ in
            let n = doc[id]
            guard n.kind == .element else { return .skipChildren }
            switch n.name {
            case "a":
                if openLinks > 0 { unwrapList.append(id) }
                openLinks += 1
            case "dfn":
                if openDefinitions > 0 { unwrapList.append(id) }
                openDefinitions += 1
            case "th", "dt", "caption":
                restricted += 1
                if n.name == "caption" { captions.append(id) }
            case "table":
                if let c = captions.last { captionsWithTables.insert(c) }
            case "h1", "h2", "h3", "h4", "h5", "h6":
                if restricted > 0 { renameList.append((id, "p")) }
            case "article", "aside", "section":
                if restricted > 0 { renameList.append((id, "div")) }
            default:
                break
            }
            return .descend
        }, exit: { id, _ in
            let n = doc[id]
            guard n.kind == .element else { return }
            switch n.name {
            case "a": openLinks -= 1
            case "dfn": openDefinitions -= 1
            case "th", "dt", "caption":
                restricted -= 1
                if n.name == "caption" { captions.removeLast() }
            default: break
            }
        })
        // A caption holding a table becomes a block before its table.
        for c in captionsWithTables.sorted() {
            guard let table = doc[c].parent else { continue }
            Sanitizer.rename(&doc, c, to: "div")
            doc.insert(c, before: table)
        }
        for (id, name) in renameList { Sanitizer.rename(&doc, id, to: name) }
        for id in unwrapList { doc.unwrap(id) }
    }
}
