import Foundation

/// What pruning the derived folder removed.
public struct DerivedPruneResult: Sendable, Equatable, CustomStringConvertible {
    public var filesRemoved = 0
    public var bytesFreed = 0
    public init() {}
    public var description: String {
        "removed \(filesRemoved) converted images and covers (\(bytesFreed / 1024) KB freed)"
    }
}

extension ConvertingImageProvider {
    /// Removes from a derived folder (`<cache>/derived`) what no build used for `age`:
    /// conversion records with their converted images (a record's time is its last use),
    /// generated covers (touched when reused), files no record names, and leftovers of
    /// killed runs. `offprint cache prune` calls it with the image cache's age.
    public static func prune(directory: URL, olderThan age: TimeInterval, now: Date = Date()) -> DerivedPruneResult {
        let cutoff = now.addingTimeInterval(-max(0, age))
        var result = DerivedPruneResult()
        let fm = FileManager.default
        guard let e = fm.enumerator(at: directory, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]) else { return result }
        var records: [URL] = []
        var files: [URL: (modified: Date, size: Int)] = [:]
        for case let f as URL in e {
            guard let v = try? f.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey, .isRegularFileKey]), v.isRegularFile == true else { continue }
            files[f.standardizedFileURL] = (v.contentModificationDate ?? .distantPast, v.fileSize ?? 0)
            if f.pathExtension == "json" { records.append(f.standardizedFileURL) }
        }
        func remove(_ f: URL) {
            guard let info = files[f], unlink(f.path) == 0 else { return }
            result.filesRemoved += 1
            result.bytesFreed += info.size
            files[f] = nil
        }
        var named = Set<URL>()
        for r in records {
            let rec = (try? Data(contentsOf: r)).flatMap { try? JSONDecoder().decode(Record.self, from: $0) }
            let target = rec?.file.map { r.deletingLastPathComponent().appendingPathComponent($0).standardizedFileURL }
            if rec != nil, files[r]!.modified >= cutoff {
                if let t = target { named.insert(t) }
            } else {
                remove(r)
                if let t = target { remove(t) }
            }
        }
        let hour = now.addingTimeInterval(-3600)
        let recordSet = Set(records)
        for (f, info) in files where !recordSet.contains(f) && !named.contains(f) {
            let stale = f.lastPathComponent.hasSuffix(".part") ? info.modified < hour : info.modified < cutoff
            if stale { remove(f) }
        }
        return result
    }
}
