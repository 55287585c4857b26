import Foundation
import OffprintSupport
import Testing

@Suite("Metadata values typed once: ArticleDate, LanguageTag, MediaType")
struct ValueTypesTests {
    @Test("ArticleDate keeps the text's time and zone, and gives each form from them")
    func articleDate() throws {
        let d = try #require(ArticleDate("Wed, 14 Jul 2021 23:30:05 EDT"))
        #expect(d.hasTime && d.precision == .time && d.offsetMinutes == -240)
        #expect(d.iso8601 == "2021-07-14T23:30:05-04:00")
        #expect(d.day == "2021-07-14")  // the day where it was written, not the UTC day
        #expect(d.w3cdtf == "2021-07-15T03:30:05Z")
        #expect(d.date == Date(timeIntervalSince1970: 1_626_319_805))

        let day = try #require(ArticleDate("2021年9月23日"))
        #expect(!day.hasTime && day.offsetMinutes == nil && day.iso8601 == "2021-09-23" && day.day == "2021-09-23" && day.w3cdtf == "2021-09-23")
        #expect(ArticleDate("2019-11-19 21:57:00")?.iso8601 == "2019-11-19T21:57:00")
        #expect(ArticleDate("2021-07-14T05:08:05.120Z")?.w3cdtf == "2021-07-14T05:08:05Z")

        #expect(ArticleDate("yesterday") == nil && ArticleDate("2021-02-30") == nil)
        // A year or a month alone: only where asked for (a book's date).
        #expect(ArticleDate("2021") == nil && ArticleDate("2021-07") == nil)
        let month = try #require(ArticleDate("2021-07", allowingYearOrMonth: true))
        #expect(month.precision == .month && month.iso8601 == "2021-07" && month.day == "2021-07" && month.w3cdtf == "2021-07")
        #expect(ArticleDate("2021", allowingYearOrMonth: true)?.iso8601 == "2021")
        #expect(ArticleDate("2021-13", allowingYearOrMonth: true) == nil && ArticleDate("20211", allowingYearOrMonth: true) == nil)
    }

    @Test("ArticleDate orders by instant, and is coded as its ISO 8601 text")
    func articleDateOrderAndCoding() throws {
        let a = try #require(ArticleDate("2021-07-14T08:00:00+08:00"))  // 00:00 UTC
        let b = try #require(ArticleDate("2021-07-14T01:00:00Z"))
        let c = try #require(ArticleDate("2021-07-14"))                 // midnight UTC
        #expect(a < b && c < b && [b, a].max() == b)
        #expect(c < a && !(a < c))  // same instant, ordered by text: stable, consistent with ==
        let json = try JSONEncoder().encode([a])
        #expect(String(decoding: json, as: UTF8.self) == #"["2021-07-14T08:00:00+08:00"]"#)
        #expect(try JSONDecoder().decode([ArticleDate].self, from: json) == [a])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ArticleDate].self, from: Data(#"["soon"]"#.utf8)) }
    }

    @Test("LanguageTag normalises BCP 47 case and separators, and refuses what is no tag")
    func languageTag() throws {
        #expect(LanguageTag("zh_cn")?.value == "zh-CN")
        #expect(LanguageTag(" EN-us ")?.value == "en-US")
        #expect(LanguageTag("zh-hant")?.value == "zh-Hant")
        #expect(LanguageTag("zh-hant-tw")?.value == "zh-Hant-TW")
        #expect(LanguageTag("es-419")?.value == "es-419")
        #expect(LanguageTag("de-CH-1996")?.value == "de-CH-1996")
        #expect(LanguageTag("en-x-Private")?.value == "en-x-private")
        #expect(LanguageTag("zh-CMN-hans")?.value == "zh-cmn-Hans")  // an extended language subtag
        #expect(LanguageTag("de-DE-u-CO-phonebk")?.value == "de-DE-u-co-phonebk")
        for bad in ["not a tag!", "e", "English", "en-", "en-x", "", "zh-Hans-CN-toolongsubtag", "en-US-GB", "en-Latn-Cyrl", "en-US-Latn",
                    "zh-cmn-yue-wuu-nan", "de-u"] {
            #expect(LanguageTag(bad) == nil, "\(bad)")
        }
        let t = try #require(LanguageTag("zh-Hant-TW"))
        #expect(t.language == "zh" && t.script == "Hant" && t.region == "TW")
        #expect(LanguageTag("zh-cmn-Hans-CN")?.script == "Hans" && LanguageTag("zh-cmn-Hans-CN")?.region == "CN")
        #expect(LanguageTag("en-x-abcd")?.script == nil && LanguageTag("de-u-co-phonebk")?.region == nil)
        #expect(LanguageTag("en")?.script == nil && LanguageTag("en")?.region == nil && LanguageTag("es-419")?.region == "419")
        #expect(String(decoding: try JSONEncoder().encode([t]), as: UTF8.self) == #"["zh-Hant-TW"]"#)
    }

