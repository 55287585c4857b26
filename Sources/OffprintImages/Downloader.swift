import Crypto
import Foundation
import OffprintSupport
import OffprintHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A body that arrived whole into a temp file (closed; `CacheStore.commitObject` fsyncs it).
struct Downloaded: Sendable {
    var temp: URL
    var sha256: String
    var byteCount: Int
    /// The first bytes (up to `FileSink.prefixLimit`), for sniffing without re-reading.
    var prefix: Data
    var contentType: String?
    var etag: String?
    var lastModified: String?
    var finalURL: String
}

/// What fetching one URL came to, after retries.
enum FetchOutcome: Sendable {
    case downloaded(Downloaded)
    case notModified(etag: String?, lastModified: String?)
    case failed(HTTPFailure)
}

/// The image side of the network: image requests through the process's `HTTPFetcher`
/// (AsyncHTTPClient), each body streamed into a temp file of the cache and hashed as it
/// arrives.
final class Downloader: Sendable {
    let http: HTTPFetcher
    /// Made here (and shut down here), or lent by the caller.
    private let ownsClient: Bool
    private let store: CacheStore
    /// Told of every body chunk (bytes), for progress.
    private let onBytes: @Sendable (Int) -> Void

    init(http: HTTPFetcher?, options: ImageCacheOptions, store: CacheStore, onBytes: @escaping @Sendable (Int) -> Void) {
        if let http {
            self.http = http
            ownsClient = false
        } else {
            self.http = HTTPFetcher(options: options.http)
            ownsClient = true
        }
        self.store = store
        self.onBytes = onBytes
    }

    /// Closes the client's connections when this downloader made it.
    func shutdown() async {
        if ownsClient { await http.shutdown() }
    }

    static let accept = "image/avif,image/webp,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5"

    /// Fetches `url` (normalised http/https). With `conditional`, asks only for changes
    /// since that entry. `requests` counts attempts made, `bytes` body bytes received.
    func fetch(_ url: String, conditional: IndexEntry?, maxBytes: Int) async -> (FetchOutcome, requests: Int, bytes: Int) {
        var headers: [(name: String, value: String)] = []
        if let c = conditional {
            if let etag = c.etag { headers.append(("If-None-Match", etag)) }
            if let lm = c.lastModified { headers.append(("If-Modified-Since", lm)) }
        }
        let spec = HTTPRequestSpec(url: url, accept: Self.accept, headers: headers, subject: "image", maxBytes: maxBytes)
        let store = self.store, onBytes = self.onBytes
        let (outcome, requests, bytes) = await http.fetch(spec) { head in
            try FileSink(store: store, head: head, onBytes: onBytes)
        }
        switch outcome {
        case .fetched(let f):
            return (.downloaded(f.body), requests, bytes)
        case .notModified(let head):
            return (.notModified(etag: head.header("ETag"), lastModified: head.header("Last-Modified")), requests, bytes)
        case .failed(let failure):
            return (.failed(failure), requests, bytes)
        }
    }

    static func size(_ n: Int) -> String { HTTPOptions.size(n) }
}

/// Streams one body into a new temp file under the cache's `tmp/`, hashing it and keeping
/// its first bytes for sniffing.
struct FileSink: HTTPBodySink {
    static let prefixLimit = 1 << 20

    let temp: URL
    private var handle: FileHandle?
    private var hasher = SHA256()
    private var prefix = Data()
    private var count = 0
    private let head: HTTPResponseHead
    private let onBytes: @Sendable (Int) -> Void

    init(store: CacheStore, head: HTTPResponseHead, onBytes: @escaping @Sendable (Int) -> Void) throws {
        do {
            (temp, handle) = try store.makeTempFile()
        } catch {
            throw OffprintError(.images, "cannot write to the image cache: \(error)", underlying: error)
        }
        self.head = head
        self.onBytes = onBytes
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        let data = Data(bytes)
        do {
            try handle?.write(contentsOf: data)
        } catch {
            throw OffprintError(.images, "cannot write to the image cache: \(error.localizedDescription)", underlying: error)
        }
        hasher.update(data: data)
        if prefix.count < Self.prefixLimit { prefix.append(data.prefix(Self.prefixLimit - prefix.count)) }
        count += data.count
        onBytes(data.count)
    }

    mutating func finish() throws -> Downloaded {
        do {
            // Closed here; flushed to disk (fsync) by `CacheStore.commitObject`, off the
            // network's threads.
            try handle?.close()
            handle = nil
        } catch {
            unlink(temp.path)
            throw OffprintError(.images, "cannot write to the image cache: \(error.localizedDescription)", underlying: error)
        }
        return Downloaded(temp: temp, sha256: Hex.digest(hasher.finalize()), byteCount: count, prefix: prefix,
                          contentType: head.contentType, etag: head.header("ETag"), lastModified: head.header("Last-Modified"),
                          finalURL: head.url)
    }

    mutating func discard() {
        try? handle?.close()
        handle = nil
        unlink(temp.path)
    }

    static func discard(_ output: Downloaded) {
        unlink(output.temp.path)
    }
}
