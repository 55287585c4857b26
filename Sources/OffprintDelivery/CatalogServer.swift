import FlyingFox
import FlyingSocks
import Foundation
import OffprintSupport

/// `offprint serve DIR`: the OPDS catalog, the HTML page, the books and their covers over HTTP
/// (FlyingFox). Only GET and HEAD; only book files inside DIR; byte ranges for the downloads.
public final class CatalogServer: Sendable {
    public let shelf: BookShelf
    public let host: String
    public let port: UInt16
    let title: String
    private let server: HTTPServer

    /// `host` is an IP address (`127.0.0.1`, `0.0.0.0`, `::`, `::1`) or `localhost`; port 0 picks a free one.
    public init(folder: URL, host: String = "127.0.0.1", port: UInt16 = 8080) throws {
        shelf = try BookShelf(folder)
        self.host = host
        self.port = port
        title = "Offprint: " + folder.standardizedFileURL.lastPathComponent
        let address: any SocketAddress
        do {
            let h = host.lowercased() == "localhost" ? "127.0.0.1" : host
            if h.contains(":") {
                address = try sockaddr_in6.inet6(ip6: h, port: port)
            } else {
                address = try sockaddr_in.inet(ip4: h, port: port)
            }
        } catch {
            throw DeliveryError("serve --host '\(host)': not an IP address to listen on (127.0.0.1 for this machine only, 0.0.0.0 for every network interface, :: for IPv6)")
        }
        server = HTTPServer(address: address, timeout: 60, logger: .disabled, handler: CatalogHandler(shelf: shelf, title: title))
    }

    /// Serves until the task is cancelled. `onListening` gets the real port (useful with port 0).
    public func run(onListening: @escaping @Sendable (UInt16) -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { [server] in
                do { try await server.run() } catch {
                    throw DeliveryError("serve: cannot listen on \(self.host) port \(self.port): \(error); choose another --port (0 picks a free one)")
                }
            }
            group.addTask { [server] in
                try await server.waitUntilListening(timeout: 30)
                var p = self.port
                if let addr = await server.listeningAddress {
                    switch addr {
                    case .ip4(_, let port), .ip6(_, let port): p = port
                    default: break
                    }
                }
                onListening(p)
            }
            try await group.waitForAll()
        }
    }
}

