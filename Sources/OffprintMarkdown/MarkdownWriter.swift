import OffprintDocument

/// Writes a document subtree as Markdown (GitHub Flavored by default).
///
///     let doc = HTMLParser.parse(html)
///     let md = MarkdownWriter().markdown(for: doc, from: doc.body!)
///
/// The writer renders what the tree holds; it does not clean (lazy images, proxies, junk
/// and hidden elements are for the clean-up passes that run before it: an element hidden
/// with `display: none` is written unless `CleanupOptions.removeHidden` took it out). It
/// copes with raw pages too: elements that never show content (`script`, `style`,
/// `template`, `noscript`…) are skipped, unknown elements count as inline, block elements
/// inside inline ones split the inline formatting around them, a list or code block inside
/// a heading ends the heading.
///
/// One pass over the tree with an explicit stack: no recursion per nesting level, so
/// 100,000-deep input is fine. Block quotes and lists deeper than
/// `MarkdownOptions.maxContainerDepth` are written flat.
public struct MarkdownWriter: Sendable {
    public var options: MarkdownOptions

    public init(options: MarkdownOptions = .init()) {
        self.options = options
    }

    /// Markdown for `node` and everything below it (typically `doc.body!`), ending in
    /// exactly one line feed, or "" when there is nothing to show.
    public func markdown(for doc: Document, from node: Document.NodeID) -> String {
        guard EmbeddedMedia.Rewriter.hasPlayers(doc, under: node) else {
            var w = BlockWriter(doc: doc, options: options)
            return w.run(from: node)
        }
        // A tree that was not cleaned: its players become links first, by clean-up's own
        // rule (`EmbeddedMedia.replace`), with this writer's labels.
        var linked = doc
        var players = EmbeddedMedia.Rewriter(labels: EmbeddedMedia.Labels(video: options.videoLabel, audio: options.audioLabel,
                                                                          other: options.embedLabel))
        players.rewrite(&linked, root: node)
        var w = BlockWriter(doc: linked, options: options)
        return w.run(from: node)
    }
}

/// What a finished block was, for choosing what separates it from the next one.
enum BlockKind: Equatable {
    case paragraph, heading, code, rule, table, html, blockquote, item, emptyItem
    case list(ordered: Bool, delimiter: Character, start: Int)
}

struct Container {
    enum Kind {
        case root
        case blockquote
        case list(ListInfo)
        case item(ItemInfo)
    }
    var kind: Kind
    /// Something was written inside.
    var hasContent = false
    /// The last block written directly inside.
    var last: BlockKind?

    var blockKind: BlockKind {
        switch kind {
        case .root: return .paragraph
        case .blockquote: return .blockquote
        case .list(let l): return .list(ordered: l.ordered, delimiter: l.delimiter, start: l.start)
        case .item: return .item
        }
    }
}

struct ListInfo {
    var ordered: Bool
    var tight: Bool
    var delimiter: Character
    var start: Int
    var next: Int
    var items = 0
    /// Width and last block of the item closed last (a list nested right inside the list,
    /// not inside an item, continues that item).
    var lastItemWidth = 2
    var lastItemLast: BlockKind?
}

struct ItemInfo {
    var marker: String
    var width: Int
    var markerWritten: Bool
    var tight: Bool
}

/// What to undo when the walk leaves an element.
enum ExitAction {
    case nothing
    case block
    case space
    case mark(MarkKind)
    case blockMark(MarkKind)
    case code
    case heading(Int)
    case blockquote(pushed: Bool)
    case list(pushed: Bool, continuation: Bool)
    case item(pushed: Bool)
    case gfmTable
    case tableRow
    case tableCell
    case tableCaption(pushedMark: Bool)
}

struct BlockWriter {
    let doc: Document
    let options: MarkdownOptions
    var out = ""
    var containers: [Container] = [Container(kind: .root)]
    var inline = InlineBuffer()
    var exits: [ExitAction] = []
    var flags: [UInt8] = []
    /// > 0 inside a heading: blocks inside become spaces.
    var flattenDepth = 0
    /// Headings cut short by a structural block inside them (`<h2>Title<ul>…</ul></h2>`):
    /// the depth of `exits` at that block and the `flattenDepth` to restore after it.
    var headingSplits: [(exitDepth: Int, flattenDepth: Int)] = []
    var table: TableBuilder?
    /// Inline parts of the table cell (or caption) being captured.
    var cellParts: [String]?
    var captionParts: [String]?

