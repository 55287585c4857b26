import OffprintDocument

/// What each subtree holds, computed once before writing (one walk, explicit stack), so
/// questions like "does this table contain a list?" cost nothing during the write.
enum ContentFlags {
    /// Text or an image or embedded media a reader sees.
    static let visible: UInt8 = 1 << 0
    /// A table somewhere below.
    static let table: UInt8 = 1 << 1
    /// A block Markdown cannot put in a table cell: list, code block, block quote,
    /// definition list.
    static let complexBlock: UInt8 = 1 << 2

    /// A block element other than table structure (paragraph, div, heading…).
    static let block: UInt8 = 1 << 3

    static let tableParts: NameSet = ["table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "colgroup", "col"]

    static let complexNames: NameSet = [
        "ul", "ol", "menu", "dir", "pre", "listing", "xmp", "plaintext", "blockquote", "dl",
    ]
    static let visibleNames: NameSet = ["img", "video", "audio", "iframe", "embed", "object", "input", "hr"]

    /// Flags of every node below `start` (index = node index; detached nodes stay 0).
    static func compute(_ doc: Document, from start: Document.NodeID) -> [UInt8] {
        var flags = [UInt8](repeating: 0, count: doc.count)
        doc.walk(from: start, enter: { id, _ in
            // (Fields read in place: copying the node would retain and release all of them.)
            switch doc[id].kind {
            case .text:
                if doc[id].text.utf8.contains(where: { !(($0 == 0x20) || ($0 >= 0x09 && $0 <= 0x0D && $0 != 0x0B)) }) {
                    flags[Int(id.index)] = visible
                }
                return .skipChildren
            case .comment:
                return .skipChildren
            case .root:
                return .descend
            case .element:
                let name = doc[id].name
                if BlockWriter.skipped.contains(name) { return .skipChildren }
                var f: UInt8 = 0
                if visibleNames.contains(name) { f |= visible }
                if name == "table" { f |= table }
                if complexNames.contains(name) { f |= complexBlock }
                if HTMLElements.isBlock(name) && !tableParts.contains(name) { f |= block }
                flags[Int(id.index)] = f
                return .descend
            }
        }, exit: { id, depth in
            guard depth > 0, let p = doc[id].parent else { return }
            flags[Int(p.index)] |= flags[Int(id.index)]
        })
        return flags
    }

    /// An inline style that makes an unknown element a block (`display: block`, `flex`…).
    static func styleSaysBlock(_ n: Document.Node) -> Bool {
        guard let display = n.styleProperty("display"), let outer = display.split(separator: " ").first else { return false }
        return blockDisplays.contains(String(outer))
    }

    static let blockDisplays: Set<String> = ["block", "flex", "grid", "table", "list-item", "flow-root",
                                             "table-row", "table-cell", "table-caption", "table-row-group"]
}
