// offprint-images-bench: a developer tool for the image cache (not shipped to users).
//
//   offprint-images-bench fetch --cache DIR [--offline] [--concurrency N] URL...
//       Fetches the URLs into the cache at DIR, prints the summary and each failure;
//       exits 1 if any failed. The tests run it as a second process sharing a cache.
//   offprint-images-bench faults --offprint PATH
//       The issue-11 numbers, with the real binary as a child process (wall and CPU from
//       wait4): one image on a listener that never answers; 40 images on a dead host plus
//       5 good ones (dead = accepts and never answers, then = never accepts); the same run
//       again at once (requests to the dead host, the skipped summary).
//   offprint-images-bench deadhost [--idle S] [--never-accepts]
//       The library alone on 40 images of a dead host, with the retry and breaker log
//       timestamped (when each attempt ends, when the breaker opens).
//   offprint-images-bench bench [--images N] [--latency-ms MS]
//       Serves N distinct PNGs over loopback (FlyingFox on 127.0.0.1 and 127.0.0.2,
//       ephemeral ports) with MS of latency per response, and times fetching them into
//       a fresh cache with the default concurrency, one at a time, and a second run.
import FlyingFox
import Foundation
import OffprintImages

/// A real 37×23 PNG; each served copy gets a distinct trailer after IEND (decoders ignore
/// it), so every URL is a different file in the cache.
let basePNG = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAACUAAAAXCAIAAAADThHyAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAJElEQVRIiWOIoi9gGLVv1L5R+0btG7Vv1L5R+0btG7VvUNkHAND8gbhtcMDCAAAAAElFTkSuQmCC")!

final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

func startServer(host: String, latency: Duration, counter: Counter) async throws -> (HTTPServer, UInt16) {
    // `Connection: close`: on kept-alive connections FlyingFox's separate header and body
    // writes meet the client's delayed ACK (about 40 ms per response on Linux loopback),
    // which would be measured instead of the cache.
    let handler = ClosureHTTPHandler { request in
        counter.add()
        try await Task.sleep(for: latency)
        var body = basePNG
        body.append(Data(request.path.utf8))
        return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "image/png", .connection: "close"]), body: body)
    }
    let server = HTTPServer(address: try .inet(ip4: host, port: 0), timeout: 60, logger: .disabled, handler: handler)
    Task { try await server.run() }
    try await server.waitUntilListening(timeout: 60)
    guard case .ip4(_, let port)? = await server.listeningAddress else {
        throw NSError(domain: "bench", code: 1, userInfo: [NSLocalizedDescriptionKey: "no listening address"])
    }
    return (server, port)
}

func timed(_ label: String, _ body: () async throws -> FetchSummary) async rethrows -> Double {
    let start = ContinuousClock.now
    let summary = try await body()
    let d = ContinuousClock.now - start
    let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    print(String(format: "%-44@ %7.2f s   %@", label as NSString, seconds, summary.description as NSString))
    return seconds
}

func value(after flag: String, in args: [String]) -> String? {
    guard let i = args.firstIndex(of: flag), i + 1 < args.count else { return nil }
    return args[i + 1]
}

func bench(_ args: [String]) async throws {
    let count = Int(value(after: "--images", in: args) ?? "") ?? 200
    let latencyMS = Int(value(after: "--latency-ms", in: args) ?? "") ?? 100
    let counter = Counter()
    let latency = Duration.milliseconds(latencyMS)
    let (s1, p1) = try await startServer(host: "127.0.0.1", latency: latency, counter: counter)
    let (s2, p2) = try await startServer(host: "127.0.0.2", latency: latency, counter: counter)
    defer { Task { await s1.stop(); await s2.stop() } }
    let oneHost = (0..<count).map { "http://127.0.0.1:\(p1)/img/\($0).png" }
    let twoHosts = (0..<count).map { $0 % 2 == 0 ? "http://127.0.0.1:\(p1)/img2/\($0).png" : "http://127.0.0.2:\(p2)/img2/\($0).png" }
    let oneByOne = (0..<count).map { "http://127.0.0.1:\(p1)/img3/\($0).png" }
    print("\(count) images over loopback, \(latencyMS) ms latency per response")

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-images-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: root) }
    func cache(_ name: String, _ tweak: (inout ImageCacheOptions) -> Void = { _ in }) throws -> ImageCache {
        var o = ImageCacheOptions(directory: root.appendingPathComponent(name))
        tweak(&o)
        return try ImageCache(options: o)
    }

    let defaults = ImageCacheOptions()
    let oneHostSeconds = try await timed("default (\(defaults.http.concurrency) at once, \(defaults.http.perHostConcurrency) per host), 1 host") {
        try await cache("a").fetch(oneHost).summary
    }
    // The per-host floor: `perHost` requests at a time, each waiting the latency.
    let floor = Double((count + defaults.http.perHostConcurrency - 1) / defaults.http.perHostConcurrency) * Double(latencyMS) / 1000
    print(String(format: "per-host floor %.2f s (%d rounds of %d ms); 1 host took %.2fx the floor", floor,
                 (count + defaults.http.perHostConcurrency - 1) / defaults.http.perHostConcurrency, latencyMS, oneHostSeconds / floor))
    _ = try await timed("default, 2 hosts") { try await cache("b").fetch(twoHosts).summary }
    _ = try await timed("concurrency 1 (one at a time)") {
        try await cache("c") { $0.http.concurrency = 1 }.fetch(oneByOne).summary
    }
    let before = counter.value
    _ = try await timed("second run, new instance, same cache") { try await cache("a").fetch(oneHost).summary }
    print("requests in the second run: \(counter.value - before)")
}

func fetch(_ args: [String]) async throws -> Int32 {
    guard let dir = value(after: "--cache", in: args) else {
        FileHandle.standardError.write(Data("usage: offprint-images-bench fetch --cache DIR [--offline] [--concurrency N] URL...\n".utf8))
        return 2
    }
    var urls: [String] = []
    var i = 0
    while i < args.count {
        if args[i] == "--cache" || args[i] == "--concurrency" { i += 2; continue }
        if args[i] != "--offline" { urls.append(args[i]) }
        i += 1
    }
    var options = ImageCacheOptions(directory: URL(fileURLWithPath: dir), policy: args.contains("--offline") ? .offline : .normal)
    if let n = value(after: "--concurrency", in: args).flatMap(Int.init) { options.http.concurrency = n }
    let cache = try ImageCache(options: options)
    let batch = await cache.fetch(urls)
    print(batch.summary)
    for f in batch.summary.failures { print("failed: \(f)") }
    return batch.summary.failed == 0 ? 0 : 1
}

let args = Array(CommandLine.arguments.dropFirst())
do {
    switch args.first {
    case "fetch":
        exit(try await fetch(Array(args.dropFirst())))
    case "bench":
        try await bench(Array(args.dropFirst()))
    case "faults":
        try await faults(Array(args.dropFirst()))
    case "deadhost":
        try await deadHostTrace(Array(args.dropFirst()))
    default:
        print("usage: offprint-images-bench fetch --cache DIR [--offline] [--concurrency N] URL... | bench [--images N] [--latency-ms MS]")
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("offprint-images-bench: \(error)\n".utf8))
    exit(1)
}
