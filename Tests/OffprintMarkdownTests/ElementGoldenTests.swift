import Testing
import OffprintDocument
@testable import OffprintMarkdown

/// One golden per element kind: an HTML snippet and the exact Markdown expected for it.
/// Every expected text here was checked by rendering it with cmark-gfm.
struct Golden: CustomTestStringConvertible, Sendable {
    let name: String
    let html: String
    let markdown: String
    let options: MarkdownOptions
    init(_ name: String, _ html: String, _ markdown: String, options: MarkdownOptions = .gfm) {
        self.name = name
        self.html = html
        self.markdown = markdown
        self.options = options
    }
    var testDescription: String { name }
}

@Suite struct ElementGoldenTests {
    static let goldens: [Golden] = [
        Golden("heading levels", "<h1>One</h1><h2>Two <em>em</em></h2><h6>Six</h6>", "# One\n\n## Two *em*\n\n###### Six\n", options: .gfm),
        Golden("heading with line break", "<h2>Line<br>break</h2>", "## Line break\n", options: .gfm),
        Golden("heading with only an image", "<h3><img src=\"logo.png\" alt=\"Logo\"></h3>", "### ![Logo](logo.png)\n", options: .gfm),
        Golden("heading inside a link", "<a href=\"/post\"><h2>Title</h2></a>", "## [Title](/post)\n", options: .gfm),
        Golden("heading with links", "<h2>See <a href=\"/a\">A</a> and <a href=\"/b\">B</a></h2>", "## See [A](/a) and [B](/b)\n", options: .gfm),
        Golden("heading closing hashes escaped", "<h2>C# #</h2>", "## C# \\#\n", options: .gfm),
        // gne/baijiahao__2: <h2>作者最新文章<ul><li><h3>… (no </h2>): the list stays a list.
        Golden("heading holding a list", "<h2>作者最新文章<ul><li><h3><a href=\"/a\">开发者</a></h3></li><li><h3>用它</h3></li></ul></h2><p>after</p>", "## 作者最新文章\n\n- ### [开发者](/a)\n- ### 用它\n\nafter\n", options: .gfm),
        Golden("heading split by a block keeps its other text", "<h2><a href=\"/t\">A<div>b</div></a>c<pre>code</pre>tail</h2>", "## [A b](/t) c\n\n```\ncode\n```\n\n## tail\n", options: .gfm),
        Golden("empty heading dropped", "<h2> </h2><p>text</p>", "text\n", options: .gfm),
        Golden("paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo\n", options: .gfm),
        Golden("div text and nested blocks", "<div>before<div>inner</div>after</div>", "before\n\ninner\n\nafter\n", options: .gfm),
        Golden("emphasis and strong", "<p><em>em</em> <i>i</i> <strong>strong</strong> <b>b</b> <b><i>both</i></b></p>", "*em* *i* **strong** **b** **_both_**\n", options: .gfm),
        Golden("strong around em", "<p><strong><em>x</em></strong> and <em><strong>y</strong></em></p>", "**_x_** and _**y**_\n", options: .gfm),
        Golden("emphasis with edge spaces", "<p>a<b> bold </b>b</p>", "a **bold** b\n", options: .gfm),
        Golden("empty emphasis dropped", "<p>a<b></b><i> </i>b</p>", "a b\n", options: .gfm),
        Golden("adjacent emphasis merged", "<p><b>a</b><b>b</b></p>", "**ab**\n", options: .gfm),
        // gne/guancha__2: two links to one page, the space between them dropped between CJK.
        Golden("adjacent links to one URL stay two links", "<div><a href=\"/G\"><span>观察者头条</span></a>\n\t<a href=\"/G\">查看全部</a></div>", "[观察者头条](/G)[查看全部](/G)\n", options: .gfm),
        Golden("strikethrough gfm", "<p>a<del>b</del>c <s>d</s> <strike>e</strike></p>", "a~~b~~c ~~d~~ ~~e~~\n", options: .gfm),
        Golden("strikethrough commonmark", "<p>a<del>b</del>c</p>", "a<del>b</del>c\n", options: .commonmark),
        Golden("inline code", "<p><code>a`b</code> <code>`x`</code> <code> y </code> <kbd>Ctrl</kbd></p>", "``a`b`` `` `x` `` `  y  ` `Ctrl`\n", options: .gfm),
        Golden("code in link", "<p><a href=\"/api\"><code>Foo</code></a></p>", "[`Foo`](/api)\n", options: .gfm),
        Golden("fenced code with language", "<pre><code class=\"language-python\">def f():\n    return 1\n</code></pre>", "```python\ndef f():\n    return 1\n```\n", options: .gfm),
        Golden("fenced code lang- prefix", "<pre class=\"lang-rust\"><code>fn main() {}</code></pre>", "```rust\nfn main() {}\n```\n", options: .gfm),
        Golden("fenced code github wrapper", "<div class=\"highlight highlight-source-js\"><pre>let x = 1</pre></div>", "```js\nlet x = 1\n```\n", options: .gfm),
        Golden("fenced code brush", "<pre class=\"brush: ruby; gutter: false\">puts 1</pre>", "```ruby\nputs 1\n```\n", options: .gfm),
        Golden("fenced code data-lang", "<pre><code data-lang=\"go\">x := 1</code></pre>", "```go\nx := 1\n```\n", options: .gfm),
        Golden("fenced code hexo figure", "<figure class=\"highlight python\"><table><tr><td class=\"gutter\"><pre>1\n2</pre></td><td class=\"code\"><pre>a = 1\nb = 2</pre></td></tr></table></figure>", "```python\na = 1\nb = 2\n```\n", options: .gfm),
        Golden("fence longer than backticks inside", "<pre><code>```\ncode\n```\n</code></pre>", "~~~\n```\ncode\n```\n~~~\n", options: .gfm),
        Golden("fence with backticks and tildes inside", "<pre><code>```\n~~~\n</code></pre>", "````\n```\n~~~\n````\n", options: .gfm),
        Golden("code block br and line divs", "<pre><code><div class=\"line\">a</div><div class=\"line\">b</div></code></pre><pre>x<br>y</pre>", "```\na\nb\n```\n\n```\nx\ny\n```\n", options: .gfm),
        Golden("bullet list", "<ul><li>one</li><li>two</li></ul>", "- one\n- two\n", options: .gfm),
        Golden("nested list", "<ul><li>one<ul><li>nested<ol><li>deep</li></ol></li></ul></li><li>two</li></ul>", "- one\n  - nested\n    1. deep\n- two\n", options: .gfm),
        Golden("ordered list start", "<ol start=\"9\"><li>nine</li><li>ten</li><li>eleven</li></ol>", "9. nine\n10. ten\n11. eleven\n", options: .gfm),
        Golden("loose list", "<ul><li><p>para one</p><p>more</p></li><li><p>para two</p></li></ul>", "- para one\n\n  more\n\n- para two\n", options: .gfm),
        Golden("tight item with two text blocks", "<ul><li>a<div>b</div></li></ul>", "- a\\\n  b\n", options: .gfm),
        Golden("list item with code and quote", "<ul><li>text<pre>code</pre><blockquote><p>quote</p></blockquote></li><li>next</li></ul>", "- text\n  ```\n  code\n  ```\n  > quote\n- next\n", options: .gfm),
        Golden("adjacent lists stay apart", "<ul><li>a</li></ul><ul><li>b</li></ul><ol><li>c</li></ol><ol><li>d</li></ol>", "- a\n\n* b\n\n1. c\n\n1) d\n", options: .gfm),
        Golden("list directly in list", "<ul><li>a</li><ul><li>b</li></ul><li>c</li></ul>", "- a\n  - b\n- c\n", options: .gfm),
        Golden("empty list item", "<ul><li>a</li><li></li><li>c</li></ul>", "- a\n-\n- c\n", options: .gfm),
        Golden("task list", "<ul><li><input type=\"checkbox\" checked> done</li><li><input type=\"checkbox\"> todo</li></ul>", "- [x] done\n- [ ] todo\n", options: .gfm),
        Golden("task list commonmark", "<ul><li><input type=\"checkbox\" checked> done</li></ul>", "- [x] done\n", options: .commonmark),
        Golden("blockquote", "<blockquote><p>quote</p></blockquote>", "> quote\n", options: .gfm),
        Golden("nested blockquote with list and code", "<blockquote><p>q1</p><blockquote><p>q2</p></blockquote><ul><li>item</li></ul><pre>code\n\nmore</pre></blockquote>", "> q1\n>\n> > q2\n>\n> - item\n>\n> ```\n> code\n>\n> more\n> ```\n", options: .gfm),
        Golden("table basic", "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>", "| A | B |\n| --- | --- |\n| 1 | 2 |\n", options: .gfm),
        Golden("table without thead", "<table><tr><td>h1</td><td>h2</td></tr><tr><td>a</td><td>b</td></tr></table>", "| h1 | h2 |\n| --- | --- |\n| a | b |\n", options: .gfm),
        Golden("table alignment spans pipes and breaks", "<table><thead><tr><th align=\"left\">A</th><th style=\"text-align: center\">B</th><th align=\"right\">C</th></tr></thead><tbody><tr><td>1</td><td>a|b</td><td>x<br>y</td></tr><tr><td colspan=\"2\">wide</td><td rowspan=\"2\">tall</td></tr><tr><td>p</td><td>q</td></tr></tbody></table>", "| A | B | C |\n| :--- | :---: | ---: |\n| 1 | a\\|b | x<br>y |\n| wide |  | tall |\n| p | q |  |\n", options: .gfm),
        Golden("table cell paragraphs and caption", "<table><caption>Cap</caption><tr><td>a</td><td><p>p1</p><p>p2</p></td></tr><tr><td>b</td><td>c</td></tr></table>", "Cap\n\n| a | p1<br>p2 |\n| --- | --- |\n| b | c |\n", options: .gfm),
        Golden("table with list falls back to html", "<table><tr><th>k</th><th>v</th></tr><tr><td><b>a</b></td><td><ul><li>x</li><li><a href=\"/y\" class=\"c\">y</a></li></ul></td></tr></table>", "<table>\n<tr><th>k</th><th>v</th></tr>\n<tr><td><strong>a</strong></td><td><ul><li>x</li><li><a href=\"/y\">y</a></li></ul></td></tr>\n</table>\n", options: .gfm),
        Golden("table in commonmark is html", "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>", "<table>\n<tr><th>A</th><th>B</th></tr>\n<tr><td>1</td><td>2</td></tr>\n</table>\n", options: .commonmark),
        Golden("layout table one cell", "<table><tr><td><p>Only cell</p></td></tr></table>", "Only cell\n", options: .gfm),
        Golden("layout table presentation", "<table role=\"presentation\"><tr><td>left</td><td>right</td></tr></table>", "left\n\nright\n", options: .gfm),
        Golden("images", "<p><img src=\"a.png\" alt=\"A\"> <img src=\"a b.png\" alt=\"A [x]\" title=\"T &quot;q&quot;\"> <img src=\"/w/Foo_(bar).png\"> <img src=\"x)y.png\"></p>", "![A](a.png) ![A \\[x\\]](<a b.png> \"T \\\"q\\\"\") ![](/w/Foo_(bar).png) ![](<x)y.png>)\n", options: .gfm),
        Golden("image from srcset", "<p><img srcset=\"s1.png 1x, s2.png 2x\" alt=\"s\"></p>", "![s](s1.png)\n", options: .gfm),
        Golden("image without source dropped", "<p><img alt=\"none\">text</p>", "text\n", options: .gfm),
        Golden("links", "<p><a href=\"/p\" title=\"T\">text</a> <a href=\"http://e.com\">http://e.com</a> <a href=\"mailto:a@b.co\">a@b.co</a> <a href=\"/a b\">spaces</a></p>", "[text](/p \"T\") <http://e.com> <a@b.co> [spaces](</a b>)\n", options: .gfm),
        Golden("link edge cases", "<p><a href=\"\">empty href</a> <a href=\"#x\"></a> <a href=\"javascript:void(0)\">js</a> <a name=\"anchor\">name</a></p>", "[empty href](<>) [](#x) js name\n", options: .gfm),
        Golden("link containing image", "<p><a href=\"/big.png\"><img src=\"/small.png\" alt=\"thumb\"></a></p>", "[![thumb](/small.png)](/big.png)\n", options: .gfm),
        Golden("emphasis inside link and link inside emphasis", "<p><a href=\"/u\"><b>bold</b> link</a> and <b>see <a href=\"/v\">this</a></b></p>", "[**bold** link](/u) and **see [this](/v)**\n", options: .gfm),
        Golden("block inside link", "<a href=\"/card\"><div><img src=\"c.png\" alt=\"\"></div><div>Card title</div></a>", "[![](c.png)](/card)\n\n[Card title](/card)\n", options: .gfm),
        Golden("block inside emphasis", "<b>a<div>b</div>c</b>", "**a**\n\n**b**\n\n**c**\n", options: .gfm),
        Golden("figure with caption", "<figure><img src=\"f.jpg\" alt=\"F\"><figcaption>The <b>caption</b></figcaption></figure>", "![F](f.jpg)\n\nThe **caption**\n", options: .gfm),
        Golden("hard breaks", "<p>a<br>b</p>", "a\\\nb\n", options: .gfm),
        Golden("break runs end paragraphs", "<p>a<br><br>b<br><br><br>c<br></p>", "a\n\nb\n\nc\n", options: .gfm),
        Golden("horizontal rule", "<p>one</p><hr><p>two</p>", "one\n\n* * *\n\ntwo\n", options: .gfm),
        Golden("sup and sub", "<p>x<sup>2</sup> H<sub>2</sub>O note<sup><a href=\"#fn1\">1</a></sup> ref<sup>[3]</sup></p>", "x<sup>2</sup> H<sub>2</sub>O note[1](#fn1) ref[3]\n", options: .gfm),
        // readability/wikipedia: reference back links `^ a b`, the sup being the whole link.
        Golden("sup as a back link's text", "<li><b><a href=\"#cite_ref-1\">^</a></b> <a href=\"#cite_ref-x_36-0\"><sup><i><b>a</b></i></sup></a> <a href=\"#cite_ref-x_36-1\"><sup><i><b>b</b></i></sup></a> Text <i>A</i><sup><i>n</i></sup></li>", "**[^](#cite_ref-1)** [***a***](#cite_ref-x_36-0) [***b***](#cite_ref-x_36-1) Text *A*<sup>*n*</sup>\n", options: .gfm),
        Golden("media as links", "<p><video src=\"v.mp4\"></video> <video poster=\"p.jpg\"><source src=\"v.webm\"></video> <audio src=\"a.mp3\"></audio> <iframe src=\"https://youtube.com/embed/x\" title=\"My video\"></iframe> <iframe src=\"https://e.com/x\"></iframe></p>", "[Video](v.mp4) [![Video](p.jpg)](v.webm) [Audio](a.mp3) [My video](https://youtube.com/embed/x) [Embedded content](https://e.com/x)\n", options: .gfm),
        Golden("definition list", "<dl><dt>Term</dt><dd>Definition <em>here</em></dd><dt>Two</dt><dd><p>More</p></dd></dl>", "**Term**\n\nDefinition *here*\n\n**Two**\n\nMore\n", options: .gfm),
        Golden("invisible elements skipped", "<p>a<script>var x = \"<b>\";</script><style>p{}</style><noscript>ns</noscript><template>t</template>b</p>", "ab\n", options: .gfm),
        // Hidden elements are the clean-up's to drop (CleanupOptions.removeHidden); the writer
        // writes what the tree holds (gne/thepaper__1: hidden "hot news" tabs hold real links).
        Golden("hidden elements written", "<p>a<span hidden>h</span><span style=\"display: none\">n</span></p><ul style=\"display:none;\"><li><a href=\"newsDetail_forward_4553659\">十全十美</a></li></ul>", "ahn\n\n- [十全十美](newsDetail_forward_4553659)\n", options: .gfm),
        // aeb/b37be353…: <iframe aria-hidden="true" title="Facebook Cross Domain Communication Frame">
        Golden("machinery frames dropped", "<p>a <iframe aria-hidden=\"true\" title=\"Facebook Cross Domain Communication Frame\" src=\"https://staticxx.facebook.com/connect/xd_arbiter.php\"></iframe><iframe width=\"0\" height=\"0\" src=\"https://t.example/px\"></iframe><iframe style=\"width: 1px\" src=\"https://t.example/x\"></iframe>b</p>", "a b\n", options: .gfm),
        Golden("unknown elements", "<p>a<custom-tag>b</custom-tag>c</p><widget-box>one</widget-box><widget-box style=\"display:block\">two</widget-box><widget-box style=\"display:block\">three</widget-box>", "abc\n\none\n\ntwo\n\nthree\n", options: .gfm),
        Golden("details and summary", "<details><summary>More</summary><p>Hidden text</p></details>", "More\n\nHidden text\n", options: .gfm),
        Golden("address and center", "<address>Street 1</address><center>mid</center>", "Street 1\n\nmid\n", options: .gfm),
    ]

