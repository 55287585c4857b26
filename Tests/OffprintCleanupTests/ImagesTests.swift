import Foundation
import Testing
import OffprintArticle
import OffprintDocument
@testable import OffprintCleanup

@Suite struct ImagesTests {
    static let gif1x1 = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"

    @Test(arguments: ["data-original", "data-src", "data-lazy-src", "data-actualsrc", "data-original-src", "data-url", "data-lazy", "data-hi-res-src"])
    func lazyAttributeWinsOverPlaceholder(_ attr: String) throws {
        var a = try page("<p><img src=\"\(Self.gif1x1)\" \(attr)=\"https://cdn.example/real.jpg\" alt=\"x\"></p>")
        let d = clean(&a, ImagesPass())
        #expect(d.isEmpty)
        #expect(imgSrcs(a) == ["https://cdn.example/real.jpg"])
        let img = a.document.elements(named: "img", under: a.content)[0]
        #expect(!a.document[img].hasAttribute(attr))
        #expect(a.document[img].attribute("alt") == "x")
    }

    @Test("An image shown as a block in a line of text gets a line of its own, as in the browser")
    func blockImageBreaksTheLine() throws {
        // 163.com: <p class="f_center"><img style="display: block; …">caption</p>
        var a = try page("<p><img style=\"vertical-align: middle; display: block; margin: 0 auto\" src=\"https://x/1.jpg\">Caption one</p>"
            + "<p>Before <a href=\"https://x/2.jpg\"> <img style=\"DISPLAY:BLOCK\" src=\"https://x/2.jpg\"> </a> after</p>"
            + "<p>inline <img src=\"https://x/3.jpg\"> stays</p><p><img style=\"display:block\" src=\"https://x/4.jpg\"><br>already</p>")
        clean(&a, ImagesPass())
        // (chooseSource sets src again: it comes first.)
        #expect(html(a) == "<p><img src=\"https://x/1.jpg\" style=\"vertical-align: middle; display: block; margin: 0 auto\"><br>Caption one</p>"
            + "<p>Before <br><a href=\"https://x/2.jpg\"> <img src=\"https://x/2.jpg\" style=\"DISPLAY:BLOCK\"> </a><br> after</p>"
            + "<p>inline <img src=\"https://x/3.jpg\"> stays</p><p><img src=\"https://x/4.jpg\" style=\"display:block\"><br>already</p>")
    }

    @Test func hexoPostImageTakesDataOriginalOverProxiedSrc() throws {
        var a = try page("<img class=\"lazy opacity_0 \" data-original=\"http://zkres2.myzaker.com/a_1024.jpg\" src=\"https://cors.zfour.workers.dev/?http://zkres2.myzaker.com/a_1024.jpg\">")
        clean(&a, ImagesPass())
        #expect(imgSrcs(a) == ["http://zkres2.myzaker.com/a_1024.jpg"])
    }

    @Test func rareLazyAttributeOnlyForPlaceholders() throws {
        var a = try page("<img src=\"https://x.example/555/a.jpg\" datasrc=\"https://x.example/976/a.jpg\"><img src=\"blank.gif\" datasrc=\"https://x.example/b.jpg\">")
        clean(&a, ImagesPass())
        #expect(imgSrcs(a) == ["https://x.example/555/a.jpg", "https://x.example/b.jpg"])
    }

    @Test func srcsetCandidates() {
        let kinja = "https://i.kinja-img.com/c_fill,f_auto,w_80/a.jpg 80w, https://i.kinja-img.com/c_fill,f_auto,w_800/a.jpg 800w,https://i.kinja-img.com/c_fill,w_320/a.jpg 320w"
        let c = SrcsetCandidate.parse(kinja)
        #expect(c.map(\.url) == ["https://i.kinja-img.com/c_fill,f_auto,w_80/a.jpg", "https://i.kinja-img.com/c_fill,f_auto,w_800/a.jpg", "https://i.kinja-img.com/c_fill,w_320/a.jpg"])
        #expect(SrcsetCandidate.best(c)?.width == 800)
        #expect(SrcsetCandidate.best(SrcsetCandidate.parse("a.jpg, b.jpg 2x, c.jpg 1.5x"))?.url == "b.jpg")
        #expect(SrcsetCandidate.parse("a.jpg 1x,b.jpg 2x").map(\.url) == ["a.jpg", "b.jpg"])
        // A comma right after a URL ends the candidate; one inside a URL does not.
        #expect(SrcsetCandidate.parse("a.jpg, b.jpg").map(\.url) == ["a.jpg", "b.jpg"])
        #expect(SrcsetCandidate.parse("a.jpg,b.jpg 2x").map(\.url) == ["a.jpg,b.jpg"])
    }

    @Test func srcsetOnlyAndDataSrcset() throws {
        var a = try page("""
        <img srcset="s.jpg 320w, l.jpg 1024w, m.jpg 640w">
        <img src="\(Self.gif1x1)" data-srcset="https://k.example/80.jpg 80w, https://k.example/800.jpg 800w">
        <img src="https://x.example/small.jpg" srcset="https://x.example/small.jpg 1x, https://x.example/big.jpg 2x">
        """, baseURL: "https://x.example/")
        clean(&a, ImagesPass())
        #expect(imgSrcs(a) == ["l.jpg", "https://k.example/800.jpg", "https://x.example/small.jpg"])
        var b = try page("<img src=\"https://x.example/small.jpg\" srcset=\"https://x.example/small.jpg 1x, https://x.example/big.jpg 2x\">")
        clean(&b, ImagesPass(), options: CleanupOptions(imageSource: .largest))
        #expect(imgSrcs(b) == ["https://x.example/big.jpg"])
        // srcset and sizes are gone once src holds the choice.
        let img = b.document.elements(named: "img", under: b.content)[0]
        #expect(!b.document[img].hasAttribute("srcset"))
    }

    @Test func pictureIsReplacedByItsImage() throws {
        var a = try page("""
        <figure><picture>
          <source type="image/avif" srcset="https://p.example/a.avif 2000w">
          <source type="image/webp" srcset="https://p.example/a-800.webp 800w, https://p.example/a-1600.webp 1600w">
          <img alt="pic" src="\(Self.gif1x1)">
        </picture><figcaption>cap</figcaption></figure>
        <picture><source srcset="https://p.example/only.jpg"></picture>
        <picture><source srcset="https://p.example/big.jpg 1200w"><img src="https://p.example/own.jpg"></picture>
        """)
        clean(&a, ImagesPass())
        #expect(a.document.elements(named: "picture", under: a.content).isEmpty)
        #expect(a.document.elements(named: "source", under: a.content).isEmpty)
        #expect(imgSrcs(a) == ["https://p.example/a-1600.webp", "https://p.example/only.jpg", "https://p.example/own.jpg"])
        let img = a.document.elements(named: "img", under: a.content)[0]
        #expect(a.document[img].attribute("alt") == "pic")
        #expect(a.document[a.document.parent(of: img)!].name == "figure")
    }

    @Test func placeholdersWithoutRealURLAreRemovedWithDiagnostic() throws {
        let spinner = "data:image/svg+xml;base64," + Data(#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 0 A16 16 0 0 1 32 16"><animateTransform attributeName="transform"/></path></svg>"#.utf8).base64EncodedString()
        var a = try page("""
        <p>a<img id="one" src="\(Self.gif1x1)">b<img class="lazy-load-img" src="\(spinner)"><img src="/img/blank.gif"><img src="about:blank"><img></p>
        <p><img src="https://x.example/loading-dock.jpg"></p>
        """)
        let d = clean(&a, ImagesPass())
        #expect(imgSrcs(a) == ["https://x.example/loading-dock.jpg"])
        #expect(d.count == 5)
        #expect(d.first?.location?.hasPrefix("<img id=\"one\"") == true)
        #expect(d.allSatisfy { $0.message.contains("without a usable URL") && $0.origin == "t.html" })
        #expect(a.document.textContent(of: a.content).contains("ab"))
    }

    @Test func realDataImagesStay() throws {
        // A 120×120 PNG (a QR code on the corpus pages) is a picture, not a placeholder.
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 120, 0, 0, 0, 120, 8, 6, 0, 0, 0]
        png += [UInt8](repeating: 7, count: 200)
        let uri = "data:image/png;base64," + Data(png).base64EncodedString()
        #expect(!ImageURLs.isPlaceholder(uri))
        #expect(ImageURLs.isPlaceholder(Self.gif1x1))
        var a = try page("<img alt=\"Scan me!\" src=\"\(uri)\">")
        clean(&a, ImagesPass())
        #expect(imgSrcs(a) == [uri])
    }

    @Test(arguments: [
        ("https://x/blank.gif", true), ("https://x/images/spacer.gif", true), ("https://x/grey.gif", true),
        ("https://x/placeholder.png", true), ("https://x/lazy.png", true), ("https://x/loading.gif", true),
        ("https://x/spinner.svg", true), ("https://x/transparent.png?v=2", true), ("about:blank", true),
        ("https://x/pixel-4-review.jpg", false), ("https://x/blank-page-of-history.jpg", false), ("https://x/photo.gif", false),
    ])
    func placeholderNames(_ url: String, _ expected: Bool) {
        #expect(ImageURLs.isPlaceholder(url) == expected)
    }

    @Test func lazyEmbeds() throws {
        var a = try page("<iframe data-src=\"https://www.youtube.com/embed/x\" src=\"about:blank\"></iframe><video data-src=\"/v.mp4\"></video><iframe src=\"https://keep.example/\" data-src=\"https://other.example/\"></iframe>")
        clean(&a, ImagesPass())
        let srcs = a.document.elements(named: ["iframe", "video"], under: a.content).map { a.document[$0].attribute("src") }
        #expect(srcs == ["https://www.youtube.com/embed/x", "/v.mp4", "https://keep.example/"])
    }

    @Test func noscriptFallbackReplacesPlaceholder() throws {
        var a = try page("""
        <div><span class="wrap"><img alt="Vision Pro" src="\(Self.gif1x1)"></span><noscript><img src="https://cdn.example/real.jpg" srcset="https://cdn.example/real-2x.jpg 2x"></noscript></div>
        <div><noscript><img src="https://cdn.example/only.jpg"></noscript><p>text</p></div>
        <div><noscript><img height="1" width="1" style="display:none" src="https://tracker.example/px"></noscript></div>
        """)
        clean(&a, NoscriptImagesPass())
        clean(&a, RemoveJunkPass())
        clean(&a, ImagesPass())
        #expect(imgSrcs(a) == ["https://cdn.example/real.jpg", "https://cdn.example/only.jpg"])
        #expect(a.document.elements(named: "noscript", under: a.content).isEmpty)
        let img = a.document.elements(named: "img", under: a.content)[0]
        #expect(a.document[img].attribute("alt") == "Vision Pro")
    }
}
