import Foundation

/// One of N disjoint parts of a batch (`--shard I/N`): an input belongs to shard
/// `fnv1a64(key) mod N + 1`, where the key is its path as given on the command line (a file
/// found in a folder: the folder as given + its path inside it), or a stream record's id. The
/// hash is FNV-1a over the UTF-8 bytes, the same on every machine and in every run, so N
/// workers of a batch runner (Slurm arrays, Kubernetes indexed Jobs, GNU parallel) given the
/// same inputs each take one shard and together take every input exactly once.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1-based.
    public var index: Int
    public var count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `2/8` → shard 2 of 8.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        self.init(index: i, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether the input with this key is in this shard.
    public func contains(_ key: String) -> Bool {
        Int(Self.hash(key) % UInt64(count)) + 1 == index
    }

    /// FNV-1a, 64 bits.
    public static func hash(_ key: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The key of an input path: as given, without a leading `./` and repeated slashes.
    public static func key(_ path: String) -> String {
        var p = path
        while p.contains("//") { p = p.replacingOccurrences(of: "//", with: "/") }
        while p.hasPrefix("./") && p.count > 2 { p.removeFirst(2) }
        return p
    }

    /// The key of `file` found under one of `inputs` (as given): that input + the path inside
    /// it, so the key does not depend on the current folder or the machine's mount points.
    public static func key(for file: URL, inputs: [String]) -> String {
        let path = file.standardizedFileURL.path
        for input in inputs {
            let root = URL(fileURLWithPath: input).standardizedFileURL.path
            if path == root { return key(input) }
            let prefix = root.hasSuffix("/") ? root : root + "/"
            if path.hasPrefix(prefix) {
                let inside = String(path.dropFirst(prefix.count))
                return key(input.hasSuffix("/") ? input + inside : input + "/" + inside)
            }
        }
        return key(file.path)
    }

    /// The items of this shard, in their order.
    public func select<T>(_ items: [T], key: (T) -> String) -> [T] {
        items.filter { contains(key($0)) }
    }
}
