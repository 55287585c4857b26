import Foundation

/// `offprint export --jsonl` (records on standard input) next to the file mode
/// (`offprint export FILES -o folder/`) on the same pages: records/s, and records/s per core.
enum StreamBench {
    struct Record: Encodable {
        var id: String
        var html: String
    }

    static func run(corpus: Corpus, config: Config) throws {
        let dir = config.work + "/stream"
        let (paths, bytes) = try Batch.inputs(corpus: corpus, into: dir, copies: config.batchCopies)
        let jsonl = config.work + "/stream.jsonl"
        _ = FileManager.default.createFile(atPath: jsonl, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: jsonl))
        let encoder = JSONEncoder()
        for p in paths {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: p)), as: UTF8.self)
            var line = try encoder.encode(Record(id: (p as NSString).lastPathComponent, html: text))
            line.append(0x0A)
            try out.write(contentsOf: line)
        }
        try out.close()

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let jobs = cores > 1 ? [1, cores] : [1]
        print("## Stream mode vs file mode: \(paths.count) records (the corpus ×\(config.batchCopies)), \(fmt(mb(bytes))) MB")
        print("")
        print("`export --jsonl < records.jsonl` against `export FILES -o folder/`. Per core: records per CPU-second")
        print("(records ÷ the process's user+system time), which does not depend on what else the machine runs.")
        print("")
        print("| mode | --jobs | wall | CPU | records/s (wall) | records/s per core | peak RSS |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        let runs = max(1, min(config.runs, 3))
        for n in jobs {
            let s = try best([config.offprint, "export", "--jsonl", "--quiet", "--jobs", "\(n)"], stdin: jsonl, runs: runs)
            row("stream", n, s, paths.count)
            let f = try Spawn.best([config.offprint, "export"] + paths + ["-o", config.work + "/stream-files-\(n)/", "--quiet", "--jobs", "\(n)"], runs: runs)
            row("files", n, f, paths.count)
        }
        print("")
    }

    static func row(_ mode: String, _ jobs: Int, _ r: ProcessRun, _ records: Int) {
        print("| \(mode) | \(jobs) | \(fmt(r.wall, 2)) s | \(fmt(r.cpu, 2)) s | \(fmt(Double(records) / r.wall, 0)) | \(fmt(Double(records) / r.cpu, 0)) | \(mib(r.peakRSS)) |")
    }

    /// The best of `runs` runs reading `stdin`, output discarded.
    static func best(_ argv: [String], stdin: String, runs: Int) throws -> ProcessRun {
        var best: ProcessRun?
        var peak = 0
        for _ in 0..<runs {
            let r = try Spawn.run(argv, stdinPath: stdin)
            if r.status != 0 { throw BenchError("\(argv.joined(separator: " ")) exited with status \(r.status)") }
            peak = max(peak, r.peakRSS)
            if best == nil || r.wall < best!.wall { best = r }
        }
        best!.peakRSS = peak
        return best!
    }
}
