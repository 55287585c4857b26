import OffprintSupport
import Foundation
import OffprintTestSupport
import Testing
@testable import OffprintImages

@Suite struct SnifferTests {
    @Test(arguments: Fixture.all.map(\.name))
    func fixtureTypeAndSize(_ name: String) throws {
        let f = try #require(Fixture.all.first { $0.name == name })
        #expect(ImageSniffer.sniff(f.bytes) == .image(ImageInfo(mediaType: f.mediaType, width: f.width, height: f.height)))
    }

    @Test func generatedPNGsOfManySizes() {
        for k in [1, 2, 17, 255, 256, 1000] {
            let png = makePNG(width: k, height: k / 2 + 1, seed: k)
            #expect(ImageSniffer.sniff(png) == .image(ImageInfo(mediaType: .png, width: k, height: k / 2 + 1)))
        }
    }

    @Test func truncatedHeadersStillGiveTheType() {
        // A cut-off file is still recognised by its signature; the size may be unknown.
        for f in Fixture.all {
            guard case .image(let info) = ImageSniffer.sniff(f.bytes.prefix(30)) else {
                Issue.record("\(f.name) cut to 30 bytes is not recognised")
                continue
            }
            #expect(info.mediaType == f.mediaType, "\(f.name)")
        }
    }

    @Test func bigEndianTIFFAndCoreHeaderBMP() {
        // MM TIFF: IFD at 8 with ImageWidth (SHORT 300) and ImageLength (LONG 70000).
        var tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 2]
        tiff += [0x01, 0x00, 0, 3, 0, 0, 0, 1, 0x01, 0x2C, 0, 0]
        tiff += [0x01, 0x01, 0, 4, 0, 0, 0, 1, 0x00, 0x01, 0x11, 0x70]
        tiff += [0, 0, 0, 0]
        #expect(ImageSniffer.sniff(tiff) == .image(ImageInfo(mediaType: .tiff, width: 300, height: 70000)))

