import Foundation

/// `offprint export many files -o folder/` with --jobs 1, 2, … the core count.
enum Batch {
    /// The whole corpus copied `copies` times under distinct names.
    static func inputs(corpus: Corpus, into dir: String, copies: Int) throws -> (paths: [String], bytes: Int) {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var paths: [String] = []
        var bytes = 0
        for c in 0..<max(copies, 1) {
            for (i, f) in corpus.files.enumerated() {
                let ext = f.path.hasSuffix(".md") ? "md" : "html"
                let p = String(format: "%@/%02d-%03d-%@.%@", dir, c, i, f.source, ext)
                try FileManager.default.copyItem(atPath: f.path, toPath: p)
                paths.append(p)
                bytes += f.size
            }
        }
        return (paths, bytes)
    }

    static func run(corpus: Corpus, config: Config) throws {
        let (paths, bytes) = try inputs(corpus: corpus, into: config.work + "/batch", copies: config.batchCopies)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var jobs = [1]
        var j = 2
        while j < cores { jobs.append(j); j *= 2 }
        if cores > 1 { jobs.append(cores) }
        print("## Batch: \(paths.count) files (the corpus ×\(config.batchCopies)), \(fmt(mb(bytes))) MB → folder")
        print("")
        print("| --jobs | wall | CPU | MB/s | speed-up | peak RSS |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        var base: Double?
        for n in jobs {
            let out = config.work + "/batch-out-\(n)/"
            let r = try Spawn.best([config.offprint, "export"] + paths + ["-o", out, "--quiet", "--jobs", "\(n)"], runs: max(1, min(config.runs, 3)))
            if base == nil { base = r.wall }
            print("| \(n) | \(fmt(r.wall, 2)) s | \(fmt(r.cpu, 2)) s | \(fmt(mb(bytes) / r.wall, 1)) | \(fmt(base! / r.wall, 2))× | \(mib(r.peakRSS)) |")
        }
        print("")
    }
}
