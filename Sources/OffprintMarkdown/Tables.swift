import OffprintSupport
import OffprintDocument

/// GFM pipe tables.
///
/// Policy:
/// - the first row is the header (the `<thead>` row when there is one, else the first row
///   whatever its cells);
/// - `colspan` is written as the cell followed by empty cells, `rowspan` as empty cells in
///   the rows below, and rows are padded so all have as many cells as the widest;
/// - paragraphs and line breaks inside a cell become `<br>`, `|` is escaped;
/// - a table Markdown cannot hold (a list, code block, block quote or definition list in a
///   cell, or a data table nested in a cell; any table in CommonMark) is written as clean
///   minimal HTML (`MinimalHTML`);
/// - a layout table (one cell, `role="presentation"`, cells holding other tables and no
///   header cells, or a single row of cells holding paragraphs or lists) is not a table at
///   all: its cells are written as ordinary blocks;
/// - a highlighter's line-number table (Hexo's `td.gutter` + `td.code`) is its code block.
struct TableBuilder {
    enum Decision: Equatable {
        case layout
        case gfm
        case html
        case code(Document.NodeID)
    }

    enum Alignment { case left, center, right }

    struct Cell {
        var text: String
        var colspan: Int
        var rowspan: Int
        var alignment: Alignment?
    }

    private var rows: [[Cell]] = []
    private var current: [Cell]?
    private var pending = Cell(text: "", colspan: 1, rowspan: 1, alignment: nil)
    var caption: [String] = []

    mutating func startRow() {
        endRow()
        current = []
    }

    mutating func endRow() {
        if let c = current { rows.append(c) }
        current = nil
    }

    mutating func startCell(_ n: Document.Node, header: Bool) {
        if current == nil { current = [] }
        func span(_ name: String, max: Int) -> Int {
            guard let v = n.attribute(name).flatMap({ Int($0.trimmingHTMLSpace()) }), v > 1 else { return 1 }
            return min(v, max)
        }
        pending = Cell(text: "", colspan: span("colspan", max: 64), rowspan: span("rowspan", max: 1000),
                       alignment: Self.alignment(n))
    }

    mutating func endCell(_ parts: [String]) {
        if current == nil { current = [] }
        pending.text = parts.joined(separator: "<br>")
        current!.append(pending)
    }

    private static func alignment(_ n: Document.Node) -> Alignment? {
        var value = n.attribute("align")?.lowercased()
        if value == nil, let style = n.attribute("style")?.lowercased(), let r = style.firstRange(of: "text-align") {
            let rest = style[r.upperBound...].drop { $0 == " " || $0 == ":" }
            value = String(rest.prefix { $0.isLetter })
        }
        switch value {
        case "left"?: return .left
        case "center"?: return .center
        case "right"?: return .right
        default: return nil
        }
    }

    /// The table's lines, or none when no cell has content.
    func lines() -> [String] {
        var all = rows
        if let c = current { all.append(c) }
        var grid: [[String]] = []
        var aligns: [Alignment?] = []
        var occupied: [Int] = []  // per column: rows still covered by a rowspan from above
        var anyContent = false
        for (r, row) in all.enumerated() {
            var line: [String] = []
            var col = 0
            func skipCovered() {
                while col < occupied.count, occupied[col] > 0 {
                    occupied[col] -= 1
                    line.append("")
                    col += 1
                }
            }
            for cell in row {
                skipCovered()
                if !cell.text.isEmpty { anyContent = true }
                for s in 0..<cell.colspan {
                    line.append(s == 0 ? cell.text : "")
                    while occupied.count <= col { occupied.append(0) }
                    occupied[col] = cell.rowspan - 1
                    if r == 0 {
                        while aligns.count <= col { aligns.append(nil) }
                        aligns[col] = cell.alignment
                    }
                    col += 1
                }
            }
            while col < occupied.count {
                if occupied[col] > 0 { occupied[col] -= 1 }
                line.append("")
                col += 1
            }
            grid.append(line)
        }
        guard anyContent, !grid.isEmpty else { return [] }
        let width = grid.map(\.count).max() ?? 0
        guard width > 0 else { return [] }
        func row(_ cells: [String]) -> String {
            var c = cells
            while c.count < width { c.append("") }
            return "| " + c.joined(separator: " | ") + " |"
        }
        var out = [row(grid[0])]
        var delimiters: [String] = []
        for i in 0..<width {
            switch i < aligns.count ? aligns[i] : nil {
            case .left?: delimiters.append(":---")
            case .center?: delimiters.append(":---:")
            case .right?: delimiters.append("---:")
            case nil: delimiters.append("---")
            }
        }
        out.append("| " + delimiters.joined(separator: " | ") + " |")
        for r in grid.dropFirst() { out.append(row(r)) }
        return out
    }

    // MARK: Deciding

