import OffprintDocument
import Testing

@Suite struct XMLRewriteTests {
    static let doc = """
    <?xml version="1.0"?>
    <!DOCTYPE r [<!ENTITY e "entity text">]>
    <r xmlns="urn:a" xmlns:x="urn:x"><!-- note --><?pi data?><k a="1" x:b="2" c="&amp;3"><t>keep</t></k><drop><t>gone</t></drop><w>un<t>wrapped</t></w><s>style &lt;text&gt;</s></r>
    """

    @Test func elementsAreKeptRemovedOrUnwrappedAsDecided() throws {
        var seen: [XMLRewrite.Element] = []
        let out = try #require(XMLRewrite.rewrite(Array(Self.doc.utf8), dropping: .all, textOf: ["s"]) { e in
            seen.append(e)
            switch e.name {
            case "drop": return .remove
            case "w": return .unwrap
            case "k": return .keep(removingAttributes: e.attributes.indices.filter { e.attributes[$0].namespace != nil })
            default: return .keep
            }
        })
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.contains("<r xmlns=\"urn:a\" xmlns:x=\"urn:x\"><k a=\"1\" c=\"&amp;3\"><t>keep</t></k>un<t>wrapped</t><s>"), "\(text)")
        #expect(!text.contains("DOCTYPE") && !text.contains("note") && !text.contains("<?pi") && !text.contains("gone"), "\(text)")
        // Parents before children; removed elements' children are not visited.
        #expect(seen.map(\.name) == ["r", "k", "t", "drop", "w", "t", "s"])
        #expect(seen[0].isRoot && !seen[1].isRoot)
        let k = seen[1]
        #expect(k.namespace == "urn:a")
        #expect(k.attributes.map(\.name) == ["a", "b", "c"] && k.attributes[1].namespace == "urn:x" && k.attributes[2].value == "&3")
        #expect(seen[6].text == "style <text>" && seen[1].text == nil)
    }

    @Test func noDocumentWithoutAKeptRootOrWellFormedInput() {
        #expect(XMLRewrite.rewrite(Array("<r><a/></r>".utf8)) { $0.isRoot ? .remove : .keep } == nil)
        #expect(XMLRewrite.rewrite(Array("<r><a/></r>".utf8)) { $0.isRoot ? .unwrap : .keep } == nil)
        #expect(XMLRewrite.rewrite(Array("<r><a></r>".utf8)) { _ in .keep } == nil)
        #expect(XMLRewrite.rewrite([]) { _ in .keep } == nil)
        // Nothing dropped unless asked: the comment stays.
        let kept = XMLRewrite.rewrite(Array("<r><!--c--></r>".utf8)) { _ in .keep }.map { String(decoding: $0, as: UTF8.self) }
        #expect(kept?.contains("<!--c-->") == true)
    }
}
