import OffprintSupport
import ArgumentParser
import Foundation
import Offprint

/// `--verbose` and `--report FILE`, shared by `export` and `bundle`.
struct ReportFlags: ParsableArguments {
    @Flag(help: "Treat warnings as failures (exit status 1).")
    var strict = false

    @Flag(name: .shortAndLong, help: "Print no warnings or progress.")
    var quiet = false

    @Flag(help: "Print every warning (by default they are grouped: a few lines per article, images per host).")
    var verbose = false

    @Option(name: .customLong("report"), help: ArgumentHelp("Write every warning and error, with the run's counts, to FILE as JSON.", valueName: "file"),
            completion: .file(extensions: ["json"]))
    var reportFile: String?

    func validate() throws {
        guard !Validation.skipped else { return }
        if let r = reportFile, r == "-" { throw ValidationError("--report takes a file name (standard output carries the Markdown)") }
    }
}

/// Prints warnings so that a bundle of news pages does not print hundreds of lines: image
/// failures grouped per host and reason across articles, other warnings grouped per article
/// and message, at most `perArticle` lines per article, and one closing line saying what
/// was left out and how to see it (`--verbose`, `--report`). Errors are never grouped away.
struct WarningPrinter {
    var perArticle = 3
    var hostLines = 5

    /// The lines to print for `diagnostics`, and how many diagnostics they leave unsaid.
    func lines(_ diagnostics: [Diagnostic]) -> (lines: [String], hidden: Int) {
        var out: [String] = []
        var hidden = 0

        // 1. Images not embedded / not downloaded, per host and reason, across articles.
        struct HostGroup { var host: String; var message: String; var origins: [String] = []; var count = 0 }
        var hostGroups: [String: HostGroup] = [:]
        var hostOrder: [String] = []
        var rest: [Diagnostic] = []
        for d in diagnostics {
            guard let loc = d.location, loc.hasPrefix("<img"), let host = Self.host(inImageLocation: loc) else { rest.append(d); continue }
            let key = host + "\u{1}" + Self.shape(d.message)
            if hostGroups[key] == nil { hostGroups[key] = HostGroup(host: host, message: d.message); hostOrder.append(key) }
            hostGroups[key]!.count += 1
            if hostGroups[key]!.origins.last != d.origin, !hostGroups[key]!.origins.contains(d.origin) { hostGroups[key]!.origins.append(d.origin) }
        }
        // Hosts with the most failures first.
        let sortedHosts = hostOrder.enumerated().sorted { a, b in
            let (x, y) = (hostGroups[a.element]!.count, hostGroups[b.element]!.count)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        for (i, key) in sortedHosts.enumerated() {
            let g = hostGroups[key]!
            if i >= hostLines { hidden += g.count; continue }
            if g.count == 1 {
                let d = diagnostics.first { $0.location.flatMap(Self.host(inImageLocation:)) == g.host && Self.shape($0.message) == Self.shape(g.message) }!
                out.append("offprint: warning: \(d)")
            } else {
                let where_ = g.origins.count == 1 ? g.origins[0] : "\(g.origins.count) articles"
                out.append("offprint: warning: \(where_): \(g.count) images from \(g.host): \(g.message)")
            }
        }

        // 2. Everything else, per article: the same message once, with a count.
        var byOrigin: [String: [Diagnostic]] = [:]
        var originOrder: [String] = []
        for d in rest {
            if byOrigin[d.origin] == nil { originOrder.append(d.origin) }
            byOrigin[d.origin, default: []].append(d)
        }
        for origin in originOrder {
            var groups: [(key: String, items: [Diagnostic])] = []
            var index: [String: Int] = [:]
            for d in byOrigin[origin]! {
                let key = Self.shape(d.message)
                if let i = index[key] { groups[i].items.append(d) } else { index[key] = groups.count; groups.append((key, [d])) }
            }
            for (i, g) in groups.enumerated() {
                // Errors are always shown.
                let isError = g.items.contains { $0.severity == .error }
                if i >= perArticle && !isError { hidden += g.items.count; continue }
                let first = g.items[0]
                if g.items.count == 1 {
                    out.append("offprint: \(first.severity == .error ? "error" : "warning"): \(first)")
                } else {
                    let places = g.items.compactMap(\.location).prefix(2).joined(separator: ", ")
                    out.append("offprint: warning: \(origin): \(first.message) (\(g.items.count) times\(places.isEmpty ? "" : ": \(places), …"))")
                }
            }
        }
        return (out, hidden)
    }

    /// The host of the URL in `<img src="https://host/…">`.
    static func host(inImageLocation location: String) -> String? {
        guard let start = location.range(of: "src=\"")?.upperBound else { return nil }
        let url = location[start...].prefix { $0 != "\"" }
        guard let scheme = url.range(of: "://") else {
            return WebURL.isData(String(url)) ? "data: URLs" : (url.isEmpty ? nil : "relative URLs")
        }
        let host = url[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "…" }
        return host.isEmpty ? nil : String(host)
    }

    /// A message with its numbers blurred, so "HTTP 404 after 3 tries" and "after 2 tries"
    /// group together.
    static func shape(_ message: String) -> String {
        var out = ""
        var lastWasDigit = false
        for c in message {
            if c.isASCII && c.isNumber {
                if !lastWasDigit { out.append("#") }
                lastWasDigit = true
            } else {
                out.append(c)
                lastWasDigit = false
            }
        }
        return out
    }
}

/// The JSON written by `--report FILE`: every warning and error of the run, and its counts.
struct RunReport: Encodable {
    struct Entry: Encodable {
        var severity: String
        var origin: String
        var location: String?
        var message: String
        /// For errors: the step that failed (`read`, `feed`, `fetch`, `epub`, …).
        var step: String? = nil
    }
    var command: String
    var output: String?
    var warnings: [Entry] = []
    var errors: [Entry] = []
    var counts: [String: Int] = [:]

