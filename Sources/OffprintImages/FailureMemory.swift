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

// Remembered failures live in the index beside the URL entries:
//
//   index/<aa>/<sha256(url)>.fail.json   the URL, why it failed, when, and until when it
//                                        is not requested again (1 day; 404/410: 7 days)
//
// Written atomically like every entry; removed when the URL is fetched, by `prune` once
// expired, and ignored (and overwritten) with `--retry-failed`.

/// One URL that failed, and until when it is left alone.
struct FailureRecord: Codable, Sendable, Equatable {
    var url: String
    var reason: String
    /// The HTTP status of a final status failure.
    var status: Int?
    /// Set when the host itself could not be reached (reported once per host).
    var host: String?
    /// Why the host counts as unreachable ("timed out 3 times").
    var hostCause: String?
    var failedAt: Date
    var retryAfter: Date
}

extension CacheStore {
    func failureFile(forURL url: String) -> URL {
        let key = Hex.sha256(Data(url.utf8))
        return indexDir.appendingPathComponent(String(key.prefix(2)), isDirectory: true)
            .appendingPathComponent(key + ".fail.json")
    }

    func readFailure(forURL url: String) -> FailureRecord? {
        guard let data = try? Data(contentsOf: failureFile(forURL: url)),
              let record = try? Self.decoder.decode(FailureRecord.self, from: data),
              record.url == url else { return nil }
        return record
    }

    func writeFailure(_ record: FailureRecord) {
        guard let data = try? Self.encoder.encode(record) else { return }
        try? writeAtomically(data, to: failureFile(forURL: record.url))
    }

    func removeFailure(forURL url: String) {
        unlink(failureFile(forURL: url).path)
    }

    static func isFailureFile(_ name: String) -> Bool { name.hasSuffix(".fail.json") }
}

extension ImageCache {
    /// How long a failure keeps its URL from being requested: `goneTTL` for 404/410,
    /// `failureTTL` for the rest; `nil` for failures not worth remembering (cancelled,
    /// a cache folder that cannot be written).
    func rememberFor(_ failure: HTTPFailure) -> TimeInterval? {
        switch failure.kind {
        case .status(let code) where code == 404 || code == 410:
            return options.goneTTL
        case .cancelled, .local, .invalidURL:
            return nil
        default:
            return options.failureTTL
        }
    }

    /// "2 h", "5 min", "3 d".
    static func age(_ t: TimeInterval) -> String {
        let s = max(0, Int(t))
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 172_800 { return "\(s / 3600) h" }
        return "\(s / 86_400) d"
    }
}

/// A host none of whose failed images could be reached, reported once.
public struct HostFailureGroup: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    /// Images of this host that were not fetched.
    public var count: Int
    /// "timed out 3 times", "host not found (DNS)".
    public var cause: String
    /// Of `count`, how many were not requested because they failed recently.
    public var remembered: Int

    public var description: String {
        var text = "host \(host): \(count) image\(count == 1 ? "" : "s") not fetched (\(cause))"
        if remembered > 0 { text += "; \(remembered) of them failed recently and were not requested (--retry-failed to try again)" }
        return text
    }
}