    init(doc: Document, options: MarkdownOptions) {
        self.doc = doc
        self.options = options
    }

    mutating func run(from start: Document.NodeID) -> String {
        flags = ContentFlags.compute(doc, from: start)
        let doc = self.doc
        doc.walk(from: start, enter: { id, _ in
            self.enter(id)
        }, exit: { id, _ in
            self.exit(id)
        })
        breakBlock()
        if out.isEmpty { return "" }
        return out + "\n"
    }

    // MARK: Walking

    private mutating func enter(_ id: Document.NodeID) -> Document.WalkAction {
        switch doc[id].kind {
        case .text:
            exits.append(.nothing)
            if table != nil && cellParts == nil && captionParts == nil { return .skipChildren }
            inline.addText(doc[id].text)
            return .skipChildren
        case .comment:
            exits.append(.nothing)
            return .skipChildren
        case .root:
            exits.append(.nothing)
            return .descend
        case .element:
            let (action, walk) = enterElement(id, doc[id])
            exits.append(action)
            return walk
        }
    }

    private mutating func exit(_ id: Document.NodeID) {
        guard let action = exits.popLast() else { return }
        defer {
            if let split = headingSplits.last, split.exitDepth == exits.count {
                headingSplits.removeLast()
                flattenDepth = split.flattenDepth
            }
        }
        switch action {
        case .nothing:
            break
        case .block:
            breakBlock()
        case .space:
            inline.addSpace()
        case .mark(let k):
            inline.popMark(k)
        case .blockMark(let k):
            inline.popMark(k)
            breakBlock()
        case .code:
            inline.endCode()
        case .heading(let level):
            flattenDepth -= 1
            writeHeading(level)
        case .blockquote(let pushed):
            breakBlock()
            if pushed { containers.removeLast() }
        case .list(let pushed, let continuation):
            breakBlock()
            if pushed { containers.removeLast() }
            if continuation { closeItem() }
        case .item(let pushed):
            breakBlock()
            if pushed { closeItem() }
        case .gfmTable:
            breakBlock()
            finishTable()
        case .tableRow:
            table?.endRow()
        case .tableCell:
            breakBlock()
            table?.endCell(cellParts ?? [])
            cellParts = nil
        case .tableCaption(let pushedMark):
            if pushedMark { inline.popMark(.emphasis) }
            breakBlock()
            table?.caption = captionParts ?? []
            captionParts = nil
        }
    }

    private var flatten: Bool { flattenDepth > 0 }
    private var inCell: Bool { cellParts != nil || captionParts != nil }

