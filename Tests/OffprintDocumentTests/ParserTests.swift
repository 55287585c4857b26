import Foundation
import Testing
@testable import OffprintDocument

/// The body's children as HTML, the way the tests compare trees.
func bodyHTML(_ html: String) -> String {
    let doc = HTMLParser.parse(html)
    return Serializer().serializeChildren(doc, of: doc.body!)
}

@Suite struct ParserTests {
    @Test func parsesAFragmentIntoHtmlBody() {
        let doc = HTMLParser.parse("<p>Hello <b>world</b></p>")
        #expect(doc.htmlElement != nil)
        #expect(doc.head != nil)
        #expect(bodyHTML("<p>Hello <b>world</b></p>") == "<p>Hello <b>world</b></p>")
    }

    @Test func emptyAndBlankInputGiveAnEmptyBody() {
        for input in ["", "   \n\t"] {
            let doc = HTMLParser.parse(input)
            #expect(doc.body != nil)
            #expect(doc[doc.body!].children.isEmpty)
        }
    }

    @Test(arguments: ["wbr", "source", "track", "embed"])
    func html5VoidElementsDoNotSwallowWhatFollows(tag: String) {
        let out = bodyHTML("<p>a<\(tag)>b<i>c</i></p>")
        #expect(out == "<p>a<\(tag)>b<i>c</i></p>")
    }

