import Foundation
import Testing

/// Issue 13 part 2: the command line does what it says. Each test failed on the binary
/// before its fix.
@Suite struct CLIPromiseTests {
    let seed = CLI.repoRoot.appendingPathComponent("examples/seed/post.md")

    @Test func quietHidesWarningsNeverErrors() throws {
        let r = try CLI.run(["export", "/nonexistent.md", "-q"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent.md"))
        #expect(r.stderr.contains("no such file"))
        let b = try CLI.run(["bundle", seed.path, "/nonexistent.md", "-o", try CLI.tempDir().appendingPathComponent("b.epub").path, "-q", "--offline"])
        #expect(b.status == 1)
        #expect(b.stderr.contains("/nonexistent.md"))
    }
}