    private mutating func enterElement(_ id: Document.NodeID, _ n: Document.Node) -> (ExitAction, Document.WalkAction) {
        let tag = Self.tags[n.name] ?? .other
        if tag == .skipped { return (.nothing, .skipChildren) }
        // Inside a GFM table, only cells (and the caption) take content.
        if table != nil && !inCell {
            switch tag {
            case .row:
                table?.startRow()
                return (.tableRow, .descend)
            case .cell:
                breakBlock()
                table?.startCell(n, header: n.name == "th")
                cellParts = []
                return (.tableCell, .descend)
            case .caption:
                breakBlock()
                captionParts = []
                let italic = options.captions == .italic && !inline.isActive(.emphasis)
                if italic { inline.pushMark(Mark(kind: .emphasis, form: .markdown)) }
                return (.tableCaption(pushedMark: italic), .descend)
            default:
                return (.nothing, .descend)
            }
        }
        switch tag {
        case .br:
            if flatten { inline.addSpace() }
            else if !inCell && options.breakRunsEndParagraphs && inline.endsWithBreak {
                inline.dropTrailingBreak()
                breakBlock()
            } else {
                inline.addHardBreak()
            }
            return (.nothing, .skipChildren)
        case .wbr:
            return (.nothing, .skipChildren)
        case .img:
            addImage(n)
            return (.nothing, .skipChildren)
        case .input:
            if n.attribute("type")?.lowercased() == "checkbox" {
                inline.addRaw(n.hasAttribute("checked") ? "[x]" : "[ ]")
            }
            return (.nothing, .skipChildren)
        case .code:
            inline.codeDepth += 1
            return (.code, .descend)
        case .emphasis:
            return pushMark(.emphasis)
        case .strong:
            return pushMark(.strong)
        case .strikethrough:
            return pushMark(.strikethrough)
        case .script:
            return pushScript(id, n)
        case .link:
            return pushLink(n)
        default:
            break
        }
        if flatten && !inCell, Self.splitsHeading(tag), let level = openHeadingLevel {
            // A list, heading, code block, quote or rule inside a heading (a missing </h2>,
            // as browsers parse it): the heading is its text so far, the block follows.
            writeHeading(level)
            headingSplits.append((exits.count, flattenDepth))
            flattenDepth = 0
        }
        if flatten {
            // Inside a heading everything is inline; blocks only separate words.
            if isBlock(n) {
                inline.addSpace()
                return (.space, .descend)
            }
            return (.nothing, .descend)
        }
        if inCell {
            guard isBlock(n) else { return (.nothing, .descend) }
            breakBlock()
            return (.block, .descend)
        }
        switch tag {
        case .heading(let level):
            breakBlock()
            flattenDepth += 1
            return (.heading(level), .descend)
        case .pre:
            breakBlock()
            emit(.code, CodeBlock.lines(doc, pre: id))
            return (.nothing, .skipChildren)
        case .hr:
            breakBlock()
            var rule = options.thematicBreak
            if rule.hasPrefix("-"), case .item(let info) = containers[containers.count - 1].kind, !info.markerWritten {
                rule = "* * *"  // `- ---` would be one thematic break, not an item holding one
            }
            emit(.rule, [rule])
            return (.nothing, .skipChildren)
        case .blockquote:
            breakBlock()
            guard containerDepth < options.maxContainerDepth else { return (.block, .descend) }
            containers.append(Container(kind: .blockquote))
            return (.blockquote(pushed: true), .descend)
        case .list:
            return enterList(id, n)
        case .item:
            return enterItem(n)
        case .table:
            return enterTable(id, n)
        case .term:
            breakBlock()
            if inline.isActive(.strong) { return (.block, .descend) }
            inline.pushMark(Mark(kind: .strong, form: .markdown))
            return (.blockMark(.strong), .descend)
        case .figcaption:
            breakBlock()
            if options.captions == .plain || inline.isActive(.emphasis) { return (.block, .descend) }
            inline.pushMark(Mark(kind: .emphasis, form: .markdown))
            return (.blockMark(.emphasis), .descend)
        default:
            if isBlock(n) {
                breakBlock()
                return (.block, .descend)
            }
            return (.nothing, .descend)
        }
    }

    /// Writes the inline content gathered so far as a heading (nothing when it is blank).
    private mutating func writeHeading(_ level: Int) {
        inline.closeAllOpened()
        let text = InlineRenderer.render(inline, context: .heading, gfm: options.isGFM)
        inline.clear()
        if !text.isBlank {
            emit(.heading, [String(repeating: "#", count: level) + " " + text])
        }
    }

    /// The level of the innermost heading being written.
    private var openHeadingLevel: Int? {
        for action in exits.reversed() {
            if case .heading(let level) = action { return level }
        }
        return nil
    }

    /// Blocks a heading line cannot hold without losing their structure.
    static func splitsHeading(_ tag: Tag) -> Bool {
        switch tag {
        case .list, .heading, .pre, .blockquote, .hr: return true
        default: return false
        }
    }

    /// What an element is to the writer, looked up once per element.
    enum Tag: Equatable {
        case skipped, br, wbr, img, input, code, emphasis, strong, strikethrough, script, link
        case heading(Int), pre, hr, blockquote, list, item, table, row, cell, caption, term, figcaption
        case other
    }

    static let tags: [String: Tag] = {
        var t: [String: Tag] = [
            "br": .br, "wbr": .wbr, "img": .img, "input": .input,
            "code": .code, "kbd": .code, "samp": .code, "tt": .code,
            "em": .emphasis, "i": .emphasis, "strong": .strong, "b": .strong,
            "del": .strikethrough, "s": .strikethrough, "strike": .strikethrough,
            "sup": .script, "sub": .script, "a": .link,
            "h1": .heading(1), "h2": .heading(2), "h3": .heading(3), "h4": .heading(4), "h5": .heading(5), "h6": .heading(6),
            "pre": .pre, "listing": .pre, "xmp": .pre, "plaintext": .pre, "hr": .hr, "blockquote": .blockquote,
            "ul": .list, "ol": .list, "menu": .list, "dir": .list, "li": .item, "table": .table,
            "tr": .row, "td": .cell, "th": .cell, "caption": .caption, "dt": .term, "figcaption": .figcaption,
        ]
        for name in skipped { t[name] = .skipped }
        return t
    }()

