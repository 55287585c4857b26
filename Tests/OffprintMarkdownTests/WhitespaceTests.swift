import Testing
@testable import OffprintMarkdown

/// White space is collapsed the way a browser does; U+00A0 is kept as a character.
@Suite struct WhitespaceTests {
    @Test func collapsesAcrossInlineBoundaries() {
        #expect(md("<p>  lead <span> inner </span> trail  </p>") == "lead inner trail\n")
        #expect(md("<p>x<b>a</b> <i>b</i>y</p>") == "x**a** *b*y\n")
        #expect(md("<p>a<b> x </b>b</p>") == "a **x** b\n")
        #expect(md("<p>one\ttab\r\nline</p>") == "one tab line\n")
    }

    @Test func keepsNoBreakSpaces() {
        #expect(md("<p>a&nbsp;&nbsp;b  c</p>") == "a\u{A0}\u{A0}b c\n")
        #expect(md("<p>&nbsp;&nbsp;indented</p>") == "\u{A0}\u{A0}indented\n")
    }

    @Test func noSpaceAroundHardBreaks() {
        #expect(md("<p>a <br> b</p>") == "a\\\nb\n")
        #expect(md("<p><br>a<br></p>") == "a\n")
    }

    @Test func blankLinesBetweenBlocksOnly() {
        #expect(md("\n\n<div>\n\n<p>a</p>\n\n\n<p>b</p>\n</div>\n\n") == "a\n\nb\n")
    }

    @Test func codeSpanKeepsItsSpaces() {
        #expect(md("<p><code>a  b</code></p>") == "`a  b`\n")
        #expect(md("<p><code> a </code></p>") == "`  a  `\n")
    }
}
