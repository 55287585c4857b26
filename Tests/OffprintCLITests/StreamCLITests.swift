import Foundation
import OffprintTestSupport
import Testing

/// JSON Lines records built from the real corpus pages, repeated and varied (each record's
/// page gets a marker paragraph, so no two records are the same).
enum StreamRecords {
    /// The corpus's HTML pages under 60 KB, in path order.
    static let pages: [String] = {
        guard Corpus.available,
              let e = FileManager.default.enumerator(at: Corpus.folder, includingPropertiesForKeys: [.fileSizeKey]) else { return [] }
        var found: [URL] = []
        for case let url as URL in e where ["html", "htm"].contains(url.pathExtension.lowercased()) && !url.lastPathComponent.hasPrefix("expected") {
            if let size = try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize, size < 60_000 { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }.compactMap { u in
            (try? Data(contentsOf: u)).map { String(decoding: $0, as: UTF8.self) }
        }
    }()

    static var available: Bool { pages.count >= 10 }

    /// Record `i`'s page: a corpus page with a marker paragraph.
    static func html(_ i: Int) -> String {
        let page = pages[i % pages.count]
        let marker = "<p>Record marker \(i).</p>"
        if let r = page.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
            return page.replacingCharacters(in: r, with: marker + "</body>")
        }
        return page + marker
    }

    static func line(_ object: [String: Any]) -> Data {
        var d = try! JSONSerialization.data(withJSONObject: object, options: [])
        d.append(0x0A)
        return d
    }

    /// `count` records with ids 0..<count; `malformedAt`: a broken line inserted before record k.
    static func jsonl(count: Int, malformedAt: Int? = nil, content: String? = nil) -> Data {
        var out = Data()
        for i in 0..<count {
            if i == malformedAt { out.append(Data("{\"id\": \"broken\", \"html\": \"<p>unterminated\n".utf8)) }
            var record: [String: Any] = ["id": i, "html": html(i)]
            if let c = content { record["content"] = c }
            out.append(line(record))
        }
        return out
    }

    /// Output lines as dictionaries. (JSONDecoder: corelibs' JSONSerialization drops U+FEFF
    /// inside strings, which real pages hold.)
    static func parse(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map {
            (try? JSONDecoder().decode(AnyJSON.self, from: Data($0.utf8)))?.value as? [String: Any] ?? ["unparsable": String($0)]
        }
    }
}

struct AnyJSON: Decodable {
    var value: Any
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { value = NSNull() }
        else if let b = try? c.decode(Bool.self) { value = b }
        else if let i = try? c.decode(Int.self) { value = i }
        else if let d = try? c.decode(Double.self) { value = d }
        else if let s = try? c.decode(String.self) { value = s }
        else if let a = try? c.decode([AnyJSON].self) { value = a.map(\.value) }
        else { value = try c.decode([String: AnyJSON].self).mapValues(\.value) }
    }
}

