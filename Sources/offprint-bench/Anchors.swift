import Foundation

/// Process to process on the same mix.html: offprint against libxml2's own parse and the
/// other converters.
enum Anchors {
    struct Tool {
        var name: String
        var argv: [String]
        var note: String
    }

    /// html-to-markdown's CLI: on PATH, or inside the installed Python package.
    static func htmlToMarkdown() -> String? {
        if let p = Spawn.which("html-to-markdown") { return p }
        let py = Spawn.which("python3") ?? Spawn.which("python")
        guard let py, let dir = Spawn.capture([py, "-c", "import html_to_markdown, os; print(os.path.dirname(html_to_markdown.__file__))"]) else { return nil }
        let p = dir + "/bin/html-to-markdown"
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    static func run(mix: Corpus.Mix, config: Config) throws {
        let input = mix.concatenated
        let out = config.work + "/anchors"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: config.offprint) else {
            throw BenchError("\(config.offprint): no offprint binary (swift build -c release --product offprint, or --offprint PATH)")
        }
        var tools = [Tool(name: "offprint export", argv: [config.offprint, "export", input, "-o", out + "/offprint.md", "--quiet"], note: "")]
        var skipped: [String] = []
        if let x = Spawn.which("xmllint") {
            tools.append(Tool(name: "xmllint --html --noout", argv: [x, "--html", "--noout", input], note: "libxml2 parse only"))
        } else { skipped.append("xmllint (apt-get install libxml2-utils)") }
        if let h = htmlToMarkdown() {
            let version = Spawn.capture([h, "--version"]) ?? ""
            tools.append(Tool(name: "html-to-markdown", argv: [h, input, "-o", out + "/h2m.md"], note: version))
        } else { skipped.append("html-to-markdown (pip install html-to-markdown)") }
        if let p = Spawn.which("pandoc") {
            let version = (Spawn.capture([p, "--version"]) ?? "").split(separator: "\n").first.map(String.init) ?? ""
            tools.append(Tool(name: "pandoc -f html -t gfm", argv: [p, "-f", "html", "-t", "gfm", input, "-o", out + "/pandoc.md"], note: version))
        } else { skipped.append("pandoc (apt-get install pandoc)") }

        var results: [(Tool, ProcessRun)] = []
        for t in tools {
            let r = try Spawn.best(t.argv, runs: t.name.hasPrefix("pandoc") ? min(config.runs, 3) : config.runs)
            results.append((t, r))
        }
        let ours = results[0].1
        let xml = results.first { $0.0.name.hasPrefix("xmllint") }?.1

        print("## Process to process: mix.html (\(fmt(mb(mix.concatenatedBytes))) MB, one file)")
        print("")
        print("| tool | wall | CPU | MB/s (wall) | peak RSS | wall vs offprint | note |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for (t, r) in results {
            let ratio = r.wall / ours.wall
            print("| \(t.name) | \(fmt(r.wall * 1000, 0)) ms | \(fmt(r.cpu * 1000, 0)) ms | \(fmt(mb(mix.concatenatedBytes) / r.wall, 1)) | \(mib(r.peakRSS)) | \(fmt(ratio, 2))× | \(t.note) |")
        }
        print("")
        if let xml {
            print("offprint export / xmllint parse: \(fmt(ours.wall / xml.wall, 2))× wall, \(fmt(ours.cpu / max(xml.cpu, 1e-6), 2))× CPU (target: ≤ 1.5×)")
        }
        for s in skipped { print("skipped (not installed): \(s)") }
        print("")
    }
}
