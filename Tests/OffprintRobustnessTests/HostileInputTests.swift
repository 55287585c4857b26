import Foundation
import OffprintArticle
import OffprintDocument
import Testing
@testable import OffprintArticle
@testable import OffprintDocument
import Offprint

/// Small versions of the hostile inputs (scripts/hostile-check.sh runs the full-size ones
/// against the release binary, with time and memory limits): what is bounded here by a
/// rule must stay bounded.
@Suite struct HostileInputTests {
    @Test func startTagsKeepAtMostMaxAttributes() {
        let attrs = (0..<1_000).map { "a\($0)=\"v\"" }.joined(separator: " ")
        let doc = HTMLParser.parse("<div \(attrs)>text</div><p id=x>after</p>")
        let div = doc.elements(named: "div")
        #expect(div.count == 1)
        #expect(doc[div[0]].attributes.count == MisnestRepair.maxAttributes)
        #expect(doc[div[0]].attribute("a0") == "v")
        #expect(doc[div[0]].attribute("a255") == "v")
        #expect(doc[div[0]].attribute("a256") == nil)
        #expect(doc.textContent(of: div[0]) == "text")
        let p = doc.elements(named: "p")
        #expect(p.count == 1 && doc[p[0]].attribute("id") == "x")
    }

    @Test func attributeCapKeepsQuotedValuesWhole() {
        // Values with spaces, '>' and '=' inside quotes count as one attribute each.
        let attrs = (0..<300).map { "data-\($0)='a > b = c'" }.joined(separator: "\n ")
        let doc = HTMLParser.parse("<img \(attrs) src=last.png/><span>ok</span>")
        let img = doc.elements(named: "img")
        #expect(img.count == 1)
        #expect(doc[img[0]].attributes.count == MisnestRepair.maxAttributes)
        #expect(doc[img[0]].attribute("data-255") == "a > b = c")
        #expect(doc.elements(named: "span").count == 1)
    }

    @Test func fewAttributesPassUntouched() {
        let attrs = (0..<MisnestRepair.maxAttributes).map { "a\($0)=\"\($0)\"" }.joined(separator: " ")
        let html = Array("<p><b \(attrs)>x</b></p>".utf8)
        #expect(MisnestRepair.repair(html) == html)
    }

    @Test func reopenedFormattingIsBounded() {
        // 2,000 <b>s, 2,000 <i>s, 2,000 </b>s: repairing each </b> would reopen every <i>
        // (4 million tags); the pass stops once it has added as many bytes as the input has.
        let n = 2_000
        let html = Array((String(repeating: "<b>", count: n) + String(repeating: "<i class=\"emphasis\">", count: n)
                          + "text" + String(repeating: "</b>", count: n)).utf8)
        let repaired = MisnestRepair.repair(html)
        #expect(repaired.count <= 2 * html.count + (1 << 20) + 1_000)
        let doc = HTMLParser.parse(html)
        #expect(doc.textContent(of: doc.body!) == "text")
    }

    @Test func misnestingIsStillRepairedAfterTheCaps() {
        let doc = HTMLParser.parse("<p><b><i>x</b>y</i></p>")
        let out = Serializer().serializeChildren(doc, of: doc.body!)
        #expect(out == "<p><b><i>x</i></b><i>y</i></p>")
    }

    @Test func yamlAliasBombIsRefused() throws {
        var yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        var prev = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*" + prev, count: 9).joined(separator: ",") + "]\n"
            prev = name
        }
        yaml += "title: Billion laughs\n"
        #expect { try FrontMatter.parse(yaml, format: .yaml) } throws: { ($0 as? OffprintError)?.step == .frontMatter }
        // As a post, the loader keeps what it can read on its own (the title) and says why.
        let post = Array(("---\n" + yaml + "---\n<p>body</p>\n").utf8)
        let (article, diagnostics) = try ArticleLoader.load(post, origin: "bomb.md")
        #expect(article.title == "Billion laughs")
        #expect(diagnostics.contains { $0.description.contains("aliases") })
    }

    @Test func aliasesWithinTheBudgetStillWork() throws {
        let fm = try FrontMatter.parse("base: &b [x, y]\ntags: *b\n", format: .yaml)
        #expect(fm["tags"] == .array([.string("x"), .string("y")]))
    }

    @Test func brokenFrontMatterSalvageIsBounded() throws {
        // Unclosed, with one key repeated 20,000 times: not valid YAML, so it is salvaged
        // entry by entry, at most maxSalvagedEntries of them, with a bounded number of warnings.
        let post = Array(("---\ntitle: never closed\n" + String(repeating: "line: x\n", count: 20_000)).utf8)
        let (article, diagnostics) = try ArticleLoader.load(post, origin: "unclosed.md")
        #expect(article.title == "never closed")
        #expect(article.frontMatter?.entries.count == 2)
        #expect(diagnostics.count < 30)
        #expect(diagnostics.contains { $0.description.contains("more than \(FrontMatterReader.maxSalvagedEntries) entries") })
    }
}