/// Runs the binary with `stdin`, sampling the child's peak resident memory (VmHWM in
/// /proc/PID/status, the kernel's own high-water mark of this process) while it runs.
func runMeasuringMemory(_ args: [String], stdin: Data) throws -> (result: CLI.Result, peakKB: Int) {
    var peak = 0
    let result = try CLI.run(args, stdin: stdin) { p in
        let status = "/proc/\(p.processIdentifier)/status"
        while p.isRunning {
            if let text = try? String(contentsOfFile: status, encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kb = Int(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") {
                peak = max(peak, kb)
            }
            usleep(2_000)
        }
    }
    return (result, peak)
}

@Suite(.serialized) struct StreamModeTests {
    @Test(.enabled(if: StreamRecords.available, "needs the HTML pages of ../shared/corpus"))
    func twoThousandRealPagesInOrderWithFlatMemory() throws {
        // 200 records, then 2,000 with a malformed line in the middle. The marker paragraph
        // sits after the page's footer, outside its article: each record asks for the whole
        // page ("content": "all") so the marker is kept.
        let small = try runMeasuringMemory(["export", "--jsonl", "--jobs", "2"], stdin: StreamRecords.jsonl(count: 200, content: "all"))
        #expect(small.result.status == 0, "\(small.result.stderr)")
        #expect(StreamRecords.parse(small.result.stdout).count == 200)

        let big = try runMeasuringMemory(["export", "--jsonl", "--jobs", "2"], stdin: StreamRecords.jsonl(count: 2000, malformedAt: 1000, content: "all"))
        #expect(big.result.status == 0, "\(big.result.stderr)")
        let records = StreamRecords.parse(big.result.stdout)
        try #require(records.count == 2001, "one output line per input line")
        for (k, r) in records.enumerated() {
            if k == 1000 {
                #expect(r["error"] is String, "the malformed line gives an error record: \(r)")
                #expect(r["line"] as? Int == 1001)
                #expect(r["markdown"] == nil)
                continue
            }
            let i = k < 1000 ? k : k - 1
            guard r["id"] as? Int == i else { Issue.record("record \(k): expected id \(i), got \(r["id"] ?? "nothing") \(r["error"] ?? "")"); break }
            let md = r["markdown"] as? String ?? ""
            #expect(md.contains("Record marker \(i)."), "record \(i)'s Markdown is its own page")
            #expect(r["warnings"] is [Any])
            #expect(r.keys.contains("title") && r.keys.contains("authors") && r.keys.contains("date") && r.keys.contains("language") && r.keys.contains("url"))
        }
        #expect(big.result.stderr.contains("2001 records: 2000 converted, 1 failed"), "\(big.result.stderr)")

        // Bounded memory: 10× the records, at most 1.5× the peak.
        #expect(small.peakKB > 0 && big.peakKB > 0)
        #expect(Double(big.peakKB) <= 1.5 * Double(small.peakKB), "peak RSS \(big.peakKB) KB for 2,000 records vs \(small.peakKB) KB for 200")
        print("stream mode peak RSS: 200 records \(small.peakKB) KB, 2,000 records \(big.peakKB) KB")
    }

    @Test(.enabled(if: StreamRecords.available, "needs the HTML pages of ../shared/corpus"))
    func recordsConvertLikeTheFileMode() throws {
        let n = StreamRecords.pages.count
        let r = try CLI.run(["export", "--jsonl", "--jobs", "2", "--quiet"], stdin: StreamRecords.jsonl(count: n))
        #expect(r.status == 0, "\(r.stderr)")
        let records = StreamRecords.parse(r.stdout)
        try #require(records.count == n)
        for i in 0..<n {
            // A record's page is text (a JSON string), so its <meta charset> no longer applies.
            let file = try CLI.run(["export", "-", "--front-matter", "none", "--encoding", "utf-8", "--quiet"], stdin: Data(StreamRecords.html(i).utf8))
            #expect(file.status == 0)
            let md = records[i]["markdown"] as? String ?? ""
            let at = zip(md.unicodeScalars, file.stdout.unicodeScalars).prefix { $0 == $1 }.count
            #expect(md == file.stdout, "record \(i): the stream's Markdown equals `export -`'s; they differ at scalar \(at): \(String(String.UnicodeScalarView(md.unicodeScalars.dropFirst(max(0, at - 40)).prefix(80)))) ≠ \(String(String.UnicodeScalarView(file.stdout.unicodeScalars.dropFirst(max(0, at - 40)).prefix(80))))")
        }
    }

    @Test func errorRecordsAndTheStreamGoesOn() throws {
        let png = String(decoding: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0], as: UTF8.self)
        var input = Data()
        input.append(StreamRecords.line(["id": "a", "html": "<html><head><title>First</title><meta name=author content='Ann Lee'></head><body><p>Hello <img src='cat.png'></p></body></html>",
                                         "url": "https://example.org/posts/1.html"]))
        input.append(Data("{\"id\": \"b\", \"html\": \n".utf8))                         // bad JSON
        input.append(Data("\n   \n".utf8))                                                // blank lines: no records
        input.append(StreamRecords.line(["id": "c"]))                                         // no html
        input.append(StreamRecords.line(["id": "d", "html": png]))                            // not HTML
        input.append(StreamRecords.line(["id": "e", "html": "<p>" + String(repeating: "x", count: 3000) + "</p>"]))  // too large
        input.append(StreamRecords.line(["id": "f", "html": "<p>x</p>", "content": "most"]))  // bad option
        input.append(StreamRecords.line(["id": 7, "html": "---\ntitle: Post\ndate: 2021-07-14\n---\n<p>Body</p>", "front_matter": "yaml"]))
        input.append(Data("{\"id\": \"last\", \"html\": \"<h1>End</h1>\"}\r\n".utf8))    // CRLF
        let r = try CLI.run(["export", "--jsonl", "--max-record-size", "2KB", "--jobs", "3"], stdin: input)
        #expect(r.status == 0, "error records are output, not failures: \(r.stderr)")
        let out = StreamRecords.parse(r.stdout)
        try #require(out.count == 8, "\(r.stdout)")
        #expect(out[0]["id"] as? String == "a")
        #expect(out[0]["title"] as? String == "First")
        #expect(out[0]["url"] as? String == "https://example.org/posts/1.html")
        #expect((out[0]["markdown"] as? String)?.contains("![](https://example.org/posts/cat.png)") == true, "the url resolves relative images; they stay remote")
        #expect(out[1]["line"] as? Int == 2 && (out[1]["error"] as? String)?.contains("not valid JSON") == true)
        #expect(out[1]["id"] == nil)
        #expect(out[2]["id"] as? String == "c" && (out[2]["error"] as? String)?.contains("\"html\"") == true)
        #expect(out[2]["line"] as? Int == 5, "blank lines count as lines")
        #expect(out[3]["id"] as? String == "d" && (out[3]["error"] as? String)?.contains("not a text/HTML") == true, "\(out[3])")
        #expect(out[4]["line"] as? Int == 7 && (out[4]["error"] as? String)?.contains("--max-record-size") == true, "\(out[4])")
        #expect(out[5]["id"] as? String == "f" && (out[5]["error"] as? String)?.contains("\"content\"") == true)
        #expect(out[6]["id"] as? Int == 7)
        #expect(out[6]["date"] as? String == "2021-07-14")
        #expect((out[6]["markdown"] as? String)?.hasPrefix("---\ntitle: Post\n") == true, "front_matter: yaml")
        #expect(out[7]["id"] as? String == "last" && out[7]["markdown"] as? String == "# End\n")
        #expect(r.stderr.contains("8 records: 3 converted, 5 failed"), "\(r.stderr)")
    }

    @Test func streamUsageErrors() throws {
        #expect(try CLI.run(["export", "--jsonl", "page.html"]).status == 2)
        #expect(try CLI.run(["export", "--jsonl", "-o", "out.jsonl"]).status == 2)
        #expect(try CLI.run(["export", "--jsonl", "--images", "download"]).stderr.contains("--cache-dir"))
        #expect(try CLI.run(["export", "x.html", "--max-record-size", "1MB"]).status == 2)
        #expect(try CLI.run(["export", "--jsonl", "--shard", "4/3"]).status == 2)
        #expect(try CLI.run(["export", "--jsonl", "--shard", "0/3"]).status == 2)
        #expect(try CLI.run(["export", "-", "-o", "x/", "--shard", "1/2"]).stderr.contains("cannot be split"))
    }
}

