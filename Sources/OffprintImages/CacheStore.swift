import OffprintSupport
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The cache on disk (one folder, shared by every offprint process of the user):
//
//   <root>/
//     CACHEDIR.TAG                 marks the folder as a cache (backup tools skip it)
//     objects/<aa>/<sha256>.<ext>  image bytes, named by the SHA-256 of their content
//                                  (<aa> = its first two hex digits); written once, then
//                                  only read. The same image under two URLs is one file.
//     index/<aa>/<sha256(url)>.json one small JSON file per normalised URL: the object it
//                                  maps to (sha256, media type, size, pixel size), ETag,
//                                  Last-Modified, fetch time. Its mtime is the last use
//                                  (touched on every hit), which `prune` goes by.
//     tmp/<pid>-<random>.part      files being written; renamed into objects/ or index/
//                                  when complete
//
// Crash and concurrency safety without locks: every file is written under tmp/, flushed
// with fsync, and renamed into place (atomic on one file system). The folder is not
// fsynced: after a power loss a rename may be missing (the image is fetched again) but
// never points at partial content. A killed run leaves at most a temp file, which later runs ignore and delete once its
// process is gone. Two processes writing the same object or entry write identical or
// equally valid content, and the last rename wins. A damaged object (size differs from
// its entry, or SHA-256 differs from its name) is treated as missing and fetched again.

/// One URL's record in `index/`.
struct IndexEntry: Codable, Sendable, Equatable {
    var url: String
    var sha256: String
    var mediaType: MediaType
    var byteCount: Int
    var width: Int?
    var height: Int?
    var etag: String?
    var lastModified: String?
    /// When the bytes were downloaded.
    var fetchedAt: Date
    /// When the server last confirmed them (304) in a refresh.
    var validatedAt: Date?
    /// Where the bytes came from after redirects, when that differs from `url`.
    var finalURL: String?
}

/// Filesystem side of the cache: paths, atomic writes, checks, stats, prune, verify.
final class CacheStore: Sendable {
    let root: URL
    let objectsDir: URL
    let indexDir: URL
    let tmpDir: URL
    private let pid = getpid()

    init(root: URL) throws(ImageCacheError) {
        self.root = root.standardizedFileURL
        objectsDir = self.root.appendingPathComponent("objects", isDirectory: true)
        indexDir = self.root.appendingPathComponent("index", isDirectory: true)
        tmpDir = self.root.appendingPathComponent("tmp", isDirectory: true)
        let fm = FileManager.default
        do {
            for dir in [objectsDir, indexDir, tmpDir] {
                try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            }
        } catch {
            throw ImageCacheError(path: self.root.path,
                                  "cannot create the image cache folder (\(error.localizedDescription)); pass --cache-dir or set OFFPRINT_CACHE_DIR to a writable folder")
        }
        guard access(tmpDir.path, W_OK) == 0 else {
            throw ImageCacheError(path: self.root.path,
                                  "the image cache folder is not writable; pass --cache-dir or set OFFPRINT_CACHE_DIR to a writable folder")
        }
        let tag = self.root.appendingPathComponent("CACHEDIR.TAG")
        if !fm.fileExists(atPath: tag.path) {
            let text = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is Offprint's image cache; it can be rebuilt by downloading again.\n"
            try? writeAtomically(Data(text.utf8), to: tag)
        }
        _ = cleanTemporaryFiles()
    }

    // MARK: - Paths


    func indexFile(forURL url: String) -> URL {
        let key = Hex.sha256(Data(url.utf8))
        return indexDir.appendingPathComponent(String(key.prefix(2)), isDirectory: true)
            .appendingPathComponent(key + ".json")
    }

    func objectFile(sha256: String, mediaType: MediaType) -> URL {
        objectsDir.appendingPathComponent(String(sha256.prefix(2)), isDirectory: true)
            .appendingPathComponent(sha256 + "." + mediaType.fileExtension)
    }

    // MARK: - Index entries

    /// The entry for a normalised URL; `nil` when missing or unreadable (a damaged entry
    /// is as good as none: the image is fetched again and the entry rewritten).
    func readEntry(forURL url: String) -> IndexEntry? {
        guard let data = try? Data(contentsOf: indexFile(forURL: url)),
              let entry = try? Self.decoder.decode(IndexEntry.self, from: data),
              entry.url == url, entry.sha256.count == 64, entry.byteCount >= 0
        else { return nil }
        return entry
    }

    func writeEntry(_ entry: IndexEntry) throws {
        let data = try Self.encoder.encode(entry)
        try writeAtomically(data, to: indexFile(forURL: entry.url))
    }

