import OffprintSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `offprint cache stats`: what the cache holds.
public struct CacheStats: Sendable, Equatable, CustomStringConvertible {
    public var directory: String
    /// URLs in the index.
    public var entries: Int
    /// Distinct image files (several URLs may share one).
    public var objects: Int
    /// Bytes in image files.
    public var bytes: Int
    /// Image files per media type (`image/png`: 12).
    public var objectsByType: [String: Int]
    /// Last use of the least and the most recently used entry.
    public var oldestUse: Date?
    public var newestUse: Date?
    /// Files being written now, or left by runs that died.
    public var tempFiles: Int
    /// Remembered failures still in force (their URLs are not requested again yet).
    public var failuresActive: Int = 0
    /// Remembered failures past their time (`prune` removes them).
    public var failuresExpired: Int = 0
    /// Hosts with the most remembered failures in force (host, count), at most 5.
    public var failingHosts: [(host: String, count: Int)] = []

    public static func == (a: CacheStats, b: CacheStats) -> Bool {
        a.directory == b.directory && a.entries == b.entries && a.objects == b.objects && a.bytes == b.bytes
            && a.objectsByType == b.objectsByType && a.oldestUse == b.oldestUse && a.newestUse == b.newestUse
            && a.tempFiles == b.tempFiles && a.failuresActive == b.failuresActive && a.failuresExpired == b.failuresExpired
            && a.failingHosts.map(\.host) == b.failingHosts.map(\.host) && a.failingHosts.map(\.count) == b.failingHosts.map(\.count)
    }

