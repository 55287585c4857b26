import OffprintDocument

/// XHTML structure repair for a book's content, after the element policy has been applied
/// (`Sanitizer`): the content models the EPUB schema checks. Blocks are lifted out of
/// phrasing content (split the way an HTML parser closes a paragraph), stray list items and
/// table parts are wrapped or made plain blocks, lists, definition lists, tables, ruby and
/// figures get the children their content models allow, and links in links, headings in
/// table headers and the like are undone. It decides no policy: which elements and
/// attributes exist at all is `ElementPolicy`.
///
/// Every step is iterative (explicit stacks or precomputed node lists), so a tree 100,000
/// levels deep is no problem.
struct StructureRepair: DocumentRewriter {
    typealias NodeID = Document.NodeID

    /// Repairs the children of `root` (the root itself is only a container).
    mutating func rewrite(_ doc: inout Document, root: NodeID) {
        fixStrays(&doc, root: root)
        liftBlocks(&doc, root: root)
        fixContainers(&doc, root: root)
        fixNesting(&doc, root: root)
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

    // MARK: Blocks out of phrasing content

    /// Lifts every block that sits inside phrasing content (`<p><div>…</div></p>`,
    /// `<span><ul>…</ul></span>`) out, splitting the phrasing ancestors around it the way an
    /// HTML parser closes a paragraph.
    private mutating func liftBlocks(_ doc: inout Document, root: NodeID) {
        let blocks = doc.descendants(of: root).filter { doc[$0].kind == .element && StructureRepair.flowOnly.contains(doc[$0].name) }
        for b in blocks {
            guard doc[b].parent != nil else { continue }
            // Find the outermost phrasing-only ancestor below the nearest flow container.
            var top: NodeID?
            var cur = doc[b].parent!
            while cur != root {
                let name = doc[cur].name
                if StructureRepair.phrasingOnly.contains(name) {
                    top = cur
                } else if !StructureRepair.transparent.contains(name) {
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
            if StructureRepair.isEmpty(doc, a) { doc.detach(a) } else { doc.insert(a, after: node) }
        }
        if StructureRepair.isEmpty(doc, top) && doc[top].attribute("id") == nil { doc.detach(top) }
    }

    /// Renames an element after its attributes were cleaned, dropping those the new name
    /// does not allow (`colspan` on a stray cell turned `div`).
    static func rename(_ doc: inout Document, _ id: NodeID, to name: String) {
        doc.rename(id, to: name)
        let extra = ElementPolicy.keptAttributes(of: name) ?? []
        let attrs = doc[id].attributes
        let kept = attrs.filter { ElementPolicy.globalAttributes.contains($0.name) || $0.name == "xml:lang" || extra.contains($0.name) }
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

    // MARK: Content models of lists, tables, definition lists, figures

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
                if !inDL { StructureRepair.rename(&doc, id, to: "div") }
            case "tr":
                if !["table", "tbody", "thead", "tfoot"].contains(parentName) { StructureRepair.rename(&doc, id, to: "div") }
            case "td", "th":
                if parentName != "tr" { StructureRepair.rename(&doc, id, to: "div") }
            case "tbody", "thead", "tfoot", "colgroup", "caption":
                if parentName != "table" { StructureRepair.rename(&doc, id, to: "div") }
            case "col":
                if parentName != "colgroup" && parentName != "table" { doc.detach(id) }
            case "figcaption":
                if parentName != "figure" { StructureRepair.rename(&doc, id, to: "div") }
            case "rt", "rp":
                if parentName != "ruby" { StructureRepair.rename(&doc, id, to: "span") }
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
        adoptStrays(&doc, list, items: ["li"], wrapper: "li")
    }

    /// Children of `parent` other than `items` (and blank text) go into the preceding item,
    /// or into a new `wrapper` element when none precedes them.
    private func adoptStrays(_ doc: inout Document, _ parent: NodeID, items: Set<String>, wrapper: String) {
        var lastItem: NodeID?
        for k in doc[parent].children {
            if StructureRepair.isBlank(doc, k) { continue }
            if doc[k].kind == .element && items.contains(doc[k].name) { lastItem = k; continue }
            if let item = lastItem {
                doc.append(k, to: item)
            } else {
                let item = doc.makeElement(wrapper)
                doc.insert(item, before: k)
                doc.append(k, to: item)
                lastItem = item
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
            if StructureRepair.isBlank(doc, k) { continue }
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
            StructureRepair.rename(&doc, dl, to: "div")
            doc.setAttribute("class", "indent", on: dl)
            for k in items { StructureRepair.rename(&doc, k, to: "div") }
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
            if StructureRepair.isBlank(doc, k) { doc.detach(k); continue }
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
        for extra in captions.dropFirst() { StructureRepair.rename(&doc, extra, to: "div"); doc.insert(extra, after: table) }
        for extra in heads.dropFirst() { StructureRepair.rename(&doc, extra, to: "tbody"); bodies.append(extra) }
        for extra in foots.dropFirst() { StructureRepair.rename(&doc, extra, to: "tbody"); bodies.append(extra) }
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
                if StructureRepair.isBlank(doc, k) || doc[k].kind == .comment { doc.detach(k); continue }
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
            StructureRepair.rename(&doc, table, to: "div")
            for k in doc[table].children where doc[k].name == "caption" || doc[k].name == "colgroup" {
                if doc[k].name == "caption" { StructureRepair.rename(&doc, k, to: "div") } else { doc.detach(k) }
            }
        }
    }

    private func fixRowGroup(_ doc: inout Document, _ group: NodeID) {
        var lastRow: NodeID?
        for k in doc[group].children {
            if StructureRepair.isBlank(doc, k) { continue }
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
        adoptStrays(&doc, tr, items: ["td", "th"], wrapper: "td")
    }

    /// Ruby is text followed by its annotations (`rt`), repeated: `rp` fallbacks are dropped,
    /// trailing text moves after the ruby, and a ruby that does not start with text or has no
    /// annotation becomes plain text.
    private func fixRuby(_ doc: inout Document, _ ruby: NodeID) {
        for k in doc[ruby].children where doc[k].name == "rp" { doc.detach(k) }
        let kids = doc[ruby].children.filter { !StructureRepair.isBlank(doc, $0) }
        guard let firstRT = kids.firstIndex(where: { doc[$0].name == "rt" }), firstRT > 0 else {
            for k in doc[ruby].children where doc[k].name == "rt" { StructureRepair.rename(&doc, k, to: "span") }
            StructureRepair.rename(&doc, ruby, to: "span")
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
        let elements = doc[figure].children.filter { !StructureRepair.isBlank(doc, $0) }
        var seen = false
        for (i, k) in elements.enumerated() where doc[k].name == "figcaption" {
            if seen || (i != 0 && i != elements.count - 1) { StructureRepair.rename(&doc, k, to: "div") } else { seen = true }
        }
    }

    // MARK: Nesting rules the schema checks on descendants

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
            StructureRepair.rename(&doc, c, to: "div")
            doc.insert(c, before: table)
        }
        for (id, name) in renameList { StructureRepair.rename(&doc, id, to: name) }
        for id in unwrapList { doc.unwrap(id) }
    }
}