    /// Marks an entry and its object as used now (for `prune`). Best effort.
    func touch(_ entry: IndexEntry) {
        _ = utimes(indexFile(forURL: entry.url).path, nil)
        _ = utimes(objectFile(sha256: entry.sha256, mediaType: entry.mediaType).path, nil)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    // MARK: - Objects

    enum ObjectCheck: Equatable {
        case ok(URL)
        case missing
        case damaged(String)
    }

    /// Is the entry's object there and whole? Size always; SHA-256 when `fullHash`.
    func checkObject(_ entry: IndexEntry, fullHash: Bool) -> ObjectCheck {
        let file = objectFile(sha256: entry.sha256, mediaType: entry.mediaType)
        var st = stat()
        guard stat(file.path, &st) == 0 else { return .missing }
        guard Int(st.st_size) == entry.byteCount else {
            return .damaged("the cached file has \(st.st_size) bytes instead of \(entry.byteCount) (truncated)")
        }
        if fullHash {
            guard let sha = try? hashFile(file) else { return .damaged("the cached file cannot be read") }
            guard sha == entry.sha256 else { return .damaged("the cached file's SHA-256 does not match its name (corrupted)") }
        }
        return .ok(file)
    }

    /// Removes a damaged object so it is fetched again (another process may already have
    /// replaced it with a good copy; then this costs one extra download, nothing worse).
    func discardObject(_ entry: IndexEntry) {
        unlink(objectFile(sha256: entry.sha256, mediaType: entry.mediaType).path)
    }

    func hashFile(_ file: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return Hex.lower(hasher.finalize())
    }

    /// Flushes a complete temp file to disk and moves it into `objects/` under its hash.
    func commitObject(temp: URL, sha256: String, mediaType: MediaType) throws -> URL {
        do {
            try AtomicFile.flush(temp)
        } catch {
            unlink(temp.path)
            throw ImageCacheError(path: temp.path, "cannot flush a download to disk: \(error.reason)")
        }
        let dest = objectFile(sha256: sha256, mediaType: mediaType)
        try renameIntoPlace(temp, dest)
        return dest
    }

    /// Writes bytes (a decoded `data:` URL) as an object, unless a whole copy is there.
    func storeObject(_ bytes: Data, sha256: String, mediaType: MediaType) throws -> URL {
        let dest = objectFile(sha256: sha256, mediaType: mediaType)
        var st = stat()
        if stat(dest.path, &st) == 0, Int(st.st_size) == bytes.count, (try? hashFile(dest)) == sha256 {
            _ = utimes(dest.path, nil)
            return dest
        }
        try writeAtomically(bytes, to: dest)
        return dest
    }

    // MARK: - Atomic writes

    /// A new temp file under `tmp/`, named after this process so others can tell a live
    /// writer from a leftover.
    func makeTempFile() throws -> (URL, FileHandle) {
        let name = "\(pid)-\(UUID().uuidString.lowercased()).part"
        let url = tmpDir.appendingPathComponent(name)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw ImageCacheError(path: url.path, "cannot create a temp file: \(String(cString: strerror(errno)))")
        }
        return (url, FileHandle(fileDescriptor: fd, closeOnDealloc: true))
    }

    func writeAtomically(_ data: Data, to dest: URL) throws {
        let temp = tmpDir.appendingPathComponent("\(pid)-\(UUID().uuidString.lowercased()).part")
        do {
            try AtomicFile.write(data, to: dest, temporary: temp)
        } catch {
            throw ImageCacheError(path: error.path, "cannot store a file in the cache: \(error.reason)")
        }
    }

    /// Moves a finished temp file into place (the fan-out folder is made when missing).
    private func renameIntoPlace(_ temp: URL, _ dest: URL) throws {
        do {
            try AtomicFile.moveIntoPlace(temp, dest)
        } catch {
            throw ImageCacheError(path: dest.path, "cannot move a finished download into the cache: \(error.reason)")
        }
    }

    // MARK: - Temp files

    /// Deletes temp files whose writer is gone: the pid in the name is not running, or
    /// the file is older than a day; unnamed strays after an hour. Returns how many.
    @discardableResult
    func cleanTemporaryFiles(now: Date = Date()) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: tmpDir.path) else { return 0 }
        var removed = 0
        for name in names {
            let path = tmpDir.appendingPathComponent(name).path
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            let age = now.timeIntervalSince1970 - Double(st.st_mtim_sec)
            var stale: Bool
            if let dash = name.firstIndex(of: "-"), let owner = Int32(name[..<dash]), owner > 0 {
                let alive = owner == pid || kill(owner, 0) == 0 || errno == EPERM
                stale = !alive || age > 86_400
            } else {
                stale = age > 3_600
            }
            if stale && unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    // MARK: - Walking the folders

    struct FileInfo {
        var path: String
        var name: String
        var size: Int
        var modified: Date
    }

    /// Every regular file one fan-out level below `dir` (`dir/<aa>/<file>`).
    func files(in dir: URL) -> [FileInfo] {
        let fm = FileManager.default
        guard let buckets = try? fm.contentsOfDirectory(atPath: dir.path) else { return [] }
        var out: [FileInfo] = []
        for bucket in buckets.sorted() {
            let bdir = dir.appendingPathComponent(bucket).path
            guard let names = try? fm.contentsOfDirectory(atPath: bdir) else { continue }
            for name in names.sorted() {
                let path = bdir + "/" + name
                var st = stat()
                guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                out.append(FileInfo(path: path, name: name, size: Int(st.st_size),
                                    modified: Date(timeIntervalSince1970: Double(st.st_mtim_sec))))
            }
        }
        return out
    }

    func tempFileCount() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: tmpDir.path).count) ?? 0
    }
}

private extension stat {
    var st_mtim_sec: Int {
        #if canImport(Darwin)
        return Int(st_mtimespec.tv_sec)
        #else
        return Int(st_mtim.tv_sec)
        #endif
    }
}

/// A cache that cannot be used at all (folder not creatable, not writable). Per-image
/// problems are `ImageFailure`s instead.
public struct ImageCacheError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}
