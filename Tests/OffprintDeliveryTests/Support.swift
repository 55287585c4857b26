import CLibZip
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `offprint` binary as a user would.
enum CLI {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("offprint"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("offprint"),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("offprint"),
            repoRoot.appendingPathComponent(".build/debug/offprint"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs offprint with `args`; `env` entries are added to (or, with nil, removed from) the environment.
    @discardableResult
    static func run(_ args: [String], env: [String: String?] = [:], cwd: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        // Never pick up the real user's settings or password.
        environment["OFFPRINT_SMTP_PASSWORD"] = nil
        environment["OFFPRINT_CONFIG"] = "/nonexistent/offprint-test-config.toml"
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let outData = Box(), errData = Box()
        let group = DispatchGroup()
        for (h, d) in [(out.fileHandleForReading, outData), (err.fileHandleForReading, errData)] {
            group.enter()
            DispatchQueue.global().async {
                d.set(h.readDataToEndOfFile())
                group.leave()
            }
        }
        p.waitUntilExit()
        group.wait()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData.get(), as: UTF8.self),
                      stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    func append(_ d: Data) { lock.lock(); data.append(d); lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

/// Small EPUB 3 files written with libzip, with the metadata a test wants.
struct TestBook {
    var title = "A Test Book"
    var authors = ["Ada Author"]
    var language = "en"
    var date: String? = "2024-03-05"
    var description: String? = "A short book for the tests."
    var identifier = "urn:uuid:" + UUID().uuidString.lowercased()
    var cover: [UInt8]? = nil
    var kepubSpans = false
    /// Extra text so each book's bytes differ.
    var filler = UUID().uuidString

    @discardableResult
    func write(to url: URL) throws -> Data {
        var err: Int32 = 0
        guard let za = zip_open(url.path, ZIP_CREATE | ZIP_TRUNCATE, &err) else { throw TestError("zip_open \(url.path): \(err)") }
        var buffers: [UnsafeMutableRawPointer] = []
        func add(_ name: String, _ bytes: [UInt8], store: Bool = false) throws {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            bytes.withUnsafeBytes { if let b = $0.baseAddress { p.copyMemory(from: b, byteCount: bytes.count) } }
            buffers.append(p)
            guard let src = zip_source_buffer(za, p, zip_uint64_t(bytes.count), 0) else { throw TestError("zip_source_buffer") }
            let idx = zip_file_add(za, name, src, zip_flags_t(ZIP_FL_ENC_UTF_8))
            guard idx >= 0 else { zip_source_free(src); throw TestError("zip_file_add \(name)") }
            if store { zip_set_file_compression(za, zip_uint64_t(idx), ZIP_CM_STORE, 0) }
        }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        try add("mimetype", Array("application/epub+zip".utf8), store: true)
        try add("META-INF/container.xml", Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
          <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
        </container>
        """.utf8))
        var meta = "<dc:identifier id=\"uid\">\(esc(identifier))</dc:identifier>\n<dc:title>\(esc(title))</dc:title>\n<dc:language>\(language)</dc:language>\n"
        for a in authors { meta += "<dc:creator>\(esc(a))</dc:creator>\n" }
        if let date { meta += "<dc:date>\(date)</dc:date>\n" }
        if let description { meta += "<dc:description>\(esc(description))</dc:description>\n" }
        meta += "<meta property=\"dcterms:modified\">2024-03-05T00:00:00Z</meta>\n"
        var manifest = "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n<item id=\"c1\" href=\"text/ch%201.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
        if cover != nil {
            manifest += "<item id=\"cover-img\" href=\"images/cover.png\" media-type=\"image/png\" properties=\"cover-image\"/>\n"
            meta += "<meta name=\"cover\" content=\"cover-img\"/>\n"
        }
        try add("OEBPS/content.opf", Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid">
        <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
        \(meta)</metadata>
        <manifest>
        \(manifest)</manifest>
        <spine><itemref idref="c1"/></spine>
        </package>
        """.utf8))
        try add("OEBPS/nav.xhtml", Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>\(esc(title))</title></head>
        <body><nav epub:type="toc"><ol><li><a href="text/ch%201.xhtml">One</a></li></ol></nav></body></html>
        """.utf8))
        let para = kepubSpans ? "<p><span class=\"koboSpan\" id=\"kobo.1.1\">\(filler)</span></p>" : "<p>\(filler)</p>"
        try add("OEBPS/text/ch 1.xhtml", Array("""
        <?xml version="1.0" encoding="UTF-8"?>
        <html xmlns="http://www.w3.org/1999/xhtml"><head><title>One</title></head><body><h1>One</h1>\(para)</body></html>
        """.utf8))
        if let cover { try add("OEBPS/images/cover.png", cover) }
        guard zip_close(za) == 0 else { zip_discard(za); throw TestError("zip_close \(url.path)") }
        for p in buffers { p.deallocate() }
        return try Data(contentsOf: url)
    }
}

struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A minimal HTTP/1.1 client over a POSIX socket: the request line goes out exactly as given
/// (no URL normalisation), so `..` escapes can be tried.
enum RawHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func get(port: UInt16, _ target: String, headers: [String: String] = [:], method: String = "GET") throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket") }
        defer { close(fd) }
        var tv = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw TestError("connect to 127.0.0.1:\(port) failed: errno \(errno)") }
        var req = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { req += "\(k): \(v)\r\n" }
        req += "\r\n"
        let bytes = Array(req.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var expected: Int?
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data.append(contentsOf: buf[0..<n])
            if headerEnd == nil, let r = data.firstRange(of: Data("\r\n\r\n".utf8)) {
                headerEnd = r.upperBound
                let head = String(decoding: data[..<r.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() where line.lowercased().hasPrefix("content-length:") {
                    expected = Int(line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces))
                }
                if method == "HEAD" { expected = 0 }
            }
            if let h = headerEnd, let e = expected, data.count - h >= e { break }
        }
        guard let h = headerEnd else { throw TestError("no HTTP response for \(target)") }
        let head = String(decoding: data[..<(h - 4)], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var hs: [String: String] = [:]
        for line in lines.dropFirst() {
            let kv = line.split(separator: ":", maxSplits: 1)
            if kv.count == 2 { hs[kv[0].lowercased()] = kv[1].trimmingCharacters(in: .whitespaces) }
        }
        var body = Data(data[h...])
        if let e = expected, body.count > e { body = body.prefix(e) }
        return Response(status: status, headers: hs, body: body)
    }
}

/// A started `offprint serve` (or any) process whose first stdout line is awaited; stopped by `stop()`.
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    private let out = Box()
    private let err = Box()

    init(_ executable: URL, _ args: [String], env: [String: String] = [:]) throws {
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
    func waitForLine(containing marker: String, seconds: Double = 120) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            // Whole lines only: the child may be caught half-way through writing one ("PORT " before its number).
            let text = String(decoding: out.get(), as: UTF8.self)
            let complete = text.lastIndex(of: "\n").map { text[..<$0] } ?? ""
            if let line = complete.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if !process.isRunning { break }
            usleep(20_000)
        }
        throw TestError("no line with '\(marker)'; stdout: \(String(decoding: out.get(), as: UTF8.self)); stderr: \(String(decoding: err.get(), as: UTF8.self))")
    }

    var stderr: String { String(decoding: err.get(), as: UTF8.self) }
    var stdout: String { String(decoding: out.get(), as: UTF8.self) }

    /// SIGKILL: the test runner's threads block SIGTERM, and a child started from them inherits
    /// that mask (so `terminate()` would never end it).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A TCP port on 127.0.0.1 nobody listens on (bound, then closed).
func closedPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return UInt16(bigEndian: addr.sin_port)
}
