import Foundation
import OffprintTestSupport
import Testing

/// Feeds and Markdown posts from the command line, as the README shows them.
@Suite struct FeedCLITests {
    let fixtures = CLI.repoRoot.appendingPathComponent("Tests/OffprintFeedsTests/Fixtures")

    @Test func theOfflineExampleFeedBundlesInOneCommand() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("feed.epub")
        let r = try CLI.run(["bundle", CLI.repoRoot.appendingPathComponent("examples/feeds/offline.rss").path, "-o", out.path,
                             "--offline", "--cache-dir", dir.appendingPathComponent("cache").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("2 articles"), "\(r.stderr)")
        #expect(r.stderr.contains("1 image embedded") || r.stderr.contains("1 images embedded"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.path))
    }

    @Test func exportWritesOneFilePerEntry() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["export", fixtures.appendingPathComponent("feed.json").path, "-o", dir.path + "/"])
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["2024-12-01-text-item.md", "2024-12-02-html-item.md"])
        let md = try String(contentsOf: dir.appendingPathComponent("2024-12-02-html-item.md"), encoding: .utf8)
        #expect(md.hasPrefix("---\ntitle: HTML item\nauthor: Li Lei\ndate: 2024-12-02T08:00:00-05:00\n"), "\(md)")
        #expect(md.contains("JSON **HTML** content"))

        let one = try CLI.run(["export", fixtures.appendingPathComponent("feed.json").path, "-o", dir.appendingPathComponent("x.md").path])
        #expect(one.status != 0)
        #expect(one.stderr.contains("is a feed: it exports one Markdown file per entry, so give -o FOLDER/"), "\(one.stderr)")
    }

    @Test func aBrokenFeedNamesItsLine() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["bundle", fixtures.appendingPathComponent("broken.xml").path, "-o", dir.appendingPathComponent("b.epub").path, "--offline",
                             "--cache-dir", dir.appendingPathComponent("cache").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("broken.xml:11: not well-formed XML (Opening and ending tag mismatch: title line 10 and item)"), "\(r.stderr)")
    }

    @Test func sinceAndBodyAreValidated() throws {
        let r = try CLI.run(["bundle", fixtures.appendingPathComponent("feed.json").path, "-o", "/tmp/x.epub", "--since", "soon"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--since takes a date"), "\(r.stderr)")
        let b = try CLI.run(["export", fixtures.appendingPathComponent("feed.json").path, "--body", "rst"])
        #expect(b.status != 0)
    }

    @Test func markdownPostExportAndForcedBody() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let post = dir.appendingPathComponent("post.md")
        try Data("---\ntitle: T\ndate: 2024-01-02\n---\n# Head\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [ ] task\n".utf8).write(to: post)
        let r = try CLI.run(["export", post.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "---\ntitle: T\ndate: 2024-01-02\n---\n\n# Head\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n- [ ] task\n", "\(r.stdout)")
        let html = try CLI.run(["export", post.path, "--body", "html"])
        #expect(html.stdout.contains("\\# Head"), "\(html.stdout)")
    }
}
