import Crypto
import Foundation

/// Hexadecimal digits and SHA-256 digests, the one implementation every stage uses (cache
/// keys, image file names, book identifiers, diagnostics).
public enum Hex {
    public static let lowerDigits: [UInt8] = Array("0123456789abcdef".utf8)
    public static let upperDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Lower-case hex of some bytes.
    public static func lower<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes {
            out.append(lowerDigits[Int(b >> 4)])
            out.append(lowerDigits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value of one hex digit (either case), nil for any other byte.
    @inline(__always)
    public static func value(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: return digit - 0x30
        case 0x41...0x46: return digit - 0x41 + 10
        case 0x61...0x66: return digit - 0x61 + 10
        default: return nil
        }
    }

    /// `%XX` with upper-case digits (as RFC 3986 recommends), appended to `out`.
    @inline(__always)
    public static func appendPercent(_ b: UInt8, to out: inout [UInt8]) {
        out.append(0x25)
        out.append(upperDigits[Int(b >> 4)])
        out.append(upperDigits[Int(b & 0x0F)])
    }

    /// The lower-case hex SHA-256 of some bytes.
    public static func sha256<D: DataProtocol>(_ bytes: D) -> String {
        lower(SHA256.hash(data: bytes))
    }

    /// The lower-case hex of a finished digest (streaming hashers: `SHA256()`, `update`, `finalize`).
    public static func digest<D: Digest>(_ digest: D) -> String {
        lower(digest)
    }
}
