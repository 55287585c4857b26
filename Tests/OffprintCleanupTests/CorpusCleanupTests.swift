import OffprintSupport
import Foundation
import OffprintTestSupport
import Testing
import OffprintArticle
import OffprintDocument
@testable import OffprintCleanup

/// Clean-up over the whole corpus: no text lost, every image keeps its real URL, every link
/// survives. (The independent check is /work/shared/tools/mdfidelity.py on the writer's
/// output; this one needs no Markdown writer.)
@Suite struct CorpusCleanupTests {
    struct Facts {
        var text = ""           // visible text, white space removed
        var images: [String] = []
        var links: [String] = []
        var hasEmbeds = false
    }

    static let hiddenFromText: NameSet = RemoveJunkPass.invisible.union(["datalist"])

    /// What a reader gets from the content: text outside scripts/noscript, image URLs as the
    /// page declares them, link targets; URLs resolved and unwrapped as clean-up promises.
    static func facts(_ a: Article, expected: Bool) -> Facts {
        var f = Facts()
        let doc = a.document
        let base = a.baseURL
        func norm(_ u: String) -> String { ProxyPattern.unwrap(WebURL.resolve(u, against: base), patterns: ProxyPattern.defaults) }
        doc.walk(from: a.content) { id, _ in
            let n = doc[id]
            switch n.kind {
            case .text:
                f.text += n.text.filter { !$0.isWhitespace }
                return .skipChildren
            case .element:
                if hiddenFromText.contains(n.name) { return .skipChildren }
                // The element policy's own rule: inline SVG is left out.
                if expected && n.name == "svg" { return .skipChildren }
                // And the junk pass's: icon-font glyphs (private-use characters) are no text.
                if expected && RemoveJunkPass.iconHosts.contains(n.name) && RemoveJunkPass.isIconGlyph(id, in: doc) { return .skipChildren }
                if EmbeddedMedia.elements.contains(n.name) { f.hasEmbeds = true }  // they become links (with a label)
                if n.name == "img" {
                    if expected {
                        if let u = ImageURLs.declaredURL(of: n, preferLargest: false) { f.images.append(norm(u)) }
                    } else {
                        f.images.append(n.attribute("src") ?? "")
                    }
                }
                if n.name == "a", let h = n.attribute("href") {
                    let v = WebURL.clean(h)
                    if !v.isEmpty, !v.hasPrefix("#"), WebURL.scheme(of: v) != "javascript" { f.links.append(expected ? norm(v) : v) }
                }
                return .descend
            default:
                return n.kind == .root ? .descend : .skipChildren
            }
        }
        return f
    }

    static func missing(_ expected: [String], in got: [String]) -> [String] {
        var pool: [String: Int] = [:]
        for g in got { pool[g, default: 0] += 1 }
        var out: [String] = []
        for e in expected {
            if let c = pool[e], c > 0 { pool[e] = c - 1 } else { out.append(e) }
        }
        return out
    }

    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func corpusKeepsTextImagesLinks() throws {
        var images = (kept: 0, total: 0), links = (kept: 0, total: 0), files = 0
        for url in Corpus.posts + Corpus.pages {
            var (a, _) = try ArticleLoader.load(file: url)
            let before = Self.facts(a, expected: true)
            _ = Cleanup.run(&a)
            let after = Self.facts(a, expected: false)
            let name = url.lastPathComponent
            if !before.hasEmbeds { #expect(after.text == before.text, "\(name): visible text changed") }
            let lostImages = Self.missing(before.images, in: after.images)
            let lostLinks = Self.missing(before.links, in: after.links)
            #expect(lostImages.isEmpty, "\(name): images lost \(lostImages.prefix(3))")
            #expect(lostLinks.isEmpty, "\(name): links lost \(lostLinks.prefix(3))")
            images.total += before.images.count; images.kept += before.images.count - lostImages.count
            links.total += before.links.count; links.kept += before.links.count - lostLinks.count
            // Every image is left with one URL in src and no lazy-loading leftovers.
            for img in a.document.elements(named: "img", under: a.content) {
                let n = a.document[img]
                #expect(!(n.attribute("src") ?? "").isEmpty, "\(name): \(n.attributes)")
                #expect(!n.attributes.contains { ImageURLs.consumed.contains($0.name) }, "\(name): \(n.attributes)")
            }
            #expect(a.document.elements(named: ["script", "style", "noscript", "template"], under: a.content).isEmpty)
            files += 1
        }
        print("clean-up over \(files) corpus files: images \(images.kept)/\(images.total), links \(links.kept)/\(links.total)")
        #expect(files >= 70)
    }

    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func seedPostEndToEnd() throws {
        var (a, d) = try ArticleLoader.load(file: Corpus.folder.appendingPathComponent("seed/000_f50aad5d968fa226.txt"))
        d += Cleanup.run(&a)
        #expect(d.isEmpty, "\(d)")
        let srcs = imgSrcs(a)
        #expect(srcs.count == 2)
        #expect(srcs.allSatisfy { $0.hasPrefix("http://zkres2.myzaker.com/202107/") })
        #expect(a.coverImage == "http://zkres2.myzaker.com/202107/60eedaf08e9f094faf1d1b63_1024.jpg")
        let fm = a.metadata.outputFrontMatter()
        #expect(fm.entries.map(\.key) == ["title", "categories", "headimg", "author", "comments", "date", "thumbnail"])
        #expect(fm["headimg"] == .string("http://zkres2.myzaker.com/202107/60eedaf08e9f094faf1d1b63_1024.jpg"))
        #expect(fm["date"] == .date(original: "2021-07-14T05:08:05Z", date: ArticleDate("2021-07-14T05:08:05Z")))
        // The bare text between the image box and the first paragraph is still there, as its own run.
        let body = html(a)
        #expect(body.contains("</div></div>7 月 14 日消息，据媒体报道，阿里巴巴和腾讯正考虑措施逐步向对方开放服务。<p>"))
        #expect(!body.contains("<p></p>"))
    }
}
