import Foundation
import OffprintDocument
import OffprintSupport

/// Loaded articles waiting to be written into a book, in bounded memory.
///
/// A book is planned from all its articles (languages, links between chapters, images,
/// the contents) before its first chapter is written, so every article is loaded first.
/// Kept as trees, a thousand articles would take hundreds of megabytes; here each article
/// keeps only its content subtree, and once the trees kept so far pass `memoryBudget` the
/// rest are encoded (`Document.encoded()`) into one temporary file and read back when
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

    /// The article, with its document cut down to its content (the metadata has been read
    /// from the rest), kept in memory or in the temporary file.
    public func store(_ article: Article) throws -> StoredArticle {
        let metadata = article.metadata
        let content = article.document.subtree(article.content)
        let size = content.count * Self.bytesPerNode
        let keep: Bool = lock.withLock {
            if kept + size <= memoryBudget {
                kept += size
                return true
            }
            return false
        }
        if keep { return StoredArticle(metadata: metadata, storage: .memory(content, content: Self.subtreeContent)) }
        let bytes = content.encoded()
        let (file, offset) = try lock.withLock { () throws -> (SpillFile, Int) in
            if spill == nil { spill = try SpillFile(directory: directory) }
            return (spill!, try spill!.append(bytes))
        }
        return StoredArticle(metadata: metadata, storage: .file(file, offset: offset, count: bytes.count))
    }

    /// Where a subtree's copy of the content is: the only child of its root.
    static let subtreeContent = Document.NodeID(1)

    /// Bytes of articles in the temporary file (for tests and reports).
    public var spilledBytes: Int { lock.withLock { spill?.size ?? 0 } }
}

/// An article of an `ArticleStore`: its metadata at hand, its document loaded on demand.
public struct StoredArticle: Sendable {
    /// Title, dates, sources… Edit it freely (collection manifests override titles and
    /// dates); `load()` keeps the edits.
    public var metadata: ArticleMetadata
    enum Storage: Sendable {
        case memory(Document, content: Document.NodeID)
        /// The content subtree, encoded (its content is `ArticleStore.subtreeContent`).
        case file(SpillFile, offset: Int, count: Int)
    }
    let storage: Storage

    init(metadata: ArticleMetadata, storage: Storage) {
        self.metadata = metadata
        self.storage = storage
    }

    /// An article kept as it is, in memory (for callers that have their articles at hand).
    public init(_ article: Article) {
        self.metadata = article.metadata
        self.storage = .memory(article.document, content: article.content)
    }

    /// The whole article: the metadata with its document.
    public func load() throws -> Article {
        switch storage {
        case .memory(let doc, let content):
            return Article(metadata: metadata, document: doc, content: content)
        case .file(let file, let offset, let count):
            return Article(metadata: metadata, document: try Document(encoded: try file.read(offset: offset, count: count)),
                           content: ArticleStore.subtreeContent)
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
