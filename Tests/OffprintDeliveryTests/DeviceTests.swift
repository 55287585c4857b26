import Foundation
import OffprintTestSupport
import OffprintDelivery
import Testing

/// `offprint send --device`: fake mounted readers (folders with the marker files).
@Suite(.serialized)
struct DeviceTests {
    func reader(_ markers: [String]) throws -> URL {
        let root = try CLI.tempDir().appendingPathComponent("READER")
        for m in markers { try FileManager.default.createDirectory(at: root.appendingPathComponent(m), withIntermediateDirectories: true) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    func entries(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test func detectsEachReaderByItsMarkers() throws {
        #expect(Device.detect(try reader([".kobo"])).kind == .kobo)
        #expect(Device.detect(try reader([".kobo", ".adds/koreader"])).hasKOReader)
        #expect(Device.detect(try reader(["koreader"])).kind == .koreader)
        #expect(Device.detect(try reader(["documents", "system"])).kind == .kindle)
        let kk = Device.detect(try reader(["documents", "system", "koreader"]))
        #expect(kk.kind == .koreader && kk.isKindleWithKOReader)
        #expect(Device.detect(try reader(["system/config"])).kind == .pocketbook)
        #expect(Device.detect(try reader([".tolino"])).kind == .tolino)
        #expect(Device.detect(try reader(["Music"])).kind == .folder)
    }

    @Test func koboGetsKEPUBNamedByKepubifyRulesAtTheRoot() throws {
        let kobo = try reader([".kobo"])
        let src = try CLI.tempDir()
        // A KEPUB (koboSpans inside) named plain .epub: on the Kobo it becomes NAME.kepub.epub.
        let book = src.appendingPathComponent("Week: 47?.epub")
        let data = try TestBook(kepubSpans: true).write(to: book)
        let r = try CLI.run(["send", book.path, "--device", kobo.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Kobo at"))
        let dest = kobo.appendingPathComponent("Week_ 47_.kepub.epub")
        #expect(try Data(contentsOf: dest) == data)
        #expect(entries(kobo) == [".kobo", "Week_ 47_.kepub.epub"])  // no temporary file left
        // Already a .kepub.epub: kept; into a chosen folder.
        let k2 = src.appendingPathComponent("b.kepub.epub")
        try TestBook().write(to: k2)
        let r2 = try CLI.run(["send", k2.path, "--device", kobo.path, "--folder", "Offprint/2024"])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(FileManager.default.fileExists(atPath: kobo.appendingPathComponent("Offprint/2024/b.kepub.epub").path))
    }

    @Test func plainEPUBOnKoboKeepsItsNameWithANote() throws {
        let kobo = try reader([".kobo"])
        let book = try CLI.tempDir().appendingPathComponent("plain.epub")
        try TestBook().write(to: book)
        let r = try CLI.run(["send", book.path, "--device", kobo.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: kobo.appendingPathComponent("plain.epub").path))
        #expect(r.stderr.contains("--profile kobo"))
    }

    @Test func koreaderAndKindleWithKOReader() throws {
        let ko = try reader(["koreader"])
        let book = try CLI.tempDir().appendingPathComponent("a.epub")
        let data = try TestBook().write(to: book)
        #expect(try CLI.run(["send", book.path, "--device", ko.path]).status == 0)
        #expect(try Data(contentsOf: ko.appendingPathComponent("a.epub")) == data)
        let kk = try reader(["documents", "system", "koreader"])
        let r = try CLI.run(["send", book.path, "--device", kk.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: kk.appendingPathComponent("documents/a.epub")) == data)
    }

    @Test func kindleOverUSBRefusesEPUBAndPointsToEmail() throws {
        let kindle = try reader(["documents", "system"])
        let book = try CLI.tempDir().appendingPathComponent("a.epub")
        try TestBook().write(to: book)
        let r = try CLI.run(["send", book.path, "--device", kindle.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--to"), "\(r.stderr)")
        #expect(r.stderr.contains("Send to Kindle"))
        #expect(entries(kindle.appendingPathComponent("documents")).isEmpty)
    }

    @Test func neverOverwritesADifferentBookWithoutForce() throws {
        let dev = try reader([])
        let src = try CLI.tempDir()
        let existing = dev.appendingPathComponent("same.epub")
        let old = try TestBook(title: "Someone else's book").write(to: existing)
        let mine = src.appendingPathComponent("same.epub")
        let new = try TestBook(title: "My book").write(to: mine)
        let r = try CLI.run(["send", mine.path, "--device", dev.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("Someone else's book"), "\(r.stderr)")
        #expect(r.stderr.contains("--force"))
        #expect(try Data(contentsOf: existing) == old)
        // --force replaces it by rename (a new file, not the old one rewritten in place).
        let inodeBefore = try FileManager.default.attributesOfItem(atPath: existing.path)[.systemFileNumber] as? NSNumber
        let f = try CLI.run(["send", mine.path, "--device", dev.path, "--force"])
        #expect(f.status == 0, "\(f.stderr)")
        #expect(try Data(contentsOf: existing) == new)
        let inodeAfter = try FileManager.default.attributesOfItem(atPath: existing.path)[.systemFileNumber] as? NSNumber
        #expect(inodeBefore != inodeAfter)
        // The same file again: nothing to do.
        let again = try CLI.run(["send", mine.path, "--device", dev.path])
        #expect(again.status == 0)
        #expect(again.stdout.contains("already there"))
        #expect(entries(dev) == ["same.epub"])
    }

    @Test func aNewerBuildOfTheSameBookIsUpdated() throws {
        let dev = try reader([])
        let id = "urn:uuid:11111111-2222-3333-4444-555555555555"
        try TestBook(title: "Week", identifier: id, filler: "old").write(to: dev.appendingPathComponent("week.epub"))
        let mine = try CLI.tempDir().appendingPathComponent("week.epub")
        let new = try TestBook(title: "Week", identifier: id, filler: "new").write(to: mine)
        let r = try CLI.run(["send", mine.path, "--device", dev.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("updated"))
        #expect(try Data(contentsOf: dev.appendingPathComponent("week.epub")) == new)
    }

    @Test func autoFindsTheOneMountedReader() throws {
        let media = try CLI.tempDir()
        try FileManager.default.createDirectory(at: media.appendingPathComponent("USB STICK/Music"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: media.appendingPathComponent("KOBOeReader/.kobo"), withIntermediateDirectories: true)
        let book = try CLI.tempDir().appendingPathComponent("a.kepub.epub")
        try TestBook().write(to: book)
        let r = try CLI.run(["send", book.path, "--device", "auto"], env: ["OFFPRINT_MOUNT_ROOTS": media.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: media.appendingPathComponent("KOBOeReader/a.kepub.epub").path))
        // Two readers: choose one.
        try FileManager.default.createDirectory(at: media.appendingPathComponent("KOREADER/koreader"), withIntermediateDirectories: true)
        let two = try CLI.run(["send", book.path, "--device", "auto"], env: ["OFFPRINT_MOUNT_ROOTS": media.path])
        #expect(two.status == 1)
        #expect(two.stderr.contains("several"), "\(two.stderr)")
        // None.
        let none = try CLI.run(["send", book.path, "--device", "auto"], env: ["OFFPRINT_MOUNT_ROOTS": try CLI.tempDir().path])
        #expect(none.status == 1)
        #expect(none.stderr.contains("--device PATH"), "\(none.stderr)")
    }

    @Test func kepubifyNames() {
        #expect(DeviceCopy.kepubName("a.epub") == "a.kepub.epub")
        #expect(DeviceCopy.kepubName("a.kepub.epub") == "a.kepub.epub")
        #expect(DeviceCopy.kepubName("a.KEPUB.EPUB") == "a.kepub.epub")
        #expect(DeviceCopy.fatSafeName("a: b?.epub") == "a_ b_.epub")
    }
}

@Suite struct DeliveryREADMETests {
    @Test func readmeMentionsEverySendAndServeOption() throws {
        let readme = try String(contentsOf: CLI.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("## Sideloading"))
        for command in [["send"], ["serve"]] {
            let help = try CLI.run(command + ["--help"]).stdout
            let options = Set(help.split(whereSeparator: { " ,\n[]<>()".contains($0) })
                .filter { $0.hasPrefix("--") && $0.count > 2 && $0.dropFirst(2).allSatisfy { $0.isLetter || $0 == "-" } })
            #expect(options.contains("--to") || options.contains("--host"))
            for o in options where o != "--help" {
                #expect(readme.contains(o), "README does not mention \(command[0]) \(o)")
            }
        }
    }
}
