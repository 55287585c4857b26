/// An HTML document as a Swift value: a flat arena of nodes addressed by `NodeID`.
///
/// The arena layout keeps the tree `Sendable`, cheap to copy (copy-on-write arrays) and —
/// the reason it is not a recursive enum — free of recursion: deallocating or walking a
/// 100,000-deep tree never recurses on the machine stack. Every traversal here uses an
/// explicit stack.
///
/// Nodes removed from the tree stay in the arena (detached, `parent == nil`) until the
/// document is compacted; walks start from `root` and never see them.
public struct Document: Sendable {
    /// The address of a node in its document.
    public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
        public let index: Int32
        @inlinable public init(_ index: Int) { self.index = Int32(truncatingIfNeeded: index) }
        @inlinable public static func < (a: NodeID, b: NodeID) -> Bool { a.index < b.index }
        public var description: String { "#\(index)" }
    }

    public enum Kind: UInt8, Sendable {
        /// The document node; its children are the top-level nodes (usually one `<html>`).
        case root
        case element
        case text
        case comment
    }

    public struct Attribute: Hashable, Sendable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct Node: Sendable {
        public var kind: Kind
        /// Lower-case tag name for elements; empty otherwise.
        public var name: String
        public var attributes: [Attribute]
        /// Character data for text and comment nodes; empty otherwise.
        public var text: String
        public internal(set) var parent: NodeID?
        public internal(set) var children: [NodeID]

        public func attribute(_ name: String) -> String? {
            for a in attributes where a.name == name { return a.value }
            return nil
        }

        public func hasAttribute(_ name: String) -> Bool { attributes.contains { $0.name == name } }

        public var isElement: Bool { kind == .element }
        public var isText: Bool { kind == .text }

        /// The class attribute split into tokens.
        public var classes: [Substring] {
            guard let c = attribute("class") else { return [] }
            return c.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" })
        }
    }

    public internal(set) var nodes: [Node]

    /// The document node.
    public var root: NodeID { NodeID(0) }

    /// An empty document (just the root node).
    public init() {
        nodes = [Node(kind: .root, name: "", attributes: [], text: "", parent: nil, children: [])]
    }

    @inlinable public subscript(id: NodeID) -> Node {
        _read { yield nodes[Int(id.index)] }
    }

    public var count: Int { nodes.count }

    // MARK: Building

    /// Creates a detached element; attach it with `append(_:to:)` or `insert(_:before:)`.
    public mutating func makeElement(_ name: String, attributes: [Attribute] = []) -> NodeID {
        nodes.append(Node(kind: .element, name: name, attributes: attributes, text: "", parent: nil, children: []))
        return NodeID(nodes.count - 1)
    }

    /// Creates a detached text node.
    public mutating func makeText(_ text: String) -> NodeID {
        nodes.append(Node(kind: .text, name: "", attributes: [], text: text, parent: nil, children: []))
        return NodeID(nodes.count - 1)
    }

    /// Creates a detached comment node.
    public mutating func makeComment(_ text: String) -> NodeID {
        nodes.append(Node(kind: .comment, name: "", attributes: [], text: text, parent: nil, children: []))
        return NodeID(nodes.count - 1)
    }

    /// Appends `child` (detaching it from where it was) as the last child of `parent`.
    public mutating func append(_ child: NodeID, to parent: NodeID) {
        detach(child)
        nodes[Int(parent.index)].children.append(child)
        nodes[Int(child.index)].parent = parent
    }

    /// Inserts `child` (detaching it from where it was) as the sibling just before `sibling`.
    public mutating func insert(_ child: NodeID, before sibling: NodeID) {
        guard let parent = self[sibling].parent, child != sibling else { return }
        detach(child)
        let i = nodes[Int(parent.index)].children.firstIndex(of: sibling)!
        nodes[Int(parent.index)].children.insert(child, at: i)
        nodes[Int(child.index)].parent = parent
    }

    /// Inserts `child` (detaching it from where it was) as the sibling just after `sibling`.
    public mutating func insert(_ child: NodeID, after sibling: NodeID) {
        guard let parent = self[sibling].parent, child != sibling else { return }
        detach(child)
        let i = nodes[Int(parent.index)].children.firstIndex(of: sibling)!
        nodes[Int(parent.index)].children.insert(child, at: i + 1)
        nodes[Int(child.index)].parent = parent
    }

    /// Removes `node` (and its subtree) from the tree.
    public mutating func detach(_ node: NodeID) {
        guard let parent = nodes[Int(node.index)].parent else { return }
        if let i = nodes[Int(parent.index)].children.firstIndex(of: node) {
            nodes[Int(parent.index)].children.remove(at: i)
        }
        nodes[Int(node.index)].parent = nil
    }

    /// Replaces an element by its children (`<span>a<b>c</b></span>` → `a<b>c</b>`).
    public mutating func unwrap(_ node: NodeID) {
        guard let parent = nodes[Int(node.index)].parent,
              let i = nodes[Int(parent.index)].children.firstIndex(of: node) else { return }
        let kids = nodes[Int(node.index)].children
        for k in kids { nodes[Int(k.index)].parent = parent }
        nodes[Int(parent.index)].children.replaceSubrange(i...i, with: kids)
        nodes[Int(node.index)].children = []
        nodes[Int(node.index)].parent = nil
    }

    /// Replaces `node` by `replacement` at the same place.
    public mutating func replace(_ node: NodeID, with replacement: NodeID) {
        guard node != replacement, nodes[Int(node.index)].parent != nil else { return }
        insert(replacement, before: node)
        detach(node)
    }

    /// Moves all children of `node` to the end of `newParent`.
    public mutating func moveChildren(of node: NodeID, to newParent: NodeID) {
        let kids = nodes[Int(node.index)].children
        nodes[Int(node.index)].children = []
        for k in kids { nodes[Int(k.index)].parent = newParent }
        nodes[Int(newParent.index)].children.append(contentsOf: kids)
    }

    /// Wraps `node` in a new element, which takes its place.
    @discardableResult
    public mutating func wrap(_ node: NodeID, in name: String, attributes: [Attribute] = []) -> NodeID {
        let w = makeElement(name, attributes: attributes)
        replace(node, with: w)
        append(node, to: w)
        return w
    }

    // MARK: Editing in place

    public mutating func setText(_ text: String, of node: NodeID) {
        nodes[Int(node.index)].text = text
    }

    public mutating func rename(_ node: NodeID, to name: String) {
        nodes[Int(node.index)].name = name
    }

    public mutating func setAttribute(_ name: String, _ value: String, on node: NodeID) {
        if let i = nodes[Int(node.index)].attributes.firstIndex(where: { $0.name == name }) {
            nodes[Int(node.index)].attributes[i].value = value
        } else {
            nodes[Int(node.index)].attributes.append(Attribute(name, value))
        }
    }

    public mutating func removeAttribute(_ name: String, from node: NodeID) {
        nodes[Int(node.index)].attributes.removeAll { $0.name == name }
    }

    public mutating func setAttributes(_ attributes: [Attribute], of node: NodeID) {
        nodes[Int(node.index)].attributes = attributes
    }

    // MARK: Navigation

    public func parent(of node: NodeID) -> NodeID? { self[node].parent }

    /// The sibling just before `node`, if any.
    public func previousSibling(of node: NodeID) -> NodeID? {
        guard let p = self[node].parent else { return nil }
        let kids = self[p].children
        guard let i = kids.firstIndex(of: node), i > 0 else { return nil }
        return kids[i - 1]
    }

    /// The sibling just after `node`, if any.
    public func nextSibling(of node: NodeID) -> NodeID? {
        guard let p = self[node].parent else { return nil }
        let kids = self[p].children
        guard let i = kids.firstIndex(of: node), i + 1 < kids.count else { return nil }
        return kids[i + 1]
    }

    /// Ancestors of `node`, nearest first (the root included).
    public func ancestors(of node: NodeID) -> [NodeID] {
        var out: [NodeID] = []
        var cur = self[node].parent
        while let c = cur {
            out.append(c)
            cur = self[c].parent
        }
        return out
    }

    /// Whether `node` is still attached to the tree under `root`.
    public func isAttached(_ node: NodeID) -> Bool {
        var cur = node
        while let p = self[cur].parent { cur = p }
        return cur == root
    }

    /// All nodes below `start` (not `start` itself) in document order, found without recursion.
    /// The list is computed up front, so the tree may be edited while iterating it.
    public func descendants(of start: NodeID) -> [NodeID] {
        var out: [NodeID] = []
        preorder(from: start) { id, _ in out.append(id) }
        return out
    }

    /// Descendant elements of `start` named `name`, in document order.
    public func elements(named name: String, under start: NodeID? = nil) -> [NodeID] {
        var out: [NodeID] = []
        // (Lengths first: comparing two different strings takes Swift's slow path.)
        let length = name.utf8.count
        preorder(from: start ?? root) { id, nb in
            let i = Int(id.index)
            if nb[i].kind == .element && nb[i].name.utf8.count == length && nb[i].name == name { out.append(id) }
        }
        return out
    }

    /// Descendant elements whose name is in `names`, in document order.
    public func elements(named names: NameSet, under start: NodeID? = nil) -> [NodeID] {
        var out: [NodeID] = []
        preorder(from: start ?? root) { id, nb in
            let i = Int(id.index)
            if nb[i].kind == .element && names.contains(nb[i].name) { out.append(id) }
        }
        return out
    }

    /// The first descendant element named `name`.
    public func firstElement(named name: String, under start: NodeID? = nil) -> NodeID? {
        var found: NodeID?
        preorderWhile(from: start ?? root) { id, nb in
            let i = Int(id.index)
            if nb[i].kind == .element && nb[i].name == name { found = id; return false }
            return true
        }
        return found
    }

    /// The first descendant element whose name is in `names`.
    public func firstElement(named names: NameSet, under start: NodeID? = nil) -> NodeID? {
        var found: NodeID?
        preorderWhile(from: start ?? root) { id, nb in
            let i = Int(id.index)
            if nb[i].kind == .element && names.contains(nb[i].name) { found = id; return false }
            return true
        }
        return found
    }

    /// Calls `visit` with every node below `start` in document order (and the node buffer,
    /// to read it without copying), without recursion and without copying child lists (the
    /// stack holds node and next-child index pairs).
    @inline(__always)
    private func preorder(from start: NodeID, _ visit: (NodeID, UnsafeBufferPointer<Node>) -> Void) {
        preorderWhile(from: start) { id, nb in visit(id, nb); return true }
    }

    /// As `preorder(from:_:)`, stopping as soon as `visit` returns false.
    private func preorderWhile(from start: NodeID, _ visit: (NodeID, UnsafeBufferPointer<Node>) -> Bool) {
        nodes.withUnsafeBufferPointer { nb in
            var stack: [(node: Int, next: Int)] = []
            var cur = Int(start.index)
            var i = 0
            while true {
                let count = nb[cur].children.count
                if i < count {
                    let c = nb[cur].children[i]
                    let ci = Int(c.index)
                    if !visit(c, nb) { return }
                    if nb[ci].children.isEmpty {
                        i += 1
                    } else {
                        stack.append((cur, i + 1))
                        cur = ci
                        i = 0
                    }
                } else {
                    guard let top = stack.popLast() else { return }
                    cur = top.node
                    i = top.next
                }
            }
        }
    }

    /// The `<html>`, `<head>` and `<body>` elements, when present.
    public var htmlElement: NodeID? { self[root].children.first { self[$0].name == "html" } }
    public var head: NodeID? { htmlElement.flatMap { h in self[h].children.first { self[$0].name == "head" } } }
    public var body: NodeID? { htmlElement.flatMap { h in self[h].children.first { self[$0].name == "body" } } }

    /// The concatenated character data below `node` (no white-space processing).
    public func textContent(of node: NodeID) -> String {
        let n = self[node]
        if n.kind == .text { return n.text }
        var out = ""
        for d in descendants(of: node) where self[d].kind == .text { out += self[d].text }
        return out
    }

    // MARK: Walking

    public enum WalkAction: Sendable {
        /// Visit the children of this element.
        case descend
        /// Do not visit the children (the exit callback is still called).
        case skipChildren
    }

    /// A depth-first walk from `start` with an explicit stack: `enter` on the way down,
    /// `exit` after all children have been visited. `depth` is 0 for `start`.
    public func walk(from start: NodeID? = nil,
                     enter: (NodeID, _ depth: Int) throws -> WalkAction,
                     exit: (NodeID, _ depth: Int) throws -> Void) rethrows {
        // (node, next child index)
        var stack: [(NodeID, Int)] = []
        let s = start ?? root
        if try enter(s, 0) == .skipChildren {
            try exit(s, 0)
            return
        }
        stack.append((s, 0))
        while !stack.isEmpty {
            let (node, i) = stack[stack.count - 1]
            let kids = self[node].children
            if i < kids.count {
                stack[stack.count - 1].1 = i + 1
                let child = kids[i]
                if try enter(child, stack.count) == .descend, !self[child].children.isEmpty {
                    stack.append((child, 0))
                } else {
                    try exit(child, stack.count)
                }
            } else {
                stack.removeLast()
                try exit(node, stack.count)
            }
        }
    }

    /// A depth-first walk with only an `enter` callback.
    public func walk(from start: NodeID? = nil, enter: (NodeID, _ depth: Int) throws -> WalkAction) rethrows {
        try walk(from: start, enter: enter, exit: { _, _ in })
    }

    /// A copy of the subtree at `node` (and nothing else) as a new document whose root's
    /// only child is the copy.
    public func subtree(_ node: NodeID) -> Document {
        var out = Document()
        var map: [(old: NodeID, newParent: NodeID)] = [(node, out.root)]
        while let (old, newParent) = map.popLast() {
            let n = self[old]
            let copy: NodeID
            switch n.kind {
            case .root: copy = out.makeElement("div")
            case .element: copy = out.makeElement(n.name, attributes: n.attributes)
            case .text: copy = out.makeText(n.text)
            case .comment: copy = out.makeComment(n.text)
            }
            out.nodes[Int(newParent.index)].children.append(copy)
            out.nodes[Int(copy.index)].parent = newParent
            for k in n.children.reversed() { map.append((k, copy)) }
        }
        return out
    }

    /// A new document with only the attached nodes, renumbered in document order.
    public func compacted() -> Document {
        var out = Document()
        var map: [(old: NodeID, newParent: NodeID)] = self[root].children.reversed().map { ($0, out.root) }
        while let (old, newParent) = map.popLast() {
            let n = self[old]
            out.nodes.append(Node(kind: n.kind, name: n.name, attributes: n.attributes, text: n.text,
                                  parent: newParent, children: []))
            let copy = NodeID(out.nodes.count - 1)
            out.nodes[Int(newParent.index)].children.append(copy)
            for k in n.children.reversed() { map.append((k, copy)) }
        }
        return out
    }
}
