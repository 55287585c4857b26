import Testing
@testable import OffprintDocument

/// The one element policy, its table view, and the single rules for images and players.
@Suite struct ElementPolicyTests {
    @Test("Every rename lands on a kept element; every table form names a kept element")
    func tableIsClosed() {
        for (name, rule) in ElementPolicy.rules {
            switch rule {
            case .rename(let to):
                #expect(ElementPolicy.keptAttributes(of: to) != nil, "\(name) is renamed to \(to), which the policy does not keep")
            case .keep(_, .written(let plainer)):
                guard case .keep(_, .element)? = ElementPolicy.rule(for: plainer) else {
                    Issue.record("\(name) is written in tables as \(plainer), which is not written as itself")
                    continue
                }
            case .keep, .drop:
                break
            }
        }
    }

    @Test("The table view keeps only attributes the policy keeps (and a cell's align, which Markdown renders)")
    func tableViewIsASubset() {
        for name in ElementPolicy.rules.keys {
            guard let (written, attributes) = ElementPolicy.tableForm(of: name) else { continue }
            let kept = ElementPolicy.keptAttributes(of: written) ?? []
            for a in attributes where a != "align" {
                #expect(kept.contains(a) || ElementPolicy.globalAttributes.contains(a), "\(written) in tables keeps \(a), which the policy drops")
            }
        }
        #expect(ElementPolicy.tableForm(of: "strike")! == ("del", []))  // renamed to s, written as del
        #expect(ElementPolicy.tableForm(of: "tt")! == ("code", []))
        #expect(ElementPolicy.tableForm(of: "listing")! == ("pre", []))
        #expect(ElementPolicy.tableForm(of: "span") == nil)
        #expect(ElementPolicy.tableForm(of: "script") == nil)
        #expect(ElementPolicy.tableForm(of: "my-widget") == nil)
    }

    @Test("An image's URL is chosen once: lazy attributes before src, candidates removed, idempotent")
    func chooseSource() {
        var doc = HTMLParser.parse(#"<img alt="a" src="https://e.example/small.png" data-original="https://e.example/big.png" srcset="https://e.example/x.png 2x" sizes="100vw"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="placeholder only">"#)
        let imgs = doc.elements(named: "img")
        #expect(ImageURLs.chooseSource(of: imgs[0], in: &doc, preferLargest: false))
        #expect(doc[imgs[0]].attributes == [.init("src", "https://e.example/big.png"), .init("alt", "a")])
        let before = doc[imgs[0]].attributes
        #expect(ImageURLs.chooseSource(of: imgs[0], in: &doc, preferLargest: false))
        #expect(doc[imgs[0]].attributes == before)
        let placeholder = doc[imgs[1]].attributes
        #expect(!ImageURLs.chooseSource(of: imgs[1], in: &doc, preferLargest: false))
        #expect(doc[imgs[1]].attributes == placeholder)  // nothing changed: the caller decides
    }

    @Test("A picture becomes its image, with a source's URL when the image has none")
    func resolvePicture() {
        var doc = HTMLParser.parse(#"<p><picture><source type="image/avif" srcset="https://e.example/a.avif"><source srcset="https://e.example/s.jpg 300w, https://e.example/l.jpg 900w"><img alt="p"></picture></p><p><picture><source type="image/avif" srcset="https://e.example/only.avif"></picture></p>"#)
        let pics = doc.elements(named: "picture")
        let img = ImageURLs.resolvePicture(pics[0], in: &doc, preferLargest: false)
        #expect(img.map { doc[$0].attribute("src") } == "https://e.example/l.jpg")
        #expect(ImageURLs.resolvePicture(pics[1], in: &doc, preferLargest: false) == nil)  // no showable source: left as it is
        #expect(doc.elements(named: "picture").count == 1)
    }

    @Test("One rule for players: a link, an object's fallback content, or nothing")
    func embeddedMediaRule() {
        var doc = HTMLParser.parse(#"<p><video src="https://v.example/a.mp4"></video><object><p>fallback text</p></object><iframe src="https://t.example/px" width="1" height="1"></iframe><object></object></p>"#)
        var rewriter = EmbeddedMedia.Rewriter()
        #expect(EmbeddedMedia.Rewriter.hasPlayers(doc, under: doc.body!))
        rewriter.rewrite(&doc, root: doc.body!)
        #expect(rewriter.links == 1)
        #expect(!EmbeddedMedia.Rewriter.hasPlayers(doc, under: doc.body!))
        #expect(Serializer().serializeChildren(doc, of: doc.body!) == #"<p><a href="https://v.example/a.mp4" class="embedded-link">Video</a><p>fallback text</p></p>"#)
    }
}
