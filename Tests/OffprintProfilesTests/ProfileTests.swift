import Foundation
import OffprintSupport
import OffprintImages
import OffprintTemplates
@testable import OffprintProfiles
import Testing

@Suite("Image conversion")
struct ImageConversionTests {
    @Test("Target sizes keep the aspect and every limit")
    func targetSizes() {
        let s = ImageSettings(maxWidth: 1264, maxHeight: 1680, maxPixels: 1_000_000)
        #expect(s.targetSize(width: 800, height: 600) == (800, 600))
        let a = s.targetSize(width: 4000, height: 3000)
        #expect(a.width <= 1264 && a.height <= 1680 && a.width * a.height <= 1_000_000)
        #expect(abs(Double(a.width) / Double(a.height) - 4.0 / 3.0) < 0.01)
        let tall = s.targetSize(width: 1000, height: 20000)
        #expect(tall.height <= 1680 && tall.width >= 1)
        let apple = ImageSettings(maxPixels: 5_600_000)
        let b = apple.targetSize(width: 3200, height: 2400)
        #expect(b.width * b.height <= 5_600_000 && b.width * b.height > 5_500_000)
    }

    @Test("WebP becomes JPEG, transparency stays PNG, TIFF and animations convert, SVG rasterises where it must")
    func conversions() throws {
        let kindle = DeviceProfile.kindle.images
        let webp = try ImageConverter.convert(TestImages.bytes(.webp), mediaType: .webp, settings: kindle)
        #expect(webp.mediaType == .jpeg)
        #expect(webp.width == 1264 && webp.height == 948)
        let png = try ImageConverter.convert(TestImages.bytes(.alphaPNG), mediaType: .png, settings: kindle)
        #expect(png.mediaType == .png)
        #expect(try VImage.open(png.bytes!).hasAlpha)
        let gif = try ImageConverter.convert(TestImages.bytes(.gif), mediaType: .gif, settings: kindle)
        #expect(gif.bytes != nil)
        #expect(try VImage.open(gif.bytes!).pages == 1)
        let keepAnimated = try ImageConverter.convert(TestImages.bytes(.gif), mediaType: .gif, settings: DeviceProfile.apple.images)
        #expect(keepAnimated.bytes == nil)
        let tiff = try ImageConverter.convert(TestImages.bytes(.tiff), mediaType: .tiff, settings: DeviceProfile.apple.images)
        #expect(tiff.mediaType == .jpeg, "a photo scan goes JPEG: \(tiff.note)")
        let svg = try ImageConverter.convert(TestImages.bytes(.svg), mediaType: .svg, settings: kindle)
        #expect(svg.mediaType == .png)
        #expect((svg.width ?? 0) >= 300)
        #expect(try ImageConverter.convert(TestImages.bytes(.svg), mediaType: .svg, settings: DeviceProfile.koreader.images).bytes == nil)
        let big = try ImageConverter.convert(TestImages.bytes(.bigJPEG), mediaType: .jpeg, settings: DeviceProfile.apple.images)
        #expect((big.width ?? 0) * (big.height ?? 0) <= 5_600_000)
    }

    @Test("Grey and a byte budget")
    func greyAndBudget() throws {
        var s = DeviceProfile.koreader.images
        s.grayscale = true
        s.maxImageBytes = 60_000
        let r = try ImageConverter.convert(TestImages.bytes(.bigJPEG), mediaType: .jpeg, settings: s)
        let img = try VImage.open(r.bytes!)
        #expect(img.bands == 1)
        #expect(r.bytes!.count <= 60_000, "\(r.note)")
    }

    @Test("Damaged image bytes fail with a message, not a crash")
    func damaged() {
        #expect(throws: OffprintError.self) {
            _ = try ImageConverter.convert(Array(TestImages.bytes(.bigJPEG).prefix(100)) + [UInt8](repeating: 0, count: 50), mediaType: .jpeg, settings: DeviceProfile.kindle.images)
        }
        #expect(throws: OffprintError.self) {
            _ = try ImageConverter.convert(Array("<svg".utf8), mediaType: .svg, settings: DeviceProfile.kindle.images)
        }
    }

    @Test("The water level caps images to a total")
    func waterLevel() {
        #expect(ProfileBuilder.waterLevel([100, 200, 300], total: 600) == 300)
        #expect(ProfileBuilder.waterLevel([100, 200, 300], total: 450) == 175)
        #expect(ProfileBuilder.waterLevel([100, 200, 300], total: 30) == 10)
    }
}

