import Foundation

/// The shared corpus's article files, by source, in a stable order.
struct Corpus {
    struct File {
        var path: String
        var source: String  // readability, aeb, gne, hexo
        var size: Int
    }

    var files: [File] = []
    let root: String

    init(root: String) throws {
        self.root = root
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
        /// One HTML document: the body of each page (the HTML body of each post), one after
        /// another, in a single `<body>`. (Whole pages one after another would not do:
        /// libxml2 puts everything after the first `</html>` in a second root element,
        /// which no converter reads as part of the page.)
        var concatenated: String
        var concatenatedBytes: Int
        var summary: String
    }

    /// A mix whose concatenation is about `targetBytes`: files taken round-robin from each
    /// source (pages over 300 KB left out so that no single site dominates), copied into
    /// `work/mix/`, and their bodies concatenated into `work/mix.html`.
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
                let data = try Data(contentsOf: URL(fileURLWithPath: f.path))
                total += (f.path.hasSuffix(".md") ? Corpus.body(ofPost: data) : Corpus.body(ofPage: data)).count
                took = true
                if total >= targetBytes { break }
            }
            if !took { break }
            round += 1
        }
        let dir = "\(work)/mix"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var paths: [String] = []
        var concatenated = Data("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>offprint-bench corpus mix</title></head>\n<body>\n".utf8)
        var counts: [String: Int] = [:]
        for (i, f) in chosen.enumerated() {
            let ext = f.path.hasSuffix(".md") ? "md" : "html"
            let p = String(format: "%@/%03d-%@.%@", dir, i, f.source, ext)
            let data = try Data(contentsOf: URL(fileURLWithPath: f.path))
            try data.write(to: URL(fileURLWithPath: p))
            paths.append(p)
            concatenated.append(ext == "md" ? Corpus.body(ofPost: data) : Corpus.body(ofPage: data))
            concatenated.append(Data("\n".utf8))
            counts[f.source, default: 0] += 1
        }
        concatenated.append(Data("</body></html>\n".utf8))
        let mixPath = "\(work)/mix.html"
        try concatenated.write(to: URL(fileURLWithPath: mixPath))
        let summary = order.map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
        return Mix(files: paths, bytes: chosen.reduce(0) { $0 + $1.size }, concatenated: mixPath, concatenatedBytes: concatenated.count, summary: summary)
    }

    /// What is between a page's `<body ...>` and its last `</body>` (the whole page when it
    /// has no body tags).
    static func body(ofPage data: Data) -> Data {
        let bytes = [UInt8](data)
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
        func find(_ needle: String, from: Int, backwards: Bool = false) -> Int? {
            let n = Array(needle.utf8)
            guard lower.count >= n.count else { return nil }
            let range = Array(from...(lower.count - n.count))
            for i in backwards ? range.reversed() : range where lower[i] == n[0] && Array(lower[i..<(i + n.count)]) == n {
                return i
            }
            return nil
        }
        guard let open = find("<body", from: 0), let gt = lower[open...].firstIndex(of: UInt8(ascii: ">")) else { return data }
        let close = find("</body", from: gt, backwards: true) ?? bytes.count
        return Data(bytes[(gt + 1)..<close])
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
