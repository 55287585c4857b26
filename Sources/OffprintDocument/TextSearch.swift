#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StringProtocol {
    /// Whether `needle` occurs in the string, as bytes (`memchr` + `memcmp` over the UTF-8).
    ///
    /// In a file that imports Foundation, `contains(_:)` with a string argument is
    /// Foundation's, which bridges both strings to NSString: about a thousand times slower on
    /// short strings. Code that looks for substrings per element uses this instead.
    public func utf8Contains(_ needle: some StringProtocol) -> Bool {
        let found = utf8.withContiguousStorageIfAvailable { hay in
            needle.utf8.withContiguousStorageIfAvailable { pin in TextSearch.contains(hay, pin) }
        }
        if let found, let found { return found }
        return TextSearch.contains(Array(utf8), Array(needle.utf8))
    }
}

enum TextSearch {
    static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        if needle.isEmpty { return true }
        guard hay.count >= needle.count, let h = hay.baseAddress, let n = needle.baseAddress else { return false }
        let first = Int32(n[0]), last = hay.count - needle.count
        var i = 0
        while i <= last {
            guard let f = memchr(h + i, first, last - i + 1) else { return false }
            let at = UnsafeRawPointer(f).assumingMemoryBound(to: UInt8.self) - h
            if memcmp(h + at, n, needle.count) == 0 { return true }
            i = at + 1
        }
        return false
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        hay.withUnsafeBufferPointer { h in needle.withUnsafeBufferPointer { n in contains(h, n) } }
    }
}
