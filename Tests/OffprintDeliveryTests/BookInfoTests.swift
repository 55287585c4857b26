import Foundation
@testable import OffprintDelivery
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
}
