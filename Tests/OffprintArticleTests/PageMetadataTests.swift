import OffprintSupport
import Foundation
import OffprintTestSupport
import Testing
@testable import OffprintArticle

@Suite struct PageMetadataTests {
    func page(_ html: String, options: LoadOptions = .init()) throws -> (Article, [Diagnostic]) {
        try ArticleLoader.load(Array(html.utf8), origin: "page.html", options: options)
    }

    @Test func openGraphAndMeta() throws {
        let (a, _) = try page("""
        <html lang="en-GB"><head><title>Story headline here - The Site</title>
        <meta property="og:title" content="Story headline here">
        <meta property="og:site_name" content="The Site">
        <meta property="og:image" content="/img/cover.jpg">
        <meta property="og:url" content="https://site.example/story">
        <meta name="author" content="Jane Doe">
        <meta name="description" content="What happened &amp; why">
        <meta property="article:published_time" content="2021-07-14T05:08:05+01:00">
        <meta property="article:tag" content="news"><meta property="article:tag" content="world">
        </head><body><p>x</p></body></html>
        """)
        #expect(a.title == "Story headline here")
        #expect(a.siteName == "The Site")
        #expect(a.authors == ["Jane Doe"])
        #expect(a.summary == "What happened & why")
        #expect(a.date?.iso8601 == "2021-07-14T05:08:05+01:00")
        #expect(a.language?.value == "en-GB")
        #expect(a.sourceURL == "https://site.example/story")
        #expect(a.coverImage == "https://site.example/img/cover.jpg")
        #expect(a.tags == ["news", "world"])
        #expect(a.baseURL == "https://site.example/story")
    }

    @Test func titleSuffixIsTakenOff() throws {
        let (a, _) = try page("<html><head><title>A fairly long article title - Example News</title></head><body></body></html>")
        #expect(a.title == "A fairly long article title")
        // Too few words left: keep the whole title (Readability's rule).
        let (b, _) = try page("<html><head><title>Mozilla - Wikipedia</title></head><body></body></html>")
        #expect(b.title == "Mozilla - Wikipedia")
    }

    @Test func jsonLDGraph() throws {
        let (a, _) = try page("""
        <html><head><title>Headline of the piece | Site</title>
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"Site"},
          {"@type":"NewsArticle","headline":"Headline of the piece","author":[{"@type":"Person","name":"A. One"},{"name":"B. Two"}],
           "datePublished":"2020-09-21T10:00:00+08:00","image":{"@type":"ImageObject","url":"https://cdn.example/a.jpg"},
           "publisher":{"@type":"Organization","name":"Site Inc"},"inLanguage":"zh-CN","description":"Desc"}]}
        </script></head><body></body></html>
        """)
        #expect(a.title == "Headline of the piece")
        #expect(a.authors == ["A. One", "B. Two"])
        #expect(a.date?.iso8601 == "2020-09-21T10:00:00+08:00")
        #expect(a.coverImage == "https://cdn.example/a.jpg")
        #expect(a.siteName == "Site Inc")
        #expect(a.language?.value == "zh-CN")
        #expect(a.summary == "Desc")
    }

    @Test func dateMetaVariantsAndTimeElement() throws {
        for (tag, expected) in [
            ("<meta name=\"pubdate\" content=\"20190806103251\">", "2019-08-06T10:32:51"),
            ("<meta name=\"publishdate\" content=\"2019-09-30 22:46:13\">", "2019-09-30T22:46:13"),
            ("<meta name=\"dc.date\" content=\"2014-12-15\">", "2014-12-15"),
            ("<meta name=\"sailthru.date\" content=\"2015-04-08T12:46:00\">", "2015-04-08T12:46:00"),
            ("<meta itemprop=\"datePublished\" content=\"2019-11-19T06:56:43-05:00\">", "2019-11-19T06:56:43-05:00"),
            ("</head><body><time itemprop=\"datePublished\" datetime=\"2021年09月23日 04:09\">x</time>", "2021-09-23T04:09:00"),
        ] {
            let (a, _) = try page("<html><head>\(tag)</body></html>")
            #expect(a.date?.iso8601 == expected, "\(tag)")
        }
    }

