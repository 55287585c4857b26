import OffprintSupport
import FlyingFox
import FlyingSocks
import Foundation
import OffprintHTTP
import OffprintTestSupport
@testable import OffprintImages
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Files

enum Paths {
    static let testsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = testsDir.appendingPathComponent("Fixtures")

    static func fixture(_ name: String) -> Data {
        // Fixtures ship with the tests; a missing one is a broken checkout.
        guard let d = try? Data(contentsOf: fixtures.appendingPathComponent(name)) else {
            fatalError("missing test fixture \(name) in \(fixtures.path)")
        }
        return d
    }
}

/// The fixture images (made with libvips from one 37×23 gradient) and what they are.
struct Fixture: Sendable {
    var name: String
    var mediaType: MediaType
    var width: Int
    var height: Int
    var bytes: Data { Paths.fixture(name) }

    static let all: [Fixture] = [
        Fixture(name: "img.jpg", mediaType: .jpeg, width: 37, height: 23),
        Fixture(name: "prog.jpg", mediaType: .jpeg, width: 37, height: 23),
        // EXIF orientation 6 (rotate 90°): displayed 23 wide, 37 high.
        Fixture(name: "orient6.jpg", mediaType: .jpeg, width: 23, height: 37),
        Fixture(name: "img.png", mediaType: .png, width: 37, height: 23),
        Fixture(name: "img.gif", mediaType: .gif, width: 37, height: 23),
        Fixture(name: "lossy.webp", mediaType: .webp, width: 37, height: 23),
        Fixture(name: "lossless.webp", mediaType: .webp, width: 37, height: 23),
        Fixture(name: "vp8x.webp", mediaType: .webp, width: 37, height: 23),
        Fixture(name: "img.avif", mediaType: .avif, width: 37, height: 23),
        Fixture(name: "img.bmp", mediaType: .bmp, width: 37, height: 23),
        Fixture(name: "img.tif", mediaType: .tiff, width: 37, height: 23),
    ]
}

// MARK: - Generated PNGs

/// A valid RGB PNG (stored deflate), different for every `seed`.
func makePNG(width: Int, height: Int, seed: Int) -> Data {
    var raw = [UInt8]()
    raw.reserveCapacity(height * (1 + width * 3))
    for y in 0..<height {
        raw.append(0)
        for x in 0..<width {
            raw.append(UInt8(truncatingIfNeeded: x * 7 + seed))
            raw.append(UInt8(truncatingIfNeeded: y * 5 + seed * 3))
            raw.append(UInt8(truncatingIfNeeded: seed >> 8))
        }
    }
    var z: [UInt8] = [0x78, 0x01]
    var i = 0
    repeat {
        let n = min(65_535, raw.count - i)
        z.append(i + n == raw.count ? 1 : 0)
        z += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
        z += raw[i..<i + n]
        i += n
    } while i < raw.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw {
        a = (a + UInt32(byte)) % 65_521
        b = (b + a) % 65_521
    }
    z += be32(b << 16 | a)

    var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    func chunk(_ type: String, _ data: [UInt8]) {
        png += be32(UInt32(data.count))
        let body = Array(type.utf8) + data
        png += body
        png += be32(crc32(body))
    }
    chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
    chunk("IDAT", z)
    chunk("IEND", [])
    return Data(png)
}

private func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

private let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
}

private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    return c ^ 0xFFFF_FFFF
}

// MARK: - A body that arrives on a schedule