    public var description: String {
        var lines = ["cache: \(directory)",
                     "\(counted(entries, "URL")), \(counted(objects, "image")), \(Downloader.size(bytes))"]
        if !objectsByType.isEmpty {
            lines.append(objectsByType.sorted { $0.key < $1.key }
                .map { "\($0.key.replacingOccurrences(of: "image/", with: "")) \($0.value)" }
                .joined(separator: ", "))
        }
        let f = ISO8601DateFormatter()
        if let o = oldestUse, let n = newestUse {
            lines.append("last used between \(f.string(from: o)) and \(f.string(from: n))")
        }
        if tempFiles > 0 { lines.append(counted(tempFiles, "temp file")) }
        if failuresActive + failuresExpired > 0 {
            var line = "\(failuresActive) failed URL\(failuresActive == 1 ? "" : "s") not requested again until their time is up (--retry-failed to try now)"
            if failuresExpired > 0 { line += "; \(failuresExpired) expired (prune removes them)" }
            lines.append(line)
            if !failingHosts.isEmpty {
                lines.append("failing hosts: " + failingHosts.map { "\($0.host) \($0.count)" }.joined(separator: ", "))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// `offprint cache prune`: what was removed.
public struct PruneResult: Sendable, Equatable, CustomStringConvertible {
    public var entriesRemoved = 0
    public var objectsRemoved = 0
    public var bytesFreed = 0
    public var tempFilesRemoved = 0
    /// Remembered failures removed (expired, or older than the prune age).
    public var failuresRemoved = 0
    public var description: String {
        "removed \(counted(entriesRemoved, "URL")) and \(counted(objectsRemoved, "image")) (\(Downloader.size(bytesFreed)) freed)"
            + (tempFilesRemoved > 0 ? ", \(counted(tempFilesRemoved, "stale temp file"))" : "")
            + (failuresRemoved > 0 ? ", \(counted(failuresRemoved, "remembered failure"))" : "")
    }
}

/// `verify()`: a full check of every file.
public struct VerifyResult: Sendable, Equatable, CustomStringConvertible {
    public var objectsChecked = 0
    /// Image files whose bytes no longer match their SHA-256 name (removed).
    public var damagedObjects: [String] = []
    public var entriesChecked = 0
    /// Index entries unreadable or pointing at a missing or damaged file (removed).
    public var entriesRemoved = 0
    public var tempFilesRemoved = 0
    public var isClean: Bool { damagedObjects.isEmpty && entriesRemoved == 0 }
    public var description: String {
        "checked \(counted(objectsChecked, "image")) and \(counted(entriesChecked, "URL")): \(counted(damagedObjects.count, "damaged image")) and \(counted(entriesRemoved, "broken URL entry", "broken URL entries")) removed"
    }
}

extension ImageCache {
    /// Counts entries, files and bytes (reads folder listings, not file contents).
    public func stats() -> CacheStats {
        let indexFiles = store.files(in: store.indexDir)
        let entries = indexFiles.filter { $0.name.hasSuffix(".json") && !CacheStore.isFailureFile($0.name) }
        var active = 0, expired = 0
        var hosts: [String: Int] = [:]
        let now = Date()
        for f in indexFiles where CacheStore.isFailureFile(f.name) {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: f.path)),
                  let record = try? CacheStore.decoder.decode(FailureRecord.self, from: data) else { expired += 1; continue }
            if record.retryAfter > now {
                active += 1
                hosts[record.host ?? ImageURL.host(ofNormalized: record.url), default: 0] += 1
            } else {
                expired += 1
            }
        }
        let objects = store.files(in: store.objectsDir)
        var byType: [String: Int] = [:]
        for o in objects {
            let ext = o.name.split(separator: ".").last.map(String.init) ?? ""
            byType[MediaType(fileExtension: ext).map(\.value) ?? "other", default: 0] += 1
        }
        return CacheStats(directory: store.root.path,
                          entries: entries.count,
                          objects: objects.count,
                          bytes: objects.reduce(0) { $0 + $1.size },
                          objectsByType: byType,
                          oldestUse: entries.map(\.modified).min(),
                          newestUse: entries.map(\.modified).max(),
                          tempFiles: store.tempFileCount(),
                          failuresActive: active, failuresExpired: expired,
                          failingHosts: hosts.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }
                            .prefix(5).map { (host: $0.key, count: $0.value) })
    }

    /// Removes URLs not used for `age` seconds, the images no remaining URL points to
    /// (unless they were used within `age` too: `data:` images have no index entry),
    /// broken entries, and temp files of dead runs. Safe while other runs use the cache:
    /// at worst one of them downloads an image again.
    public func prune(olderThan age: TimeInterval, now: Date = Date()) -> PruneResult {
        let cutoff = now.addingTimeInterval(-max(0, age))
        var result = PruneResult()
        var referenced = Set<String>()
        for file in store.files(in: store.indexDir) {
            let data = try? Data(contentsOf: URL(fileURLWithPath: file.path))
            if CacheStore.isFailureFile(file.name) {
                // Remembered failures: dropped once expired or older than the prune age.
                let record = data.flatMap { try? CacheStore.decoder.decode(FailureRecord.self, from: $0) }
                if record == nil || record!.retryAfter <= now || record!.failedAt < cutoff, unlink(file.path) == 0 {
                    result.failuresRemoved += 1
                }
                continue
            }
            let entry = data.flatMap { try? CacheStore.decoder.decode(IndexEntry.self, from: $0) }
            if let entry, file.modified >= cutoff {
                referenced.insert(entry.sha256)
            } else if unlink(file.path) == 0 {
                result.entriesRemoved += 1
            }
        }
        for file in store.files(in: store.objectsDir) {
            let sha = String(file.name.prefix(while: { $0 != "." }))
            guard !referenced.contains(sha), file.modified < cutoff else { continue }
            if unlink(file.path) == 0 {
                result.objectsRemoved += 1
                result.bytesFreed += file.size
            }
        }
        result.tempFilesRemoved = store.cleanTemporaryFiles(now: now)
        return result
    }

    /// Reads and hashes every file: removes images whose bytes do not match their name
    /// and index entries that are unreadable or point at a missing or different-size file.
    /// The next run downloads what was removed.
    public func verify() -> VerifyResult {
        var result = VerifyResult()
        for file in store.files(in: store.objectsDir) {
            result.objectsChecked += 1
            let sha = String(file.name.prefix(while: { $0 != "." }))
            let actual = try? store.hashFile(URL(fileURLWithPath: file.path))
            if actual != sha {
                unlink(file.path)
                result.damagedObjects.append(file.path)
            }
        }
        for file in store.files(in: store.indexDir) where !CacheStore.isFailureFile(file.name) {
            result.entriesChecked += 1
            let data = try? Data(contentsOf: URL(fileURLWithPath: file.path))
            let entry = data.flatMap { try? CacheStore.decoder.decode(IndexEntry.self, from: $0) }
            var healthy = false
            if let entry, case .ok = store.checkObject(entry, fullHash: false) { healthy = true }
            if !healthy, unlink(file.path) == 0 { result.entriesRemoved += 1 }
        }
        result.tempFilesRemoved = store.cleanTemporaryFiles()
        return result
    }
}

/// "1 image", "2 images", "0 images".
fileprivate func counted(_ n: Int, _ one: String, _ many: String? = nil) -> String {
    "\(n) " + (n == 1 ? one : (many ?? one + "s"))
}
