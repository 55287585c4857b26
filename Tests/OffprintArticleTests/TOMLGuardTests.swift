import OffprintSupport
import Testing
@testable import OffprintArticle

/// Headers that would reach an assertion in toml++ (fuzzing found "[`") are errors with
/// their line; valid TOML with `[` at line starts inside values still parses.
@Suite struct TOMLGuardTests {
    @Test(arguments: ["[`", "[\n", "title = \"x\"\n[ {a=1}", "[[[x]]]", "[[\t`", "a = 1\n\n  [+", "[[\n", "#c\n[#x]"])
    func headersThatCannotStartAKeyAreErrors(_ text: String) throws {
        #expect(TOMLGuard.badTableHeader(in: text) != nil)
        #expect { try FrontMatter.parse(text, format: .toml) } throws: { ($0 as? OffprintError)?.step == .frontMatter }
        // Through the loader: a warning, and the body kept.
        let (article, diagnostics) = try ArticleLoader.load(Array(("+++\n" + text + "\n+++\n<p>body</p>\n").utf8), origin: "t.md")
        #expect(!diagnostics.isEmpty)
        #expect(article.document.textContent(of: article.content).contains("body"))
    }

    @Test func bracketsInsideValuesAreNotHeaders() throws {
        let text = #"""
            title = "a [ b"
            nested = [
              [
                1, 2
              ],
              [ "x", "[y" ],
            ]
            lit = '''
            [not a header
            '''
            basic = """
            [nor this \"""
            """
            inline = { k = "[" } # [ comment
            [ "quoted key" ]
            v = 1
            [[list]]
            w = 2
            """#
        #expect(TOMLGuard.badTableHeader(in: text) == nil)
        let fm = try FrontMatter.parse(text, format: .toml)
        #expect(fm.entries.map(\.key) == ["title", "nested", "lit", "basic", "inline", "quoted key", "list"])
    }

    @Test func theLineIsTheHeaders() {
        #expect(TOMLGuard.badTableHeader(in: "a = 1\nb = [\n  [\n  ]\n]\n\n[`x]") == 7)
    }
}

/// Complex YAML keys (a mapping or list used as a key) are described in flow style; one
/// holding a complex key of its own trapped in Yams (`node.any`), found by fuzzing.
@Suite struct ComplexYAMLKeyTests {
    @Test func nestedComplexKeysAreDescribedNotTrapped() throws {
        let fm = try FrontMatter.parse("title: T\n? ? [p, q]\n  : v1\n: v\n? [a, b]\n: w\n", format: .yaml)
        #expect(fm.entries.map(\.key) == ["title", "{'[p, q]': v1}", "[a, b]"])
        #expect(fm.entries[1].value == .string("v"))
    }
}