@Suite struct ShardTests {
    /// 40 small pages in a folder tree.
    func batch() throws -> (dir: URL, files: [String]) {
        let dir = try CLI.tempDir()
        var files: [String] = []
        for i in 0..<40 {
            let sub = dir.appendingPathComponent("posts/\(i % 3 == 0 ? "2021/" : "")")
            try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
            let f = sub.appendingPathComponent("p\(i).html")
            try Data("<html><head><title>Post \(i)</title><meta name=date content=2021-07-\(10 + i % 20)></head><body><p>Post number \(i).</p></body></html>".utf8).write(to: f)
            files.append(String(f.path.dropFirst(dir.path.count + 1)))
        }
        return (dir, files.sorted())
    }

    @Test func exportShardsAreDisjointAndCoverTheBatch() throws {
        let (dir, files) = try batch()
        var seen: [String: Int] = [:]
        for i in 1...3 {
            let out = "out-\(i)/"
            let r = try CLI.run(["export"] + files + ["-o", out, "--shard", "\(i)/3", "--quiet"], cwd: dir)
            #expect(r.status == 0, "\(r.stderr)")
            let written = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(out).path)) ?? []
            #expect(!written.isEmpty && written.count < files.count, "shard \(i)/3 takes a part")
            for w in written { seen[w, default: 0] += 1 }
        }
        #expect(seen.count == files.count, "together: every input")
        #expect(seen.values.allSatisfy { $0 == 1 }, "disjoint: each input in one shard")
        // The split depends on the paths as given, not on the folder it runs in.
        let again = try CLI.run(["export"] + files.map { "./" + $0 } + ["-o", "again/", "--shard", "2/3", "--quiet"], cwd: dir)
        #expect(again.status == 0)
        let a = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("again").path).sorted()
        let b = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out-2").path).sorted()
        #expect(a == b)
    }

    @Test func bundleShardsAreDisjointAndCoverTheFolder() throws {
        let (dir, files) = try batch()
        var total = 0
        for i in 1...3 {
            let r = try CLI.run(["bundle", "posts", "-o", "book-\(i).epub", "--shard", "\(i)/3", "--offline", "--cache-dir", "cache"], cwd: dir)
            #expect(r.status == 0, "\(r.stderr)")
            guard let m = r.stderr.range(of: #"(\d+) articles"#, options: .regularExpression) else { Issue.record("no report: \(r.stderr)"); continue }
            let n = Int(r.stderr[m].split(separator: " ")[0])!
            #expect(n > 0 && n < files.count)
            total += n
        }
        #expect(total == files.count, "the three books hold every article once")
        // The same shards, chosen file by file, as export chooses them: the keys agree.
        for i in 1...3 {
            let r = try CLI.run(["bundle"] + files + ["-o", "files-\(i).epub", "--shard", "\(i)/3", "--offline", "--cache-dir", "cache"], cwd: dir)
            let s = try CLI.run(["bundle", "posts", "-o", "dir-\(i).epub", "--shard", "\(i)/3", "--offline", "--cache-dir", "cache"], cwd: dir)
            #expect(r.stderr.range(of: #"\d+ articles"#, options: .regularExpression).map { r.stderr[$0] } ==
                    s.stderr.range(of: #"\d+ articles"#, options: .regularExpression).map { s.stderr[$0] })
        }
    }

    @Test func streamShardsSplitRecordsByID() throws {
        var input = Data()
        for i in 0..<60 { input.append(StreamRecords.line(["id": "doc-\(i)", "html": "<p>Doc \(i)</p>"])) }
        input.append(Data("not json\n".utf8))
        var ids: [String: Int] = [:]
        var errors = 0
        for i in 1...3 {
            let r = try CLI.run(["export", "--jsonl", "--shard", "\(i)/3", "--quiet"], stdin: input)
            #expect(r.status == 0, "\(r.stderr)")
            let out = StreamRecords.parse(r.stdout)
            #expect(!out.isEmpty && out.count < 61)
            for o in out {
                if let id = o["id"] as? String { ids[id, default: 0] += 1 } else { errors += 1 }
            }
        }
        #expect(ids.count == 60 && ids.values.allSatisfy { $0 == 1 }, "each record in exactly one shard")
        #expect(errors == 1, "a malformed line belongs to one shard (by its line number)")
    }
}

/// The PySpark example in Spark's local mode, against the plain stream.
@Suite struct SparkExampleTests {
    static let script = CLI.repoRoot.appendingPathComponent("examples/spark/offprint_spark.py")

    /// Whether pyspark imports and a JVM is there; the reason when not.
    static let unavailable: String? = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import pyspark, shutil, sys; sys.exit(0 if shutil.which('java') else 3)"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return "python3 cannot be started" }
        p.waitUntilExit()
        switch p.terminationStatus {
        case 0: return nil
        case 3: return "no java on PATH (Spark needs a JRE: apt-get install default-jre-headless)"
        default: return "pyspark is not installed (pip install 'pyspark>=3.5,<3.6', as .ci/run does)"
        }
    }()

    @Test(.enabled(if: unavailable == nil, "Spark test skipped: \(unavailable ?? "")"))
    func localSparkGivesTheSameMarkdownAsThePlainStream() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var input = Data()
        let count = StreamRecords.available ? 120 : 40
        for i in 0..<count {
            let html = StreamRecords.available ? StreamRecords.html(i) : "<html><head><title>T\(i)</title></head><body><h1>Doc \(i)</h1><p>Text <em>\(i)</em> <a href='/x/\(i)'>link</a></p></body></html>"
            input.append(StreamRecords.line(["id": "r\(i)", "html": html, "url": "https://example.org/\(i)/"]))
        }
        input.append(Data("{broken\n".utf8))
        let inputFile = dir.appendingPathComponent("records.jsonl")
        try input.write(to: inputFile)

        let plain = try CLI.run(["export", "--jsonl", "--quiet"], stdin: input)
        #expect(plain.status == 0)
        let expected = StreamRecords.parse(plain.stdout)
        try #require(expected.count == count + 1)

        // Spark in local mode, bound to the loopback address, no web UI.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.script.path, inputFile.path, dir.appendingPathComponent("out").path, "--partitions", "3"]
        var env = ProcessInfo.processInfo.environment
        env["OFFPRINT"] = CLI.binary.path
        env["SPARK_LOCAL_IP"] = "127.0.0.1"
        env["PYSPARK_SUBMIT_ARGS"] = "--master local[2] --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 pyspark-shell"
        p.environment = env
        let log = dir.appendingPathComponent("spark.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let h = try FileHandle(forWritingTo: log)
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try h.close()
        let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        try #require(p.terminationStatus == 0, "spark job failed:\n\(logText.suffix(3000))")

        let outDir = dir.appendingPathComponent("out")
        let parts = try FileManager.default.contentsOfDirectory(atPath: outDir.path).filter { $0.hasPrefix("part-") }.sorted()
        #expect(parts.count >= 3, "one part file per partition")
        var text = ""
        for part in parts { text += try String(contentsOf: outDir.appendingPathComponent(part), encoding: .utf8) }
        let got = StreamRecords.parse(text)
        try #require(got.count == expected.count, "record for record")
        for (e, g) in zip(expected, got) {
            #expect(g["id"] as? String == e["id"] as? String)
            #expect(g["markdown"] as? String == e["markdown"] as? String, "record \(e["id"] ?? "?")")
            #expect(g["title"] as? String == e["title"] as? String)
            #expect(g["url"] as? String == e["url"] as? String)
            #expect((g["error"] != nil) == (e["error"] != nil))
        }
    }
}

