import OffprintSupport
import Foundation

/// A value guarded by a lock, for state shared between URLSession delegate callbacks,
/// watchdog tasks and callers. (`Synchronization.Mutex` needs macOS 15; the package
/// still builds for macOS 13.)
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    @discardableResult
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}

/// Lower-case hex of some bytes: `Hex.lower` (OffprintSupport), under the name the
/// downloader calls.
@inline(__always)
func hexString<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 { Hex.lower(bytes) }
