import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument
@testable import OffprintEPUB
import Testing

@Suite("EPUB internals")
struct InternalsTests {
    @Test("Modified date: option, then SOURCE_DATE_EPOCH, then newest article, never the clock")
    func modifiedDate() {
        let d1 = Date(timeIntervalSince1970: 1_600_000_000)
        let d2 = Date(timeIntervalSince1970: 1_650_000_000)
        #expect(EPUBBuilder.modifiedDate(option: d1, environment: ["SOURCE_DATE_EPOCH": "5"], articleDates: [d2]).0 == d1)
        #expect(EPUBBuilder.modifiedDate(option: nil, environment: ["SOURCE_DATE_EPOCH": "1700000000"], articleDates: [d2]).0 == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(EPUBBuilder.modifiedDate(option: nil, environment: [:], articleDates: [d1, d2]).0 == d2)
        let (fallback, problem) = EPUBBuilder.modifiedDate(option: nil, environment: ["SOURCE_DATE_EPOCH": "soon"], articleDates: [])
        #expect(Dates.timestamp(fallback) == "2000-01-01T00:00:00Z")
        #expect(problem?.message.contains("soon") == true)
    }

    @Test("Book language: most common primary language, then its most common tag; ties away from extended language subtags")
    func bookLanguage() {
        func tags(_ s: String...) -> [LanguageTag] { s.map { LanguageTag($0)! } }
        // Two guancha.cn pages say zh-cmn-Hans, two others zh-CN: the book says zh-CN.
        #expect(EPUBBuilder.bookLanguage(tags("zh-cmn-Hans", "zh-CN", "zh-cmn-Hans", "zh-CN"))?.value == "zh-CN")
        // The primary language is counted across its tags: 3 × zh beats 2 × en.
        #expect(EPUBBuilder.bookLanguage(tags("en", "zh-CN", "en-GB", "zh-TW", "zh-CN"))?.value == "zh-CN")
        // A majority keeps the longer tag; other ties go to the first seen.
        #expect(EPUBBuilder.bookLanguage(tags("zh-Hant-TW", "zh-Hant-TW", "zh"))?.value == "zh-Hant-TW")
        #expect(EPUBBuilder.bookLanguage(tags("en-US", "en", "en", "en-US"))?.value == "en-US")
        #expect(EPUBBuilder.bookLanguage(tags("en-GB", "en-US"))?.value == "en-GB")
        #expect(EPUBBuilder.bookLanguage([]) == nil)
    }

    @Test("Flags over a manifest: what the flags set wins, blank and empty set nothing")
    func metadataOverlay() {
        let manifest = BookMetadata(title: "Manifest", subtitle: "Sub", creators: ["M"], language: LanguageTag("en"),
                                    date: ArticleDate("2022-01-31"), subjects: ["a"], identifier: "urn:isbn:1")
        var flags = BookMetadata.unset
        #expect(manifest.overlaid(with: flags) == manifest)
        flags.title = "  "
        flags.creators = ["F1", "F2"]
        flags.language = LanguageTag("zh-CN")
        flags.subjects = []
        let m = manifest.overlaid(with: flags)
        #expect(m.title == "Manifest")
        #expect(m.creators == ["F1", "F2"])
        #expect(m.language?.value == "zh-CN")
        #expect(m.subjects == ["a"])
        #expect(m.subtitle == "Sub" && m.identifier == "urn:isbn:1" && m.date == ArticleDate("2022-01-31"))
        flags.title = "Flags"
        #expect(manifest.overlaid(with: flags).title == "Flags")
    }

    @Test("Dates: timestamps and DOS fields written in UTC")
    func dates() throws {
        #expect(Dates.timestamp(try #require(ArticleDate("2015-07-24T05:36:09+01:00")).date) == "2015-07-24T04:36:09Z")
        #expect(Dates.timestamp(try #require(ArticleDate("2021-07-14 05:08:05.123-02:30")).date) == "2021-07-14T07:38:05Z")
        #expect(Dates.timestamp(try #require(ArticleDate("2000-02-29")).date) == "2000-02-29T00:00:00Z")
        #expect(Dates.timestamp(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58Z")
        let dos = Dates.dos(try #require(ArticleDate("1970-01-01")).date)
        #expect(dos.date == UInt16(1 << 5 | 1))
        let later = Dates.dos(try #require(ArticleDate("2021-07-14T05:08:05Z")).date)
        #expect(later.date == UInt16((2021 - 1980) << 9 | 7 << 5 | 14) && later.time == UInt16(5 << 11 | 8 << 5 | 2))
    }

    @Test("Book labels follow the book's language tag")
    func labels() throws {
        #expect(BookLabels.forLanguage(try #require(LanguageTag("zh-TW"))).contents == "目錄")
        #expect(BookLabels.forLanguage(try #require(LanguageTag("zh-hant"))).contents == "目錄")
        #expect(BookLabels.forLanguage(try #require(LanguageTag("zh-Hans-TW"))).contents == "目录")
        #expect(BookLabels.forLanguage(try #require(LanguageTag("zh"))).contents == "目录")
        #expect(BookLabels.forLanguage(try #require(LanguageTag("de-CH"))).contents == "Inhalt")
        #expect(BookLabels.forLanguage(.undetermined).contents == "Contents")
    }

    @Test("Name-based UUIDs follow RFC 9562 (version 5, URL namespace)")
    func uuid() {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "https://example.com/") == dd2c1780-811a-5296-81c5-178a0ef488bc
        #expect(Identifiers.uuidV5(name: "https://example.com/") == "dd2c1780-811a-5296-81c5-178a0ef488bc")
    }

    @Test("XML names for ids (URLs: OffprintSupportTests)")
    func names() {
        #expect(XMLNames.ncName("9 bad:id") == "id-9-bad-id")
        #expect(XMLNames.isNCName("中文-id") && !XMLNames.isNCName("a:b"))
    }

    @Test("Safe inline style keeps alignment and emphasis only")
    func styles() {
        #expect(Sanitizer.safeStyle("color: red; TEXT-ALIGN: Center; font-weight:bold; background:url(x)") == "text-align: center; font-weight: bold")
        #expect(Sanitizer.safeStyle("text-indent: 2em") == "text-indent: 2em")
        #expect(Sanitizer.safeStyle("text-indent: calc(1em + 2px)") == nil)
        #expect(Sanitizer.safeStyle("position: fixed") == nil)
    }

    @Test("The splitter keeps every unit once and in order")
    func splitterOrder() {
        var html = "<div id='outer'>"
        for i in 0..<300 { html += (i % 50 == 0 ? "<h3>H\(i)</h3>" : "") + "<p>[p\(i)] " + String(repeating: "x", count: 200) + "</p>" }
        html += "</div><p>tail</p>"
        var doc = HTMLParser.parse(html)
        let body = doc.body!
        let parts = ChapterSplitter.split(&doc, root: body, maxBytes: 10_000)
        #expect(parts.count > 5)
        let text = parts.map { p in doc.textContent(of: p) }.joined()
        var last = -1
        var seen = 0
        for m in text.components(separatedBy: "[p").dropFirst() {
            if let n = Int(m.prefix(while: { $0.isNumber })) { #expect(n == last + 1); last = n; seen += 1 }
        }
        #expect(seen == 300)
        #expect(text.hasSuffix("tail"))
        let serializer = Serializer(syntax: .xhtml)
        for p in parts { #expect(serializer.serializeChildren(doc, of: p).utf8.count <= 12_000) }
    }
}
