import Testing
import OffprintDocument
@testable import OffprintMarkdown

/// 100,000 levels of nesting must not overflow the stack, and output stays linear.
@Suite struct DeepNestingTests {
    static let depth = 100_000

    /// `names` repeated down to `depth` levels, with `text` at the bottom.
    func chain(_ names: [String], depth: Int = DeepNestingTests.depth, text: String = "deep") -> Document {
        var doc = HTMLParser.parse("")
        var parent = doc.body!
        for i in 0..<depth {
            let e = doc.makeElement(names[i % names.count])
            doc.append(e, to: parent)
            parent = e
        }
        doc.append(doc.makeText(text), to: parent)
        return doc
    }

    func write(_ doc: Document) -> String { MarkdownWriter().markdown(for: doc, from: doc.body!) }

    @Test func divs() {
        #expect(write(chain(["div"])) == "deep\n")
        let html = String(repeating: "<div>", count: Self.depth) + "deep" + String(repeating: "</div>", count: Self.depth)
        let doc = HTMLParser.parse(html)
        #expect(write(doc) == "deep\n")
    }

    @Test func blockquotesAreCapped() {
        let out = write(chain(["blockquote"]))
        let cap = MarkdownOptions().maxContainerDepth
        #expect(out == String(repeating: "> ", count: cap) + "deep\n")
    }

    @Test func listsAreCapped() {
        let out = write(chain(["ul", "li"]))
        let cap = MarkdownOptions().maxContainerDepth
        // Each level is a list and an item: cap / 2 items deep.
        #expect(out.hasSuffix("- deep\n"))
        #expect(out.count < 4 * cap + 20)
    }

    @Test func inlineFormatting() {
        #expect(write(chain(["span"])) == "deep\n")
        #expect(write(chain(["b", "i"])) == "***_deep_***\n")  // strong, em, em: the one level of em in em kept
        #expect(write(chain(["a"])) == "deep\n")
        #expect(write(chain(["code"])) == "`deep`\n")
        #expect(write(chain(["sup"])) == "<sup>deep</sup>\n")
    }

    @Test func mixedStructures() {
        #expect(write(chain(["table", "tr", "td"])) == "deep\n")
        #expect(write(chain(["h2", "div"])) == "## deep\n")
        #expect(write(chain(["pre", "span"])) == "```\ndeep\n```\n")
        #expect(write(chain(["p", "a", "div", "strong"])).contains("deep"))
    }

    @Test func deepQuotesWithManyParagraphsStayLinear() {
        // Every level holds a paragraph: output grows with the depth, prefixes do not.
        var doc = HTMLParser.parse("")
        var parent = doc.body!
        let n = 20_000
        for i in 0..<n {
            let q = doc.makeElement("blockquote")
            doc.append(q, to: parent)
            let p = doc.makeElement("p")
            doc.append(p, to: q)
            doc.append(doc.makeText("p\(i)"), to: p)
            parent = q
        }
        let out = write(doc)
        #expect(out.hasSuffix("p\(n - 1)\n"))
        #expect(out.utf8.count < n * (4 * MarkdownOptions().maxContainerDepth + 20))
    }
}
