import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One finished child process: wall time, CPU time and peak memory (from `wait4`'s rusage,
/// so it is the child's own peak, not the harness's).
struct ProcessRun {
    var status: Int32
    var wall: Double
    var user: Double
    var system: Double
    /// Peak resident set size in bytes.
    var peakRSS: Int
    var cpu: Double { user + system }
}

enum Spawn {
    /// Runs `argv` (argv[0] a path, or a name looked up on PATH) with standard output sent to
    /// `stdoutPath` (default /dev/null), standard error to /dev/null unless `showErrors`.
    static func run(_ argv: [String], stdoutPath: String = "/dev/null", stdinPath: String? = nil,
                    showErrors: Bool = false) throws -> ProcessRun {
        // A child started from this (large) process inherits its memory high-water mark
        // across exec (Linux keeps the larger of the two in ru_maxrss). GNU time, small
        // itself, forks the real command and reports that child's own peak.
        if let time = gnuTime {
            let report = NSTemporaryDirectory() + "offprint-bench-time-\(getpid()).txt"
            defer { unlink(report) }
            var r = try direct([time, "-f", "%M", "-o", report] + argv, stdoutPath: stdoutPath, stdinPath: stdinPath, showErrors: showErrors)
            let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            // On failure GNU time writes "Command exited with non-zero status N" first.
            if let kb = text.split(separator: "\n").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                r.peakRSS = kb * 1024
            }
            return r
        }
        return try direct(argv, stdoutPath: stdoutPath, stdinPath: stdinPath, showErrors: showErrors)
    }

    /// GNU time, when installed (Debian package `time`).
    static let gnuTime: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/time") ? "/usr/bin/time" : nil

    private static func direct(_ argv: [String], stdoutPath: String, stdinPath: String?, showErrors: Bool) throws -> ProcessRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if !showErrors { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)

        let cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let start = ContinuousClock.now
        let rc = cargs.withUnsafeBufferPointer { buf in
            posix_spawnp(&pid, argv[0], &actions, nil, buf.baseAddress!, environ)
        }
        guard rc == 0 else { throw BenchError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR { throw BenchError("wait4 failed for \(argv[0])") }
        }
        let wall = seconds(ContinuousClock.now - start)
        let exited = (status & 0x7f) == 0
        let code: Int32 = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProcessRun(status: code, wall: wall,
                          user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
                          system: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
                          peakRSS: Int(usage.ru_maxrss) * 1024)
    }

    /// The best (least wall time) of `runs` runs; peak memory is the largest seen. Fails
    /// when a run exits non-zero.
    static func best(_ argv: [String], runs: Int, stdoutPath: String = "/dev/null") throws -> ProcessRun {
        var best: ProcessRun?
        var peak = 0
        for _ in 0..<max(runs, 1) {
            let r = try run(argv, stdoutPath: stdoutPath)
            if r.status != 0 {
                _ = try? run(argv, stdoutPath: "/dev/null", showErrors: true)
                throw BenchError("\(argv.joined(separator: " ")) exited with status \(r.status)")
            }
            peak = max(peak, r.peakRSS)
            if best == nil || r.wall < best!.wall { best = r }
        }
        best!.peakRSS = peak
        return best!
    }

    /// The full path of `name` on PATH, if it is installed.
    static func which(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Standard output of a short command (for locating tools), nil when it fails.
    static func capture(_ argv: [String]) -> String? {
        let tmp = NSTemporaryDirectory() + "offprint-bench-\(getpid()).out"
        defer { unlink(tmp) }
        guard let r = try? run(argv, stdoutPath: tmp), r.status == 0,
              let s = try? String(contentsOfFile: tmp, encoding: .utf8) else { return nil }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}