/// A response body streamed in `chunk`-sized pieces with a pause before each, optionally
/// failing after `failAfter` bytes (the connection then closes mid-body). The body is
/// `bytes` followed by zeros up to `length`. Counts the bytes it produced, so a test can
/// show the client stopped reading early.
struct ScriptedBody: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    var bytes: Data
    var length: Int
    var chunk: Int
    var pause: Duration = .zero
    var failAfter: Int?
    var produced = Locked(0)

    func makeAsyncIterator() -> Iterator { Iterator(body: self) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        typealias Buffer = [UInt8]
        let body: ScriptedBody
        var offset = 0

        mutating func next() async throws -> UInt8? {
            try await nextBuffer(suggested: 1)?.first
        }

        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            guard offset < body.length else { return nil }
            if let f = body.failAfter, offset >= f { throw SocketError.disconnected }
            if body.pause > .zero { try await Task.sleep(for: body.pause) }
            let n = Swift.min(body.chunk, count, body.length - offset, (body.failAfter ?? Int.max) - offset)
            var out = [UInt8]()
            out.reserveCapacity(n)
            let end = offset + n
            if offset < body.bytes.count {
                out.append(contentsOf: body.bytes[body.bytes.startIndex + offset ..< body.bytes.startIndex + Swift.min(end, body.bytes.count)])
            }
            if out.count < n { out.append(contentsOf: repeatElement(0, count: n - out.count)) }
            offset = end
            body.produced.withLock { $0 += n }
            return out
        }
    }
}

// MARK: - The loopback image server

/// A FlyingFox server on 127.0.0.1 (ephemeral port) serving real image bytes and
/// injecting faults; counts requests per path and records request headers.
final class ImageServer: Sendable {
    private let server: LoopbackHTTPServer
    var port: UInt16 { server.port }
    var host: String { server.host }
    let state: Locked<State>

    struct State {
        var counts: [String: Int] = [:]
        var headers: [String: [String: String]] = [:]
        /// Bytes served per path (mutable, to change an image under its URL).
        var images: [String: Data] = [:]
        var producedHuge = Locked(0)
        var inFlight = 0
        var maxInFlight = 0
        /// Extra delay before every response.
        var latency: Duration = .zero
    }

    static let hugeLength = 50 * 1024 * 1024

    var base: String { server.base }
    func url(_ path: String) -> String { server.url(path) }

    static func start(host: String = "127.0.0.1", latency: Duration = .zero, images: [String: Data] = [:]) async throws -> ImageServer {
        let state = Locked(State())
        state.withLock {
            $0.latency = latency
            $0.images = images
            for f in Fixture.all { $0.images["/img/" + f.name] = f.bytes }
        }
        let server = try await LoopbackHTTPServer.start(host: host) { _ in ImageHandler(state: state) }
        return ImageServer(server: server, state: state)
    }

    private init(server: LoopbackHTTPServer, state: Locked<State>) {
        self.server = server
        self.state = state
    }

    func stop() async { await server.stop() }

    func count(_ path: String) -> Int { state.withLock { $0.counts[path, default: 0] } }
    var totalRequests: Int { state.withLock { $0.counts.values.reduce(0, +) } }
    func resetCounts() { state.withLock { $0.counts = [:] } }
    func setImage(_ path: String, _ bytes: Data) { state.withLock { $0.images[path] = bytes } }
    var hugeProduced: Int { state.withLock { $0.producedHuge }.current }
}

