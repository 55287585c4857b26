import Foundation
import OffprintDocument
import OffprintSupport

/// Cleaned articles waiting to be written into a book, in bounded memory.
///
/// A book is planned from all its articles (languages, links between chapters, images,
/// the contents) before its first chapter is written, so every article is loaded first.
/// Kept as trees, a thousand articles would take hundreds of megabytes; here each cleaned
/// article (its content alone) is kept until the trees kept so far pass `memoryBudget`, and
/// the rest are encoded (`Document.encoded()`) into one temporary file and read back when
/// needed. Memory is then flat in the number of articles: the budget plus the metadata.
///
/// Safe to use from several tasks at once (articles are stored as they are loaded).
public final class ArticleStore: @unchecked Sendable {
    /// Bytes of trees kept in memory (estimated) before articles go to the temporary file.
    public let memoryBudget: Int
    private let directory: URL
    private let lock = NSLock()
    private var kept = 0
    private var spill: SpillFile?

    /// Estimated bytes a tree takes in memory per node (the node, its child list and
    /// short strings), plus the text itself.
    static let bytesPerNode = 256

    public init(memoryBudget: Int = 32 << 20, directory: URL = FileManager.default.temporaryDirectory) {
        self.memoryBudget = memoryBudget
        self.directory = directory
    }

    /// The cleaned article, kept in memory or in the temporary file.
    public func store(_ article: CleanedArticle) throws -> StoredArticle {
        let metadata = article.metadata
        let content = article.document
        let size = content.count * Self.bytesPerNode
        let keep: Bool = lock.withLock {
            if kept + size <= memoryBudget {
                kept += size
                return true
            }
            return false
        }
        if keep { return StoredArticle(metadata: metadata, storage: .memory(content)) }
        let bytes = content.encoded()
        let (file, offset) = try lock.withLock { () throws -> (SpillFile, Int) in
            if spill == nil { spill = try SpillFile(directory: directory) }
            return (spill!, try spill!.append(bytes))
        }
        return StoredArticle(metadata: metadata, storage: .file(file, offset: offset, count: bytes.count))
    }

    /// Bytes of articles in the temporary file (for tests and reports).
    public var spilledBytes: Int { lock.withLock { spill?.size ?? 0 } }
}

/// A cleaned article of an `ArticleStore`: its metadata at hand, its content loaded on demand.
public struct StoredArticle: Sendable {
    /// Title, dates, sources… Edit it freely (collection manifests override titles and
    /// dates); `load()` keeps the edits.
    public var metadata: ArticleMetadata
    enum Storage: Sendable {
        /// The cleaned article's document (its content alone).
        case memory(Document)
        /// The same, encoded.
        case file(SpillFile, offset: Int, count: Int)
    }
    let storage: Storage

    init(metadata: ArticleMetadata, storage: Storage) {
        self.metadata = metadata
        self.storage = storage
    }

    /// A cleaned article kept as it is, in memory (for callers that have their articles at hand).
    public init(_ article: CleanedArticle) {
        self.metadata = article.metadata
        self.storage = .memory(article.document)
    }

    /// The whole cleaned article: the metadata (with any edits) and its content.
    public func load() throws -> CleanedArticle {
        switch storage {
        case .memory(let doc):
            return CleanedArticle(metadata: metadata, content: doc)
        case .file(let file, let offset, let count):
            return CleanedArticle(metadata: metadata, content: try Document(encoded: try file.read(offset: offset, count: count)))
        }
    }
}

/// An unlinked temporary file that only grows; read from any thread.
final class SpillFile: @unchecked Sendable {
    private let fd: Int32
    private(set) var size = 0

    init(directory: URL) throws {
        var template = Array(directory.appendingPathComponent("offprint-articles-XXXXXX").path.utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw OffprintError(.store, "cannot create a temporary file in \(directory.path): \(String(cString: strerror(errno))) (set TMPDIR to a writable folder)")
        }
        // Unlinked at once: nothing is left behind, whatever happens to the process.
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Appends `bytes` (callers serialise appends); returns where they start.
    func append(_ bytes: [UInt8]) throws -> Int {
        let start = size
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(start + done)) }
            guard n > 0 else {
                throw OffprintError(.store, "cannot write the temporary article file: \(String(cString: strerror(errno))) (is the disk full?)")
            }
            done += n
        }
        size += bytes.count
        return start
    }

    func read(offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = out[done...].withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset + done)) }
            guard n > 0 else { throw OffprintError(.store, "cannot read the temporary article file back: \(String(cString: strerror(errno)))") }
            done += n
        }
        return out
    }
}