    @Test func dateLineInText() throws {
        let (a, _) = try page("<html><body><div class=\"h-news\"><span class=\"h-time\"> 2019-12-10 07:57:40</span><span class=\"c-create-time\">5小时前</span></div></body></html>")
        #expect(a.date?.iso8601 == "2019-12-10T07:57:40")
        let (b, _) = try page("<html><body><span class=\"c-create-time\">5小时前</span><p>2019-12-10</p></body></html>")
        #expect(b.date == nil)
    }

    @Test func bylineInContent() throws {
        let (a, _) = try page("<html><body><div class=\"header\"><span class=\"author\">Menu author</span></div><p class=\"byline\">By Sam Writer</p><p>text</p></body></html>")
        #expect(a.authors == ["Sam Writer"])
    }

    @Test func baseHref() throws {
        let (a, _) = try page("<html><head><base href=\"/blog/\"><link rel=\"canonical\" href=\"https://ex.example/blog/post\"></head><body></body></html>")
        #expect(a.baseURL == "https://ex.example/blog/")
        let (b, d) = try page("<html><head><base href=\"base/\"></head><body></body></html>")
        #expect(b.baseURL == nil)
        #expect(d.contains { $0.location == "<base href=\"base/\">" })
        let (c, _) = try page("<html><head><base href=\"base/\"></head><body></body></html>", options: LoadOptions(sourceURL: "http://fakehost/test/page.html"))
        #expect(c.baseURL == "http://fakehost/test/base/")
    }

    /// Agreement with Readability.js's metadata on its own test pages.
    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func agreementWithReadability() throws {
        var agree: [String: (hit: Int, total: Int)] = [:]
        var misses: [String] = []
        func score(_ field: String, _ expected: Any?, _ got: String?, _ name: String, same: (String, String) -> Bool = { $0 == $1 }) {
            guard let e = expected as? String, !e.isEmpty else { return }
            let ok = got.map { same(e, $0) } ?? false
            agree[field, default: (0, 0)].total += 1
            if ok { agree[field]!.hit += 1 } else { misses.append("\(name) \(field): expected \(e.debugDescription), got \(got.debugDescription)") }
        }
        for p in Corpus.readabilityPages {
            let (a, _) = try ArticleLoader.load(file: p.source)
            let data = try Data(contentsOf: p.metadata)
            let m = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let ws = { (s: String) in PageMetadata.collapseWhitespace(s) }
            score("title", m["title"], a.title, p.name) { ws($0) == ws($1) }
            // Bylines found in the text lose their "By " here; Readability keeps it.
            score("byline", m["byline"], a.authors.isEmpty ? nil : a.authors.joined(separator: ", "), p.name) {
                ws($0) == ws($1) || Byline.clean($0) == $1
            }
            score("lang", m["lang"], a.language?.value, p.name) { (LanguageTag($0)?.value ?? $0) == $1 }
            score("siteName", m["siteName"], a.siteName, p.name)
            score("publishedTime", m["publishedTime"], a.date?.iso8601, p.name) { e, g in
                guard let x = ArticleDate(e), let y = ArticleDate(g) else { return false }
                return x.date == y.date
            }
            score("excerpt", m["excerpt"], a.summary, p.name) { ws($0) == ws($1) }
        }
        let report = agree.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.hit)/\($0.value.total)" }.joined(separator: ", ")
        print("readability metadata agreement: \(report)")
        for m in misses { print("  miss: \(m)") }
        for field in ["title", "byline", "lang", "siteName", "publishedTime"] {
            let a = try #require(agree[field])
            #expect(Double(a.hit) / Double(a.total) >= 0.95, "\(field): \(a.hit)/\(a.total)")
        }
    }
}
