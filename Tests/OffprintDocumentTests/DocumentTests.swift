import Testing
@testable import OffprintDocument

@Suite struct DocumentTests {
    @Test func editingOperations() {
        var doc = HTMLParser.parse("<div><span>a<b>b</b></span><p>c</p></div>")
        let span = doc.firstElement(named: "span")!
        doc.unwrap(span)
        #expect(Serializer().serializeChildren(doc, of: doc.body!) == "<div>a<b>b</b><p>c</p></div>")
        let p = doc.firstElement(named: "p")!
        let em = doc.wrap(p, in: "blockquote")
        #expect(doc[em].children == [p])
        let t = doc.makeText("z")
        doc.insert(t, before: em)
        #expect(Serializer().serializeChildren(doc, of: doc.body!) == "<div>a<b>b</b>z<blockquote><p>c</p></blockquote></div>")
        doc.detach(em)
        #expect(!doc.isAttached(p))
        let compact = doc.compacted()
        #expect(compact.count < doc.count)
        #expect(Serializer().serializeChildren(compact, of: compact.body!) == "<div>a<b>b</b>z</div>")
    }

    @Test func xhtmlIsWellFormedWhateverTheTree() {
        let doc = HTMLParser.parse("<p>a<br>b<img src=\"x.png\" onclick=\"1\" fb:like=\"1\" data-x=\"&lt;\"><fb:like></fb:like>\u{1}c</p><!-- x -- y -->")
        let x = Serializer(syntax: .xhtml, keepComments: true).serializeChildren(doc, of: doc.body!)
        #expect(x.contains("<br/>"))
        #expect(!x.contains("fb:like"))
        #expect(!x.contains("\u{1}"))
        #expect(x.contains("data-x=\"&lt;\""))
        #expect(!x.contains("x -- y"))
    }

    @Test func subtreeCopiesOneBranch() {
        let doc = HTMLParser.parse("<div id=a><p>x</p></div><div id=b>y</div>")
        let b = doc.elements(named: "div")[1]
        let sub = doc.subtree(b)
        #expect(Serializer().serialize(sub) == "<div id=\"b\">y</div>")
    }
}

@Suite struct InlineStyleTests {
    func node(_ html: String) -> Document.Node {
        let doc = HTMLParser.parse(html)
        return doc[doc[doc.body!].children[0]]
    }

    @Test func styleProperties() {
        let n = node(#"<div style="color: red; Display : NONE !important;display:block ; x-display: none">a</div>"#)
        #expect(n.styleProperty("display") == "block")  // the last declaration wins
        #expect(n.styleProperty("color") == "red")
        #expect(n.styleProperty("visibility") == nil)
        #expect(node(#"<div style="DISPLAY:None!important">a</div>"#).styleProperty("display") == "none")
    }

    @Test func hiddenByMarkup() {
        #expect(node("<div hidden>a</div>").isHiddenByMarkup)
        #expect(node(#"<ul class="list_hot" style="display:none;"><li>a</li></ul>"#).isHiddenByMarkup)
        #expect(node(#"<span style="visibility : hidden">a</span>"#).isHiddenByMarkup)
        #expect(!node(#"<span style="--x-display:none; display: inline">a</span>"#).isHiddenByMarkup)
        #expect(!node(#"<span style="visibility: visible">a</span>"#).isHiddenByMarkup)
        #expect(!node("<p>a</p>").isHiddenByMarkup)
    }
}