    /// How to write `table` (see the type's documentation).
    static func decide(_ doc: Document, table: Document.NodeID, flags: [UInt8], gfm: Bool) -> Decision {
        let t = doc[table]
        if let role = t.attribute("role")?.lowercased(), role == "presentation" || role == "none" { return .layout }
        var rows: [Document.NodeID] = []
        var hasHeader = false
        var cells = 0
        var gutter = false
        var codeCell: Document.NodeID?
        func countCell(_ c: Document.NodeID) {
            let n = doc[c]
            cells += 1
            if n.name == "th" { hasHeader = true }
            let classes = n.classes
            if classes.contains("gutter") || classes.contains("line-numbers") { gutter = true }
            if classes.contains("code") { codeCell = c }
        }
        for k in t.children {
            switch doc[k].name {
            case "tr": rows.append(k)
            case "thead", "tbody", "tfoot":
                if doc[k].name == "thead" { hasHeader = true }
                for r in doc[k].children {
                    if doc[r].name == "tr" { rows.append(r) }
                    else if doc[r].name == "td" || doc[r].name == "th" { countCell(r) }
                }
            case "td", "th": countCell(k)
            default: break
            }
        }
        for r in rows {
            for c in doc[r].children where doc[c].name == "td" || doc[c].name == "th" { countCell(c) }
        }
        if gutter, let cc = codeCell, let pre = doc.firstElement(named: "pre", under: cc) { return .code(pre) }
        if cells <= 1 { return .layout }
        var below: UInt8 = 0
        for k in t.children { below |= flags[Int(k.index)] }
        if below & ContentFlags.table != 0 { return hasHeader ? .html : .layout }
        // One row of cells holding paragraphs or lists: boxes side by side, not data.
        if rows.count <= 1 && !hasHeader && below & (ContentFlags.block | ContentFlags.complexBlock) != 0 { return .layout }
        if !gfm { return .html }
        if below & ContentFlags.complexBlock != 0 { return .html }
        return .gfm
    }
}

/// A table as small, clean HTML for where Markdown cannot hold it: table structure with
/// `colspan`/`rowspan`, and inside cells only the elements that carry meaning (links,
/// images, emphasis, code, lists, paragraphs…) with only their meaningful attributes — the
/// element policy's table view, `ElementPolicy.tableForm(of:)` (elements renamed as the
/// policy says, then written in their plainest form: `b` as `strong`, `tt` as `code`).
/// Written without blank lines (a blank line would end the HTML block), one row a line.
enum MinimalHTML {
    private static let lineStarts: NameSet = ["tr", "thead", "tbody", "tfoot", "caption"]

    static func table(_ doc: Document, _ table: Document.NodeID) -> [String] {
        var out = ""
        var pre = 0
        var space = false
        var written: [String?] = []  // per entered node: the tag to close on exit
        doc.walk(from: table, enter: { id, _ in
            let n = doc[id]
            written.append(nil)
            switch n.kind {
            case .text:
                if pre > 0 {
                    out += n.text.htmlEscaped().replacingAll("\r\n", with: "&#10;")
                        .replacingAll("\n", with: "&#10;").replacingAll("\r", with: "&#10;")
                    return .skipChildren
                }
                for c in n.text.unicodeScalars {
                    if CharacterClass.isHTMLSpace(c) { space = true; continue }
                    if space && !out.isEmpty && !out.hasSuffix("\n") && !(out.hasSuffix(">") && lastWasBlockTag(out)) {
                        out += " "
                    }
                    space = false
                    Escape.appendText(c, to: &out)
                }
                return .skipChildren
            case .comment, .root:
                return .skipChildren
            case .element:
                if BlockWriter.skipped.contains(n.name) { return .skipChildren }
                guard let (name, attrs) = ElementPolicy.tableForm(of: n.name) else { return .descend }
                if name == "a" && (n.attribute("href") ?? "").isEmpty { return .descend }
                if lineStarts.contains(name) && !out.isEmpty { out += "\n" }
                if HTMLElements.isBlock(name) {
                    space = false
                } else if space && !out.isEmpty && !out.hasSuffix("\n") && !(out.hasSuffix(">") && lastWasBlockTag(out)) {
                    out += " "  // the space goes before the tag, not inside the element
                    space = false
                }
                out += "<" + name
                for a in attrs {
                    if let v = n.attribute(a) { out += " " + a + "=\"" + v.htmlEscaped(quotes: true) + "\"" }
                }
                out += ">"
                if HTMLElements.isVoid(name) { return .skipChildren }
                if name == "pre" { pre += 1 }
                written[written.count - 1] = name
                return .descend
            }
        }, exit: { _, _ in
            guard let name = written.popLast() ?? nil else { return }
            if name == "pre" { pre -= 1 }
            if name == "table" { out += "\n" }
            if HTMLElements.isBlock(name) { space = false }
            out += "</" + name + ">"
        })
        return out.lines.filter { !$0.isBlank }
    }

    private static func lastWasBlockTag(_ out: String) -> Bool {
        guard let lt = out.lastIndex(of: "<") else { return false }
        var name = out[out.index(after: lt)...].dropFirst(out[out.index(after: lt)...].hasPrefix("/") ? 1 : 0)
        name = name.prefix { $0.isLetter || $0.isNumber }
        return HTMLElements.isBlock(String(name))
    }
}