    @Test(arguments: goldens)
    func element(_ g: Golden) {
        #expect(md(g.html, g.options) == g.markdown)
    }

    @Test func captionsCanBeItalic() {
        var o = MarkdownOptions()
        o.captions = .italic
        #expect(md(#"<figure><img src="f.jpg" alt="F"><figcaption>The <b>caption</b></figcaption></figure>"#, o) == "![F](f.jpg)\n\n_The **caption**_\n")
    }

    @Test func scriptsCanBePlainOrHTML() {
        var o = MarkdownOptions()
        o.scripts = .plain
        #expect(md("<p>x<sup>2</sup> ref<sup>[1]</sup></p>", o) == "x2 ref[1]\n")
        o.scripts = .html
        #expect(md("<p>x<sup>2</sup> ref<sup>[1]</sup></p>", o) == "x<sup>2</sup> ref<sup>[1]</sup>\n")
    }

    @Test func bulletAndLabelsAreOptions() {
        var o = MarkdownOptions()
        o.bullet = "*"
        o.videoLabel = "视频"
        #expect(md(#"<ul><li>a</li></ul><ul><li>b</li></ul><p><video src="v.mp4"></video></p>"#, o) == "* a\n\n- b\n\n[视频](v.mp4)\n")
    }

    @Test func dashThematicBreak() {
        var o = MarkdownOptions()
        o.thematicBreak = "---"
        #expect(md("<p>a</p><hr><p>b</p>", o) == "a\n\n---\n\nb\n")
        #expect(md("<ul><li>a<hr></li><li><hr></li></ul>", o) == "- a\n\n  ---\n- * * *\n")
    }

    @Test func emptyInputGivesEmptyOutput() {
        #expect(md("") == "")
        #expect(md("<div> <p>  </p><b></b><script>x</script></div>") == "")
        #expect(md("<p>&nbsp;</p>") == "")
    }

    @Test func writesFromAnyNode() {
        let doc = HTMLParser.parse("<p>before</p><article><h2>T</h2><p>body</p></article>")
        let article = doc.firstElement(named: "article")!
        #expect(MarkdownWriter().markdown(for: doc, from: article) == "## T\n\nbody\n")
    }
}
