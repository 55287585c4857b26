import Foundation
import OffprintTestSupport
import Testing

/// `offprint profiles` and `offprint bundle --profile …` as a user runs them.
@Suite("CLI profiles")
struct ProfileCLITests {
    @Test("offprint profiles lists every profile; --toml writes a file --profile reads back")
    func listAndFile() throws {
        let all = try CLI.run(["profiles"])
        #expect(all.status == 0)
        for name in ["generic", "kindle", "kobo", "koreader", "apple"] { #expect(all.stdout.contains("\(name): "), "\(name) missing") }
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let toml = try CLI.run(["profiles", "kobo", "--toml"])
        #expect(toml.status == 0)
        let file = dir.appendingPathComponent("mine.toml")
        try toml.stdout.replacingOccurrences(of: "grayscale = false", with: "grayscale = true").write(to: file, atomically: true, encoding: .utf8)
        let back = try CLI.run(["profiles", file.path])
        #expect(back.status == 0)
        #expect(back.stdout.contains("grey"))
        let unknown = try CLI.run(["profiles", "nook"])
        #expect(unknown.status == 2)  // a usage error
        #expect(unknown.stderr.contains("no profile named 'nook'"))
    }

    @Test("bundle --profile kobo writes a KEPUB with spans where -o says; bad flags are usage errors", .enabled(if: Corpus.available, "needs ../shared/corpus next to the repository"))
    func bundleKobo() throws {
        let hexo = Corpus.folder.appendingPathComponent("hexo")
        guard FileManager.default.fileExists(atPath: hexo.path) else {
            Issue.record("incomplete corpus: ../shared/corpus/hexo not found next to the repository")
            return
        }
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = dir.appendingPathComponent("cache").path
        let r = try CLI.run(["bundle", hexo.path, "--profile", "kobo", "--grayscale", "--offline", "--cache-dir", cache,
                             "-o", dir.appendingPathComponent("week.epub").path])
        #expect(r.status == 0, "\(r.stderr)")
        let kepub = dir.appendingPathComponent("week.epub")  // what -o names (with a warning)
        #expect(FileManager.default.fileExists(atPath: kepub.path), "\(r.stderr)")
        #expect(r.stderr.contains("week.kepub.epub"))
        #expect(r.stderr.contains("profile kobo"))
        #expect(FileManager.default.fileExists(atPath: cache + "/derived/covers"), "the generated cover is kept in the cache's derived folder")

        let bad = try CLI.run(["bundle", hexo.path, "--profile", "nook", "-o", dir.appendingPathComponent("x.epub").path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--profile takes"))
        let badSize = try CLI.run(["bundle", hexo.path, "--max-image-size", "big", "-o", dir.appendingPathComponent("x.epub").path])
        #expect(badSize.status == 2)
        #expect(badSize.stderr.contains("WIDTHxHEIGHT"))
    }
}