    /// Elements that can never show anything to a reader.
    static let skipped: NameSet = HTMLElements.invisible.union([
        "noscript", "select", "datalist", "textarea", "svg", "canvas", "map", "source", "track",
        "param", "area", "frame", "frameset", "colgroup", "col",
    ])

    private func isBlock(_ n: Document.Node) -> Bool {
        if HTMLElements.isBlock(n.name) { return true }
        return ContentFlags.styleSaysBlock(n)
    }

    private var containerDepth: Int { containers.count - 1 }

    // MARK: Inline elements

    private mutating func pushMark(_ kind: MarkKind) -> (ExitAction, Document.WalkAction) {
        // Emphasis in emphasis is kept one level deep (`*a *b* c*`); deeper, and for strong
        // or strikethrough, it changes nothing (cmark-gfm renders `**a **b** c**` as one).
        let limit = kind == .emphasis ? 2 : 1
        if inline.codeDepth > 0 || inline.activeCount(kind) >= limit { return (.nothing, .descend) }
        let form: MarkForm = (kind == .strikethrough && !options.isGFM) ? .html : .markdown
        inline.pushMark(Mark(kind: kind, form: form))
        return (.mark(kind), .descend)
    }

    private mutating func pushScript(_ id: Document.NodeID, _ n: Document.Node) -> (ExitAction, Document.WalkAction) {
        let kind: MarkKind = n.name == "sup" ? .superscript : .subscript
        if inline.isActive(.superscript) || inline.isActive(.subscript) { return (.nothing, .descend) }
        var form: MarkForm
        switch options.scripts {
        case .html: form = .html
        case .plain: form = .plain
        case .auto: form = isFootnoteMarker(id) ? .plain : .html
        }
        if inline.codeDepth > 0 { form = .plain }
        inline.pushMark(Mark(kind: kind, form: form))
        return (.mark(kind), .descend)
    }

    /// `<sup>[1]</sup>`, `<sup><a href="#fn1">1</a></sup>`: a footnote reference; and
    /// `<a href="#cite_ref-1"><sup>a</sup></a>`, a back link whose text is the sup.
    private func isFootnoteMarker(_ id: Document.NodeID) -> Bool {
        let text = doc.textContent(of: id).trimmingHTMLSpace()
        if text.hasPrefix("[") || text.hasPrefix("［") { return true }
        let kids = visibleChildren(id)
        if kids.count == 1 && doc[kids[0]].name == "a" { return true }
        if let p = doc.parent(of: id), doc[p].name == "a", visibleChildren(p) == [id] { return true }
        return false
    }

    /// Element children and non-blank text children.
    private func visibleChildren(_ id: Document.NodeID) -> [Document.NodeID] {
        doc[id].children.filter { k in
            let c = doc[k]
            return c.kind == .element || (c.kind == .text && !c.text.trimmingHTMLSpace().isEmpty)
        }
    }

    private mutating func pushLink(_ n: Document.Node) -> (ExitAction, Document.WalkAction) {
        guard let raw = n.attribute("href") else { return (.nothing, .descend) }
        let href = raw.trimmingHTMLSpace()
        if inline.isActive(.link) || href.lowercased().hasPrefix("javascript:") {
            return (.nothing, .descend)
        }
        inline.pushMark(Mark(kind: .link, form: .markdown, href: href, title: n.attribute("title") ?? ""))
        return (.mark(.link), .descend)
    }

    private mutating func addImage(_ n: Document.Node) {
        var src = (n.attribute("src") ?? "").trimmingHTMLSpace()
        if src.isEmpty, let set = n.attribute("srcset") {
            src = String(set.trimmingHTMLSpace().split(separator: ",").first?.split(separator: " ").first ?? "")
        }
        guard !src.isEmpty else { return }
        inline.addImage(InlineImage(src: src, alt: (n.attribute("alt") ?? "").collapsingHTMLSpace(),
                                    title: n.attribute("title") ?? ""))
    }

    // MARK: Lists

