import Foundation
import OffprintArticle
import OffprintCleanup
import OffprintDocument
import Offprint

/// Stage timings inside this process, one thread: where the time of an export goes.
enum InProcess {
    static func run(mix: Corpus.Mix, runs: Int) throws {
        let inputs = try mix.files.map { p in (p, [UInt8](try Data(contentsOf: URL(fileURLWithPath: p)))) }
        let one = [UInt8](try Data(contentsOf: URL(fileURLWithPath: mix.concatenated)))
        let exporter = Exporter()

        func best(_ body: () throws -> Void) rethrows -> Double {
            var b = Double.infinity
            for _ in 0..<max(runs, 1) {
                let start = ContinuousClock.now
                try body()
                b = min(b, seconds(ContinuousClock.now - start))
            }
            return b
        }

        var sink = 0
        // Each stage on its own input: documents parsed (and cleaned) once, outside the timer.
        let parseFiles = best { for (_, b) in inputs { sink &+= HTMLParser.parse(b).count } }
        let parseOne = best { sink &+= HTMLParser.parse(one).count }
        let loadFiles = try best { for (p, b) in inputs { sink &+= try ArticleLoader.load(b, origin: p).0.document.count } }
        let loaded = try inputs.map { (p, b) in try ArticleLoader.load(b, origin: p).0 }
        var cleaned: [CleanedArticle] = []
        var cleanupTime = Double.infinity
        for _ in 0..<max(runs, 1) {
            let start = ContinuousClock.now
            cleaned = loaded.map { Cleanup.clean($0).0 }
            cleanupTime = min(cleanupTime, seconds(ContinuousClock.now - start))
        }
        sink &+= cleaned.count
        let renderFiles = best { for a in cleaned { sink &+= exporter.render(a).utf8.count } }
        let exportFiles = try best { for (p, b) in inputs { sink &+= try exporter.export(b, origin: p).markdown.utf8.count } }
        let exportOne = try best { sink &+= try exporter.export(one, origin: "mix.html").markdown.utf8.count }

        print("## In process, one thread (\(mix.files.count) files, \(fmt(mb(mix.bytes))) MB; mix.html \(fmt(mb(mix.concatenatedBytes))) MB)")
        print("")
        print("| stage | input | time | MB/s | share of export |")
        print("| --- | --- | ---: | ---: | ---: |")
        func row(_ stage: String, _ input: String, _ t: Double, _ bytes: Int, share: Double?) {
            print("| \(stage) | \(input) | \(fmt(t * 1000, 1)) ms | \(fmt(mb(bytes) / t, 1)) | \(share.map { fmt($0 * 100, 0) + " %" } ?? "") |")
        }
        row("parse (libxml2 + tree)", "files", parseFiles, mix.bytes, share: parseFiles / exportFiles)
        row("load (parse + metadata)", "files", loadFiles, mix.bytes, share: loadFiles / exportFiles)
        row("clean-up passes", "files", cleanupTime, mix.bytes, share: cleanupTime / exportFiles)
        row("Markdown + front matter", "files", renderFiles, mix.bytes, share: renderFiles / exportFiles)
        row("**export (all stages)**", "files", exportFiles, mix.bytes, share: 1)
        row("parse (libxml2 + tree)", "mix.html", parseOne, mix.concatenatedBytes, share: nil)
        row("**export (all stages)**", "mix.html", exportOne, mix.concatenatedBytes, share: nil)
        print("")
        if sink == 42 { print("") }  // keeps the work observable
    }
}
