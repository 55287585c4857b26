import Foundation
import OffprintTestSupport
import Testing
@testable import OffprintDocument

/// The SAX tree builder must give the tree libxml2's own tree builder gave, node for node.
@Suite struct ParserEquivalenceTests {
    func expectSameTree(_ bytes: [UInt8], _ label: String) {
        let sax = structureDump(HTMLParser.parse(bytes))
        let ref = structureDump(referenceParse(bytes))
        if sax != ref {
            let i = (0..<min(sax.count, ref.count)).first { sax[$0] != ref[$0] } ?? min(sax.count, ref.count)
            Issue.record("\(label): trees differ at node \(i): SAX \(i < sax.count ? sax[i] : "(end)") vs libxml2 tree \(i < ref.count ? ref[i] : "(end)") (\(sax.count) vs \(ref.count) nodes)")
        }
    }

    @Test func corpusPagesGiveTheSameTree() throws {
        guard Corpus.available else { withKnownIssue(Corpus.missing) { throw CancellationError() }; return }
        // Every page up to 100 KB (about half the corpus, from every source; the fuzz target
        // parse-equivalence compares the two builders on everything else).
        let files = Corpus.all.filter { ((try? FileManager.default.attributesOfItem(atPath: $0.path)[.size] as? Int) ?? 0) <= 100_000 }
        #expect(files.count > 40)
        for f in files {
            let bytes = [UInt8](try Data(contentsOf: f))
            expectSameTree(bytes, f.lastPathComponent)
        }
    }

    @Test(arguments: [
        "<p>a<wbr>b<i>c</i></p>",
        "<picture><source srcset=a.webp><img src=a.jpg></picture>after",
        "<embed src=x>text</embed>more",
        "<b><i>x</b>y</i>",
        "<input type=checkbox checked disabled foo>",
        "<div a=1 a=2 A=3>x</div>",
        "<p>one<p>two<div>three</div>",
        "text &amp; &unknown; &#x1F600; &",
        "<script>var a = '<b>'; if (a < b) {}</script>after<style>p{}</style>",
        "<table><tr><td>1<td>2</table><li>x<li>y",
        "<html><body><p>a</p><html lang=x><body class=y><p>b</p>",
        "<div\n<p>cut start tag</p>",
        "<a href='x' <b>bold</b>",
        "<!-- c1 -->text<!-- c2 --><![CDATA[data]]><?pi x?>",
        // (Prefixed tag names are where the builders differ on purpose: libxml2's tree builder
        // keeps only the local name; ours keeps `o:p` whole, as browsers do — ParserTests.)
        "<svg><path d=1/></svg><a xlink:href=u>t</a>",
        "<ul><li>a<ul><li>b</ul><li>c</ul>",
        "<select><option>a<option>b</select><textarea>x<y></textarea>",
        "  \n<head><title>T</title></head> <body>  <p> x </p>  </body>  ",
        "<p>x</p>\u{0}\u{1}<p>y",
        "<frameset><frame src=a></frameset>",
    ])
    func snippetsGiveTheSameTree(_ html: String) {
        expectSameTree(Array(html.utf8), html)
    }

    @Test func deepNestingGivesTheSameTree() {
        let html = String(repeating: "<div><span>", count: 3000) + "x" + String(repeating: "</span></div>", count: 1000)
        expectSameTree(Array(html.utf8), "3000-deep")
    }
}

/// The fast UTF-8 check agrees with the standard library's decoder.
@Suite struct UTF8ValidationTests {
    func stdlibValid(_ bytes: [UInt8]) -> Bool {
        if bytes.contains(0) { return false }
        var it = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    func fast(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBufferPointer { Charset.isValidUTF8WithoutNUL($0) } }

    @Test func everyTwoByteSequenceInEveryPosition() {
        for a in 0...255 {
            for b in 0...255 {
                let seq: [UInt8] = [UInt8(a), UInt8(b)]
                for pad in [0, 7, 9] {
                    let bytes = [UInt8](repeating: 0x41, count: pad) + seq
                    #expect(fast(bytes) == stdlibValid(bytes), "bytes \(bytes)")
                }
            }
        }
    }

    @Test func threeAndFourByteBoundaries() {
        let leads: [UInt8] = [0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF8, 0xFF]
        let conts: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF]
        for l in leads {
            for c1 in conts {
                for c2 in conts {
                    for c3 in conts + [] {
                        for bytes in [[l, c1, c2], [l, c1, c2, c3], [0x61, l, c1, c2, c3, 0x62, 0x63, 0x64, 0x65]] {
                            #expect(fast(bytes) == stdlibValid(bytes), "bytes \(bytes)")
                        }
                    }
                }
            }
        }
    }

    @Test func randomBuffers() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xA0, 0x9F, 0x90, 0x8F]
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...24, using: &rng)
            let bytes = (0..<n).map { _ in Bool.random(using: &rng) ? 0x61 : alphabet.randomElement(using: &rng)! }
            #expect(fast(bytes) == stdlibValid(bytes), "bytes \(bytes)")
        }
    }
}
