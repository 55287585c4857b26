import Foundation
import OffprintSupport
import Testing
import OffprintDocument
@testable import OffprintArticle

/// Articles parked by an ArticleStore come back as they went in, from memory or from the
/// temporary file; and the document encoding round-trips trees exactly.
@Suite struct ArticleStoreTests {
    func dump(_ doc: Document, from node: Document.NodeID) -> String {
        Serializer().serializeChildren(doc, of: node)
    }

    @Test func encodingRoundTripsTreesExactly() throws {
        let html = "<!-- c --><p class=\"a b\" data-x=\"&quot;q&quot;\">text <b>bold</b> 中文 <img src=x.png alt=\"\"></p><pre>  a\n\tb</pre><table><tr><td>1</td></tr></table>"
        // (IDs round-trip for trees numbered in document order, as subtree() and compacted() make.)
        let doc = HTMLParser.parse(html).compacted()
        let back = try Document(encoded: doc.encoded())
        #expect(back.count == doc.count)
        #expect(dump(back, from: back.root) == dump(doc, from: doc.root))
        for i in 0..<doc.count {
            let id = Document.NodeID(i)
            #expect(back[id].kind == doc[id].kind && back[id].name == doc[id].name && back[id].text == doc[id].text)
            #expect(back[id].attributes == doc[id].attributes && back[id].children == doc[id].children && back[id].parent == doc[id].parent)
        }
        // A tree with detached nodes is compacted first: the same document, renumbered.
        var edited = doc
        edited.detach(edited.firstElement(named: "table")!)
        let compact = try Document(encoded: edited.encoded())
        #expect(compact.count < edited.count)
        #expect(dump(compact, from: compact.root) == dump(edited, from: edited.root))
    }

    @Test func damagedBytesAreAnErrorNotACrash() {
        let good = HTMLParser.parse("<p>a<b>b</b></p>").encoded()
        for cut in [0, 1, 2, good.count / 2, good.count - 1] {
            #expect(throws: OffprintError.damagedDocument) { try Document(encoded: Array(good.prefix(cut))) }
        }
        #expect(throws: OffprintError.damagedDocument) { try Document(encoded: good + [0]) }
        #expect(throws: OffprintError.damagedDocument) { try Document(encoded: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) }
    }

    @Test func articlesPastTheBudgetGoToTheFileAndComeBackTheSame() async throws {
        var sources: [CleanedArticle] = []
        for i in 0..<40 {
            let html = "<html><head><title>T\(i)</title></head><body><nav>menu</nav><article><h1>Article \(i)</h1>"
                + String(repeating: "<p>Paragraph of article \(i) with <a href=\"https://e.example/\(i)\">a link</a>.</p>", count: 30)
                + "</article></body></html>"
            var meta = ArticleMetadata(origin: "a\(i).html")
            meta.title = "T\(i)"
            let page = HTMLParser.parse(html)
            // (What clean-up makes of the page: its content alone.)
            sources.append(CleanedArticle(metadata: meta, content: page.subtree(page.firstElement(named: "article")!)))
        }
        // Room for about three articles' trees in memory.
        let one = sources[0].document.count * ArticleStore.bytesPerNode
        let store = ArticleStore(memoryBudget: one * 3)
        let stored = try await withThrowingTaskGroup(of: (Int, StoredArticle).self) { group in
            for (i, a) in sources.enumerated() { group.addTask { (i, try store.store(a)) } }
            var out = [StoredArticle?](repeating: nil, count: sources.count)
            for try await (i, s) in group { out[i] = s }
            return out.map { $0! }
        }
        #expect(store.spilledBytes > 0)
        var inFile = 0
        for (a, s) in zip(sources, stored) {
            if case .file = s.storage { inFile += 1 }
            #expect(s.metadata.title == a.title)
            let back = try s.load()
            #expect(back.document[back.content].name == "article")
            #expect(dump(back.document, from: back.content) == dump(a.document, from: a.content))
        }
        #expect(inFile >= 36)
        // Metadata edits (a manifest's title) survive loading.
        var edited = stored[20]
        edited.metadata.title = "New title"
        #expect(try edited.load().title == "New title")
    }
}
