/// A set of element (or other short ASCII) names, for the membership tests every tree walk
/// makes at every node. `Set<String>` hashes the whole name with SipHash on each test;
/// this looks in a bucket chosen by the name's length and first byte and compares a few
/// small strings, several times cheaper. Names are compared exactly (element names are
/// lower-case in a `Document`).
public struct NameSet: Sendable, Sequence, ExpressibleByArrayLiteral, Equatable {
    private var buckets: [[String]]
    private var names: [String]

    public init<S: Sequence>(_ names: S) where S.Element == String {
        buckets = Array(repeating: [], count: 16 * 32)
        self.names = []
        for n in names where !contains(n) {
            buckets[Self.bucket(n)].append(n)
            self.names.append(n)
        }
    }

    public init(arrayLiteral names: String...) { self.init(names) }

    @inline(__always) private static func bucket(_ name: String) -> Int {
        let u = name.utf8
        return (u.count & 15) << 5 | Int((u.first ?? 0) & 31)
    }

    @inline(__always) public func contains(_ name: String) -> Bool {
        for n in buckets[Self.bucket(name)] where n == name { return true }
        return false
    }

    public func union<S: Sequence>(_ other: S) -> NameSet where S.Element == String { NameSet(names + Array(other)) }
    public func subtracting<S: Sequence>(_ other: S) -> NameSet where S.Element == String {
        let drop = Set(other)
        return NameSet(names.filter { !drop.contains($0) })
    }

    public var count: Int { names.count }
    public func makeIterator() -> IndexingIterator<[String]> { names.makeIterator() }
    public static func == (a: NameSet, b: NameSet) -> Bool { Set(a.names) == Set(b.names) }
}
