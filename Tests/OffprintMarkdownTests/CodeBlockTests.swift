import Testing
import OffprintDocument
@testable import OffprintMarkdown

/// `<pre>` content is written byte for byte.
@Suite struct CodeBlockTests {
    @Test func preIsByteExact() {
        let code = "  line 1\n\tline <2> & *x* _y_ `z`\n\n    trailing  \n\\ end"
        let html = "<pre><code>" + code.htmlEscaped() + "</code></pre>"
        #expect(md(html) == "```\n" + code + "\n```\n")
    }

    @Test func firstLineFeedAfterPreIsDropped() {
        #expect(md("<pre>\nx\n</pre>") == "```\nx\n```\n")
        #expect(md("<pre><code>\nx</code></pre>") == "```\n\nx\n```\n")
    }

    @Test func carriageReturnsBecomeLineFeeds() {
        let doc = HTMLParser.parse("<pre>a</pre>")
        var d = doc
        let pre = d.firstElement(named: "pre")!
        d.setText("a\r\nb\rc", of: d[pre].children[0])
        #expect(MarkdownWriter().markdown(for: d, from: d.body!) == "```\na\nb\nc\n```\n")
    }

    @Test func emptyAndBlankLinesInsideContainers() {
        #expect(md("<blockquote><pre>a\n\nb</pre></blockquote>") == "> ```\n> a\n>\n> b\n> ```\n")
        #expect(md("<ul><li><pre>a\n\nb</pre></li></ul>") == "- ```\n  a\n\n  b\n  ```\n")
    }

    @Test func fenceOutlastsBackticksAndTildes() {
        #expect(md("<pre>```\nx\n```</pre>") == "~~~\n```\nx\n```\n~~~\n")
        #expect(md("<pre>````\n~~~</pre>") == "`````\n````\n~~~\n`````\n")
        #expect(md("<pre>a ``` b</pre>") == "```\na ``` b\n```\n")
    }

    @Test(arguments: [
        (#"<pre><code class="language-swift">x</code></pre>"#, "swift"),
        (#"<pre class="lang-rb">x</pre>"#, "rb"),
        (#"<div class="highlight highlight-source-python"><pre>x</pre></div>"#, "python"),
        (#"<div class="highlight-cpp"><pre>x</pre></div>"#, "cpp"),
        (#"<pre class="brush: js; gutter: false">x</pre>"#, "js"),
        (#"<pre class="brush:php">x</pre>"#, "php"),
        (#"<pre data-lang="go">x</pre>"#, "go"),
        (#"<pre class="sourceCode haskell"><code class="sourceCode haskell">x</code></pre>"#, "haskell"),
        (#"<pre><code class="hljs language-c++">x</code></pre>"#, "c++"),
        (#"<pre><code class="nohighlight">x</code></pre>"#, ""),
        (#"<pre><code class="language-a`b">x</code></pre>"#, "ab"),
    ])
    func language(_ html: String, _ lang: String) {
        #expect(md(html) == "```" + lang + "\nx\n```\n")
    }

    @Test func highlighterLineNumberTableIsItsCode() {
        let html = #"<figure class="highlight python"><table><tr><td class="gutter"><pre>1<br>2</pre></td><td class="code"><pre>a = 1<br>b = 2</pre></td></tr></table></figure>"#
        #expect(md(html) == "```python\na = 1\nb = 2\n```\n")
    }
}
