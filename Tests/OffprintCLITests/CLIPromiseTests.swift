import Foundation
import OffprintTestSupport
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

    @Test func invalidBundleValuesAreUsageErrors() throws {
        let out = try CLI.tempDir().appendingPathComponent("b.epub").path
        for (flag, value) in [("--date", "yesterday"), ("--date", "2022-13-45"), ("--language", "not a tag!"), ("--cover", "/nonexistent.jpg")] {
            let r = try CLI.run(["bundle", seed.path, "-o", out, "--offline", flag, value])
            #expect(r.status == 2, "\(flag) \(value): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(flag), "\(r.stderr)")
            #expect(r.stderr.contains(value), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        let ok = try CLI.run(["bundle", seed.path, "-o", out, "--offline", "--date", "2022-01-31", "--language", "en-GB", "-q"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func koboWritesExactlyWhatOutputNames() throws {
        let dir = try CLI.tempDir()
        let out = dir.appendingPathComponent("kobo.epub")
        let r = try CLI.run(["bundle", seed.path, "--profile", "kobo", "-o", out.path, "--offline", "--cache-dir", dir.appendingPathComponent("cache").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("kobo.kepub.epub").path))
        #expect(r.stderr.contains("kobo.kepub.epub"))
    }

    @Test func severalInputsIntoAFileNameIsAUsageError() throws {
        let dir = try CLI.tempDir()
        let combined = dir.appendingPathComponent("combined.md")
        let r = try CLI.run(["export", seed.path, seed.path, "-o", combined.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("combined.md"))
        #expect(r.stderr.contains("FOLDER"))
        #expect(!FileManager.default.fileExists(atPath: combined.path))
        // Ending in / makes the folder.
        let ok = try CLI.run(["export", seed.path, seed.path, "-o", combined.path + "/", "-q"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: combined.appendingPathComponent("post.md").path))
    }

    @Test func dashAsOutputIsStandardOutput() throws {
        let dir = try CLI.tempDir()
        let r = try CLI.run(["export", seed.path, "-o", "-", "-q"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let plain = try CLI.run(["export", seed.path, "-q"], cwd: dir)
        #expect(!r.stdout.isEmpty && r.stdout == plain.stdout)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path), "no file named -")
        // Several inputs still need a folder.
        #expect(try CLI.run(["export", seed.path, seed.path, "-o", "-"], cwd: dir).status == 2)
    }

    @Test func sameNamedOutputsAreRenamedWithANote() throws {
        let dir = try CLI.tempDir()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("a"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("b"), withIntermediateDirectories: true)
        for sub in ["a", "b"] {
            try FileManager.default.copyItem(at: seed, to: dir.appendingPathComponent("\(sub)/source.md"))
        }
        let out = dir.appendingPathComponent("out/")
        let r = try CLI.run(["export", dir.appendingPathComponent("a/source.md").path, dir.appendingPathComponent("b/source.md").path, "-o", out.path + "/"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("source-2.md").path))
        #expect(r.stderr.contains("b/source.md"))
        #expect(r.stderr.contains("source-2.md"))
    }

    @Test func anUnknownOptionIsNamed() throws {
        let r = try CLI.run(["export", "--bogus"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--bogus"), "\(r.stderr)")
        #expect(!r.stderr.contains("at least one input"))
        let b = try CLI.run(["bundle", "--bogus", "-o", "x.epub"])
        #expect(b.status == 2)
        #expect(b.stderr.contains("--bogus"), "\(b.stderr)")
        // A real validation error is still reported as itself.
        let v = try CLI.run(["export"])
        #expect(v.status == 2)
        #expect(v.stderr.contains("at least one input"))
    }

    @Test func anUnknownProfileIsAUsageError() throws {
        let r = try CLI.run(["profiles", "nook"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("nook"))
        #expect(r.stderr.contains("kobo"))
    }

    @Test func lookingAtAMissingCacheDoesNotCreateIt() throws {
        let missing = try CLI.tempDir().appendingPathComponent("nope")
        for args in [["cache", "stats"], ["cache", "verify"], ["cache", "prune", "--older-than", "90d"]] {
            let r = try CLI.run(args + ["--cache-dir", missing.path])
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(r.stdout.contains("no such folder"), "\(r.stdout)")
            #expect(!FileManager.default.fileExists(atPath: missing.path), "\(args) created the folder")
        }
    }

    @Test func bundleReadsStandardInput() throws {
        let dir = try CLI.tempDir()
        let out = dir.appendingPathComponent("stdin.epub")
        let r = try CLI.run(["bundle", "-", "-o", out.path, "--offline", "--cache-dir", dir.appendingPathComponent("cache").path],
                            stdin: try Data(contentsOf: seed))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.path))
        #expect(r.stderr.contains("<stdin>"), "warnings name standard input as export does: \(r.stderr)")
    }

    @Test func aSmallBudgetIsMetByLeavingOutTheGeneratedCover() throws {
        let dir = try CLI.tempDir()
        // Three articles of varied text, about 30 KB together before compression.
        var rng = SystemRandomNumberGenerator()
        let words = ["budget", "volume", "reader", "cover", "article", "paragraph", "letters", "quiet", "harbour", "lantern", "meadow", "copper"]
        for k in 1...3 {
            var body = "<h1>Article \(k)</h1>"
            for _ in 0..<40 {
                body += "<p>" + (0..<40).map { _ in words[Int(rng.next() % UInt64(words.count))] + String(rng.next() % 1000) }.joined(separator: " ") + "</p>"
            }
            try body.write(to: dir.appendingPathComponent("a\(k).html"), atomically: true, encoding: .utf8)
        }
        let out = dir.appendingPathComponent("book/small.epub")
        let r = try CLI.run(["bundle", dir.appendingPathComponent("a1.html").path, dir.appendingPathComponent("a2.html").path,
                             dir.appendingPathComponent("a3.html").path, "-o", out.path, "--max-book-size", "50KB", "--split-volumes",
                             "--offline", "--cache-dir", dir.appendingPathComponent("cache").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("generated cover"), "says why the book has no generated cover: \(r.stderr)")
        let books = try FileManager.default.contentsOfDirectory(at: out.deletingLastPathComponent(), includingPropertiesForKeys: [.fileSizeKey])
            .filter { $0.pathExtension == "epub" }
        #expect(!books.isEmpty)
        for b in books {
            let size = try b.resourceValues(forKeys: [.fileSizeKey]).fileSize ?? 0
            #expect(size <= 50 * 1024, "\(b.lastPathComponent): \(size) bytes")
        }
    }

    @Test func completionsCompleteFilesFoldersAndProfiles() throws {
        let r = try CLI.run(["--generate-completion-script", "bash"])
        #expect(r.status == 0)
        let script = r.stdout
        func completion(after option: String) -> String {
            guard let at = script.range(of: "'\(option)'") else { return "" }
            return String(script[at.upperBound...].prefix(120))
        }
        #expect(completion(after: "--output'|'-o").contains("-f"), "file completion after -o")
        #expect(completion(after: "--cache-dir").contains("-d"), "folder completion after --cache-dir")
        #expect(completion(after: "--templates").contains("-d"), "folder completion after --templates")
        #expect(completion(after: "--profile").contains("---completion"), "profile completion after --profile")
        let profiles = try CLI.run(["---completion", "bundle", "--", "--profile"])
        for name in ["kindle", "kobo", "koreader", "apple", "generic"] {
            #expect(profiles.stdout.split(separator: "\n").contains(Substring(name)), "\(profiles.stdout)")
        }
    }

    @Test func readmeMentionsCompletionsAndEveryOption() throws {
        let readme = try String(contentsOf: CLI.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("offprint --generate-completion-script"))
        for command in [["export"], ["bundle"], ["cache", "stats"], ["cache", "prune"], ["cache", "verify"], ["profiles"]] {
            let help = try CLI.run(command + ["--help"]).stdout
            let options = Set(help.split(whereSeparator: { " ,\n[]<>()".contains($0) })
                .filter { $0.hasPrefix("--") && $0.count > 2 && $0.dropFirst(2).allSatisfy { $0.isLetter || $0 == "-" } })
            #expect(!options.isEmpty)
            for o in options {
                #expect(readme.contains(o), "README does not mention \(command.joined(separator: " ")) \(o)")
            }
        }
    }

    @Test func theExampleManifestPointsAtThingsThatExist() throws {
        let manifest = CLI.repoRoot.appendingPathComponent("examples/collection.yml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        #expect(!text.contains(".swift"), "a manifest's reader is not pointed at source code")
        // Every relative path it names (../x, posts/x.md) exists next to it.
        for word in text.split(whereSeparator: { " \n()`:".contains($0) }) where word.contains("/") && !word.contains("*") && !word.hasPrefix("http") && !word.contains("urn") {
            let nextToIt = manifest.deletingLastPathComponent().appendingPathComponent(String(word))
            let fromTheRoot = CLI.repoRoot.appendingPathComponent(String(word))  // the command line in its header
            #expect(FileManager.default.fileExists(atPath: nextToIt.path) || FileManager.default.fileExists(atPath: fromTheRoot.path),
                    "examples/collection.yml names \(word), which does not exist")
        }
    }

    /// Every `--flag` a message in Sources/ names is a real option of some command, and no
    /// message names a setting by its Swift name or a mode that has no flag.
    @Test func hintsNameRealFlags() throws {
        var known = Set<String>()
        for command in [["export"], ["bundle"], ["cache", "stats"], ["cache", "prune"], ["cache", "verify"], ["profiles"], ["send"], ["serve"], []] {
            let help = try CLI.run(command + ["--help"]).stdout
            for word in help.split(whereSeparator: { " ,\n[]<>()=".contains($0) }) where word.hasPrefix("--") { known.insert(String(word)) }
        }
        #expect(known.contains("--offline"))
        let sources = CLI.repoRoot.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" && !$0.path.contains("bench") && !$0.path.contains("md-harness") }
        let banned = ["extractMainContent", "removeHidden off", "offline mode", "Referer policy", "image size limit"]
        let flag = try Regex(#"--[a-z][a-z0-9-]*[a-z0-9]"#)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }  // comments may talk about anything
                // Only string literals: the text between the first and last quote.
                guard let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close else { continue }
                let literal = line[open...close]
                for b in banned where literal.contains(b) {
                    Issue.record("\(file.lastPathComponent):\(n + 1): a message says '\(b)', which is no flag")
                }
                for m in literal.matches(of: flag) {
                    let f = String(literal[m.range])
                    #expect(known.contains(f), "\(file.lastPathComponent):\(n + 1): \(f) is not an option of offprint")
                }
            }
        }
    }

    @Test func offlineHintsNameTheFlag() throws {
        let dir = try CLI.tempDir()
        let r = try CLI.run(["bundle", seed.path, "-o", dir.appendingPathComponent("b.epub").path, "--offline", "--cache-dir", dir.appendingPathComponent("c").path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("without --offline"), "\(r.stderr)")
        #expect(r.stderr.contains("1 article,"), "\(r.stderr)")
        #expect(!r.stderr.contains("1 articles"))
    }

    /// Two pages with 60 images from three hosts and 40 identical warnings each: grouped
    /// output, a closing line, every detail with --verbose and in --report, counts that agree.
    @Test func warningsAreGroupedPerArticleAndHost() throws {
        let dir = try CLI.tempDir()
        var pages: [String] = []
        for k in 1...2 {
            var html = "<html><head><title>Page \(k)</title></head><body><article><h1>Page \(k)</h1>"
            for i in 0..<60 { html += "<p>Text \(i). <img src=\"https://img\(i % 3).example.com/p\(k)/\(i).jpg\" alt=\"picture \(i)\"></p>" }
            for i in 0..<40 { html += "<p><img class=\"ph\(i)\" alt=\"\"></p>" }  // no URL at all
            html += "</article></body></html>"
            let page = dir.appendingPathComponent("page\(k).html")
            try html.write(to: page, atomically: true, encoding: .utf8)
            pages.append(page.path)
        }
        let cache = dir.appendingPathComponent("cache").path
        let report = dir.appendingPathComponent("report.json")
        let r = try CLI.run(["bundle"] + pages + ["-o", dir.appendingPathComponent("b.epub").path, "--offline", "--cache-dir", cache, "--report", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count <= 16, "\(lines.count) lines:\n\(r.stderr)")
        #expect(r.stderr.contains("img0.example.com"))
        #expect(r.stderr.contains("--verbose"))

        let verbose = try CLI.run(["bundle"] + pages + ["-o", dir.appendingPathComponent("v.epub").path, "--offline", "--cache-dir", cache, "--verbose"])
        let detailed = verbose.stderr.split(separator: "\n").filter { $0.contains("warning:") }
        #expect(detailed.count >= 200, "\(detailed.count) warnings with --verbose")

        struct Report: Decodable {
            struct Entry: Decodable { var origin: String; var location: String?; var message: String }
            var warnings: [Entry]
            var counts: [String: Int]
        }
        let json = try JSONDecoder().decode(Report.self, from: Data(contentsOf: report))
        #expect(json.warnings.count == detailed.count)
        #expect(json.warnings.filter { $0.location?.contains("img1.example.com") == true }.count == 40)
        let c = json.counts
        #expect(c["imageURLs"] == 120)
        #expect(c["imageURLs"] == (c["imageURLsDownloaded"] ?? -1) + (c["imageURLsFromCache"] ?? -1) + (c["imageURLsRevalidated"] ?? -1)
                + (c["imageURLsInline"] ?? -1) + (c["imageURLsFailed"] ?? -1))
        #expect(c["imgReplacedByAltText"] == 120)
        #expect(c["imagesEmbedded"] == 0)
        // The printed summary says the same numbers.
        #expect(r.stderr.contains("2 articles"), "\(r.stderr)")
        #expect(r.stderr.contains("120 <img>s replaced by alt text"), "\(r.stderr)")
        #expect(r.stderr.contains("image URLs: 120 (0 downloaded, 0 from cache, 120 failed)"), "\(r.stderr)")
    }
}