/// examples/spark/warc_records.py: WARC → records → `export --jsonl`.
@Suite struct WARCRecordsTests {
    static let warcioMissing: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import warcio"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return true }
        p.waitUntilExit()
        return p.terminationStatus != 0
    }()

    @Test(.enabled(if: !warcioMissing, "warcio is not installed (pip install 'warcio>=1.7,<2', as .ci/run does)"))
    func warcResponsesBecomeMarkdownRecords() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let warc = dir.appendingPathComponent("crawl.warc.gz")
        // A WARC written with warcio: a GBK page (charset in the HTTP header), a UTF-8 page
        // (charset in <meta>), an image response, a 404 and a request record.
        let writer = """
        import io, sys
        from warcio.warcwriter import WARCWriter
        from warcio.statusandheaders import StatusAndHeaders
        with open(sys.argv[1], 'wb') as f:
            w = WARCWriter(f, gzip=True)
            def response(url, status, ctype, body):
                h = StatusAndHeaders(status, [('Content-Type', ctype)], protocol='HTTP/1.1')
                w.write_record(w.create_warc_record(url, 'response', payload=io.BytesIO(body), http_headers=h))
            response('https://example.cn/news/1.html', '200 OK', 'text/html; charset=gbk',
                     '<html><head><title>新闻标题</title></head><body><h1>新闻标题</h1><p>正文 <img src="/a.jpg"></p></body></html>'.encode('gbk'))
            response('https://example.org/post', '200 OK', 'text/html',
                     '<html><head><meta charset="utf-8"><title>Café</title></head><body><p>Crème brûlée</p></body></html>'.encode('utf-8'))
            response('https://example.org/logo.png', '200 OK', 'image/png', b'\\x89PNG\\r\\n\\x1a\\n')
            response('https://example.org/missing', '404 Not Found', 'text/html', b'<p>gone</p>')
            w.write_record(w.create_warc_record('https://example.org/post', 'request', payload=io.BytesIO(b'GET /post HTTP/1.1\\r\\n\\r\\n')))
        """
        let script = dir.appendingPathComponent("write_warc.py")
        try Data(writer.utf8).write(to: script)
        let shell = "python3 \(script.path) \(warc.path) && python3 \(CLI.repoRoot.path)/examples/spark/warc_records.py \(warc.path) | \(CLI.binary.path) export --jsonl --quiet"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", shell + " > \(dir.path)/out.jsonl 2> \(dir.path)/err.txt"]
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let r = CLI.Result(status: p.terminationStatus,
                           stdout: (try? String(contentsOf: dir.appendingPathComponent("out.jsonl"), encoding: .utf8)) ?? "",
                           stderr: (try? String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)) ?? "")
        #expect(r.status == 0, "\(r.stderr)")
        let out = StreamRecords.parse(r.stdout)
        try #require(out.count == 2, "the two HTML 200 responses: \(r.stdout) \(r.stderr)")
        #expect(out[0]["url"] as? String == "https://example.cn/news/1.html")
        #expect(out[0]["title"] as? String == "新闻标题")
        #expect((out[0]["markdown"] as? String)?.contains("正文 ![](https://example.cn/a.jpg)") == true, "\(out[0])")
        #expect((out[0]["id"] as? String)?.hasPrefix("<urn:uuid:") == true)
        #expect(out[1]["title"] as? String == "Café")
        #expect((out[1]["markdown"] as? String)?.contains("Crème brûlée") == true)
    }
}