        var bmp: [UInt8] = Array("BM".utf8) + [0, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0]
        bmp += [12, 0, 0, 0, 0x40, 0x01, 0xC8, 0x00, 1, 0, 24, 0]
        #expect(ImageSniffer.sniff(bmp) == .image(ImageInfo(mediaType: .bmp, width: 320, height: 200)))
        // A top-down BMP has a negative height.
        var topDown: [UInt8] = Array("BM".utf8) + [UInt8](repeating: 0, count: 12)
        topDown += [40, 0, 0, 0, 10, 0, 0, 0, 0xF6, 0xFF, 0xFF, 0xFF]
        #expect(ImageSniffer.sniff(topDown) == .image(ImageInfo(mediaType: .bmp, width: 10, height: 10)))
    }

    @Test(arguments: [
        (#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"/>"#, 120, 80),
        (#"<svg xmlns="http://www.w3.org/2000/svg" width="120px" height='80.4px' viewBox="0 0 12 8"></svg>"#, 120, 80),
        (#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150"><rect/></svg>"#, 300, 150),
        (#"<svg viewBox="0,0,50,25" width="100%" xmlns="http://www.w3.org/2000/svg"/>"#, 50, 25),
        (#"<svg width="200" viewBox="0 0 100 50" xmlns="http://www.w3.org/2000/svg"/>"#, 200, 100),
        (#"<svg width="72pt" height="36pt" xmlns="http://www.w3.org/2000/svg"/>"#, 96, 48),
        ("\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generator: Adobe Illustrator -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [\n <!ENTITY ns \"x\">\n]>\n<svg version=\"1.1\" width=\"64\" height=\"32\">", 64, 32),
        (#"<svg:svg xmlns:svg="http://www.w3.org/2000/svg" width="10" height="20"/>"#, 10, 20),
    ])
    func svgSizes(_ text: String, _ width: Int, _ height: Int) {
        #expect(ImageSniffer.sniff(Data(text.utf8)) == .image(ImageInfo(mediaType: .svg, width: width, height: height)))
    }

    @Test func svgWithoutUsableSize() {
        let text = #"<svg xmlns="http://www.w3.org/2000/svg" width="10em" height="auto"><path d="M0 0"/></svg>"#
        #expect(ImageSniffer.sniff(Data(text.utf8)) == .image(ImageInfo(mediaType: .svg)))
    }

    @Test(arguments: [
        ("<!DOCTYPE html>\n<html><body>Not found</body></html>", "an HTML page"),
        ("  <html lang=\"en\"><head><title>403</title>", "an HTML page"),
        ("<!-- nginx --><HTML><BODY>error</BODY></HTML>", "an HTML page"),
        ("<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x\"><html/>", "an HTML page"),
        ("<head><meta charset=utf-8></head>", "an HTML page"),
    ])
    func htmlIsNotAnImage(_ text: String, _ what: String) {
        #expect(ImageSniffer.sniff(Data(text.utf8)) == .notImage(what))
    }

    @Test func otherNonImages() {
        func verdict(_ bytes: [UInt8]) -> String {
            if case .notImage(let why) = ImageSniffer.sniff(bytes) { return why }
            return "image"
        }
        #expect(verdict([]) == "an empty file")
        #expect(verdict(Array(#"{"error":"rate limited"}"#.utf8)).hasPrefix("JSON text"))
        #expect(verdict(Array("Forbidden".utf8)) == "text (\"Forbidden…\")")
        #expect(verdict(Array("%PDF-1.7\n".utf8)) == "a PDF document")
        #expect(verdict([0x1F, 0x8B, 0x08, 0x00]).hasPrefix("gzip"))
        #expect(verdict([0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8)).hasPrefix("a HEIC"))
        #expect(verdict([0x00, 0x00, 0x01, 0x00, 1, 0]).hasPrefix("a Windows icon"))
        // What a converter (libvips, for profiles' local covers) reads: the book's image types
        // and HEIC, by the same signatures; not PDFs or text.
        let heic = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [0, 0, 0, 0] + Array("mif1heic".utf8)
        #expect(ImageSniffer.convertibleMediaType(heic) == .heic)
        #expect(ImageSniffer.convertibleMediaType([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]) == .jpeg)
        #expect(ImageSniffer.convertibleMediaType(Array("%PDF-1.7\n".utf8)) == nil)
        #expect(ImageSniffer.convertibleMediaType(Array("Forbidden".utf8)) == nil)
        #expect(verdict(Array("<rss version=\"2.0\">".utf8)) == "an XML document (root <rss>), not an image")
        #expect(verdict([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01]).hasPrefix("an unknown format (first bytes deadbeef0001"))
    }

    /// Every inline image in the real corpus pages: base64 GIF/PNG placeholders and
    /// percent-encoded SVGs, including PNG bytes labelled `image/gif`.
    @Test(.enabled(if: Corpus.available, "needs ../shared/corpus next to the repository")) func corpusDataURIs() throws {
        guard Corpus.available else {
            Issue.record("incomplete corpus: corpus not found at \(Corpus.folder.path)")
            return
        }
        // data: image URLs as attribute values ("…" or '…') or in CSS url(…).
        var uris: [String] = []
        let pattern = try NSRegularExpression(pattern: #""(data:image/[^"]*)"|'(data:image/[^']*)'|url\((data:image/[^)'"]*)\)"#)
        for file in Corpus.everyFile(extensions: ["html", "md"]) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            let ns = text as NSString
            for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                for g in 1...3 where m.range(at: g).location != NSNotFound {
                    uris.append(ns.substring(with: m.range(at: g)))
                }
            }
        }
        #expect(uris.count > 100, "found \(uris.count) data: image URLs in the corpus")
        var byType: [MediaType: Int] = [:]
        var mislabelled = 0
        var sized = 0
        for uri in uris {
            let decoded = try DataURI(uri)
            guard case .image(let info) = ImageSniffer.sniff(decoded.bytes) else {
                Issue.record("not an image: \(uri.prefix(80))")
                continue
            }
            byType[info.mediaType, default: 0] += 1
            if info.width != nil && info.height != nil { sized += 1 } else if info.mediaType != .svg {
                Issue.record("no size for \(uri.prefix(80))")   // rasters always state it
            }
            if info.mediaType != decoded.declaredType { mislabelled += 1 }
            if uri.hasPrefix("data:image/gif;base64,R0lGODlhAQABA") {
                #expect(info == ImageInfo(mediaType: .gif, width: 1, height: 1))
            }
            if uri.hasPrefix("data:image/gif;base64,iVBORw0KGgo") {
                #expect(info.mediaType == .png)   // the bytes decide, not the label
            }
        }
        #expect(byType[.gif] ?? 0 > 0 && byType[.svg] ?? 0 > 0 && byType[.png] ?? 0 > 0)
        #expect(mislabelled >= 1)
        #expect(sized > uris.count * 3 / 4)
        print("corpus data: URIs: \(uris.count) decoded, \(sized) with a pixel size, by type \(byType), \(mislabelled) labelled with another type")
    }
}

@Suite struct DataURITests {
    @Test func base64Variants() throws {
        let png = makePNG(width: 3, height: 2, seed: 1)
        let b64 = png.base64EncodedString()
        let wrapped = stride(from: 0, to: b64.count, by: 20).map { i -> String in
            let s = b64.index(b64.startIndex, offsetBy: i)
            return String(b64[s..<(b64.index(s, offsetBy: 20, limitedBy: b64.endIndex) ?? b64.endIndex)])
        }.joined(separator: "\n  ")
        let unpadded = b64.replacingOccurrences(of: "=", with: "")
        let urlSafe = b64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        for text in ["data:image/png;base64," + b64, "data:image/png;base64," + wrapped,
                     "DATA:image/png;charset=x;BASE64," + unpadded, "data:;base64," + urlSafe,
                     "data:image/png;base64," + b64.replacingOccurrences(of: "+", with: "%2B")] {
            #expect(try DataURI(text).bytes == png, "\(text.prefix(40))")
        }
    }

    @Test func percentEncodedAndRawSVG() throws {
        let svg = #"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 4 3'></svg>"#
        let encoded = "data:image/svg+xml," + svg.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        #expect(try DataURI(encoded).bytes == Data(svg.utf8))
        #expect(try DataURI("data:image/svg+xml;utf8," + svg).bytes == Data(svg.utf8))
        #expect(try DataURI("data:image/svg+xml;utf8," + svg).declaredType == .svg)
    }

    @Test func declaredTypeIsAMediaTypeOrTextPlain() throws {
        #expect(try DataURI("data:IMAGE/GIF;base64,R0lGODlh").declaredType == .gif)
        #expect(try DataURI("data: image/png ;charset=x;base64,AAAA").declaredType == .png)
        for none in ["data:,x", "data:;base64,AAAA", "data:png;base64,AAAA", "data:image/pn g,x", "data:/png,x"] {
            #expect(try DataURI(none).declaredType == .plainText, "\(none)")
        }
    }

    @Test func malformed() {
        #expect(throws: DataURI.Failure.noComma) { try DataURI("data:image/png;base64") }
        #expect(throws: DataURI.Failure.badBase64) { try DataURI("data:image/png;base64,@@@@") }
    }
}
