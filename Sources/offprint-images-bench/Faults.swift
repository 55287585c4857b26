import FlyingFox
import Foundation
import OffprintHTTP
import OffprintImages
#if canImport(Glibc)
import Glibc
#endif

/// A listener on 127.0.0.1: `answer == false` accepts and never answers; with
/// `acceptQueueFilled`, it never accepts (its queue is filled, so connects time out).
final class DeadHost: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private var fillers: [Int32] = []
    let connections = Counter()

    init(neverAccepts: Bool) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.fd = fd
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        listen(fd, neverAccepts ? 0 : 128)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = UInt16(bigEndian: addr.sin_port)
        if neverAccepts {
            for _ in 0..<16 {
                let c = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
                var a = addr
                _ = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(c, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
                var p = pollfd(fd: c, events: Int16(POLLOUT), revents: 0)
                var err: Int32 = 0
                var l = socklen_t(4)
                let n = poll(&p, 1, 300)
                getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &l)
                if n != 1 || err != 0 { close(c); break }
                fillers.append(c)
            }
        } else {
            let listener = fd
            let counter = connections
            Thread {
                var held: [Int32] = []
                while true {
                    let c = accept(listener, nil, nil)
                    if c < 0 { break }
                    counter.add()
                    held.append(c)
                }
                for c in held { close(c) }
            }.start()
        }
    }

    func stop() {
        for c in fillers { close(c) }
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

struct ChildRun {
    var status: Int32
    var wall: Double
    var cpu: Double
    var stderr: String
}

/// Runs the binary, measuring its wall time and CPU (user + system, from wait4).
func runChild(_ binary: String, _ args: [String]) throws -> ChildRun {
    let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-faults-\(getpid())-\(UUID().uuidString.prefix(6)).err")
    FileManager.default.createFile(atPath: errFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errFile) }
    let start = ContinuousClock.now
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errFile.path, O_WRONLY | O_TRUNC, 0)
    var env = ProcessInfo.processInfo.environment
    for k in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"] { env[k] = nil }
    let argv = ([binary] + args).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    let rc = posix_spawn(&pid, binary, &actions, nil, argv, envp)
    posix_spawn_file_actions_destroy(&actions)
    guard rc == 0 else { throw NSError(domain: "faults", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot start \(binary)"]) }
    var status: Int32 = 0
    var usage = rusage()
    _ = wait4(pid, &status, 0, &usage)
    let d = ContinuousClock.now - start
    let wall = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ChildRun(status: code, wall: wall, cpu: cpu, stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
}

func faults(_ args: [String]) async throws {
    guard let binary = value(after: "--offprint", in: args) else {
        print("usage: offprint-images-bench faults --offprint PATH/TO/offprint")
        exit(2)
    }
    let counter = Counter()
    let (good, goodPort) = try await startServer(host: "127.0.0.1", latency: .milliseconds(5), counter: counter)
    defer { Task { await good.stop() } }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-faults-\(getpid())")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }

    func page(_ urls: [String], _ name: String) throws -> String {
        let body = urls.map { "<p><img src=\"\($0)\"></p>" }.joined(separator: "\n")
        let file = root.appendingPathComponent(name + ".html")
        try Data("<html><body><article><h1>Faults</h1>\n\(body)\n</article></body></html>".utf8).write(to: file)
        return file.path
    }
    func report(_ label: String, _ r: ChildRun) {
        print(String(format: "%-52@ wall %6.2f s  CPU %5.2f s  exit %d", label as NSString, r.wall, r.cpu, r.status))
    }

    // 1. One image on a listener that accepts and never answers (default timeouts).
    let stalled = try DeadHost(neverAccepts: false)
    let one = try page(["http://127.0.0.1:\(stalled.port)/stalled.png"], "one")
    let r1 = try runChild(binary, ["export", one, "--images", "download", "--cache-dir", root.appendingPathComponent("c1").path,
                                   "-o", root.appendingPathComponent("out1/one.md").path])
    report("one stalled image", r1)
    print("  connections to the stalled host: \(stalled.connections.value)")
    stalled.stop()

    // 2 and 3. 40 images on a dead host + 5 good, then again at once.
    for neverAccepts in [false, true] {
        let dead = try DeadHost(neverAccepts: neverAccepts)
        let kind = neverAccepts ? "never accepts" : "accepts, never answers"
        let urls = (0..<40).map { "http://127.0.0.1:\(dead.port)/old/\($0).jpg" } + (0..<5).map { "http://127.0.0.1:\(goodPort)/good-\(neverAccepts)/\($0).png" }
        let input = try page(urls, "dead-\(neverAccepts)")
        let cacheDir = root.appendingPathComponent("c-\(neverAccepts)").path
        let out = root.appendingPathComponent("out-\(neverAccepts)/dead.md")
        let r2 = try runChild(binary, ["export", input, "--images", "download", "--cache-dir", cacheDir, "-o", out.path])
        report("40 dead (\(kind)) + 5 good", r2)
        let md = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let localised = md.components(separatedBy: "](dead.assets/").count - 1
        let grouped = r2.stderr.split(separator: "\n").filter { $0.contains("host 127.0.0.1:\(dead.port):") }
        print("  localised \(localised) of 5 good; connections to the dead host \(dead.connections.value); grouped warnings \(grouped.count)")
        for line in grouped { print("  | \(line)") }
        let before = dead.connections.value
        let r3 = try runChild(binary, ["export", input, "--images", "download", "--cache-dir", cacheDir, "-o", out.path])
        report("  again at once", r3)
        print("  requests to the dead host in the second run: \(dead.connections.value - before)")
        for line in r3.stderr.split(separator: "\n") where line.contains("skipped") || line.contains("host 127.0.0.1:\(dead.port)") { print("  | \(line)") }
        dead.stop()
    }
}

/// `deadhost`: the library alone on 40 images of a host that accepts and never answers,
/// with the retry/breaker log timestamped (to see when each attempt ends).
func deadHostTrace(_ args: [String]) async throws {
    let idle = Double(value(after: "--idle", in: args) ?? "") ?? 2
    let dead = try DeadHost(neverAccepts: args.contains("--never-accepts"))
    defer { dead.stop() }
    let start = Date()
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-deadhost-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    let http = HTTPOptions(idleTimeout: idle, log: { line in print(String(format: "%6.2f s  %@", Date().timeIntervalSince(start), line)) })
    let cache = try ImageCache(options: ImageCacheOptions(directory: root, http: http))
    let urls = (0..<40).map { "http://127.0.0.1:\(dead.port)/old/\($0).jpg" }
    let batch = await cache.fetch(urls)
    await cache.shutdown()
    print(String(format: "%6.2f s  done: %@; connections %d", Date().timeIntervalSince(start), batch.summary.description, dead.connections.value))
    for g in batch.summary.hostGroups { print("  \(g)") }
}
