import Foundation

/// The repository's root folder (…/Tests/OffprintTestSupport/ → …).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs the built `offprint` binary as a user would: the one child-process runner of the
/// test targets.
public enum CLI {
    public static let repoRoot = repositoryRoot

    /// The `offprint` binary of the same build as the running tests.
    public static var binary: URL {
        // The test bundle sits next to the products of the same build.
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("offprint"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("offprint"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("offprint"),
            repoRoot.appendingPathComponent(".build/debug/offprint"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// The environment every run starts from: the test process's, without the proxy
    /// variables (runs talk to loopback servers) and without the user's send settings and
    /// password.
    static func baseEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for k in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] { environment[k] = nil }
        environment["OFFPRINT_SMTP_PASSWORD"] = nil
        environment["OFFPRINT_CONFIG"] = "/nonexistent/offprint-test-config.toml"
        return environment
    }

    /// Runs offprint with `args`. `stdin` is written to its standard input (else it reads
    /// an empty one); `env` entries are added to (or, with nil, removed from) the
    /// environment; `cwd` is its working folder. Both output pipes are drained, and the
    /// input written, on other threads while it runs (large outputs or inputs would block
    /// it otherwise). `whileRunning` is called with the started process on this thread (to
    /// sample it); the run is waited for when it returns.
    @discardableResult
    public static func run(_ args: [String], stdin: Data? = nil, env: [String: String?] = [:], cwd: URL? = nil,
                           whileRunning: ((Process) -> Void)? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var environment = baseEnvironment()
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        let outData = LockedData(), errData = LockedData()
        let group = DispatchGroup()
        for (h, d) in [(out.fileHandleForReading, outData), (err.fileHandleForReading, errData)] {
            group.enter()
            DispatchQueue.global().async {
                d.set(h.readDataToEndOfFile())
                group.leave()
            }
        }
        group.enter()
        DispatchQueue.global().async {
            if let stdin { inp.fileHandleForWriting.write(stdin) }
            try? inp.fileHandleForWriting.close()
            group.leave()
        }
        whileRunning?(p)
        p.waitUntilExit()
        group.wait()
        return Result(status: p.terminationStatus,
                      stdout: String(decoding: outData.get(), as: UTF8.self),
                      stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// `run` on a dispatch thread: waiting for the child must not hold one of the
    /// cooperative pool's threads, which a loopback server in the test needs.
    @discardableResult
    public static func runDetached(_ args: [String], stdin: Data? = nil, env: [String: String?] = [:], cwd: URL? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { c in
            DispatchQueue.global().async {
                c.resume(with: Swift.Result { try run(args, stdin: stdin, env: env, cwd: cwd) })
            }
        }
    }

    /// A fresh temporary folder (the caller removes it).
    public static func tempDir(_ label: String = "cli") throws -> URL { try TempDir.create(label) }
}

/// A fresh folder under the temporary directory, removed by `remove()`.
public struct TempDir: Sendable {
    public let url: URL
    public init(_ label: String = "test") {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("offprint-tests-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    public func remove() { try? FileManager.default.removeItem(at: url) }

    /// A fresh folder under the temporary directory, made now (an error when it cannot be);
    /// the caller removes it.
    public static func create(_ label: String) throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

/// Bytes shared between threads, behind a lock (a child's output drained on another thread).
public final class LockedData: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()
    public init() {}
    public func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    public func append(_ d: Data) { lock.lock(); data.append(d); lock.unlock() }
    public func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