/// `--jsonl --images download --cache-dir`: images fetched (from a loopback server the test
/// starts) into the shared cache, linked from the Markdown, listed in the record.
@Suite struct StreamImageTests {
    @Test func downloadsIntoTheSharedCache() throws {
        let dir = try CLI.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let site = dir.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: site, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.repoRoot.appendingPathComponent("Tests/OffprintImagesTests/Fixtures/img.png"),
                                         to: site.appendingPathComponent("cat.png"))
        // python3's http.server on 127.0.0.1, an ephemeral port (it says which).
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", site.path, "0"]
        let bannerFile = dir.appendingPathComponent("server.txt")
        _ = FileManager.default.createFile(atPath: bannerFile.path, contents: nil)
        server.standardOutput = try FileHandle(forWritingTo: bannerFile)
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: the test runner's threads block SIGTERM and the child inherits that mask,
        // so terminate() would leave the server running and waitUntilExit() would hang.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        var text = ""
        for _ in 0..<200 where !text.contains("port ") {
            usleep(50_000)
            text = (try? String(contentsOf: bannerFile, encoding: .utf8)) ?? ""
        }
        let port = try #require(text.range(of: #"port (\d+)"#, options: .regularExpression).flatMap { Int(text[$0].dropFirst(5)) }, "\(text)")

