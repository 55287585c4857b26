import FlyingFox
import FlyingSocks
import Foundation

/// A FlyingFox HTTP server on a loopback address and an ephemeral port, for tests that
/// talk to a real server: started, listening, its base URL known; `stop()` ends it. The
/// one server lifecycle of the test targets (each keeps its own handler).
public final class LoopbackHTTPServer: Sendable {
    public let host: String
    public let port: UInt16
    private let server: HTTPServer
    private let runner: Task<Void, Error>

    /// `http://host:port`.
    public var base: String { "http://\(host):\(port)" }
    public func url(_ path: String) -> String { base + path }

    /// Starts a server on `host` with the handler `makeHandler` returns; the handler is given
    /// the server's base URL as a function (the port is known only once it listens).
    public static func start(host: String = "127.0.0.1",
                             handler makeHandler: (_ base: @escaping @Sendable () -> String) -> any HTTPHandler) async throws -> LoopbackHTTPServer {
        let known = BaseURL()
        let server = HTTPServer(address: try .inet(ip4: host, port: 0), timeout: 30, logger: .disabled,
                                handler: makeHandler({ known.value }))
        let runner = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 60)
        guard case .ip4(_, let port) = await server.listeningAddress else {
            runner.cancel()
            throw SocketError.unsupportedAddress
        }
        known.value = "http://\(host):\(port)"
        return LoopbackHTTPServer(host: host, port: port, server: server, runner: runner)
    }

    private init(host: String, port: UInt16, server: HTTPServer, runner: Task<Void, Error>) {
        self.host = host
        self.port = port
        self.server = server
        self.runner = runner
    }

    public func stop() async {
        await server.stop(timeout: 0)
        runner.cancel()
    }

    private final class BaseURL: @unchecked Sendable {
        private var text = ""
        private let lock = NSLock()
        var value: String {
            get { lock.withLock { text } }
            set { lock.withLock { text = newValue } }
        }
    }
}
