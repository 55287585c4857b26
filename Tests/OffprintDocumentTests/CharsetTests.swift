import Foundation
import OffprintTestSupport
import Testing
@testable import OffprintDocument

/// One test per charset case of issue 10: the fixtures in `Charsets/` were encoded by Python's
/// codecs from the texts below.
@Suite struct CharsetResolutionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Charsets")
    static let simplified = "我们今天在北京召开了一次关于经济发展的会议。"
    static let traditional = "我們今天在台北召開了一次關於經濟發展的會議。"
    static let japanese = "今日は東京で経済についての会議が開かれました。"
    static let korean = "오늘 서울에서 경제 발전에 관한 회의가 열렸습니다."
    static let french = "Le café de la gare était fermé à cause de la grève; nous avons marché jusqu’à l’hôtel"

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func resolve(_ name: String, forced: String? = nil, transport: String? = nil) throws -> Charset.Decision {
        try bytes(name).withUnsafeBytes { Charset.resolve($0, forced: forced, transport: transport) }
    }

    static func bodyText(_ name: String, forced: String? = nil, transport: String? = nil) throws -> String {
        let doc = HTMLParser.parse(try bytes(name), options: .init(encodingHint: forced, transportCharset: transport))
        return doc.textContent(of: doc.body!)
    }

    @Test func utf8DeclaringGB2312IsReadAsUTF8() throws {
        let d = try Self.resolve("utf8-declaring-gb2312.html")
        #expect(d.encoding == "UTF-8")
        #expect(d.source == .utf8Content)
        #expect(d.overridden == "gb2312")
        #expect(d.warning == nil)
        #expect(try Self.bodyText("utf8-declaring-gb2312.html").contains(Self.simplified))
        // The same from an HTTP header that says gbk.
        #expect(try Self.resolve("utf8-declaring-gb2312.html", transport: "gbk").encoding == "UTF-8")
    }

    @Test func undeclaredGBKIsGuessedWithAWarning() throws {
        let d = try Self.resolve("gbk-undeclared.html")
        #expect(d.encoding == "GB18030")
        #expect(d.source == .guessed)
        #expect(d.warning?.contains("GBK") == true)
        #expect(d.warning?.contains("--encoding") == true)
        #expect(try Self.bodyText("gbk-undeclared.html").contains(Self.simplified))
    }

    @Test func undeclaredBig5IsGuessed() throws {
        let d = try Self.resolve("big5-undeclared.html")
        #expect(d.encoding == "BIG5-HKSCS")
        #expect(d.warning?.contains("Big5") == true)
        #expect(try Self.bodyText("big5-undeclared.html").contains(Self.traditional))
    }

    @Test func undeclaredShiftJISIsGuessed() throws {
        let d = try Self.resolve("shift_jis-undeclared.html")
        #expect(d.encoding == "CP932")
        #expect(d.warning?.contains("Shift_JIS") == true)
        #expect(try Self.bodyText("shift_jis-undeclared.html").contains(Self.japanese))
    }

    @Test func undeclaredEUCKRIsGuessed() throws {
        let d = try Self.resolve("euc-kr-undeclared.html")
        #expect(d.encoding == "CP949")
        #expect(d.warning?.contains("EUC-KR") == true)
        #expect(try Self.bodyText("euc-kr-undeclared.html").contains(Self.korean))
    }

    @Test func undeclaredWindows1252IsGuessed() throws {
        let d = try Self.resolve("windows-1252-undeclared.html")
        #expect(d.encoding == "WINDOWS-1252")
        #expect(d.warning?.contains("Windows-1252") == true)
        #expect(try Self.bodyText("windows-1252-undeclared.html").contains(Self.french))
    }

    @Test func declaredLegacyCharsetIsUsedWithoutAWarning() throws {
        let d = try Self.resolve("gbk-declaring-gb2312.html")
        #expect(d.encoding == "GB18030")
        #expect(d.source == .meta)
        #expect(d.warning == nil)
        #expect(try Self.bodyText("gbk-declaring-gb2312.html").contains(Self.simplified))
    }

    @Test func headerWinsOverMeta() throws {
        // GBK bytes, <meta> says big5, the header says gbk: the header wins, as in browsers.
        let d = try Self.resolve("gbk-declaring-big5.html", transport: "gbk")
        #expect(d.encoding == "GB18030")
        #expect(d.source == .transport)
        #expect(try Self.bodyText("gbk-declaring-big5.html", transport: "gbk").contains(Self.simplified))
        // Without the header, the meta is believed (and is wrong: no way to know).
        #expect(try Self.resolve("gbk-declaring-big5.html").encoding == "BIG5-HKSCS")
    }

    @Test func aHeaderUTF8ContradictedByTheBytesGivesWayToMeta() throws {
        // Servers often send charset=UTF-8 by default for pages that are GBK and say so.
        let d = try Self.resolve("gbk-declaring-gb2312.html", transport: "utf-8")
        #expect(d.encoding == "GB18030")
        #expect(d.source == .meta)
        #expect(try Self.bodyText("gbk-declaring-gb2312.html", transport: "utf-8").contains(Self.simplified))
    }

    @Test func aDeclaredUTF8ThatIsNotIsGuessedAndSaysSo() throws {
        var page = Array("<meta charset=utf-8><p>".utf8)
        page += try Self.bytes("gbk-undeclared.html")
        let d = page.withUnsafeBytes { Charset.resolve($0) }
        #expect(d.encoding == "GB18030")
        #expect(d.source == .guessed)
        #expect(d.warning?.contains("declares utf-8") == true)
    }

    @Test func forcedEncodingWinsOverEverythingButABOM() throws {
        // UTF-8 bytes forced as GBK are read as GBK (the user asked for it).
        #expect(try Self.resolve("utf8-declaring-gb2312.html", forced: "gbk").encoding == "GB18030")
        // Big5 forced on GBK bytes whose meta says gb2312.
        let d = try Self.resolve("gbk-declaring-gb2312.html", forced: "big5", transport: "utf-8")
        #expect(d.encoding == "BIG5-HKSCS")
        #expect(d.source == .forced)
        // A byte-order mark is in the bytes: it wins, and the ignored flag is reported.
        let withBOM: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<p>中文</p>".utf8)
        let b = withBOM.withUnsafeBytes { Charset.resolve($0, forced: "gbk") }
        #expect(b.encoding == "UTF-8")
        #expect(b.warning?.contains("--encoding gbk") == true)
    }

    @Test func unknownLabelsAreNotSupported() {
        #expect(Charset.supportedName("klingon") == nil)
        #expect(Charset.supportedName("gbk//TRANSLIT") == nil)
        #expect(Charset.supportedName("") == nil)
        #expect(Charset.supportedName("GBK") == "GB18030")
        #expect(Charset.supportedName("latin1") == "WINDOWS-1252")
        #expect(Charset.supportedName("euc-kr") == "CP949")
        #expect(Charset.supportedName("cp1251") != nil)
        // An unknown <meta charset> is ignored, not trusted.
        let page = Array("<meta charset=klingon><p>é</p>".utf8)
        #expect(page.withUnsafeBytes { Charset.resolve($0) }.encoding == "UTF-8")
    }

    @Test func aFewBadBytesInAUTF8PageKeepItUTF8() {
        var page = Array("<p>".utf8)
        for _ in 0..<50 { page += Array("中文的内容，".utf8) }
        page += [0xFF, 0x41]
        let d = page.withUnsafeBytes { Charset.resolve($0) }
        #expect(d.encoding == "UTF-8")
        #expect(d.warning == nil)
    }

    // MARK: The corpus


    /// Sequences that only appear when text is decoded in the wrong charset: UTF-8 read as
    /// GBK (`锟斤拷`, `銆`, `锛`, `鈥`) or as Windows-1252 (`â€`, `Ã©`).
    static let mojibake = ["锟斤拷", "銆", "锛", "鈥", "â€", "Ã©", "Ã¨", "Ã¶"]

    @Test(.enabled(if: Corpus.available, "needs ../shared/corpus"))
    func noCorpusPageTurnsIntoMojibake() throws {
        let files = FileManager.default.enumerator(at: Corpus.folder, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { ["html", "htm", "md"].contains($0.pathExtension) }
        #expect(files.count > 50)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            let d = bytes.withUnsafeBytes { Charset.resolve($0) }
            let text = String(decoding: bytes.withUnsafeBytes { Charset.utf8($0, encoding: d.encoding) }, as: UTF8.self)
            if String(validating: bytes, as: UTF8.self) != nil {
                #expect(d.encoding == "UTF-8", "\(file.lastPathComponent): \(d)")
                if d.encoding == "UTF-8" { continue }  // the bytes as they are: nothing to garble
            }
            let replaced = text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
            #expect(replaced * 1000 <= text.unicodeScalars.count, "\(file.path): \(replaced) U+FFFD as \(d.encoding)")
            for m in Self.mojibake {
                let before = String(decoding: bytes, as: UTF8.self).components(separatedBy: m).count
                let after = text.components(separatedBy: m).count
                #expect(after <= before, "\(file.path): '\(m)' appears when read as \(d.encoding)")
            }
        }
    }
}
