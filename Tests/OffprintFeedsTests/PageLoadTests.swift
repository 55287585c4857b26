@testable import Offprint
@testable import OffprintHTTP
import OffprintSupport
import Testing

/// How a fetched page's media type decides how it is loaded.
@Suite struct PageLoadTests {
    func page(_ type: MediaType?) -> FetchedPage {
        FetchedPage(requestedURL: "https://example.org/a", finalURL: "https://example.org/b", bytes: [],
                    contentType: type.map { $0.value + "; charset=utf-8" }, mediaType: type, charset: "utf-8")
    }

    @Test func aMarkdownMediaTypeIsReadAsAPost() {
        for type in [MediaType.markdown, .xMarkdown] {
            let load = WebInput.pageLoad(page(type), LoadOptions())
            #expect(load.format == .post && load.sourceURL == "https://example.org/b" && load.transportCharset == "utf-8")
        }
        for type in [MediaType.html, .xhtml, nil] {
            #expect(WebInput.pageLoad(page(type), LoadOptions()).format == .auto)
        }
    }

    @Test func pagesOrFeedsAcceptBoth() {
        for type in [MediaType.html, .xhtml, .markdown, .rss, .atom, .jsonFeed, .xml, .textXML] {
            #expect(WebInput.pageOrFeed.accepts(type), "\(type)")
        }
        #expect(!WebInput.pageOrFeed.accepts(.png) && !WebInput.pageOrFeed.accepts(.anyText))
    }
}
