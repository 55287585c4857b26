import OffprintSupport
/// A compact byte form of a document, for keeping many documents out of memory (a book's
/// articles wait in a temporary file until their chapter is written) and reading them back
/// exactly: the same nodes, the same `NodeID`s.
///
/// Only documents whose attached nodes are numbered in document order round-trip their
/// IDs, which is what `subtree(_:)` and `compacted()` make; `encoded()` compacts first when
/// the arena holds detached nodes or another order. The format is private to this version
/// of Offprint (it is never written anywhere that outlives the process).
extension Document {
    /// The attached nodes in document order: per node its kind, then the name and
    /// attributes (elements) or the text (text, comments), then the number of children;
    /// numbers as LEB128 varints, strings as length + UTF-8.
    public func encoded() -> [UInt8] {
        guard isCompactInDocumentOrder else { return compacted().encoded() }
        var out: [UInt8] = []
        out.reserveCapacity(nodes.count * 12)
        func number(_ n: Int) {
            var v = UInt(n)
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(UInt8(v))
        }
        func string(_ s: String) {
            var s = s
            s.withUTF8 { u in
                number(u.count)
                out.append(contentsOf: u)
            }
        }
        number(nodes.count)
        for n in nodes {
            out.append(n.kind.rawValue)
            switch n.kind {
            case .root: break
            case .element:
                string(n.name)
                number(n.attributes.count)
                for a in n.attributes {
                    string(a.name)
                    string(a.value)
                }
            case .text, .comment:
                string(n.text)
            }
            number(n.children.count)
        }
        return out
    }

    /// Whether node i's children are the next nodes of a pre-order walk (every node attached).
    private var isCompactInDocumentOrder: Bool {
        var expected = 0
        var ok = true
        walk(enter: { id, _ in
            if !ok || Int(id.index) != expected { ok = false; return .skipChildren }
            expected += 1
            return .descend
        })
        return ok && expected == nodes.count
    }

    /// Reads what `encoded()` wrote. Throws on bytes it did not write.
    public init(encoded bytes: [UInt8]) throws {
        self.init()
        var i = 0
        func number() throws -> Int {
            var v = 0, shift = 0
            while true {
                guard i < bytes.count, shift < 63 else { throw OffprintError.damagedDocument }
                let b = bytes[i]
                i += 1
                v |= Int(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }
        func string() throws -> String {
            let n = try number()
            guard n >= 0, n <= bytes.count - i else { throw OffprintError.damagedDocument }
            defer { i += n }
            return String(decoding: bytes[i..<(i + n)], as: UTF8.self)
        }
        let count = try number()
        guard count >= 1, count <= bytes.count else { throw OffprintError.damagedDocument }
        nodes.removeAll()
        nodes.reserveCapacity(count)
        // (node, children still to read) of the open nodes
        var open: [(NodeID, Int)] = []
        for index in 0..<count {
            guard i < bytes.count, let kind = Kind(rawValue: bytes[i]), (kind == .root) == (index == 0) else { throw OffprintError.damagedDocument }
            i += 1
            var node = Node(kind: kind, name: "", attributes: [], text: "", parent: nil, children: [])
            switch kind {
            case .root: break
            case .element:
                node.name = try string()
                let n = try number()
                guard n <= bytes.count - i else { throw OffprintError.damagedDocument }
                node.attributes.reserveCapacity(n)
                for _ in 0..<n { node.attributes.append(Attribute(try string(), try string())) }
            case .text, .comment:
                node.text = try string()
            }
            let kids = try number()
            let id = NodeID(index)
            if index > 0 {
                guard let (parent, left) = open.last, left > 0 else { throw OffprintError.damagedDocument }
                node.parent = parent
                nodes[Int(parent.index)].children.append(id)
                open[open.count - 1].1 = left - 1
            }
            nodes.append(node)
            if kids > 0 {
                guard kids <= count else { throw OffprintError.damagedDocument }
                nodes[index].children.reserveCapacity(kids)
                open.append((id, kids))
            }
            while let (_, left) = open.last, left == 0 { open.removeLast() }
        }
        guard open.isEmpty, i == bytes.count else { throw OffprintError.damagedDocument }
    }
}

extension OffprintError {
    /// Bytes that are not an encoded document.
    public static let damagedDocument = OffprintError(.store, "damaged document data (not written by Document.encoded())")
}
