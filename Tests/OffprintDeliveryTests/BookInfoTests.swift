import Foundation
@testable import OffprintDelivery
@testable import OffprintEPUB
import OffprintSupport
import OffprintTestSupport
import Testing

/// What `BookInfo.read` takes from a book's OPF, and how the catalog writes it.
struct BookInfoTests {
    func read(language: String) throws -> (BookInfo, String) {
        let url = try CLI.tempDir().appendingPathComponent("book.epub")
        try TestBook(title: "Tagged", language: language).write(to: url)
        let info = try BookInfo.read(url)
        var seen = Set<String>()
        let entry = OPDSCatalog.entry(BookShelf.Book(path: "book.epub", info: info, modified: Date(timeIntervalSince1970: 0)), seenIDs: &seen)
        return (info, entry)
    }

    @Test func theLanguageIsATagReadOnce() throws {
        for (written, tag) in [("de", "de"), ("zh-Hant-TW", "zh-Hant-TW"), ("en-us", "en-US"), (" pt_br ", "pt-BR")] {
            let (info, entry) = try read(language: written)
            #expect(info.language == LanguageTag(tag) && info.language?.value == tag, "\(written)")
            #expect(entry.contains("    <dc:language>\(tag)</dc:language>\n"), "\(written)")
        }
    }

    @Test func aLanguageThatIsNoTagIsLeftOut() throws {
        for written in ["English", "not a tag!", "", "e"] {
            let (info, entry) = try read(language: written)
            #expect(info.language == nil && info.title == "Tagged", "\(written)")
            #expect(!entry.contains("dc:language"), "\(written)")
        }
    }

    /// A zip of `entries` (name → text) at `url`.
    func zip(_ url: URL, _ entries: KeyValuePairs<String, String>) throws {
        let z = try ZipWriter(path: url.path, modified: Date(timeIntervalSince1970: 0))
        for (name, text) in entries { try z.add(name, string: text) }
        try z.close()
    }

    @Test func errorsNameTheBookAndTheLine() throws {
        let dir = try CLI.tempDir()
        let missing = dir.appendingPathComponent("missing.epub")
        let e1 = #expect(throws: OffprintError.self) { try BookInfo.read(missing) }
        #expect(e1?.step == .delivery && e1?.path == missing.path && e1?.description == missing.path + ": no such file")

        let notZip = dir.appendingPathComponent("text.epub")
        try Data("plain text".utf8).write(to: notZip)
        let e2 = #expect(throws: OffprintError.self) { try BookInfo.read(notZip) }
        #expect(e2?.path == notZip.path && e2?.message.hasPrefix("not a zip archive") == true)

        // A zip without META-INF/container.xml is not an EPUB: the advice is the hint.
        let plain = dir.appendingPathComponent("plain.zip.epub")
        try zip(plain, ["a.txt": "x"])
        let e3 = #expect(throws: OffprintError.self) { try BookInfo.read(plain) }
        #expect(e3?.path == plain.path && e3?.message == "not an EPUB (no META-INF/container.xml)" && e3?.hint?.contains("offprint bundle") == true)

        // A broken OPF: the entry inside the book and the line.
        let broken = dir.appendingPathComponent("broken.epub")
        try zip(broken, [
            "META-INF/container.xml": #"<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>"#,
            "content.opf": "<?xml version=\"1.0\"?>\n<package>\n<metadata>\n</package>\n",
        ])
        let e4 = #expect(throws: OffprintError.self) { try BookInfo.read(broken) }
        #expect(e4?.path == broken.path + "!content.opf" && e4?.line == 4, "\(String(describing: e4))")
        #expect(e4?.description.hasPrefix(broken.path + "!content.opf:4: the XML is not well-formed (") == true)
    }
}
