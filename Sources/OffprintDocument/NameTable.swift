/// A small, fixed table from element names to a value, looked up straight from bytes
/// (ASCII case-insensitive) with no `String` made and no hashing of one: for the tag-level
/// hot loops (the misnesting pre-pass, the SAX tree builder) that classify every tag.
///
/// Names of up to ten characters from `a-z`, `0-9` and `-` are packed six bits a character
/// into a `UInt64` key; anything longer or with other characters is simply not in the table.
struct NameTable<Value>: @unchecked Sendable {
    private var keys: [UInt64]
    private var values: [Value?]
    private let mask: Int

    init(_ entries: [(String, Value)]) {
        var size = 16
        while size < entries.count * 4 { size *= 2 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Value?](repeating: nil, count: size)
        mask = size - 1
        for (name, value) in entries {
            let key = Array(name.utf8).withUnsafeBufferPointer { NameTable.key($0.baseAddress!, $0.count) }
            precondition(key != 0, "NameTable: \(name) cannot be packed")
            var slot = NameTable.slot(key, mask)
            while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = value
        }
    }

    /// The value for the name in `bytes[0..<count]`, if it is in the table.
    @inline(__always) func lookup(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Value? {
        let key = NameTable.key(bytes, count)
        if key == 0 { return nil }
        var slot = NameTable.slot(key, mask)
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    func lookup(_ name: String) -> Value? {
        var s = name
        return s.withUTF8 { $0.isEmpty ? nil : lookup($0.baseAddress!, $0.count) }
    }

    @inline(__always) private static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }

    /// The packed key, or 0 when the name cannot be in a table.
    @inline(__always) static func key(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        guard count > 0 && count <= 10 else { return 0 }
        var key: UInt64 = 0
        for i in 0..<count {
            let b = bytes[i]
            let code: UInt64
            switch b {
            case 0x61...0x7A: code = UInt64(b - 0x60)          // a-z: 1...26
            case 0x41...0x5A: code = UInt64(b - 0x40)          // A-Z: as a-z
            case 0x30...0x39: code = UInt64(b - 0x30) + 27     // 0-9: 27...36
            case 0x2D: code = 37                               // -
            default: return 0
            }
            key = key << 6 | code
        }
        return key
    }
}
