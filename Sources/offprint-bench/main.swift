// offprint-bench: throughput and peak memory of offprint against the anchors, on the shared
// corpus. A developer tool, not shipped to users; run it release-built (scripts/bench.sh).
//
//   offprint-bench [--corpus DIR] [--work DIR] [--offprint PATH] [--runs N] [--mix-bytes N]
//                  [--batch-copies N] [--only parse,export,anchors,batch,stream,bundle,feeds]
//
// What it measures (best wall time of --runs runs; peak RSS from wait4 of each child):
//   parse      in this process, one thread: libxml2 parse + tree, load, clean-up, Markdown
//              per stage, over the mix's files (MB/s of input HTML)
//   anchors    process to process on the same ~1 MB mix.html: offprint export, xmllint
//              --html --noout (libxml2's own parse), html-to-markdown (Rust, PyPI), pandoc;
//              anchors that are not installed are skipped, saying so
//   batch      offprint export of the whole corpus (copied --batch-copies times) into a
//              folder with --jobs 1, 2, … the core count: scaling
//   stream     offprint export --jsonl (records on standard input) next to the file mode on
//              the same pages, --jobs 1 and the core count: records/s and records per CPU-second
//   bundle     offprint bundle of 50 / 500 / 1000 articles from a warm image cache
//   feeds      offprint bundle of one RSS feed of 500 / 5,000 entries (--feed-sizes)
//
//   offprint-bench --profile FILE [--stage parse|load|cleanup|export] [--repeat N]
//       One stage on one file, in this process, with no other threads: for
//       valgrind --tool=callgrind (which cannot run the multi-threaded CLI here, and needs
//       `objcopy --strip-debug` on the binary: valgrind 3.19 cannot read DWARF 5).
import Foundation
import Offprint

struct Config {
    var corpus = "../shared/corpus"
    var work = NSTemporaryDirectory() + "offprint-bench"
    var offprint = ".build/release/offprint"
    var runs = 5
    var mixBytes = 1_000_000
    var batchCopies = 4
    var bundleSizes = [50, 500, 1000]
    var feedSizes = [500, 5000]
    var only: Set<String> = ["parse", "anchors", "batch", "stream", "bundle", "feeds"]
}

func parseArguments() -> Config {
    var c = Config()
    var args = Array(CommandLine.arguments.dropFirst())
    func take(_ flag: String) -> String? {
        guard let i = args.firstIndex(of: flag) else { return nil }
        guard i + 1 < args.count else { usage("\(flag) needs a value") }
        let v = args[i + 1]
        args.removeSubrange(i...(i + 1))
        return v
    }
    if args.contains("-h") || args.contains("--help") { usage(nil) }
    if let v = take("--corpus") { c.corpus = v }
    if let v = take("--work") { c.work = v }
    if let v = take("--offprint") { c.offprint = v }
    func number(_ flag: String) -> Int? {
        guard let v = take(flag) else { return nil }
        guard let n = Int(v), n > 0 else { usage("\(flag) takes a positive number") }
        return n
    }
    if let n = number("--runs") { c.runs = n }
    if let n = number("--mix-bytes") { c.mixBytes = n }
    if let n = number("--batch-copies") { c.batchCopies = n }
    if let v = take("--bundle-sizes") { c.bundleSizes = v.split(separator: ",").compactMap { Int($0) } }
    if let v = take("--feed-sizes") { c.feedSizes = v.split(separator: ",").compactMap { Int($0) } }
    if let v = take("--only") { c.only = Set(v.split(separator: ",").map(String.init)) }
    if !args.isEmpty { usage("unknown arguments: \(args.joined(separator: " "))") }
    return c
}

func usage(_ problem: String?) -> Never {
    let text = """
    usage: offprint-bench [--corpus DIR] [--work DIR] [--offprint PATH] [--runs N]
                          [--mix-bytes N] [--batch-copies N] [--bundle-sizes 50,500,1000] [--feed-sizes 500,5000]
                          [--only parse,anchors,batch,stream,bundle,feeds]
    """
    if let problem { FileHandle.standardError.write(Data("offprint-bench: \(problem)\n\(text)\n".utf8)); exit(2) }
    print(text)
    exit(0)
}

func mb(_ bytes: Int) -> Double { Double(bytes) / 1_000_000 }
func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
func mib(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }

if let i = CommandLine.arguments.firstIndex(of: "--profile"), i + 1 < CommandLine.arguments.count {
    Profile.run(file: CommandLine.arguments[i + 1], arguments: CommandLine.arguments)
    exit(0)
}

let config = parseArguments()
let fm = FileManager.default
guard fm.fileExists(atPath: config.corpus) else {
    FileHandle.standardError.write(Data("offprint-bench: corpus folder \(config.corpus) not found (give --corpus DIR)\n".utf8))
    exit(1)
}
try? fm.removeItem(atPath: config.work)
try fm.createDirectory(atPath: config.work, withIntermediateDirectories: true)

let corpus = try Corpus(root: config.corpus)
let mix = try corpus.writeMix(into: config.work, targetBytes: config.mixBytes)
print("# offprint-bench")
print("")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; corpus \(config.corpus); best of \(config.runs) runs")
if Spawn.gnuTime == nil { print("peak RSS: /usr/bin/time (Debian package time) is missing, so child peaks include this harness's own memory (upper bounds)") }
print("mix: \(mix.files.count) files (\(mix.summary)), \(fmt(mb(mix.bytes))) MB; concatenated in \(mix.concatenated)")
print("")

if config.only.contains("parse") {
    try InProcess.run(mix: mix, runs: config.runs)
}
if config.only.contains("anchors") {
    try Anchors.run(mix: mix, config: config)
}
if config.only.contains("batch") {
    try Batch.run(corpus: corpus, config: config)
}
if config.only.contains("stream") {
    try StreamBench.run(corpus: corpus, config: config)
}
if config.only.contains("bundle") {
    try await BundleBench.run(corpus: corpus, config: config)
}
if config.only.contains("feeds") {
    try await FeedBench.run(corpus: corpus, config: config)
}