struct ImageHandler: HTTPHandler {
    let state: Locked<ImageServer.State>

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = request.path
        let latency = state.withLock { s -> Duration in
            s.counts[path, default: 0] += 1
            var h: [String: String] = [:]
            for k in request.headers.keys { h[k.rawValue.lowercased()] = request.headers.values(for: k).joined(separator: ", ") }
            s.headers[path] = h
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
            return s.latency
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        if latency > .zero { try await Task.sleep(for: latency) }
        let n = state.withLock { $0.counts[path, default: 0] }
        let png = makePNG(width: 5, height: 4, seed: 99)

        switch path {
        case "/404":
            return HTTPResponse(statusCode: .notFound, headers: HTTPHeaders([.contentType: "text/html"]), body: Data("<h1>Not found</h1>".utf8))
        case "/flaky-500":
            if n == 1 { return HTTPResponse(statusCode: .internalServerError, body: Data("oops".utf8)) }
            return image(png, type: "image/png")
        case "/always-503":
            return HTTPResponse(statusCode: .serviceUnavailable, body: Data("busy".utf8))
        case "/reset-once":
            // First time: the connection drops after 40 of the promised bytes.
            let bytes = Fixture.all[3].bytes
            if n == 1 {
                let body = ScriptedBody(bytes: bytes, length: bytes.count, chunk: 20, failAfter: 40)
                return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "image/png"]),
                                    body: HTTPBodySequence(from: body, count: bytes.count))
            }
            return image(bytes, type: "image/png")
        case "/stall":
            try await Task.sleep(for: .seconds(15))
            return image(png, type: "image/png")
        case "/stall-body":
            let bytes = Fixture.all[0].bytes
            let body = ScriptedBody(bytes: bytes, length: bytes.count, chunk: 100)
            return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "image/jpeg"]),
                                body: HTTPBodySequence(from: StallAfter(base: body, after: 200, stall: .seconds(15)), count: bytes.count))
        case "/trickle", "/trickle-long":
            // The JPEG in 10 pieces, 60 ms apart: never idle long, but slow overall.
            let bytes = Fixture.all[0].bytes
            let body = ScriptedBody(bytes: bytes, length: bytes.count, chunk: bytes.count / 10 + 1, pause: .milliseconds(60))
            return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "image/jpeg"]), body: HTTPBodySequence(from: body, count: bytes.count))
        case "/loop":
            return HTTPResponse(statusCode: .found, headers: HTTPHeaders([.location: "/loop"]))
        case "/redirect-once":
            return HTTPResponse(statusCode: .movedPermanently, headers: HTTPHeaders([.location: "/img/img.gif"]))
        case "/redirect-ftp":
            return HTTPResponse(statusCode: .found, headers: HTTPHeaders([.location: "ftp://127.0.0.1/x.png"]))
        case "/wrong-type":
            return image(Fixture.all[5].bytes, type: "text/html; charset=utf-8")
        case "/html":
            let page = "<!DOCTYPE html>\n<html><head><title>Access denied</title></head><body>Hotlinking not allowed</body></html>"
            return image(Data(page.utf8), type: "image/jpeg")
        case "/huge-declared", "/huge-chunked":
            let produced = state.withLock { $0.producedHuge }
            let header = Array(png.prefix(33))
            // At most 64 KB per 2 ms (~30 MB/s, a fast real link): swift-corelibs-foundation
            // cannot slow curl down, so over loopback at full speed a busy client would see
            // the cap only after the kernel and curl had taken in far more.
            let body = ScriptedBody(bytes: Data(header), length: ImageServer.hugeLength, chunk: 64 * 1024,
                                    pause: .milliseconds(2), produced: produced)
            let seq = path == "/huge-declared"
                ? HTTPBodySequence(from: body, count: ImageServer.hugeLength)
                : HTTPBodySequence(from: body)
            return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "image/png"]), body: seq)
        case "/drawing.svg":
            // gzip Content-Encoding, as servers often send SVG.
            return HTTPResponse(statusCode: .ok,
                                headers: HTTPHeaders([.contentType: "image/svg+xml", .contentEncoding: "gzip"]),
                                body: Paths.fixture("drawing.svg.gz"))
        case "/old-post":
            // A page that moved: its relative images resolve against the new address.
            return HTTPResponse(statusCode: .movedPermanently, headers: HTTPHeaders([.location: "/articles/post.html"]))
        case "/articles/post.html":
            let page = """
            <!DOCTYPE html><html><head><title>Moved post</title></head><body><article><h1>Moved post</h1>
            <p>Text of the moved post, long enough to be the article itself.</p>
            <p><img src="img/a.png" alt="relative"> <a href="../about.html">about</a></p></article></body></html>
            """
            return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "text/html; charset=utf-8"]), body: Data(page.utf8))
        case "/articles/img/a.png":
            return image(makePNG(width: 6, height: 5, seed: 7), type: "image/png")
        case "/page/gbk":
            // GBK bytes, the charset only in the header: 中文测试.
            let text: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4, 0xB2, 0xE2, 0xCA, 0xD4]
            var page = Array("<!DOCTYPE html><html><head><title>".utf8) + text + Array("</title></head><body><p>".utf8)
            page += text + Array("</p></body></html>".utf8)
            return HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: "text/html; charset=gbk"]), body: Data(page))
        case "/page/bad-type":
            // A Content-Type that is not a media type: the body is sniffed as if none came.
            return image(Data("<!DOCTYPE html><html><body><p>Page</p></body></html>".utf8), type: "html")
        case "/too-many":
            return HTTPResponse(statusCode: .tooManyRequests, headers: HTTPHeaders([HTTPHeader("Retry-After"): "3600"]))
        default:
            if let bytes = state.withLock({ $0.images[path] }) {
                let etag = "\"" + Hex.sha256(bytes).prefix(16) + "\""
                if request.headers[.ifNoneMatch] == etag {
                    return HTTPResponse(statusCode: .notModified, headers: HTTPHeaders([.eTag: etag]))
                }
                var r = image(bytes, type: "application/octet-stream")
                r.headers[.eTag] = etag
                r.headers[.lastModified] = "Tue, 01 Jun 2021 10:00:00 GMT"
                return r
            }
            if path.hasPrefix("/gen/"), let k = Int(path.dropFirst(5).prefix(while: \.isNumber)) {
                return image(makePNG(width: 8 + k % 50, height: 6 + k % 30, seed: k), type: "image/png")
            }
            return HTTPResponse(statusCode: .notFound)
        }
    }

    private func image(_ bytes: Data, type: String) -> HTTPResponse {
        HTTPResponse(statusCode: .ok, headers: HTTPHeaders([.contentType: type]), body: bytes)
    }
}

