import Foundation
import OffprintTestSupport
import Testing

/// `--encoding` and charset warnings, through the binary (issue 10 §3).
@Suite struct CharsetCLITests {
    static let fixtures = CLI.repoRoot.appendingPathComponent("Tests/OffprintDocumentTests/Charsets")

    @Test func unknownEncodingIsAUsageError() throws {
        let r = try CLI.run(["export", Self.fixtures.appendingPathComponent("gbk-undeclared.html").path, "--encoding", "klingon"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--encoding"))
        #expect(r.stderr.contains("klingon"))
        #expect(r.stdout.isEmpty)
    }

    @Test func forcedEncodingWinsOverTheDeclaredOne() throws {
        // GBK bytes declaring big5: read as big5 by default, as GBK when forced.
        let page = Self.fixtures.appendingPathComponent("gbk-declaring-big5.html").path
        let forced = try CLI.run(["export", page, "--encoding", "GBK"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("我们今天在北京召开了一次关于经济发展的会议"))
        let declared = try CLI.run(["export", page])
        #expect(!declared.stdout.contains("我们今天在北京召开了一次关于经济发展的会议"))
    }

    @Test func utf8PageDeclaringGB2312HasNoMojibake() throws {
        let r = try CLI.run(["export", Self.fixtures.appendingPathComponent("utf8-declaring-gb2312.html").path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("title: 数据新闻"))
        #expect(r.stderr.isEmpty, "\(r.stderr)")
    }

    @Test func undeclaredGBKWarnsWithTheGuessAndTheFlag() throws {
        let r = try CLI.run(["export", Self.fixtures.appendingPathComponent("gbk-undeclared.html").path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("我们今天在北京召开了一次关于经济发展的会议"))
        #expect(r.stderr.contains("GBK"))
        #expect(r.stderr.contains("--encoding"))
        // --strict makes the guess a failure; -q hides it.
        #expect(try CLI.run(["export", Self.fixtures.appendingPathComponent("gbk-undeclared.html").path, "--strict"]).status == 1)
        #expect(try CLI.run(["export", Self.fixtures.appendingPathComponent("gbk-undeclared.html").path, "-q"]).stderr.isEmpty)
    }
}
