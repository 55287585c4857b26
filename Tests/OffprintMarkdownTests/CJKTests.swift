import Testing
@testable import OffprintMarkdown

/// Emphasis next to CJK punctuation must still render as emphasis, and a line break in the
/// source between two CJK characters must not become a space or a line break.
@Suite struct CJKTests {
    @Test(arguments: [
        ("<p><strong>注意：</strong>这是</p>", "**注意**：这是\n"),
        ("<p>这是<strong>「重点」</strong>内容</p>", "这是「**重点**」内容\n"),
        ("<p>点击<strong><a href=\"/x\">这里</a></strong>查看</p>", "点击[**这里**](/x)查看\n"),
        ("<p>中文<em>（括号）</em>中文</p>", "中文（*括号*）中文\n"),
        // Emphasis on punctuation alone that cannot be delimited stays plain, not HTML.
        ("<p><b>标题：</b>内容<b>，</b>继续</p>", "**标题**：内容，继续\n"),
        ("<p>他说<strong>“你好！”</strong>然后走了</p>", "他说“**你好！**”然后走了\n"),
        ("<p>数据<strong>100%</strong>完成</p>", "数据**100**%完成\n"),
        ("<p><b>注意</b>:这是</p>", "**注意**:这是\n"),
        ("<p>中<b>！</b>文</p>", "中！文\n"),
        // gne/163__7 comment toolbar (its javascript: link unwrapped) and aeb/9eef8162.
        ("<ul><li><i>|</i>回复</li></ul>", "- |回复\n"),
        ("<p>Taylor wrote. <strong>\"</strong>The course</p>", "Taylor wrote. \"The course\n"),
        // Punctuation emphasis that can be delimited stays emphasis.
        ("<p>a <b>—</b> b</p>", "a **—** b\n"),
    ])
    func emphasisNextToPunctuation(_ html: String, _ expected: String) {
        #expect(md(html) == expected)
    }

    @Test func lineBreakBetweenCJKCharactersDisappears() {
        #expect(md("<p>中文\n中文 English\nword 中文\nEnglish</p>") == "中文中文 English word 中文 English\n")
        #expect(md("<p>日本語の\nテキスト</p>") == "日本語のテキスト\n")
        #expect(md("<h2>第一章\n开始</h2>") == "## 第一章开始\n")
        #expect(md("<p>中文，\n<b>粗体</b>\n继续</p>") == "中文，**粗体**继续\n")
    }

    @Test func koreanKeepsItsSpaces() {
        #expect(md("<p>한국어\n텍스트</p>") == "한국어 텍스트\n")
    }

    @Test func spacesBetweenCJKCharactersStay() {
        #expect(md("<p>7 月 14 日消息</p>") == "7 月 14 日消息\n")
    }
}
