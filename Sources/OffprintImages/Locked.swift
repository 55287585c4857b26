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

