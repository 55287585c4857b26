import Testing
import OffprintDocument
@testable import OffprintMarkdown

/// Text must never turn into markup, and ordinary text must stay readable. Each expected
/// Markdown below was rendered back with cmark-gfm and gives exactly the original text.
@Suite struct EscapingTests {
    /// (text of a paragraph, its Markdown)
    static let paragraphs: [(String, String)] = [
        ("* a", "\\* a\n"),
        ("*a*", "\\*a\\*\n"),
        ("+ a", "\\+ a\n"),
        ("- a", "\\- a\n"),
        ("-a", "-a\n"),
        ("--", "\\--\n"),
        ("a - b", "a - b\n"),
        ("# a", "\\# a\n"),
        ("#a", "#a\n"),
        ("####### a", "####### a\n"),
        ("> a", "\\> a\n"),
        ("a > b", "a > b\n"),
        ("1. a", "1\\. a\n"),
        ("1) a", "1\\) a\n"),
        ("1.5 a", "1.5 a\n"),
        ("2021. year", "2021\\. year\n"),
        ("a 1. b", "a 1. b\n"),
        ("===", "\\===\n"),
        ("a === b", "a === b\n"),
        ("~~~", "\\~~~\n"),
        ("```a", "\\`\\`\\`a\n"),
        ("[ ] a", "[ ] a\n"),
        ("<span> a<b c<d < e", "\\<span> a\\<b c\\<d < e\n"),
        ("&amp; &#1; &x; a&b", "\\&amp; \\&#1; \\&x; a&b\n"),
        ("a_b_c _a_ a__b__ __a__", "a_b_c \\_a\\_ a__b\\_\\_ \\_\\_a\\_\\_\n"),
        ("snake_case_name", "snake_case_name\n"),
        ("a*b*c *a* 2 * 3 **", "a\\*b\\*c \\*a\\* 2 * 3 **\n"),
        ("~~a~~ a~b ~", "\\~\\~a\\~\\~ a\\~b ~\n"),
        ("[a](b) [a] ![a](b)", "[a\\](b) [a] ![a\\](b)\n"),
        ("[a]: /b", "\\[a\\]: /b\n"),
        ("\\a \\* \\\\ a\\", "\\a \\\\\\* \\\\\\ a\\\\\n"),
        ("`a` ``", "\\`a\\` \\`\\`\n"),
        ("a|b", "a|b\n"),
        ("http://example.com/a_b_ and www.example.com", "http\\://example.com/a_b\\_ and www\\.example.com\n"),
        ("---", "\\---\n"),
        ("- - -", "\\- - -\n"),
        ("_ _ _", "\\_ _ _\n"),
        ("***", "\\***\n"),
        ("1986. A great year", "1986\\. A great year\n"),
        ("Hello!", "Hello!\n"),
        ("x <= y && y >= z", "x <= y && y >= z\n"),
        ("<!-- not a comment -->", "\\<!-- not a comment -->\n"),
        ("a\\", "a\\\\\n"),
        ("中文*强调*中文", "中文\\*强调\\*中文\n"),
        ("__init__.py", "\\_\\_init\\_\\_.py\n"),
        ("2*3*4", "2\\*3\\*4\n"),
        ("C++ and C#", "C++ and C#\n"),
        ("~/path/to~file", "\\~/path/to\\~file\n"),
        ("|a|b|", "|a|b|\n"),
        ("![", "![\n"),
        ("5 > 3 < 4", "5 > 3 < 4\n"),
        ("&copy;", "\\&copy;\n"),
    ]

    @Test func paragraphText() {
        for (text, expected) in Self.paragraphs {
            let html = "<p>" + text.htmlEscaped() + "</p>"
            #expect(md(html) == expected, "text: \(text)")
        }
    }

    @Test func lineStartsAfterHardBreaks() {
        let html = "<p>a<br>- b<br>1. c<br># d<br>---<br>=<br>&gt; e<br>|-|-|</p>"
        #expect(md(html) == "a\\\n\\- b\\\n1\\. c\\\n\\# d\\\n\\---\\\n\\=\\\n\\> e\\\n|\\-|-|\n")
    }

    @Test func tableCellsEscapePipesOnly() {
        let html = "<table><tr><th>- a</th><th># b</th></tr><tr><td>a|b</td><td><code>x|y</code> 1. c</td></tr></table>"
        #expect(md(html) == "| - a | # b |\n| --- | --- |\n| a\\|b | `x\\|y` 1. c |\n")
    }

    @Test func headingsEscapeAClosingSequence() {
        #expect(md("<h2>- a # b #</h2><h3>1. Intro</h3><h4>&gt; q</h4>") == "## - a # b \\#\n\n### 1. Intro\n\n#### > q\n")
        #expect(md("<h2>#</h2>") == "## \\#\n")
        #expect(md("<h2>C#</h2>") == "## C#\n")
    }

    @Test func taskListSyntaxAtItemStart() {
        #expect(md("<ul><li>[ ] not a task</li><li>[x] no</li></ul>") == "- \\[ ] not a task\n- \\[x] no\n")
    }

    @Test func bracketsInLinkTextAndAlt() {
        let html = #"<p><a href="/u">[1] a]b</a> <img src="i.png" alt="a]b*c_d"></p>"#
        #expect(md(html) == #"[\[1\] a\]b](/u) ![a\]b\*c\_d](i.png)"# + "\n")
    }

    @Test func exclamationBeforeALink() {
        #expect(md(#"<p>Hello!<a href="/u">x</a></p>"#) == "Hello\\![x](/u)\n")
    }

    @Test func destinations() {
        #expect(md(#"<p><a href="/a_b?x=1&amp;copy=2">t</a> <a href="http://e.com/(x">p</a> <a href="/a(b)c">q</a></p>"#)
                == "[t](/a_b?x=1&copy=2) [p](<http://e.com/(x>) [q](/a(b)c)\n")
        // `&` that could start an entity is written `&amp;`: cmark decodes entities in a
        // destination or title before backslash escapes, so `\&lt;` there would become `<`.
        #expect(md(#"<p><a href="/x?&amp;lt;=1;">t</a></p>"#) == "[t](/x?&amp;lt;=1;)\n")
        // readability/lazy-image-2: a share link whose href holds a literal `&amp;`.
        #expect(md(#"<p><a href="https://twitter.com/share?text=a&amp;amp;via=@kotaku" title="A &amp;amp; B">t</a></p>"#)
                == "[t](https://twitter.com/share?text=a&amp;amp;via=@kotaku \"A &amp;amp; B\")\n")
    }

    @Test func codeSpanNeverOpensAFence() {
        // A code span needing three backticks at the start of a line would open a code
        // block: it is written as <code> there, with its Markdown characters escaped.
        #expect(md("<p><code>a`b``c</code> x</p>") == "<code>a\\`b\\`\\`c</code> x\n")
        #expect(md("<p>x <code>a`b``c</code></p>") == "x ```a`b``c```\n")
    }

    @Test func commonmarkFlavorLeavesGFMCharactersAlone() {
        #expect(md("<p>a~b ~~c~~ http://e.com/_a_</p>", .commonmark) == "a~b ~~c~~ http://e.com/\\_a\\_\n")
    }
}
