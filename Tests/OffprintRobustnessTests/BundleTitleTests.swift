import Foundation
import OffprintArticle
import OffprintSupport
import Testing
@testable import Offprint

/// A book made from a list of files is named for what it holds, in its own language, with
/// its dates once.
@Suite("The default title of a bundle")
struct BundleTitleTests {
    static func article(_ title: String, _ date: String, language: String? = nil) -> ArticleMetadata {
        var m = ArticleMetadata(origin: title + ".html")
        m.title = title
        m.date = ArticleDate(date)
        m.language = language.flatMap(LanguageTag.init)
        return m
    }

    @Test("A file list: the number of articles in the book's language, then the date range")
    func fileList() {
        let english = [Self.article("The VW ID. SPACE VIZZION", "2019-11-18"), Self.article("Another", "2019-11-20")]
        #expect(Bundler.defaultTitle(inputs: ["a.html", "b.html"], articles: english) == "2 articles, 2019-11-18 – 2019-11-20")
        // Chinese by the articles' declared language, or by their titles' script.
        let declared = [Self.article("Title A", "2019-09-07", language: "zh-CN"), Self.article("Title B", "2021-07-14", language: "zh-CN")]
        #expect(Bundler.defaultTitle(inputs: ["a.html", "b.html"], articles: declared) == "2 篇文章，2019-09-07 – 2021-07-14")
        let guessed = [Self.article("姚明对周琦说了啥？", "2019-09-07"), Self.article("亚马逊海外购登陆拼多多", "2019-09-07")]
        #expect(Bundler.defaultTitle(inputs: ["a.html", "b.html"], articles: guessed) == "2 篇文章，2019-09-07")
        // The book's language, when given, wins.
        #expect(Bundler.defaultTitle(inputs: ["a.html", "b.html"], articles: guessed, language: LanguageTag("de")) == "2 Artikel, 2019-09-07")
        #expect(Bundler.defaultTitle(inputs: ["a.html", "b.html"], articles: declared, language: LanguageTag("zh-TW")) == "2 篇文章，2019-09-07 – 2021-07-14")
    }

    @Test("One folder is named after the folder; one article after itself")
    func folderAndSingle() {
        let two = [Self.article("A", "2021-07-14"), Self.article("B", "2022-01-03")]
        #expect(Bundler.defaultTitle(inputs: ["/tmp/posts"], articles: two) == "posts, 2021-07-14 – 2022-01-03")
        #expect(Bundler.defaultTitle(inputs: ["a.html", "b.html"], articles: [Self.article("Only", "2021-07-14")]) == "Only")
    }
}
