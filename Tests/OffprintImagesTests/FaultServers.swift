import Foundation
@testable import OffprintImages
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Raw-socket servers on 127.0.0.1 for the faults FlyingFox cannot play: a listener that
// accepts and never answers, one that never accepts (connect timeout), and an HTTP
// CONNECT proxy. Each runs on its own thread and is stopped by `stop()`.

private func makeListener(backlog: Int32) throws -> (fd: Int32, port: UInt16) {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    var one: Int32 = 1
    _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, backlog) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return (fd, UInt16(bigEndian: addr.sin_port))
}

/// A blocking TCP connection to 127.0.0.1:port; -1 on failure. With `timeoutMs`, a
/// non-blocking connect that gives up after that long.
func connectLoopback(_ port: UInt16, timeoutMs: Int32? = nil) -> Int32 {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    if let timeoutMs {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        _ = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let n = poll(&p, 1, timeoutMs)
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        if n == 1 && err == 0 { return fd }
        close(fd)
        return -1
    }
    let r = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    if r != 0 { close(fd); return -1 }
    return fd
}

/// Accepts every connection, reads the request, and never answers (holds it open).
final class StallServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    let connections = Locked(0)
    private let held = Locked<[Int32]>([])

    init() throws {
        (fd, port) = try makeListener(backlog: 64)
        let listener = fd
        let counter = connections
        let held = self.held
        Thread {
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 { return }
                counter.withLock { $0 += 1 }
                held.withLock { $0.append(c) }
            }
        }.start()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        for c in held.withLock({ $0 }) { close(c) }
    }
}

/// A listener that never accepts, with its accept queue filled first: the kernel drops
/// further SYNs, so connecting times out (as with a host that is gone).
final class BlackholeServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    private var fillers: [Int32] = []
    /// Whether the queue could be filled (some kernels answer anyway).
    private(set) var isBlackhole = false

    init() throws {
        (fd, port) = try makeListener(backlog: 0)
        for _ in 0..<16 {
            let c = connectLoopback(port, timeoutMs: 300)
            if c < 0 { isBlackhole = true; break }
            fillers.append(c)
        }
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        for c in fillers { close(c) }
        close(fd)
    }
}

/// An HTTP proxy that supports CONNECT (what AsyncHTTPClient uses for every proxied
/// request) to 127.0.0.1 only; records each CONNECT target.
final class ConnectProxy: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    let targets = Locked<[String]>([])

    init() throws {
        (fd, port) = try makeListener(backlog: 64)
        let listener = fd
        let targets = self.targets
        Thread {
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 { return }
                Thread { ConnectProxy.serve(c, targets: targets) }.start()
            }
        }.start()
    }

    private static func serve(_ client: Int32, targets: Locked<[String]>) {
        var head = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 4096)
        while !head.ends(with: Array("\r\n\r\n".utf8)) {
            let n = recv(client, &buf, 1, 0)   // byte by byte: nothing past the head is taken
            if n <= 0 { close(client); return }
            head.append(buf[0])
            if head.count > 16_384 { close(client); return }
        }
        let line = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0] == "CONNECT", let colon = parts[1].lastIndex(of: ":"),
              parts[1][..<colon] == "127.0.0.1" || parts[1][..<colon] == "localhost",
              let port = UInt16(parts[1][parts[1].index(after: colon)...]) else {
            let refusal = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = refusal.withCString { send(client, $0, strlen($0), 0) }
            close(client)
            return
        }
        targets.withLock { $0.append(String(parts[1])) }
        let upstream = connectLoopback(port)
        guard upstream >= 0 else {
            let refusal = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            _ = refusal.withCString { send(client, $0, strlen($0), 0) }
            close(client)
            return
        }
        let ok = "HTTP/1.1 200 Connection established\r\n\r\n"
        _ = ok.withCString { send(client, $0, strlen($0), 0) }
        let done = Locked(0)
        @Sendable func pump(_ from: Int32, _ to: Int32) {
            var b = [UInt8](repeating: 0, count: 16_384)
            while true {
                let n = recv(from, &b, b.count, 0)
                if n <= 0 { break }
                var off = 0
                while off < n {
                    let w = b[off..<n].withUnsafeBytes { send(to, $0.baseAddress, n - off, Int32(MSG_NOSIGNAL)) }
                    if w <= 0 { break }
                    off += w
                }
            }
            shutdown(to, Int32(SHUT_WR))
            if done.withLock({ $0 += 1; return $0 }) == 2 {
                close(from)
                close(to)
            }
        }
        Thread { pump(upstream, client) }.start()
        pump(client, upstream)
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

// MARK: - A server that resets every connection

/// Accepts on 127.0.0.1, reads the request, and closes with SO_LINGER 0 (a TCP RST).
final class ResetServer: @unchecked Sendable {
    let port: UInt16
    private let fd: Int32
    let connections = Locked(0)

    init() throws {
        (fd, port) = try makeListener(backlog: 16)
        let listener = fd
        let counter = connections
        let thread = Thread {
            while true {
                let c = accept(listener, nil, nil)
                if c < 0 { return }
                var buf = [UInt8](repeating: 0, count: 4096)
                _ = recv(c, &buf, buf.count, 0)
                var lingerOption = linger(l_onoff: 1, l_linger: 0)
                _ = setsockopt(c, SOL_SOCKET, SO_LINGER, &lingerOption, socklen_t(MemoryLayout<linger>.size))
                close(c)
                counter.withLock { $0 += 1 }
            }
        }
        thread.start()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
