import Foundation
import OffprintSupport
import Testing

@Suite("Shared support: URLs, hex, escaping, atomic files")
struct SupportTests {
    @Test("URLs encoded for book links, made absolute (RFC 3986), compared by page")
    func urls() {
        #expect(WebURL.encoded(" https://ex.com/a b?q=\"x\"#f#g ") == "https://ex.com/a%20b?q=%22x%22#f%23g")
        #expect(WebURL.encoded("https://ex.com/路径") == "https://ex.com/%E8%B7%AF%E5%BE%84")
        #expect(WebURL.encoded("https://例子.cn/路") == "https://例子.cn/%E8%B7%AF")
        #expect(WebURL.encoded("https://ex.com/100%") == "https://ex.com/100%25")
        #expect(WebURL.encoded("https://ex.com/%41") == "https://ex.com/%41")
        #expect(WebURL.absolute("../b", against: "https://ex.com/x/y/z") == "https://ex.com/x/b")
        #expect(WebURL.absolute("//cdn.ex.com/i.png", against: "http://ex.com/") == "http://cdn.ex.com/i.png")
        #expect(WebURL.absolute("//cdn.ex.com/i.png", against: nil) == "https://cdn.ex.com/i.png")
        #expect(WebURL.absolute("b.html", against: nil) == nil)
        #expect(WebURL.absolute("b.html", against: "not a base") == nil)
        #expect(WebURL.absolute("mailto:a@b.c", against: nil) == "mailto:a@b.c")
        #expect(WebURL.pageKey("https://www.Ex.com/a/#top") == WebURL.pageKey("http://ex.com/a"))
        #expect(WebURL.scheme(of: "HTTPS://x") == "https" && WebURL.scheme(of: "/a:b") == nil && WebURL.scheme(of: "1a:b") == nil)
        #expect(WebURL.isHTTP("Http://x") && !WebURL.isHTTP("ftp://x") && WebURL.isData("data:,x"))
    }

    @Test("Hex and SHA-256 match known vectors")
    func hex() {
        #expect(Hex.lower([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
        #expect(Hex.sha256(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.sha256(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var out: [UInt8] = []
        Hex.appendPercent(0xE8, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "%E8")
    }

    @Test("Escaping: text, attributes (XML and HTML), characters XML forbids")
    func escaping() {
        var t = ""
        Escape.text("a<b & c>\u{1}", into: &t, xml: true)
        #expect(t == "a&lt;b &amp; c&gt;")
        var h = ""
        Escape.text("\u{1}", into: &h, xml: false)
        #expect(h == "\u{1}")
        var a = ""
        Escape.attribute("x\"y\n<", into: &a, xml: true)
        #expect(a == "x&quot;y&#10;&lt;")
        var ah = ""
        Escape.attribute("x\"y\n", into: &ah, xml: false)
        #expect(ah == "x&quot;y\n")
        #expect(Escape.html("a \"b\" 'c' & <d>") == "a \"b\" 'c' &amp; &lt;d&gt;")
        #expect(Escape.html("a \"b\" 'c'", quotes: true, apostrophes: true) == "a &quot;b&quot; &#39;c&#39;")
        #expect(Escape.xmlSafe("a\u{0}b\u{FFFE}c\td") == "abc\td")
    }

    @Test("Atomic files: written whole, folders made, old file kept when the write fails")
    func atomicFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-support-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a/b/out.txt")
        try AtomicFile.write(Data("one".utf8), to: file)
        #expect(try String(contentsOf: file, encoding: .utf8) == "one")
        try AtomicFile.write(Array("two".utf8), to: file, sync: false)
        #expect(try String(contentsOf: file, encoding: .utf8) == "two")
        let copy = dir.appendingPathComponent("c/copy.txt")
        try AtomicFile.copy(file, to: copy)
        #expect(try String(contentsOf: copy, encoding: .utf8) == "two")
        // No temporary files left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("a/b").path)
        #expect(left == ["out.txt"])
        // A destination that is a folder cannot be replaced: the error names the step and the path.
        let folder = dir.appendingPathComponent("folder")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("inside"), withIntermediateDirectories: true)
        do {
            try AtomicFile.write(Data("x".utf8), to: folder)
            Issue.record("writing over a non-empty folder should fail")
        } catch {
            #expect(error.step == .rename)
            #expect(error.path == folder.path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["a", "c", "folder"])
    }

    @Test("Atomic copy with sync: the copy is flushed, no temporary file is left, a missing source names itself")
    func atomicSyncedCopy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-support-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("src.bin")
        try AtomicFile.write(Data((0..<300_000).map { UInt8($0 & 0xFF) }), to: source)
        let dest = dir.appendingPathComponent("device/books/src.bin")
        try AtomicFile.copy(source, to: dest, sync: true)
        #expect(try Data(contentsOf: dest) == Data(contentsOf: source))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dest.deletingLastPathComponent().path) == ["src.bin"])
        do {
            try AtomicFile.copy(dir.appendingPathComponent("none"), to: dest, sync: true)
            Issue.record("copying a missing file should fail")
        } catch {
            #expect(error.step == .copy && error.path == dir.appendingPathComponent("none").path)
        }
        #expect(try Data(contentsOf: dest) == Data(contentsOf: source), "the old copy stays")
    }

    @Test("Hex digit values: both cases, nothing else")
    func hexDigitValues() {
        #expect(Array("09afAF".utf8).map { Hex.value($0) } == [0, 9, 10, 15, 10, 15])
        #expect(Hex.value(UInt8(ascii: "g")) == nil && Hex.value(UInt8(ascii: "%")) == nil)
    }
}
