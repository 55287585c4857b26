import OffprintDocument
import Testing

/// libxml2's own HTML tree, as plain values (the robustness tests' reference parser).
@Suite struct LibXML2HTMLTreeTests {
    typealias Node = LibXML2HTMLTree.Node

    @Test func nodesInDocumentOrderWithTheirParents() {
        let nodes = LibXML2HTMLTree.parse(Array("<P Class=a id=b>x &bogus; y<!--c--><br>z</p><svg:path d=1></svg:path>".utf8))
        let shown = nodes.map { n -> String in
            let parent = n.parent.map { nodes[$0].name } ?? "-"
            switch n.kind {
            case .element: return "\(parent)>\(n.prefix.map { $0 + ":" } ?? "")\(n.name)" + n.attributes.map { " \($0.name)=\($0.value)" }.joined()
            case .text: return "\(parent)>\(n.text.debugDescription)"
            case .comment: return "\(parent)>!\(n.text)"
            case .entityReference: return "\(parent)>&\(n.name);"
            }
        }
        // libxml2 implies html and body, lower-cases tag names, leaves an unknown entity as
        // text, and keeps only the local name of svg:path.
        #expect(shown == ["->html", "html>body", "body>p class=a id=b", "p>\"x &bogus; y\"", "p>!c", "p>br", "p>\"z\"", "body>path d=1"],
                "\(shown)")
        #expect(nodes.allSatisfy { n in n.parent.map { $0 < nodes.firstIndex(of: n)! } ?? true })
    }

    @Test func emptyInputAndDeepNesting() {
        #expect(LibXML2HTMLTree.parse([]).isEmpty)
        let deep = LibXML2HTMLTree.parse(Array((String(repeating: "<div>", count: 20_000) + "x").utf8))
        #expect(deep.count > 1_000 && deep.last?.kind == .text && deep.last?.text == "x")
    }
}
