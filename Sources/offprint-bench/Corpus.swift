import Foundation

/// The shared corpus's article files, by source, in a stable order.
struct Corpus {
    struct File {
        var path: String
        var source: String  // readability, aeb, gne, hexo
        var size: Int
    }

    var files: [File] = []

    init(root: String) throws {
        let fm = FileManager.default
        func add(_ source: String, _ paths: [String]) {
            for p in paths.sorted() {
                let size = (try? fm.attributesOfItem(atPath: p)[.size] as? Int) ?? 0
                if size > 0 { files.append(File(path: p, source: source, size: size)) }
            }
        }
        func list(_ dir: String, suffix: String) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: "\(root)/\(dir)")) ?? []).filter { $0.hasSuffix(suffix) }.map { "\(root)/\(dir)/\($0)" }
        }
        add("readability", ((try? fm.contentsOfDirectory(atPath: "\(root)/readability")) ?? [])
            .map { "\(root)/readability/\($0)/source.html" }.filter { fm.fileExists(atPath: $0) })
        add("aeb", list("aeb", suffix: ".html"))
        add("gne", list("gne", suffix: ".html"))
        add("hexo", list("hexo", suffix: ".md"))
        if files.isEmpty { throw BenchError("\(root): no corpus files (readability/*/source.html, aeb/, gne/, hexo/)") }
    }

    var totalBytes: Int { files.reduce(0) { $0 + $1.size } }

    struct Mix {
        var files: [String]
        var bytes: Int
        /// One HTML file: the pages one after another (posts' front matter left out).
        var concatenated: String
        var concatenatedBytes: Int
        var summary: String
    }

    /// A mix of about `targetBytes`: files taken round-robin from each source (pages over
    /// 300 KB left out so that no single site dominates), copied into `work/mix/`, and also
    /// concatenated into `work/mix.html`.
    func writeMix(into work: String, targetBytes: Int) throws -> Mix {
        var queues: [String: [File]] = [:]
        for f in files where f.size <= 300_000 { queues[f.source, default: []].append(f) }
        let order = ["readability", "aeb", "gne", "hexo"].filter { queues[$0] != nil }
        var chosen: [File] = []
        var total = 0
        var round = 0
        while total < targetBytes {
            var took = false
            for s in order where round < queues[s]!.count {
                let f = queues[s]![round]
                chosen.append(f)
                total += f.size
                took = true
                if total >= targetBytes { break }
            }
            if !took { break }
            round += 1
        }
        let dir = "\(work)/mix"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var paths: [String] = []
        var concatenated = Data()
        var counts: [String: Int] = [:]
        for (i, f) in chosen.enumerated() {
            let ext = f.path.hasSuffix(".md") ? "md" : "html"
            let p = String(format: "%@/%03d-%@.%@", dir, i, f.source, ext)
            let data = try Data(contentsOf: URL(fileURLWithPath: f.path))
            try data.write(to: URL(fileURLWithPath: p))
            paths.append(p)
            concatenated.append(ext == "md" ? Corpus.body(ofPost: data) : data)
            concatenated.append(Data("\n".utf8))
            counts[f.source, default: 0] += 1
        }
        let mixPath = "\(work)/mix.html"
        try concatenated.write(to: URL(fileURLWithPath: mixPath))
        let summary = order.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        return Mix(files: paths, bytes: total, concatenated: mixPath, concatenatedBytes: concatenated.count, summary: summary)
    }

    /// A post's HTML body: what follows the closing `---` of its front matter.
    static func body(ofPost data: Data) -> Data {
        let bytes = [UInt8](data)
        guard bytes.starts(with: Array("---".utf8)) else { return data }
        var lineStart = 0
        var first = true
        var i = 0
        while i <= bytes.count {
            if i == bytes.count || bytes[i] == 0x0A {
                var line = bytes[lineStart..<i]
                if line.last == 0x0D { line = line.dropLast() }
                if !first && Array(line) == Array("---".utf8) { return Data(bytes[min(i + 1, bytes.count)...]) }
                first = false
                lineStart = i + 1
            }
            i += 1
        }
        return data
    }
}
