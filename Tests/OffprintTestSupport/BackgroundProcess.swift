import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A started `offprint serve` (or any) process whose first stdout line is awaited; stopped by `stop()`.
public final class BackgroundProcess: @unchecked Sendable {
    public let process = Process()
    private let out = LockedData()
    private let err = LockedData()

    public init(_ executable: URL, _ args: [String], env: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = args
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        process.environment = environment
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = FileHandle.nullDevice
        o.fileHandleForReading.readabilityHandler = { [out] h in out.append(h.availableData) }
        e.fileHandleForReading.readabilityHandler = { [err] h in err.append(h.availableData) }
        try process.run()
    }

    /// Waits (up to `seconds`) for a line of standard output containing `marker`.
    public func waitForLine(containing marker: String, seconds: Double = 120) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            // Whole lines only: the child may be caught half-way through writing one ("PORT " before its number).
            let text = String(decoding: out.get(), as: UTF8.self)
            let complete = text.lastIndex(of: "\n").map { text[..<$0] } ?? ""
            if let line = complete.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if !process.isRunning { break }
            usleep(20_000)
        }
        throw Failure(description: "no line with '\(marker)'; stdout: \(String(decoding: out.get(), as: UTF8.self)); stderr: \(String(decoding: err.get(), as: UTF8.self))")
    }

    public var stderr: String { String(decoding: err.get(), as: UTF8.self) }
    public var stdout: String { String(decoding: out.get(), as: UTF8.self) }

    /// SIGKILL: the test runner's threads block SIGTERM, and a child started from them inherits
    /// that mask (so `terminate()` would never end it).
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }
}

