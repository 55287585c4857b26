import Foundation
import OffprintTestSupport
import Testing


@Suite struct CLIExportTests {
    let seed = CLI.repoRoot.appendingPathComponent("examples/seed/post.md")

    @Test func seedToStandardOutput() throws {
        let r = try CLI.run(["export", seed.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("---\n"))
        #expect(r.stdout.contains("title: "))
        #expect(r.stdout.contains("反垄断"))
        #expect(r.stdout.contains("![](http://zkres2.myzaker.com/202107/60eedaf08e9f094faf1d1b63_1024.jpg)"))
        #expect(!r.stdout.contains("cors.zfour.workers.dev"))
        #expect(r.stdout.contains("7 月 14 日消息"))
        #expect(!r.stdout.contains("<p>"))
    }

    @Test func standardInputToStandardOutput() throws {
        let r = try CLI.run(["export", "-", "--front-matter", "none"], stdin: Data("<h1>Hi</h1><p>a <b>b</b></p>".utf8))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "# Hi\n\na **b**\n")
    }

    @Test func tomlFrontMatter() throws {
        let r = try CLI.run(["export", seed.path, "--front-matter", "toml"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("+++\n"))
    }

    @Test func writesAFileAtomicallyAndNeverOverwritesTheInput() throws {
        let dir = try CLI.tempDir()
        let input = dir.appendingPathComponent("post.md")
        try FileManager.default.copyItem(at: seed, to: input)
        let before = try Data(contentsOf: input)
        let same = try CLI.run(["export", input.path, "-o", input.path])
        #expect(same.status == 1)
        #expect(same.stderr.contains("never overwrites"))
        #expect(try Data(contentsOf: input) == before)

        let out = dir.appendingPathComponent("sub/out.md")
        let r = try CLI.run(["export", input.path, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let written = try String(contentsOf: out, encoding: .utf8)
        #expect(written.hasPrefix("---\n"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
        #expect(leftovers == ["out.md"])
    }

    @Test(.enabled(if: Corpus.available, "needs ../shared/corpus"))
    func manyInputsIntoAFolder() throws {
        let dir = try CLI.tempDir()
        let hexo = try FileManager.default.contentsOfDirectory(atPath: Corpus.folder.appendingPathComponent("hexo").path)
            .filter { $0.hasSuffix(".md") }.sorted()
        try #require(!hexo.isEmpty, "corpus missing at \(Corpus.folder.path)")
        let inputs = hexo.map { Corpus.folder.appendingPathComponent("hexo/\($0)").path }
        let r = try CLI.run(["export"] + inputs + ["-o", dir.path + "/", "--jobs", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        let outs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".md") }
        #expect(outs.count == inputs.count)
    }

    @Test func severalInputsWithoutOutputIsAUsageError() throws {
        let r = try CLI.run(["export", seed.path, seed.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("-o FOLDER"))
    }

    @Test func usageErrorsExitWith2() throws {
        #expect(try CLI.run(["export"]).status == 2)
        #expect(try CLI.run(["export", "--no-such-option", seed.path]).status == 2)
        #expect(try CLI.run(["export", seed.path, "--front-matter", "xml"]).status == 2)
        #expect(try CLI.run(["no-such-command"]).status == 2)
    }

    @Test func helpExplainsEveryOption() throws {
        let r = try CLI.run(["export", "--help"])
        #expect(r.status == 0)
        for option in ["--output", "--front-matter", "--flavor", "--base-url", "--encoding", "--images", "--offline", "--strict", "--quiet", "--jobs"] {
            #expect(r.stdout.contains(option), "help lacks \(option)")
        }
    }

    @Test func missingFileFolderEmptyAndBinaryInputsFailWithOneLine() throws {
        let dir = try CLI.tempDir()
        let empty = dir.appendingPathComponent("empty.html")
        try Data().write(to: empty)
        let binary = dir.appendingPathComponent("image.png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52] + [UInt8](repeating: 0, count: 200)).write(to: binary)
        let cases: [(String, String)] = [
            (dir.appendingPathComponent("nope.md").path, "no such file"),
            (dir.path, "is a folder"),
            (empty.path, "empty"),
            (binary.path, "not"),
        ]
        for (path, words) in cases {
            let r = try CLI.run(["export", path])
            #expect(r.status == 1, "\(path)")
            #expect(r.stdout.isEmpty)
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(r.stderr)")
            #expect(r.stderr.lowercased().contains(words), "\(r.stderr)")
        }
    }

    @Test func brokenFrontMatterWarnsAndKeepsTheBody() throws {
        let dir = try CLI.tempDir()
        let post = dir.appendingPathComponent("broken.md")
        try Data("---\ntitle: [unclosed\ndate: 2021-01-01\n---\n<p>Body text</p>\n".utf8).write(to: post)
        let r = try CLI.run(["export", post.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Body text"))
        #expect(r.stderr.contains("front matter"))
        #expect(!r.stdout.contains("warning"))
        let strict = try CLI.run(["export", post.path, "--strict"])
        #expect(strict.status == 1)
    }

    @Test func invalidUTF8AndDeepNestingGiveAResult() throws {
        let dir = try CLI.tempDir()
        let bad = dir.appendingPathComponent("bad.html")
        try Data(Array("<p>caf".utf8) + [0xE9, 0xFF] + Array(" ok</p>".utf8)).write(to: bad)
        let r1 = try CLI.run(["export", bad.path, "--front-matter", "none"])
        #expect(r1.status == 0)
        #expect(r1.stdout.contains("ok"))

        let deep = dir.appendingPathComponent("deep.html")
        let n = 100_000
        try Data((String(repeating: "<div><span>", count: n) + "bottom" + String(repeating: "</span></div>", count: n)).utf8).write(to: deep)
        let r2 = try CLI.run(["export", deep.path, "--front-matter", "none"])
        #expect(r2.status == 0, "\(r2.stderr)")
        #expect(r2.stdout.contains("bottom"))
    }

    @Test func aFiftyMegabytePageConverts() throws {
        let dir = try CLI.tempDir()
        let big = dir.appendingPathComponent("big.html")
        var html = "<html><body>"
        let para = "<p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit, sed do eiusmod tempor.</p>\n"
        html.reserveCapacity(50_000_000 + 1000)
        while html.utf8.count < 50_000_000 { html += para }
        html += "<p>THE END</p></body></html>"
        try Data(html.utf8).write(to: big)
        let out = dir.appendingPathComponent("big.md")
        let r = try CLI.run(["export", big.path, "-o", out.path, "--front-matter", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOf: out, encoding: .utf8)
        #expect(md.hasSuffix("THE END\n"))
    }
}

@Suite struct CLIBundleTests {
    @Test(.enabled(if: Corpus.available, "needs ../shared/corpus"))
    func bundlesAFolderIntoAValidBook() throws {
        let dir = try CLI.tempDir()
        let book = dir.appendingPathComponent("hexo.epub")
        let cache = dir.appendingPathComponent("cache")
        let r = try CLI.run(["bundle", Corpus.folder.appendingPathComponent("hexo").path, "-o", book.path,
                             "--title", "Hexo & <friends>", "--author", "Offprint", "--offline", "--cache-dir", cache.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("11 articles"))
        let zip = try Data(contentsOf: book)
        // OCF: the first entry is an uncompressed "mimetype" with no extra field.
        #expect(zip.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
        #expect(String(decoding: zip[30..<38], as: UTF8.self) == "mimetype")
        #expect(zip[28] == 0 && zip[29] == 0)
        // Images could not be had offline: each left as alt text with a warning, never a broken book.
        #expect(r.stderr.contains("offline"))

        // Same inputs, same bytes.
        let again = dir.appendingPathComponent("again.epub")
        let r2 = try CLI.run(["bundle", Corpus.folder.appendingPathComponent("hexo").path, "-o", again.path,
                              "--title", "Hexo & <friends>", "--author", "Offprint", "--offline", "--cache-dir", cache.path, "-q"])
        #expect(r2.status == 0)
        #expect(try Data(contentsOf: again) == zip)
    }

    @Test func bundlesTheExampleManifest() throws {
        let dir = try CLI.tempDir()
        let book = dir.appendingPathComponent("collection.epub")
        let r = try CLI.run(["bundle", CLI.repoRoot.appendingPathComponent("examples/collection.yml").path, "-o", book.path,
                             "--offline", "--cache-dir", dir.appendingPathComponent("cache").path, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: book.path))
    }

    @Test func badBundleInputsFailClearly() throws {
        let dir = try CLI.tempDir()
        let empty = dir.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let out = dir.appendingPathComponent("x.epub").path
        let cache = ["--cache-dir", dir.appendingPathComponent("cache").path, "--offline"]
        let r1 = try CLI.run(["bundle", empty.path, "-o", out] + cache)
        #expect(r1.status == 1)
        #expect(r1.stderr.contains("no articles"))
        #expect(!FileManager.default.fileExists(atPath: out))

        let manifest = dir.appendingPathComponent("m.yml")
        try Data("title: T\nfavourite_colour: blue\narticles:\n  - missing.md\n".utf8).write(to: manifest)
        let r2 = try CLI.run(["bundle", manifest.path, "-o", out] + cache)
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("missing.md"))
        #expect(!FileManager.default.fileExists(atPath: out))

        let r3 = try CLI.run(["bundle", empty.path, "-o", dir.appendingPathComponent("x.zip").path])
        #expect(r3.status == 2)
    }
}

@Suite struct CLICacheTests {
    @Test func statsAndPruneOnAnEmptyCache() throws {
        let dir = try CLI.tempDir()
        let stats = try CLI.run(["cache", "stats", "--cache-dir", dir.path])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("0"))
        let prune = try CLI.run(["cache", "prune", "--older-than", "90d", "--cache-dir", dir.path])
        #expect(prune.status == 0)
        #expect(try CLI.run(["cache", "prune", "--older-than", "soon", "--cache-dir", dir.path]).status == 2)
    }
}

/// The examples in `examples/` are golden files: each `NAME.offprint.md` is what
/// `offprint export` makes of the input beside it. Regenerate with `scripts/update-examples.sh`
/// after a deliberate change, and read the diff.
@Suite struct ExampleGoldenTests {
    static func pairs() throws -> [(input: URL, golden: URL)] {
        let root = CLI.repoRoot.appendingPathComponent("examples")
        var out: [(URL, URL)] = []
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let f = e?.nextObject() as? URL {
            guard f.lastPathComponent.hasSuffix(".offprint.md") else { continue }
            let stem = String(f.lastPathComponent.dropLast(".offprint.md".count))
            let dir = f.deletingLastPathComponent()
            for ext in ["md", "html", "txt"] {
                let input = dir.appendingPathComponent(stem + "." + ext)
                if FileManager.default.fileExists(atPath: input.path) { out.append((input, f)); break }
            }
        }
        return out.sorted { $0.0.path < $1.0.path }
    }

    @Test func examplesMatchTheirMarkdown() throws {
        let pairs = try Self.pairs()
        #expect(pairs.count >= 3, "examples/ should hold at least three input + .offprint.md pairs")
        for (input, golden) in pairs {
            let r = try CLI.run(["export", input.path])
            #expect(r.status == 0, "\(input.lastPathComponent): \(r.stderr)")
            let expected = try String(contentsOf: golden, encoding: .utf8)
            #expect(r.stdout == expected, "\(golden.lastPathComponent) differs from what export makes now")
        }
    }
}

@Suite struct CLIContentModeTests {
    static let page = """
        <!doctype html><html><head><title>The Story | Site</title></head><body>
        <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
        <div class="share"><a href="https://twitter.com/x">Tweet</a> <a href="mailto:x">Email</a></div>
        <div class="story-body">
        """ + (1...6).map { "<p>Paragraph \($0) of the story, with enough words, commas, and detail to read as prose.</p>" }.joined() + """
        </div><footer><p>Copyright 2024 The Site, all rights reserved.</p></footer></body></html>
        """

    func write(_ text: String) throws -> URL {
        let f = try CLI.tempDir().appendingPathComponent("page.html")
        try text.write(to: f, atomically: true, encoding: .utf8)
        return f
    }

    @Test func autoExtractsWholePagesAndAllKeepsThem() throws {
        let f = try write(Self.page)
        let auto = try CLI.run(["export", f.path])
        #expect(auto.status == 0)
        #expect(auto.stdout.contains("Paragraph 6 of the story"))
        #expect(!auto.stdout.contains("Home") && !auto.stdout.contains("Tweet") && !auto.stdout.contains("Copyright"))
        let main = try CLI.run(["export", f.path, "--main-content"])
        #expect(main.stdout == auto.stdout)
        let all = try CLI.run(["export", f.path, "--content", "all"])
        #expect(all.status == 0)
        #expect(all.stdout.contains("Home") && all.stdout.contains("Copyright") && all.stdout.contains("Paragraph 6"))
    }

    @Test func fragmentsStayWholeInAuto() throws {
        let f = try write("<ul><li><a href=\"/a\">A link</a></li><li><a href=\"/b\">B link</a></li></ul><p>Short text.</p>")
        let r = try CLI.run(["export", f.path])
        #expect(r.stdout.contains("A link") && r.stdout.contains("Short text."))
    }

    @Test func badContentFlagsAreUsageErrors() throws {
        let f = try write(Self.page)
        #expect(try CLI.run(["export", f.path, "--content", "some"]).status == 2)
        let both = try CLI.run(["export", f.path, "--content", "all", "--main-content"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("--content main"))
        #expect(try CLI.run(["export", "--help"]).stdout.contains("--content"))
        #expect(try CLI.run(["bundle", "--help"]).stdout.contains("--content"))
    }

    @Test func noMessageNamesAnInternalOption() throws {
        let f = try write("<!doctype html><html><head><title>t</title></head><body><div></div></body></html>")
        let r = try CLI.run(["export", f.path, "--content", "main"])
        #expect(!r.stderr.contains("extractMainContent"))
    }
}