    init(command: String, output: String?) {
        self.command = command
        self.output = output
    }

    mutating func add(_ diagnostics: [Diagnostic]) {
        for d in diagnostics {
            let e = Entry(severity: d.severity.rawValue, origin: d.origin, location: d.location, message: d.message)
            if d.severity == .error { errors.append(e) } else { warnings.append(e) }
        }
    }

    mutating func addError(origin: String, _ error: any Error) {
        let e = error as? OffprintError
        errors.append(Entry(severity: "error", origin: origin, location: nil, message: "\(error)", step: e?.step.rawValue))
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        do {
            try Files.writeAtomically(data + Data("\n".utf8), to: URL(fileURLWithPath: path))
        } catch {
            throw OffprintError(.write, "--report \(path): \(error)", underlying: error)
        }
    }
}

extension ReportFlags {
    /// Prints `diagnostics` (grouped unless --verbose; nothing with -q) and, with --report,
    /// writes them all with `counts`.
    func emit(_ diagnostics: [Diagnostic], report: RunReport?) throws {
        if !quiet {
            if verbose {
                for d in diagnostics { warn("offprint: \(d.severity == .error ? "error" : "warning"): \(d)") }
            } else {
                let (lines, hidden) = WarningPrinter().lines(diagnostics)
                for l in lines { warn(l) }
                if lines.count < diagnostics.count {
                    let total = diagnostics.count
                    let how = hidden > 0 ? "\(hidden) of them not shown" : "grouped"
                    warn("offprint: \(counted(total, "warning")) in all, \(how) (--verbose prints every one\(reportFile == nil ? ", --report FILE writes them as JSON" : "; all are in \(reportFile!)"))")
                }
            }
        }
        if let path = reportFile, let report { try report.write(to: path) }
    }
}

/// "1 article", "2 articles".
func counted(_ n: Int, _ one: String, _ many: String? = nil) -> String {
    "\(n) " + (n == 1 ? one : (many ?? one + "s"))
}