private struct CatalogHandler: HTTPHandler {
    let shelf: BookShelf
    let title: String

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard request.method == .GET || request.method == .HEAD else {
            return text(.methodNotAllowed, "only GET and HEAD\n", extra: [HTTPHeader("Allow"): "GET, HEAD"])
        }
        let components = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            String($0).removingPercentEncoding ?? "\u{0}"
        }
        let query = request.query.first { $0.name == "q" }?.value
        let page = request.query.first { $0.name == "page" }.flatMap { Int($0.value) } ?? 1
        let head = request.method == .HEAD
        switch components.first ?? "" {
        case "" where components.count <= 1:
            var books = shelf.books()
            if let query, !query.isEmpty { books = OPDSCatalog.search(books, query) }
            return body(Data(OPDSCatalog.htmlPage(books, title: title, query: query).utf8), type: "text/html; charset=utf-8", head: head)
        case "opds" where components.count == 1 || (components.count == 2 && components[1].isEmpty):
            let xml = OPDSCatalog.feed(shelf.books(), page: page, title: title, feedID: "urn:offprint:catalog", basePath: "/opds")
            return body(Data(xml.utf8), type: OPDSCatalog.acquisitionType + ";charset=utf-8", head: head)
        case "opds" where components.count == 2 && components[1] == "search.xml":
            let origin = request.headers[.host].map { "http://" + $0 }
            return body(Data(OPDSCatalog.openSearchDescription(origin: origin).utf8), type: OPDSCatalog.searchDescriptionType + ";charset=utf-8", head: head)
        case "opds" where components.count == 2 && components[1] == "search":
            let q = query ?? ""
            let xml = OPDSCatalog.feed(OPDSCatalog.search(shelf.books(), q), page: page, title: "\(title): search “\(q)”",
                                       feedID: "urn:offprint:search:" + OPDSCatalog.percentEncodeQuery(q),
                                       basePath: "/opds/search", query: q)
            return body(Data(xml.utf8), type: OPDSCatalog.acquisitionType + ";charset=utf-8", head: head)
        case "books":
            guard let file = shelf.file(at: Array(components.dropFirst())) else { return notFound() }
            let type: MediaType = file.lastPathComponent.lowercased().hasSuffix(".kepub.epub") ? .kepub : .epub
            return try fileResponse(file, type: type, range: request.headers[HTTPHeader("Range")], head: head)
        case "covers":
            guard let book = shelf.book(at: Array(components.dropFirst())), let type = book.info.coverMediaType,
                  let bytes = try? book.info.coverBytes() else { return notFound() }
            return body(Data(bytes), type: type.value, head: head, extra: [HTTPHeader("Cache-Control"): "max-age=300"])
        default:
            return notFound()
        }
    }

    func notFound() -> HTTPResponse { text(.notFound, "not found\n") }

    func text(_ status: HTTPStatusCode, _ s: String, extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers[.contentType] = "text/plain; charset=utf-8"
        for (k, v) in extra { headers[k] = v }
        return HTTPResponse(statusCode: status, headers: headers, body: Data(s.utf8))
    }

    func body(_ data: Data, type: String, head: Bool, extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers[.contentType] = type
        for (k, v) in extra { headers[k] = v }
        if head {
            headers[.contentLength] = String(data.count)
            return HTTPResponse(statusCode: .ok, headers: headers, body: Data())
        }
        return HTTPResponse(statusCode: .ok, headers: headers, body: data)
    }

    /// The file, whole or one byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); several ranges
    /// get the whole file (allowed by RFC 9110); an unsatisfiable range gets 416.
    func fileResponse(_ file: URL, type: MediaType, range: String?, head: Bool) throws -> HTTPResponse {
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
        var headers = HTTPHeaders()
        headers[.contentType] = type.value
        headers[HTTPHeader("Accept-Ranges")] = "bytes"
        let name = file.lastPathComponent
        let asciiName = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? asciiName
        headers[HTTPHeader("Content-Disposition")] = "attachment; filename=\"\(asciiName)\"; filename*=UTF-8''\(encoded)"
        var status = HTTPStatusCode.ok
        var r: Range<Int>? = nil
        if let spec = range {
            switch Self.parseRange(spec, size: size) {
            case .whole: break
            case .unsatisfiable:
                headers[HTTPHeader("Content-Range")] = "bytes */\(size)"
                return HTTPResponse(statusCode: .rangeNotSatisfiable, headers: headers, body: Data())
            case .range(let rr):
                r = rr
                status = .partialContent
                headers[HTTPHeader("Content-Range")] = "bytes \(rr.lowerBound)-\(rr.upperBound - 1)/\(size)"
            }
        }
        if head {
            headers[.contentLength] = String(r?.count ?? size)
            return HTTPResponse(statusCode: status, headers: headers, body: Data())
        }
        let body = try HTTPBodySequence(file: file, range: r, suggestedBufferSize: 64 * 1024)
        return HTTPResponse(statusCode: status, headers: headers, body: body)
    }

    enum RangeResult: Equatable { case whole, unsatisfiable, range(Range<Int>) }

    static func parseRange(_ spec: String, size: Int) -> RangeResult {
        let s = spec.trimmingCharacters(in: .whitespaces)
        guard s.lowercased().hasPrefix("bytes=") else { return .whole }
        let set = s.dropFirst(6)
        if set.contains(",") { return .whole }
        let parts = set.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return .whole }
        if parts[0].isEmpty {
            guard let n = Int(parts[1]), n > 0 else { return parts[1].isEmpty ? .whole : .unsatisfiable }
            if size == 0 { return .unsatisfiable }
            return .range(max(0, size - n)..<size)
        }
        guard let a = Int(parts[0]), a >= 0 else { return .whole }
        if a >= size { return .unsatisfiable }
        if parts[1].isEmpty { return .range(a..<size) }
        guard let b = Int(parts[1]), b >= a else { return .whole }
        return .range(a..<min(b + 1, size))
    }
}