    private mutating func enterList(_ id: Document.NodeID, _ n: Document.Node) -> (ExitAction, Document.WalkAction) {
        breakBlock()
        guard containerDepth < options.maxContainerDepth else { return (.block, .descend) }
        var continuation = false
        if case .list(let parent) = containers[containers.count - 1].kind {
            // A list right inside a list (no <li>): browsers nest it under the previous item
            // (with no item before it, it just continues the outer list).
            if parent.items > 0 {
                containers.append(Container(kind: .item(ItemInfo(marker: "", width: parent.lastItemWidth,
                                                                   markerWritten: true, tight: parent.tight)),
                                            hasContent: true, last: parent.lastItemLast))
                continuation = true
            }
        }
        let ordered = n.name == "ol"
        var start = 1
        if ordered, let s = n.attribute("start").flatMap({ Int($0.trimmingHTMLSpace()) }) {
            start = min(max(s, 0), 999_999_999)
        }
        // A list right after a list of the same kind would merge with it: switch markers.
        let bullet: Character = "-*+".contains(options.bullet) ? options.bullet : "-"
        var delimiter: Character = ordered ? "." : bullet
        let alternate: Character = ordered ? ")" : (bullet == "-" ? "*" : "-")
        if case .list(let o, let d, _)? = containers[containers.count - 1].last, o == ordered, d == delimiter {
            delimiter = alternate
        }
        if case .list(let outer) = containers[containers.count - 1].kind, outer.ordered == ordered, outer.delimiter == delimiter {
            delimiter = alternate  // its items sit among the outer list's items
        }
        let info = ListInfo(ordered: ordered, tight: !isLoose(id), delimiter: delimiter, start: start, next: start)
        containers.append(Container(kind: .list(info)))
        return (.list(pushed: true, continuation: continuation), .descend)
    }

    /// A list is loose (blank lines between items) when an item holds a paragraph.
    private func isLoose(_ list: Document.NodeID) -> Bool {
        for li in doc[list].children where doc[li].name == "li" {
            for k in doc[li].children where doc[k].name == "p" && flags[Int(k.index)] & ContentFlags.visible != 0 {
                return true
            }
        }
        return false
    }

    private mutating func enterItem(_ n: Document.Node) -> (ExitAction, Document.WalkAction) {
        breakBlock()
        guard case .list = containers[containers.count - 1].kind else { return (.block, .descend) }
        openItem()
        return (.item(pushed: true), .descend)
    }

    /// Opens an item in the innermost container, which is a list.
    private mutating func openItem() {
        guard case .list(var l) = containers[containers.count - 1].kind else { return }
        let marker = l.ordered ? "\(l.next)\(l.delimiter)" : String(l.delimiter)
        l.next += 1
        l.items += 1
        containers[containers.count - 1].kind = .list(l)
        containers.append(Container(kind: .item(ItemInfo(marker: marker, width: marker.count + 1,
                                                         markerWritten: false, tight: l.tight))))
    }

    /// Closes the innermost container, an item; an item with nothing in it still shows its
    /// marker.
    private mutating func closeItem() {
        guard case .item(let info) = containers[containers.count - 1].kind else { return }
        if !containers[containers.count - 1].hasContent { emit(.emptyItem, [""]) }
        let last = containers[containers.count - 1].last
        containers.removeLast()
        if case .list(var l) = containers[containers.count - 1].kind {
            l.lastItemWidth = info.width
            l.lastItemLast = last
            containers[containers.count - 1].kind = .list(l)
        }
    }

    // MARK: Tables

    private mutating func enterTable(_ id: Document.NodeID, _ n: Document.Node) -> (ExitAction, Document.WalkAction) {
        breakBlock()
        switch TableBuilder.decide(doc, table: id, flags: flags, gfm: options.isGFM) {
        case .layout:
            return (.block, .descend)
        case .code(let pre):
            emit(.code, CodeBlock.lines(doc, pre: pre))
            return (.nothing, .skipChildren)
        case .html:
            let lines = MinimalHTML.table(doc, id)
            if !lines.isEmpty { emit(.html, lines) }
            return (.nothing, .skipChildren)
        case .gfm:
            table = TableBuilder()
            return (.gfmTable, .descend)
        }
    }

    private mutating func finishTable() {
        guard let t = table else { return }
        table = nil
        if !t.caption.isEmpty {
            emit(.paragraph, t.caption.joined(separator: "\\\n").lines)
        }
        let lines = t.lines()
        if !lines.isEmpty { emit(.table, lines) }
    }

    // MARK: Leaves

    /// Ends the paragraph being built (if any) and writes it.
    mutating func breakBlock() {
        guard inline.hasContent else {
            inline.closeAllOpened()
            inline.clear()
            return
        }
        inline.closeAllOpened()
        if cellParts != nil || captionParts != nil {
            let context: InlineRenderer.Context = cellParts != nil ? .tableCell : .paragraph
            let text = InlineRenderer.render(inline, context: context, gfm: options.isGFM)
            inline.clear()
            guard !text.isBlank else { return }
            if cellParts != nil { cellParts!.append(text) } else { captionParts!.append(text) }
            return
        }
        var itemStart = false
        if case .item(let info) = containers[containers.count - 1].kind, !info.markerWritten { itemStart = true }
        let text = InlineRenderer.render(inline, context: .paragraph, gfm: options.isGFM, listItemStart: itemStart)
        inline.clear()
        guard !text.isBlank else { return }
        emit(.paragraph, text.lines)
    }