    @Test("LanguageTag knows its direction from its script, else its language")
    func languageDirection() {
        for rtl in ["ar", "ar-EG", "he", "fa-IR", "ur", "ps", "sd", "ug", "yi", "dv", "ckb", "syr", "az-Arab", "pa-Arab", "ku-Arab", "ff-Adlm", "nqo"] {
            #expect(LanguageTag(rtl)?.direction == .rtl, "\(rtl)")
        }
        for ltr in ["en", "zh-CN", "ja", "pa", "az", "ku-Latn", "und", "sd-Deva", "uz-Cyrl"] {
            #expect(LanguageTag(ltr)?.direction == .ltr, "\(ltr)")
        }
        #expect(LanguageTag.undetermined.value == "und" && LanguageTag.undetermined.direction == .ltr)
    }

    @Test("Scripts in running text: a language guessed, the dominant direction")
    func scripts() {
        #expect(LanguageTag.guess(fromScriptOf: "阿里巴巴和腾讯正考虑措施逐步向对方开放服务")?.value == "zh")
        #expect(LanguageTag.guess(fromScriptOf: "これは日本語の文章です")?.value == "ja")
        #expect(LanguageTag.guess(fromScriptOf: "한국어 문장입니다")?.value == "ko")
        #expect(LanguageTag.guess(fromScriptOf: "Plain English words") == nil)
        #expect(TextDirection.dominant(in: "שלום עולם, hello") == .rtl)
        #expect(TextDirection.dominant(in: "hello world, שלום") == .ltr)
    }

    @Test("MediaType: type/subtype lower case, parameters dropped, file extensions both ways")
    func mediaType() throws {
        #expect(MediaType("Image/PNG; q=1") == .png)
        #expect(MediaType(" text/html ; charset=utf-8")?.value == "text/html")
        #expect(MediaType("image/svg+xml") == .svg && MediaType.svg.isImage && !MediaType.xhtml.isImage)
        for bad in ["", "image", "image/", "/png", "image/png/x", "im age/png"] { #expect(MediaType(bad) == nil, "\(bad)") }
        #expect(MediaType.jpeg.fileExtension == "jpg" && MediaType.tiff.fileExtension == "tif" && MediaType.svg.fileExtension == "svg")
        #expect(MediaType("application/pdf")?.fileExtension == "bin")
        #expect(MediaType(fileExtension: "JPEG") == .jpeg && MediaType(fileExtension: ".svg") == .svg && MediaType(fileExtension: "xhtml") == .xhtml)
        #expect(MediaType(fileExtension: "exe") == nil)
        let json = try JSONEncoder().encode([MediaType.webp])
        #expect(String(decoding: json, as: UTF8.self) == #"["image\/webp"]"# || String(decoding: json, as: UTF8.self) == #"["image/webp"]"#)
        #expect(try JSONDecoder().decode([MediaType].self, from: Data(#"["image/webp"]"#.utf8)) == [.webp])
    }

    @Test("MediaType ranges: text/* matches every text type, */* every type, others only themselves")
    func mediaTypeRanges() throws {
        let plain = try #require(MediaType("text/plain"))
        #expect(MediaType.anyText.matches(plain) && MediaType.anyText.matches(.html) && MediaType("TEXT/*") == .anyText)
        #expect(!MediaType.anyText.matches(.xhtml) && !MediaType.anyText.matches(.png))
        let any = try #require(MediaType("*/*")), anyImage = try #require(MediaType("image/*"))
        #expect(any.matches(.png) && any.matches(plain) && anyImage.matches(.svg) && !anyImage.matches(plain))
        #expect(MediaType.html.matches(.html) && !MediaType.html.matches(plain) && !MediaType.html.matches(.anyText))
        #expect(MediaType("application/rss+xml") == .rss && MediaType("text/x-markdown; charset=utf-8") == .xMarkdown)
    }
}