    /// libxml2 2.9 drops tag prefixes (`<o:p>` → `<p>`, splitting Word paragraphs;
    /// `<a0:a href>` → a link). Browsers keep them as unknown elements.
    @Test func prefixedTagNamesStayUnknownElements() {
        #expect(bodyHTML("<p class=MsoNormal>Word text<o:p></o:p> more</p>") == "<p class=\"MsoNormal\">Word text<o:p></o:p> more</p>")
        // readability/ehow-2: an XHTML-namespaced footer menu.
        let doc = HTMLParser.parse(#"<a0:nav xmlns:a0="http://www.w3.org/1999/xhtml"><a0:ul><a0:li><a0:a href="/about">About</a0:a></a0:li></a0:ul></a0:nav>"#)
        #expect(doc.elements(named: "a").isEmpty && doc.elements(named: "li").isEmpty)
        #expect(doc.elements(named: "a0:li").count == 1)
        #expect(doc[doc.elements(named: "a0:a")[0]].attribute("href") == "/about")
        // Colons elsewhere are untouched.
        #expect(bodyHTML(#"<p title="a:b">x: <a href="http://e.com/a:b">y</a></p>"#) == #"<p title="a:b">x: <a href="http://e.com/a:b">y</a></p>"#)
    }

    @Test func pictureKeepsImgAsSiblingOfSources() {
        let doc = HTMLParser.parse(#"<picture><source srcset="a.webp" type="image/webp"><source srcset="a.avif"><img src="a.jpg" alt="A"></picture>"#)
        let picture = doc.firstElement(named: "picture")!
        let names = doc[picture].children.map { doc[$0].name }
        #expect(names == ["source", "source", "img"])
        for s in doc.elements(named: "source") { #expect(doc[s].children.isEmpty) }
    }

    @Test func contentAfterTheDocumentEndStaysInTheBody() {
        // libxml2 starts a second <html> for it; browsers (and Offprint) carry on in the body.
        let doc = HTMLParser.parse("<html><head><title>T</title></head><body><p>one</p></body></html>\n<p>two</p>\nthree <b>four</b>")
        #expect(doc.elements(named: "html").count == 1)
        #expect(doc.elements(named: "body").count == 1)
        #expect(bodyHTML("<html><body><p>one</p></body></html>\n<p>two</p>") == "<p>one</p><p>two</p>")
        #expect(bodyHTML("<html><body><p>one</p></body></html><body class=x><p>two</p>") == "<p>one</p><p>two</p>")
        #expect(bodyHTML("<!DOCTYPE html><html><body><p>one</p></body></html>tail") == "<p>one</p><p>tail</p>")
        _ = doc
    }

    @Test func misnestedFormattingIsReopened() {
        #expect(bodyHTML("<p><b><i>x</b>y</i></p>") == "<p><b><i>x</i></b><i>y</i></p>")
        #expect(bodyHTML("<p><a href=\"u\"><b>x</a>y</b>z</p>") == "<p><a href=\"u\"><b>x</b></a><b>y</b>z</p>")
        // Well-nested input is left alone.
        #expect(bodyHTML("<p><b><i>x</i></b>y</p>") == "<p><b><i>x</i></b>y</p>")
    }

    @Test func misnestRepairLeavesScriptsAndCommentsAlone() {
        let html = "<p><b>x<script>if (a < b) { '</b>' }</script><!-- </b> --></b>y</p>"
        let doc = HTMLParser.parse(html)
        let p = doc.firstElement(named: "p")!
        #expect(doc.textContent(of: p).hasSuffix("y"))
        #expect(doc.elements(named: "b").count == 1)
    }

    @Test func entitiesAndAttributesAreDecoded() {
        let doc = HTMLParser.parse(#"<a href="/x?a=1&amp;b=2" title='say &quot;hi&quot;'>&lt;tag&gt; &amp; &copy; &#x4E2D;</a>"#)
        let a = doc.firstElement(named: "a")!
        #expect(doc[a].attribute("href") == "/x?a=1&b=2")
        #expect(doc[a].attribute("title") == "say \"hi\"")
        #expect(doc.textContent(of: a) == "<tag> & © 中")
    }

    @Test func upperCaseNamesAreLowered() {
        let doc = HTMLParser.parse(#"<DIV CLASS="x"><IMG SRC="a.png"></DIV>"#)
        let img = doc.firstElement(named: "img")!
        #expect(doc[img].attribute("src") == "a.png")
        #expect(doc[doc.firstElement(named: "div")!].attribute("class") == "x")
    }

    @Test func preformattedTextIsKeptExactly() {
        let code = "  line 1\n\tline <2>\n\n  end  "
        let doc = HTMLParser.parse("<pre><code>" + code.replacingOccurrences(of: "<", with: "&lt;") + "</code></pre>")
        #expect(doc.textContent(of: doc.firstElement(named: "pre")!) == code)
    }

    @Test func deepNestingDoesNotOverflowTheStack() {
        let depth = 100_000
        let html = String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth)
        let doc = HTMLParser.parse(html)
        #expect(doc.textContent(of: doc.body!).contains("deep"))
        // Walking, copying and serialising are iterative too.
        var maxDepth = 0
        doc.walk(enter: { _, d in maxDepth = max(maxDepth, d); return .descend })
        #expect(maxDepth > 200)
        let copy = doc.compacted()
        #expect(copy.count <= doc.count)
        #expect(Serializer().serialize(doc).contains("deep"))
    }

    @Test("Plain text of an HTML fragment: entities decoded, blocks and breaks as spaces, scripts left out")
    func plainTextOfAFragment() {
        #expect(HTMLParser.plainText("<p>One</p><p>Two &amp; three<br>four &lt;5&gt;</p><script>var x = 1</script>") == "One Two & three four <5>")
        #expect(HTMLParser.plainText("<div><h2>Title</h2><ul><li>a</li><li>b</li></ul></div>") == "Title a b")
        #expect(HTMLParser.plainText("Just   text,\n no markup") == "Just text, no markup")
        #expect(HTMLParser.plainText("caf&eacute; &#8212; <b>bold</b>in") == "café — boldin", "inline elements join their neighbours")
        #expect(HTMLParser.plainText("") == "")
    }

    @Test func nulBytesAndInvalidUTF8AreReplaced() {
        let bytes: [UInt8] = Array("<p>a".utf8) + [0x00, 0xFF, 0xFE] + Array("b</p>".utf8)
        let doc = HTMLParser.parse(bytes)
        let text = doc.textContent(of: doc.body!)
        #expect(text.hasPrefix("a"))
        #expect(text.hasSuffix("b"))
        #expect(text.contains("\u{FFFD}"))
        #expect(!text.contains("\u{0}"))
    }
}

@Suite struct CharsetTests {
    func encoded(_ s: String, _ enc: String) -> [UInt8] {
        // iconv through the module's own converter, in reverse, is not available: use known bytes.
        switch enc {
        case "GBK": return [0xD6, 0xD0, 0xCE, 0xC4]  // 中文
        case "BIG5": return [0xA4, 0xA4, 0xA4, 0xE5]  // 中文
        case "SJIS": return [0x93, 0xFA, 0x96, 0x7B]  // 日本
        default: return Array(s.utf8)
        }
    }

    @Test func metaCharsetGBK() {
        let bytes = Array(#"<html><head><meta charset="gbk"></head><body><p>"#.utf8) + encoded("", "GBK") + Array("</p></body></html>".utf8)
        let doc = HTMLParser.parse(bytes)
        #expect(doc.textContent(of: doc.body!) == "中文")
    }

    @Test func httpEquivBig5() {
        let bytes = Array(#"<meta http-equiv="Content-Type" content="text/html; charset=big5"><p>"#.utf8) + encoded("", "BIG5") + Array("</p>".utf8)
        #expect(HTMLParser.parse(bytes).textContent(of: HTMLParser.parse(bytes).body!) == "中文")
    }

    @Test func shiftJISAndGB2312Labels() {
        let sjis = Array(#"<meta charset=Shift_JIS><p>"#.utf8) + encoded("", "SJIS")
        let d1 = HTMLParser.parse(sjis)
        #expect(d1.textContent(of: d1.body!) == "日本")
        let gb = Array(#"<meta content="text/html;charset=gb2312" http-equiv="Content-Type"><p>"#.utf8) + encoded("", "GBK")
        let d2 = HTMLParser.parse(gb)
        #expect(d2.textContent(of: d2.body!) == "中文")
    }

    @Test func bomWinsOverMeta() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"<meta charset="gbk"><p>中文</p>"#.utf8)
        let doc = HTMLParser.parse(bytes)
        #expect(doc.textContent(of: doc.body!) == "中文")
    }

    @Test func utf16WithBOM() {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in "<p>中文 ok</p>".utf16 { bytes.append(UInt8(u & 0xFF)); bytes.append(UInt8(u >> 8)) }
        let doc = HTMLParser.parse(bytes)
        #expect(doc.textContent(of: doc.body!) == "中文 ok")
    }

    @Test func labelsMapAsWHATWGDoes() {
        #expect(Charset.canonicalName("GB2312") == "GB18030")
        #expect(Charset.canonicalName(" iso-8859-1 ") == "WINDOWS-1252")
        #expect(Charset.canonicalName("Shift_JIS") == "CP932")
        #expect(Charset.canonicalName("utf8") == "UTF-8")
    }
}
