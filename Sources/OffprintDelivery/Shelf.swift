import Foundation
import OffprintSupport

/// The books under one folder, as `offprint serve` lists them: every `*.epub` / `*.kepub.epub`
/// (recursively, hidden names skipped), read again only when a file's size or time changes, so
/// new files show up on the next request. Files (and symlinks) resolving outside the folder are
/// never listed nor served.
public final class BookShelf: @unchecked Sendable {
    public struct Book: Sendable {
        /// Path under the root, `/`-separated, not percent-encoded.
        public var path: String
        public var info: BookInfo
        public var modified: Date
    }

    public let root: URL
    private let realRoot: String
    private let lock = NSLock()
    private var cache: [String: (size: Int64, modified: Date, info: BookInfo)] = [:]
    private var reported: Set<String> = []
    /// Called once per file that cannot be read as a book.
    public var warn: @Sendable (String) -> Void = { _ in }

    public init(_ root: URL) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw OffprintError(.delivery, path: root.path, "no such folder", hint: "give serve a folder of EPUB books")
        }
        self.root = root
        realRoot = root.resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// Every readable book, newest file first (then by title).
    public func books() -> [Book] {
        var found: [(path: String, url: URL, size: Int64, modified: Date)] = []
        var stack: [(URL, String)] = [(URL(fileURLWithPath: realRoot), "")]
        let fm = FileManager.default
        var visited = Set<String>()
        while let (dir, prefix) = stack.popLast() {
            guard let names = try? fm.contentsOfDirectory(atPath: dir.path) else { continue }
            for name in names where !name.hasPrefix(".") {
                let url = dir.appendingPathComponent(name)
                let rel = prefix.isEmpty ? name : prefix + "/" + name
                guard let real = inside(url) else { continue }
                var isDir: ObjCBool = false
                guard fm.fileExists(atPath: real, isDirectory: &isDir) else { continue }
                if isDir.boolValue {
                    if !visited.contains(real) {
                        visited.insert(real)
                        stack.append((url, rel))
                    }
                    continue
                }
                guard Self.isBookName(name),
                      let attrs = try? fm.attributesOfItem(atPath: real) else { continue }
                let size = (attrs[.size] as? NSNumber)?.int64Value ?? 0
                let modified = attrs[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
                found.append((rel, URL(fileURLWithPath: real), size, modified))
            }
        }
        var out: [Book] = []
        for f in found {
            lock.lock()
            let cached = cache[f.path]
            lock.unlock()
            if let c = cached, c.size == f.size, c.modified == f.modified {
                out.append(Book(path: f.path, info: c.info, modified: f.modified))
                continue
            }
            do {
                let info = try BookInfo.read(f.url)
                lock.lock()
                cache[f.path] = (f.size, f.modified, info)
                lock.unlock()
                out.append(Book(path: f.path, info: info, modified: f.modified))
            } catch {
                lock.lock()
                let first = reported.insert(f.path + "\(f.modified.timeIntervalSince1970)").inserted
                lock.unlock()
                if first { warn("warning: serve: skipping \(f.path): \(error)") }
            }
        }
        return out.sorted {
            if $0.modified != $1.modified { return $0.modified > $1.modified }
            return $0.info.title.localizedStandardCompare($1.info.title) == .orderedAscending
        }
    }

    /// The file for a request path's components (already percent-decoded), or nil when it is not
    /// a book inside the root: `..`, `.`, hidden names, NUL, symlinks out of the root all give nil.
    public func file(at components: [String]) -> URL? {
        guard !components.isEmpty else { return nil }
        for c in components {
            if c.isEmpty || c == "." || c == ".." || c.hasPrefix(".") || c.contains("/") || c.contains("\0") || c.contains("\\") { return nil }
        }
        guard let last = components.last, Self.isBookName(last) else { return nil }
        let url = components.reduce(URL(fileURLWithPath: realRoot)) { $0.appendingPathComponent($1) }
        guard let real = inside(url) else { return nil }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: real, isDirectory: &isDir), !isDir.boolValue else { return nil }
        return URL(fileURLWithPath: real)
    }

    /// The book listed at `path` (for its cover), read through the same cache.
    public func book(at components: [String]) -> Book? {
        guard file(at: components) != nil else { return nil }
        let path = components.joined(separator: "/")
        return books().first { $0.path == path }
    }

    /// `url`'s real path when it lies inside the root (symlinks resolved), else nil.
    private func inside(_ url: URL) -> String? {
        let real = url.resolvingSymlinksInPath().standardizedFileURL.path
        guard real == realRoot || real.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") else { return nil }
        return real
    }

    static func isBookName(_ name: String) -> Bool {
        name.lowercased().hasSuffix(".epub")
    }
}
