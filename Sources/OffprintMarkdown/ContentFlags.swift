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

    static let tableParts: Set<String> = ["table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "colgroup", "col"]

    static let complexNames: Set<String> = [
        "ul", "ol", "menu", "dir", "pre", "listing", "xmp", "plaintext", "blockquote", "dl",
    ]
    static let visibleNames: Set<String> = ["img", "video", "audio", "iframe", "embed", "object", "input", "hr"]

    /// Flags of every node below `start` (index = node index; detached nodes stay 0).
    static func compute(_ doc: Document, from start: Document.NodeID) -> [UInt8] {
        var flags = [UInt8](repeating: 0, count: doc.count)
        doc.walk(from: start, enter: { id, _ in
            let n = doc[id]
            switch n.kind {
            case .text:
                if n.text.unicodeScalars.contains(where: { !CharacterClass.isHTMLSpace($0) }) {
                    flags[Int(id.index)] = visible
                }
                return .skipChildren
            case .comment:
                return .skipChildren
            case .root:
                return .descend
            case .element:
                if BlockWriter.skipped.contains(n.name) || isHidden(n) { return .skipChildren }
                var f: UInt8 = 0
                if visibleNames.contains(n.name) { f |= visible }
                if n.name == "table" { f |= table }
                if complexNames.contains(n.name) { f |= complexBlock }
                if HTMLElements.isBlock(n.name) && !tableParts.contains(n.name) { f |= block }
                flags[Int(id.index)] = f
                return .descend
            }
        }, exit: { id, depth in
            guard depth > 0, let p = doc[id].parent else { return }
            flags[Int(p.index)] |= flags[Int(id.index)]
        })
        return flags
    }

    /// `hidden`, `type=hidden` or an inline style that hides the element.
    static func isHidden(_ n: Document.Node) -> Bool {
        if n.hasAttribute("hidden") { return true }
        guard let style = n.attribute("style"), style.utf8.contains(UInt8(ascii: ":")) else { return false }
        let s = compactStyle(style)
        return s.utf8Contains("display:none") || s.utf8Contains("visibility:hidden")
    }

    /// An inline style that makes an unknown element a block (`display: block`, `flex`…).
    static func styleSaysBlock(_ n: Document.Node) -> Bool {
        guard let style = n.attribute("style"), style.utf8Contains("display") else { return false }
        let s = compactStyle(style)
        for d in ["display:block", "display:flex", "display:grid", "display:table", "display:list-item"] where s.utf8Contains(d) {
            return true
        }
        return false
    }

    /// The style without HTML white space, ASCII lower-cased (on bytes: both are ASCII
    /// rules, so the other bytes pass through as they are).
    private static func compactStyle(_ style: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(style.utf8.count)
        for b in style.utf8 where !(b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C) {
            out.append(b >= 0x41 && b <= 0x5A ? b + 32 : b)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
