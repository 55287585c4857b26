import Foundation
@testable import OffprintEPUB
import OffprintTestSupport
import OffprintSupport
import Testing

@Suite struct ZipReaderTests {
    @Test func readsWhatTheWriterWrote() throws {
        let dir = TempDir("zip")
        defer { dir.remove() }
        let path = dir.url.appendingPathComponent("a.epub")
        let zip = try ZipWriter(path: path.path, modified: Date(timeIntervalSince1970: 1_700_000_000))
        try zip.add("mimetype", string: "application/epub+zip", compress: false)
        try zip.add("OEBPS/ch 1.xhtml", string: "<p class=\"needle\">x</p>")
        try zip.add("OEBPS/empty.txt", bytes: [])
        try zip.close()

        let r = try ZipReader(path)
        #expect(r.names == ["mimetype", "OEBPS/ch 1.xhtml", "OEBPS/empty.txt"])
        #expect(r.string("mimetype") == "application/epub+zip")
        #expect(r.data("OEBPS/empty.txt") == [])
        #expect(r.data("missing") == nil && !r.has("missing") && r.has("mimetype"))
        #expect(r.fileSize == Int64((try Data(contentsOf: path)).count))
        #expect(r.anyEntry(where: { $0.hasSuffix(".xhtml") }, contains: Array("needle".utf8)))
        #expect(!r.anyEntry(where: { $0.hasSuffix(".txt") }, contains: Array("needle".utf8)))

        // Preloaded: the same answers after the file is gone; on demand: none.
        let snapshot = try ZipReader(path, preload: true)
        try FileManager.default.removeItem(at: path)
        #expect(snapshot.names == r.names && snapshot.string("mimetype") == "application/epub+zip")
        #expect(snapshot.anyEntry(where: { $0.hasSuffix(".xhtml") }, contains: Array("needle".utf8)))
        #expect(r.data("mimetype") == nil)
    }

    @Test func aMissingFileOrANonZipIsAnErrorNamingTheFile() throws {
        let dir = TempDir("zip")
        defer { dir.remove() }
        let missing = dir.url.appendingPathComponent("none.epub")
        let e1 = #expect(throws: OffprintError.self) { try ZipReader(missing) }
        #expect(e1?.path == missing.path && e1?.message == "no such file")
        #expect(e1?.description == "\(missing.path): no such file")
        let text = dir.url.appendingPathComponent("text.epub")
        try Data("not a zip".utf8).write(to: text)
        let e2 = #expect(throws: OffprintError.self) { try ZipReader(text) }
        #expect(e2?.path == text.path && e2?.message.hasPrefix("not a zip archive") == true)
    }
}
