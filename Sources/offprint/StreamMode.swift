import ArgumentParser
import Foundation
import Offprint

/// `--shard I/N`, shared by `export` and `bundle`.
struct ShardFlags: ParsableArguments {
    @Option(help: ArgumentHelp("Take only part I of N of the inputs (by a stable hash of each path, or of each record's id with --jsonl): N workers given shards 1/N … N/N cover every input exactly once.", valueName: "I/N"))
    var shard: String?

    var value: Shard? { shard.flatMap(Shard.init(parsing:)) }

    func validate() throws {
        guard !Validation.skipped else { return }
        if let s = shard, Shard(parsing: s) == nil {
            throw ValidationError("--shard takes I/N with 1 ≤ I ≤ N, like 2/8 (got '\(s)')")
        }
    }

    /// Whether the input path is in the shard (always, without --shard).
    func contains(path: String) -> Bool {
        value?.contains(Shard.key(path)) ?? true
    }
}

/// The stream mode's flags on `export`.
struct StreamFlags: ParsableArguments {
    @Flag(help: "Stream mode: JSON Lines records on standard input ({\"id\", \"html\", \"url\"?, \"content\"?, \"front_matter\"?}) → one JSON line per record on standard output, in input order.")
    var jsonl = false

    @Option(name: .customLong("max-record-size"), help: ArgumentHelp("With --jsonl: a longer input line becomes an error record (default 64MB).", valueName: "size"))
    var maxRecordSize: String?

    @OptionGroup var sharding: ShardFlags

    var shard: Shard? { sharding.value }
    func inShard(_ path: String) -> Bool { sharding.contains(path: path) }

    func validate() throws {
        guard !Validation.skipped else { return }
        if let m = maxRecordSize {
            guard DeviceProfile.parseByteSize(m) != nil else {
                throw ValidationError("--max-record-size takes a size like 64MB or 800KB (got '\(m)')")
            }
            if !jsonl { throw ValidationError("--max-record-size is for --jsonl") }
        }
    }
}

extension ExportCommand {
    func validateStream() throws {
        if let i = inputs.first(where: { $0 != "-" }) {
            throw ValidationError("--jsonl reads records from standard input; give no input files (got '\(i)')")
        }
        if destination != nil { throw ValidationError("--jsonl writes to standard output; drop -o (redirect instead: > out.jsonl)") }
        if images == .download && cacheFlags.cacheDir == nil {
            throw ValidationError("--jsonl --images download needs --cache-dir DIR (a cache shared by the workers; the Markdown links its files)")
        }
        if let j = jobs, j < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    /// `--jsonl`: records from standard input to standard output; exit 0 unless the stream
    /// itself fails (error records are output, not failures).
    func runStream(_ export: ExportOptions) async throws {
        var options = RecordOptions(export: export)
        if let j = jobs { options.jobs = j }
        if let m = stream.maxRecordSize.flatMap(DeviceProfile.parseByteSize) { options.maxRecordBytes = m }
        options.shard = stream.shard
        let cache = images == .download ? try cacheFlags.makeCache(quiet: true) : nil
        let summary: StreamSummary
        do {
            summary = try await JSONLinesStream(options: options, images: cache?.provider).run()
        } catch {
            warn("offprint: --jsonl: \(error)")
            throw ExitCode.failure
        }
        if !reporting.quiet {
            var line = "offprint: \(summary.records) records: \(summary.converted) converted, \(summary.failed) failed"
            if summary.skipped > 0 { line += ", \(summary.skipped) in other shards" }
            warn(line)
        }
        if reporting.strict && summary.failed > 0 { throw ExitCode.failure }
    }
}
