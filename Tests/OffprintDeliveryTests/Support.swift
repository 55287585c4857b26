import Foundation
@testable import OffprintEPUB
import OffprintSupport
import OffprintTestSupport
#if canImport(Glibc)
import Glibc
#endif

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
        let zip = try ZipWriter(path: url.path, modified: Date(timeIntervalSince1970: 1_709_596_800))
        func add(_ name: String, _ bytes: [UInt8], store: Bool = false) throws {
            try zip.add(name, bytes: bytes, compress: !store)
        }
        func esc(_ s: String) -> String { Escape.html(s) }
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
        try zip.close()
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