        var input = Data()
        input.append(StreamRecords.line(["id": 1, "html": "<p>A cat <img src='/cat.png' alt='cat'> and a lost one <img src='/gone.png'></p>",
                                         "url": "http://127.0.0.1:\(port)/post/"]))
        let cache = dir.appendingPathComponent("cache")
        let r = try CLI.run(["export", "--jsonl", "--images", "download", "--cache-dir", cache.path, "--quiet"], stdin: input)
        #expect(r.status == 0, "\(r.stderr)")
        let rec = try #require(StreamRecords.parse(r.stdout).first)
        let images = try #require(rec["images"] as? [[String: Any]], "\(rec)")
        #expect(images.count == 1)
        let file = try #require(images.first?["file"] as? String)
        #expect(file.hasPrefix(cache.path), "the image is in the shared cache")
        #expect(FileManager.default.contentsEqual(atPath: file, andPath: site.appendingPathComponent("cat.png").path))
        #expect(images.first?["type"] as? String == "image/png")
        let md = rec["markdown"] as? String ?? ""
        #expect(md.contains("![cat](\(file))"), "\(md)")
        #expect(md.contains("http://127.0.0.1:\(port)/gone.png"), "a missing image keeps its remote link")
        #expect((rec["warnings"] as? [String])?.contains { $0.contains("gone.png") } == true)

        // Without --images download, nothing is fetched: the links stay remote.
        let remote = try CLI.run(["export", "--jsonl", "--quiet"], stdin: input)
        let plain = try #require(StreamRecords.parse(remote.stdout).first)
        #expect(plain["images"] == nil)
        #expect((plain["markdown"] as? String)?.contains("](http://127.0.0.1:\(port)/cat.png)") == true)
    }
}