@Suite("KEPUB")
struct KEPUBTests {
    static func kepub(_ body: String) -> String {
        let doc = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml"><head><title>T. Title</title></head><body>\(body)</body></html>
            """
        return String(decoding: KEPUB.transform(Array(doc.utf8)), as: UTF8.self)
    }

    @Test("Sentences, paragraphs and images get numbered spans, as kepubify numbers them")
    func spans() {
        let out = Self.kepub("<h1>Head</h1><p>One. Two! <em>Three?</em> Four</p><p><img src=\"a.png\" alt=\"\"/></p><ul><li>x</li></ul>")
        #expect(out.contains(#"<body><div id="book-columns"><div id="book-inner"><h1><span class="koboSpan" id="kobo.0.1">Head</span></h1>"#))
        #expect(out.contains(#"<p><span class="koboSpan" id="kobo.1.1">One. </span><span class="koboSpan" id="kobo.1.2">Two! </span><em><span class="koboSpan" id="kobo.1.3">Three?</span></em><span class="koboSpan" id="kobo.1.4"> Four</span></p>"#))
        #expect(out.contains(#"<p><span class="koboSpan" id="kobo.2.1"><img src="a.png" alt=""/></span></p>"#))
        #expect(out.contains(#"<ul><li><span class="koboSpan" id="kobo.3.1">x</span></li></ul></div></div></body>"#))
        #expect(out.contains(#"<title>T. Title</title>"#), "no spans in the head")
        #expect(out.contains(KEPUB.styleHack + "</head>"))
    }

    @Test("No spans in pre, script, svg; CJK sentences split; entities and white space kept")
    func protectedAndCJK() {
        let out = Self.kepub("<pre>a. b. c</pre><svg xmlns=\"http://www.w3.org/2000/svg\"><text>x. y</text></svg><p>第一句。第二句！“引号。”结束</p><p>A &amp; B. C</p><div>\n  </div>")
        #expect(out.contains("<pre>a. b. c</pre>"))
        #expect(out.contains("<text>x. y</text>"))
        #expect(out.contains(#"<span class="koboSpan" id="kobo.1.1">第一句。</span><span class="koboSpan" id="kobo.1.2">第二句！</span><span class="koboSpan" id="kobo.1.3">“引号。”</span><span class="koboSpan" id="kobo.1.4">结束</span>"#))
        #expect(out.contains(#"<span class="koboSpan" id="kobo.2.1">A &amp; B. </span><span class="koboSpan" id="kobo.2.2">C</span>"#))
        #expect(out.contains("<div>\n  </div>"), "white space outside p is not wrapped")
    }

    @Test("A document that is KEPUB already is left alone")
    func idempotent() {
        let once = Self.kepub("<p>One. Two.</p>")
        #expect(KEPUB.transform(Array(once.utf8)) == Array(once.utf8))
    }

    @Test("Deep nesting streams without recursion")
    func deep() {
        let depth = 100_000
        let body = String(repeating: "<span>", count: depth) + "Deep. Text." + String(repeating: "</span>", count: depth)
        let out = Self.kepub(body)
        #expect(out.contains(#"<span class="koboSpan" id="kobo.0.1">Deep. </span>"#))
    }
}

@Suite("Adobe-safe CSS")
struct AdobeSafeCSSTests {
    @Test("Modern functions, custom properties, flex, grid and unknown at-rules go; the rest stays")
    func sanitize() {
        let css = """
            :root { --gap: 1em; }
            body { margin: 0; padding: calc(1em + 2px); color: #333; }
            .a { width: min(100%, 40em); display: flex; gap: 1em; font-weight: bold }
            .b { background: url("x.png") no-repeat; color: rgb(1, 2, 3); height: 100vh; }
            @supports (display: grid) { .c { display: grid } }
            @media screen and (min-width: 30em) { p { margin: var(--gap); text-indent: 1em; } }
            li:is(.x, .y) { color: red }
            /* a comment */ h1 { font-size: 1.6em; }
            """
        let out = AdobeSafeCSS.sanitize(css)
        #expect(!out.contains("calc(") && !out.contains("min(") && !out.contains("var(") && !out.contains("--gap"))
        #expect(!out.contains("display: flex") && !out.contains("gap: 1em") && !out.contains("100vh") && !out.contains("@supports") && !out.contains(":is("))
        #expect(out.contains("margin: 0;") && out.contains("color: #333;") && out.contains("font-weight: bold"))
        #expect(out.contains("background: url(\"x.png\") no-repeat;") && out.contains("color: rgb(1, 2, 3);"))
        #expect(out.contains("@media screen and (min-width: 30em) {") && out.contains("text-indent: 1em;"))
        #expect(out.contains("/* a comment */ h1 { font-size: 1.6em; }"))
        // Braces balance.
        #expect(out.filter { $0 == "{" }.count == out.filter { $0 == "}" }.count)
    }

    @Test("The bundled style sheet is Adobe-safe already")
    func bundledUnchanged() throws {
        let css = try #require(BundledTemplates.named("style.css"))
        #expect(AdobeSafeCSS.sanitize(css) == css)
    }
}

@Suite("Profile files")
struct ProfileFileTests {
    @Test("Every built-in profile survives a TOML round trip")
    func roundTrip() throws {
        for p in DeviceProfile.builtIn {
            let back = try DeviceProfile.parse(p.toml, origin: "\(p.name).toml")
            #expect(back == p, "\(p.name)")
        }
    }

    @Test("A file extends a built-in profile; mistakes are named")
    func extendsAndErrors() throws {
        let p = try DeviceProfile.parse("""
            extends = "kobo"
            name = "libra"
            [images]
            max-size = "1264x1680"
            grayscale = true
            """, origin: "libra.toml")
        #expect(p.kepub && p.images.grayscale && p.name == "libra")
        #expect { try DeviceProfile.parse("colour = true", origin: "x.toml") } throws: { ($0 as? OffprintError)?.step == .profile && ($0 as? OffprintError)?.path == "x.toml" }
        do {
            _ = try DeviceProfile.parse("[images]\njpeg-quality = 300", origin: "q.toml")
        } catch let e as OffprintError {
            #expect(e.description == "q.toml: images.jpeg-quality must be a number from 1 to 100")
            #expect(e.step == .profile && e.path == "q.toml")
        }
        let broken = #expect(throws: OffprintError.self) { try DeviceProfile.parse("name = \"a\"\nkepub = \n", origin: "b.toml") }
        #expect(broken?.path == "b.toml" && broken?.line == 2 && broken?.description.hasPrefix("b.toml:2: not valid TOML") == true, "\(String(describing: broken))")
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-profile-\(UUID().uuidString).toml")
        let unread = #expect(throws: OffprintError.self) { try DeviceProfile.load(from: missing) }
        #expect(unread?.path == missing.path && unread?.description == missing.path + ": cannot read the profile file; check the path")
        #expect(DeviceProfile.parseByteSize("50MB") == 50_000_000)
        #expect(DeviceProfile.parseByteSize("1.5 MiB") == 1_572_864)
        #expect(DeviceProfile.parseByteSize("abc") == nil)
        #expect(DeviceProfile.parseDimensions("1200x1600")! == (1200, 1600))
    }
}

@Suite("More sources")
struct MoreSourceTests {
    static let photo = TestImages.photo(640, 480)

    @Test("AVIF, HEIC and BMP become JPEG")
    func heifAndBMP() throws {
        let img = try VImage.pixels(Self.photo, width: 640, height: 480, bands: 3)
        for (bytes, type) in [(try img.heif(quality: 60, avif: true), MediaType.avif), (try img.heif(quality: 60, avif: false), .heic),
                              (Self.bmp(Self.photo, 640, 480), .bmp)] {
            #expect(ImageSniffer.convertibleMediaType(bytes) == type)
            let r = try ImageConverter.convert(bytes, mediaType: type, settings: DeviceProfile.generic.images)
            #expect(r.mediaType == .jpeg, "\(type): \(r.note)")
            #expect(r.width == 640 && r.height == 480)
        }
    }

    @Test("CMYK JPEGs always, progressive JPEGs for Kindle and Kobo, become baseline RGB")
    func jpegKinds() throws {
        let img = try VImage.pixels(Self.photo, width: 640, height: 480, bands: 3)
        let progressive = try img.progressiveJPEG(quality: 80)
        #expect(ImageConverter.JPEGInfo(progressive).progressive)
        #expect(try ImageConverter.convert(progressive, mediaType: .jpeg, settings: DeviceProfile.apple.images).bytes == nil)
        let k = try ImageConverter.convert(progressive, mediaType: .jpeg, settings: DeviceProfile.kindle.images)
        #expect(!ImageConverter.JPEGInfo(try #require(k.bytes)).progressive)
        var cmykPixels: [UInt8] = []
        cmykPixels.reserveCapacity(640 * 480 * 4)
        for i in stride(from: 0, to: Self.photo.count, by: 3) { cmykPixels += [255 - Self.photo[i], 255 - Self.photo[i + 1], 255 - Self.photo[i + 2], 0] }
        let cmyk = try VImage.pixels(cmykPixels, width: 640, height: 480, bands: 4).asCMYK().jpeg(quality: 80)
        #expect(ImageConverter.JPEGInfo(cmyk).cmyk)
        let r = try ImageConverter.convert(cmyk, mediaType: .jpeg, settings: DeviceProfile.apple.images)
        let out = try VImage.open(try #require(r.bytes))
        #expect(out.bands == 3 && !ImageConverter.JPEGInfo(r.bytes!).cmyk)
    }

    /// A 24-bit BMP (bottom-up rows, padded to 4 bytes).
    static func bmp(_ rgb: [UInt8], _ w: Int, _ h: Int) -> [UInt8] {
        let row = (w * 3 + 3) / 4 * 4
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        var out: [UInt8] = Array("BM".utf8) + le32(54 + row * h) + le32(0) + le32(54)
        out += le32(40) + le32(w) + le32(h) + le16(1) + le16(24) + le32(0) + le32(row * h) + le32(2835) + le32(2835) + le32(0) + le32(0)
        for y in (0..<h).reversed() {
            for x in 0..<w { let i = (y * w + x) * 3; out += [rgb[i + 2], rgb[i + 1], rgb[i]] }
            out += [UInt8](repeating: 0, count: row - w * 3)
        }
        return out
    }
}

@Suite("Derived cache")
struct DerivedCacheTests {
    @Test("Prune removes what no build used for a while, keeps the rest; a pruned image is converted again")
    func prune() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-derived-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let provider = try GeneratedImageProvider()
        let conv = ConvertingImageProvider(wrapping: provider, settings: DeviceProfile.kindle.images, directory: dir)
        let r = await conv.images(for: ["https://img.test/a.webp", "https://img.test/b.jpg"])
        #expect(r.values.allSatisfy { if case .success = $0 { return true } else { return false } })
        #expect(conv.summary.converted == 2)
        // Nothing is old yet.
        #expect(ConvertingImageProvider.prune(directory: dir, olderThan: 3600).filesRemoved == 0)
        // A day later.
        let later = ConvertingImageProvider.prune(directory: dir, olderThan: 3600, now: Date().addingTimeInterval(86400))
        #expect(later.filesRemoved == 4)  // two records, two converted images
        let again = ConvertingImageProvider(wrapping: provider, settings: DeviceProfile.kindle.images, directory: dir)
        _ = await again.images(for: ["https://img.test/a.webp"])
        #expect(again.summary.converted == 1 && again.summary.reused == 0)
    }
}
