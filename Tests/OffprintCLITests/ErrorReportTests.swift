import Foundation
import OffprintTestSupport
import Testing

/// Errors are one typed value (OffprintError) from the stage that failed to the CLI: printed
/// as `path:line: message`, and in `--report` with the step that failed.
@Suite struct ErrorReportTests {
    let seed = CLI.repoRoot.appendingPathComponent("examples/seed/post.md")

    @Test func aFailedInputIsPrintedAndReportedWithItsStep() throws {
        let dir = try CLI.tempDir()
        let feed = dir.appendingPathComponent("broken.xml")
        try "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>x</title>\n<item><title>a</item></channel></rss>\n"
            .write(to: feed, atomically: true, encoding: .utf8)
        let report = dir.appendingPathComponent("report.json")
        let r = try CLI.run(["bundle", seed.path, feed.path, "-o", dir.appendingPathComponent("b.epub").path, "--offline", "-q",
                             "--report", report.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("reading feed \(feed.path):3: not well-formed XML"), "\(r.stderr)")
        #expect(r.stderr.contains("fix it or ask its publisher (left out of the book)"), "\(r.stderr)")

        struct Report: Decodable {
            struct Entry: Decodable { var origin: String; var message: String; var step: String? }
            var errors: [Entry]
        }
        let json = try JSONDecoder().decode(Report.self, from: Data(contentsOf: report))
        #expect(json.errors.count == 1)
        #expect(json.errors.first?.origin == feed.path)
        #expect(json.errors.first?.step == "feed")
        #expect(json.errors.first?.message.contains(":3: not well-formed XML") == true)
    }
}