    /// Writes a block: the separator from what came before in the same container, then its
    /// lines with the prefixes of the open containers.
    mutating func emit(_ kind: BlockKind, _ lines: [String]) {
        let k = containers.count - 1
        var j = k
        while j >= 0 && !containers[j].hasContent { j -= 1 }
        if j >= 0 {
            let next = j < k ? containers[j + 1].blockKind : kind
            switch separator(in: j, next: next, leaf: kind, leafDepth: k) {
            case .hardBreak: out += "\\\n"
            case .newline: out += "\n"
            case .blank:
                out += "\n"
                out += blankLinePrefix(through: j)
                out += "\n"
            }
        }
        for i in max(j, 0)...k {
            containers[i].hasContent = true
            if i < k { containers[i].last = containers[i + 1].blockKind }
        }
        containers[k].last = kind
        for (n, line) in lines.enumerated() {
            if n > 0 { out += "\n" }
            writePrefix(emptyLine: line.isEmpty)
            out += line
        }
    }

    enum Separator { case hardBreak, newline, blank }

    private func separator(in j: Int, next: BlockKind, leaf: BlockKind, leafDepth k: Int) -> Separator {
        let c = containers[j]
        switch c.kind {
        case .list(let l):
            guard next == .item, c.last == .item || c.last == .emptyItem else { return .blank }
            return l.tight ? .newline : .blank
        case .item(let info) where info.tight:
            // A tight item: its blocks must follow each other without a blank line (which
            // would make the whole list loose) wherever CommonMark allows it.
            guard let a = c.last else { return .newline }
            let interrupts: Bool  // `next` can interrupt a paragraph (no lazy continuation)
            switch next {
            case .heading, .code, .blockquote: interrupts = true
            case .rule: interrupts = !options.thematicBreak.hasPrefix("-")  // `---` under a line: a heading
            case .list(let ordered, _, let start):
                interrupts = !(ordered && start != 1) && !(leaf == .emptyItem && k == j + 2)
            default: interrupts = false
            }
            switch a {
            case .paragraph:
                if next == .paragraph { return .hardBreak }
                return interrupts ? .newline : .blank
            case .heading, .code, .rule:
                switch next {
                case .table, .html: return .blank
                default: return .newline
                }
            case .list, .blockquote:
                // A paragraph line would continue them lazily; a quote right after a quote
                // would merge with it.
                if a == .blockquote && next == .blockquote { return .blank }
                return interrupts ? .newline : .blank
            default:
                return .blank
            }
        default:
            return .blank
        }
    }

    private func blankLinePrefix(through j: Int) -> String {
        var p = ""
        for i in 0...j {
            switch containers[i].kind {
            case .blockquote: p += "> "
            case .item(let info): p += String(repeating: " ", count: info.width)
            default: break
            }
        }
        while p.last == " " { p.removeLast() }
        return p
    }

    private mutating func writePrefix(emptyLine: Bool) {
        var p = ""
        for i in containers.indices {
            switch containers[i].kind {
            case .blockquote:
                p += "> "
            case .item(var info):
                if info.markerWritten {
                    p += String(repeating: " ", count: info.width)
                } else {
                    p += info.marker
                    p += " "
                    info.markerWritten = true
                    containers[i].kind = .item(info)
                }
            default:
                break
            }
        }
        if emptyLine { while p.last == " " { p.removeLast() } }
        out += p
    }
}

extension String {
    /// The lines of the text (split at LF only, on bytes: fast).
    var lines: [String] {
        var s = self
        return s.withUTF8 { buf in
            var out: [String] = []
            var start = 0
            for i in 0..<buf.count where buf[i] == 10 {
                out.append(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self))
                start = i + 1
            }
            out.append(String(decoding: UnsafeBufferPointer(rebasing: buf[start...]), as: UTF8.self))
            return out
        }
    }

    /// Nothing but white space (Unicode white space, U+00A0 included).
    var isBlank: Bool { unicodeScalars.allSatisfy { CharacterClass.isWhitespace($0) } }
}
