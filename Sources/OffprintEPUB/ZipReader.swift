import CLibZip
import OffprintSupport
import Foundation

/// Read access to a zip archive (an EPUB or KEPUB) with libzip, the counterpart of
/// `ZipWriter`: entry names, and an entry's bytes, read on demand (each read opens the
/// archive and closes it again) or, with `preload`, all at once when it is opened (a
/// snapshot that outlives the file). The `zip_t` never leaves this type.
public struct ZipReader: Sendable {
    /// The archive's path and its size in bytes.
    public let path: String
    public let fileSize: Int64
    /// Entry names in archive order.
    public let names: [String]
    private let indexes: [String: UInt64]
    /// Every entry's bytes, when preloaded.
    private let preloaded: [String: [UInt8]]?

    /// Entries larger than this are not read (`data` gives nil).
    public static let maxEntryBytes: UInt64 = 512 << 20

    /// Opens `url` (with `preload`, reading every entry now). Throws an `OffprintError` (step `.epub`) naming the
    /// file when it is missing or not a zip archive.
    public init(_ url: URL, preload: Bool = false) throws {
        path = url.path
        let attrs = try? FileManager.default.attributesOfItem(atPath: url.path)
        fileSize = (attrs?[.size] as? NSNumber)?.int64Value ?? 0
        var err: Int32 = 0
        guard let za = zip_open(url.path, ZIP_RDONLY, &err) else {
            if !FileManager.default.fileExists(atPath: url.path) {
                throw OffprintError(.epub, path: url.path, "no such file")
            }
            throw OffprintError(.epub, path: url.path, "not a zip archive, so not an EPUB (libzip error \(err))")
        }
        defer { zip_discard(za) }
        var names: [String] = []
        var indexes: [String: UInt64] = [:]
        let n = zip_get_num_entries(za, 0)
        if n > 0 {
            for i in 0..<UInt64(n) {
                guard let cname = zip_get_name(za, i, 0) else { continue }
                let name = String(cString: cname)
                names.append(name)
                indexes[name] = i
            }
        }
        self.names = names
        self.indexes = indexes
        if preload {
            var all: [String: [UInt8]] = [:]
            for (name, index) in indexes { all[name] = Self.read(za, index) }
            preloaded = all
        } else {
            preloaded = nil
        }
    }

    public func has(_ name: String) -> Bool { indexes[name] != nil }

    /// The bytes of entry `name`, or nil when there is none (or it cannot be read).
    public func data(_ name: String) -> [UInt8]? {
        if let preloaded { return preloaded[name] }
        guard let index = indexes[name] else { return nil }
        var err: Int32 = 0
        guard let za = zip_open(path, ZIP_RDONLY, &err) else { return nil }
        defer { zip_discard(za) }
        return Self.read(za, index)
    }

    /// Entry `name` as UTF-8 text (invalid bytes replaced), or nil when there is none.
    public func string(_ name: String) -> String? {
        data(name).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether any entry whose name passes `filter` contains `needle`.
    public func anyEntry(where filter: (String) -> Bool, contains needle: [UInt8]) -> Bool {
        if preloaded != nil {
            return names.contains { filter($0) && data($0)?.firstRange(of: needle) != nil }
        }
        var err: Int32 = 0
        guard let za = zip_open(path, ZIP_RDONLY, &err) else { return false }
        defer { zip_discard(za) }
        for name in names where filter(name) {
            if let index = indexes[name], let bytes = Self.read(za, index), bytes.firstRange(of: needle) != nil { return true }
        }
        return false
    }

    private static func read(_ za: OpaquePointer, _ index: UInt64) -> [UInt8]? {
        var st = zip_stat_t()
        zip_stat_init(&st)
        guard zip_stat_index(za, index, 0, &st) == 0, st.size < maxEntryBytes else { return nil }
        guard let f = zip_fopen_index(za, index, 0) else { return nil }
        defer { zip_fclose(f) }
        var buf = [UInt8](repeating: 0, count: Int(st.size))
        if st.size > 0 {
            let got = buf.withUnsafeMutableBytes { zip_fread(f, $0.baseAddress, st.size) }
            guard got == Int64(st.size) else { return nil }
        }
        return buf
    }
}