/// Passes `base` through, then stops sending for `stall` after `after` bytes.
struct StallAfter<Base: AsyncBufferedSequence<UInt8>>: AsyncBufferedSequence, Sendable {
    typealias Element = UInt8
    let base: Base
    let after: Int
    let stall: Duration

    func makeAsyncIterator() -> Iterator { Iterator(inner: base.makeAsyncIterator(), after: after, stall: stall) }

    struct Iterator: AsyncBufferedIteratorProtocol {
        typealias Buffer = [UInt8]
        var inner: Base.AsyncIterator
        let after: Int
        let stall: Duration
        var sent = 0
        mutating func next() async throws -> UInt8? { try await nextBuffer(suggested: 1)?.first }
        mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
            if sent >= after { try await Task.sleep(for: stall) }
            guard let b = try await inner.nextBuffer(suggested: Swift.max(1, Swift.min(count, after > sent ? after - sent : count))) else { return nil }
            sent += b.count
            return Array(b)
        }
    }
}


// MARK: - Helpers

extension Result {
    var success: Success? { if case .success(let s) = self { return s } else { return nil } }
    var failure: Failure? { if case .failure(let f) = self { return f } else { return nil } }
}

func fileBytes(_ url: URL) -> Data? { try? Data(contentsOf: url) }

/// Options for tests: short timeouts and backoff, the given folder.
func testOptions(_ dir: URL, _ tweak: (inout ImageCacheOptions) -> Void = { _ in }) -> ImageCacheOptions {
    var o = ImageCacheOptions(directory: dir, http: HTTPOptions(idleTimeout: 4, totalTimeout: 30, retries: 2, retryDelay: 0.05, maxRetryDelay: 1,
                                                                log: { print("[cache log] \($0)") }))
    tweak(&o)
    return o
}

/// Collects the cache's retry log, to tell a retry the test provoked from one a loaded
/// machine caused (a small image that took longer than the idle timeout).
final class RetryLog: Sendable {
    let lines = Locked<[String]>([])
    var sink: @Sendable (String) -> Void {
        { [lines] line in
            print("[cache log] \(line)")
            lines.withLock { $0.append(line) }
        }
    }
    /// Retries of `url` after a timeout.
    func timeouts(_ url: String) -> Int {
        lines.withLock { $0.filter { $0.hasPrefix(url + ": timed out") }.count }
    }
}
