import Foundation
import OffprintArticle
import OffprintExtract
import OffprintSupport
import OffprintImages
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The JSON Lines stream mode (`offprint export --jsonl`): one record a line in, one a line
// out, in input order.
//
//   in:  {"id": …, "html": "…", "url"?: "…", "content"?: "auto|main|all", "front_matter"?: "yaml|toml|none"}
//   out: {"id": …, "markdown": "…", "title": …, "authors": […], "date": …, "language": …, "url": …, "warnings": […]}
//   a record that fails: {"id"?: …, "line": N, "error": "…"}
//
// `RecordConverter` turns one line into one output line (pure, no I/O); `JSONLinesStream`
// reads a file descriptor, converts with a bounded reorder window and writes each record as
// soon as its predecessors are out.

/// Options of the stream mode.
public struct RecordOptions: Sendable {
    /// Every record's export options (a record's `url`, `content` and `front_matter` adjust a
    /// copy). The stream's default front matter is none: the metadata has its own fields.
    public var export: ExportOptions
    /// Records converted at once.
    public var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Records read ahead of the oldest one not yet written (the reorder window); at least
    /// `jobs`. Memory is bounded by about this many records.
    public var window: Int?
    /// A longer line is an error record (`--max-record-size`); it is skipped without being held.
    public var maxRecordBytes: Int = 64 << 20
    /// Only the records of this shard (by a stable hash of the id, else the line number).
    public var shard: Shard?

    public init(export: ExportOptions = RecordOptions.defaultExport) {
        self.export = export
    }

    public static var defaultExport: ExportOptions {
        var e = ExportOptions()
        e.frontMatter = .none
        return e
    }

    var effectiveWindow: Int { max(window ?? 2 * max(jobs, 1), max(jobs, 1)) }
}

/// One output line: a converted record or an error record.
public struct RecordOutput: Sendable {
    /// The record's id as JSON text (`"a-1"`, `17`), when it had one.
    public var idJSON: String?
    /// The line number in the input (1-based).
    public var line: Int
    public var markdown: String?
    public var title: String?
    public var authors: [String] = []
    public var date: String?
    public var language: String?
    public var url: String?
    public var warnings: [String] = []
    /// With `--images download`: the images fetched into the cache (URL → cache file).
    public var images: [CachedImage]?
    /// Set when the record failed; the other fields are then empty.
    public var error: String?

    public var failed: Bool { error != nil }

    /// The JSON line, with its newline.
    public var json: [UInt8] {
        var w = JSONWriter()
        w.open()
        if let error {
            if let idJSON { w.key("id"); w.raw(idJSON) }
            w.key("line"); w.raw(String(line))
            w.key("error"); w.string(error)
        } else {
            w.key("id"); w.raw(idJSON ?? "null")
            w.key("markdown"); w.string(markdown ?? "")
            w.key("title"); w.optional(title)
            w.key("authors"); w.strings(authors)
            w.key("date"); w.optional(date)
            w.key("language"); w.optional(language)
            w.key("url"); w.optional(url)
            w.key("warnings"); w.strings(warnings)
            if let images {
                w.key("images")
                w.bytes.append(UInt8(ascii: "["))
                for (i, img) in images.enumerated() {
                    if i > 0 { w.bytes.append(UInt8(ascii: ",")) }
                    w.open()
                    w.key("url"); w.string(img.url)
                    w.key("file"); w.string(img.file.path)
                    w.key("sha256"); w.string(img.sha256)
                    w.key("type"); w.string(img.mediaType.value)
                    w.close()
                }
                w.bytes.append(UInt8(ascii: "]"))
            }
        }
        w.close()
        w.bytes.append(UInt8(ascii: "\n"))
        return w.bytes
    }
}

/// One JSON line → one output record. No I/O except the image cache's, when given.
public struct RecordConverter: Sendable {
    public var options: RecordOptions
    /// With `--images download`: images are fetched into this cache and the Markdown links
    /// the cache's files (a shared `--cache-dir`). Nil: image links stay remote.
    public var images: ImageProvider?

    public init(options: RecordOptions = RecordOptions(), images: ImageProvider? = nil) {
        self.options = options
        self.images = images
    }

    /// A parsed input record.
    struct Input {
        var idJSON: String?
        /// The shard key: the id's text (a string id without quotes), else the line number.
        var key: String
        var html: [UInt8]
        var options: ExportOptions
    }

    /// Reads one line's record; throws the error record's message. (JSONDecoder, not
    /// JSONSerialization: corelibs' JSONSerialization drops U+FEFF inside strings.)
    func parse(_ line: [UInt8], number: Int, idJSON: inout String?) throws -> Input {
        let record: [String: JSONValue]
        do {
            record = try JSONDecoder().decode([String: JSONValue].self, from: Data(line))
        } catch DecodingError.typeMismatch {
            throw OffprintError("not a JSON object (each line must be one object, like {\"id\": 1, \"html\": \"<p>…</p>\"})")
        } catch {
            throw OffprintError("not valid JSON (each line must be one JSON object, like {\"id\": 1, \"html\": \"<p>…</p>\"})")
        }
        var key = String(number)
        switch record["id"] {
        case nil, .null?: break
        case .string(let s)?: idJSON = record["id"]!.json; key = s
        case .number?, .bool?: idJSON = record["id"]!.json; key = idJSON!
        case let other?: throw OffprintError("\"id\" must be a string or a number, got \(other.json)")
        }
        guard let htmlValue = record["html"], htmlValue != .null else {
            throw OffprintError("no \"html\" field (each record needs \"html\": the page or post as a string)")
        }
        guard case .string(let html) = htmlValue else {
            throw OffprintError("\"html\" must be a string (the page's HTML text), got \(htmlValue.kind)")
        }
        var export = options.export
        // The page is a JSON string: already decoded text, whatever its <meta charset> says.
        export.load.encodingHint = "utf-8"
        if let u = record["url"], u != .null {
            guard case .string(let url) = u, WebURL.isHTTP(url) else {
                throw OffprintError("\"url\" must be an absolute http(s) URL (the page's address), got \(u.json)")
            }
            export.load.sourceURL = url
        }
        if let c = record["content"], c != .null {
            guard case .string(let s) = c, let mode = ExtractOptions.Content(rawValue: s) else {
                throw OffprintError("\"content\" must be \"auto\", \"main\" or \"all\", got \(c.json)")
            }
            export.extract.content = mode
        }
        if let f = record["front_matter"], f != .null {
            switch f {
            case .string(let s) where ExportOptions.FrontMatterStyle(rawValue: s) != nil:
                export.frontMatter = ExportOptions.FrontMatterStyle(rawValue: s)!
            case .bool(let b):
                export.frontMatter = b ? .yaml : .none
            default:
                throw OffprintError("\"front_matter\" must be \"yaml\", \"toml\" or \"none\", got \(f.json)")
            }
        }
        return Input(idJSON: idJSON, key: key, html: Array(html.utf8), options: export)
    }

    /// The shard key of a line, without converting it (nil: the line is not valid JSON;
    /// then the line number decides).
    func key(of line: [UInt8], number: Int) -> String {
        var id: String?
        return (try? parse(line, number: number, idJSON: &id).key) ?? String(number)
    }

    enum Parsed {
        case record(Input)
        case failed(RecordOutput)
    }

    func read(_ line: [UInt8], _ number: Int) -> Parsed {
        var idJSON: String?
        do {
            return .record(try parse(line, number: number, idJSON: &idJSON))
        } catch {
            return .failed(RecordOutput(idJSON: idJSON, line: number, error: "line \(number): \(error)"))
        }
    }

    /// Converts one line (without its newline).
    public func convert(line: [UInt8], number: Int) async -> RecordOutput {
        guard let images else { return convertRemote(line: line, number: number) }
        let input: Input
        switch read(line, number) {
        case .failed(let out): return out
        case .record(let i): input = i
        }
        do {
            let result = try await Exporter(options: input.options).export(input.html, origin: "line \(number)", images: images)
            return output(input, number, result, images: result.assets.map(\.image))
        } catch {
            return failure(input, number, error)
        }
    }

    /// Converts one line with image links left remote, on the calling thread.
    public func convertRemote(line: [UInt8], number: Int) -> RecordOutput {
        let input: Input
        switch read(line, number) {
        case .failed(let out): return out
        case .record(let i): input = i
        }
        do {
            return output(input, number, try Exporter(options: input.options).export(input.html, origin: "line \(number)"), images: nil)
        } catch {
            return failure(input, number, error)
        }
    }

    private func failure(_ input: Input, _ number: Int, _ error: Error) -> RecordOutput {
        let origin = "line \(number)"
        let message = "\(error)"
        return RecordOutput(idJSON: input.idJSON, line: number, error: message.hasPrefix(origin) ? message : "\(origin): \(message)")
    }

    private func output(_ input: Input, _ number: Int, _ result: ExportResult, images: [CachedImage]?) -> RecordOutput {
        var out = RecordOutput(idJSON: input.idJSON, line: number)
        let a = result.article
        out.images = images
        out.markdown = result.markdown
        out.title = a.title
        out.authors = a.authors
        out.date = a.date?.iso8601
        out.language = a.language?.value
        out.url = a.sourceURL ?? input.options.load.sourceURL
        out.warnings = result.diagnostics.map { d in d.location.map { "\($0): \(d.message)" } ?? d.message }
        return out
    }

}

/// A JSON value as read from a record.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    /// The number's JSON text (`17`, `2.5`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .number(String(i)); return }
        if let d = try? c.decode(Double.self) { self = .number(d.isFinite ? "\(d)" : "null"); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        self = .object(try c.decode([String: JSONValue].self))
    }

    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Its JSON text (objects and arrays shortened: they only appear in messages).
    var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s):
            var w = JSONWriter()
            w.string(s)
            return String(decoding: w.bytes, as: UTF8.self)
        case .array: return "[…]"
        case .object: return "{…}"
        }
    }
}

/// What a stream run did.
public struct StreamSummary: Sendable, Equatable {
    /// Lines holding a record (blank lines are not records).
    public var records = 0
    public var converted = 0
    public var failed = 0
    /// Records left to other shards.
    public var skipped = 0
}

/// Reads JSON Lines from a file descriptor, writes one JSON line per record to another, in
/// input order, each written (unbuffered) as soon as the records before it are out. At most
/// `window` records are held at once, so memory does not grow with the stream's length.
public final class JSONLinesStream: @unchecked Sendable {
    public let converter: RecordConverter

    public init(converter: RecordConverter) {
        self.converter = converter
    }

    public convenience init(options: RecordOptions, images: ImageProvider? = nil) {
        self.init(converter: RecordConverter(options: options, images: images))
    }

    // The reorder buffer: records converted but waiting for an earlier one.
    private let lock = NSCondition()
    private var pending: [Int: RecordOutput] = [:]
    private var nextToWrite = 0
    private var inFlight = 0
    private var writeError: OffprintError?
    private var summary = StreamSummary()

    /// Runs the stream to the end of `input` on a thread of its own (reading blocks).
    /// Throws only when the stream itself fails (a read or write error); bad records become
    /// error records.
    public func run(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) async throws -> StreamSummary {
        let box = ResultBox<Result<StreamSummary, Error>>()
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let t = Thread { [self] in
                box.value = Result { try self.runBlocking(input: input, output: output) }
                c.resume()
            }
            t.start()
        }
        return try box.value!.get()
    }

    /// The same, on the calling thread (which it blocks until the end of the input).
    public func runBlocking(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws -> StreamSummary {
        signal(SIGPIPE, SIG_IGN)
        lock.lock()
        (pending, nextToWrite, inFlight, writeError, summary) = ([:], 0, 0, nil, StreamSummary())
        lock.unlock()
        let options = converter.options
        let window = options.effectiveWindow
        let jobs = max(1, min(options.jobs, window))
        let work = WorkQueue()
        // Conversion runs on plain threads (the reader blocks in read(2), and the cooperative
        // pool has one thread per core); an image download is awaited from there.
        let group = DispatchGroup()
        for _ in 0..<jobs {
            group.enter()
            let t = Thread { [self] in
                while let (seq, number, line) = work.take() {
                    let out = self.converter.images == nil
                        ? self.converter.convertRemote(line: line, number: number)
                        : Self.blocking { await self.converter.convert(line: line, number: number) }
                    self.finish(seq, out, output: output)
                }
                group.leave()
            }
            t.stackSize = 8 << 20
            t.start()
        }

        var reader = LineReader(fd: input, maxLineBytes: options.maxRecordBytes)
        var seq = 0
        var readError: OffprintError?
        loop: while true {
            let next: LineReader.Line?
            do { next = try reader.next() } catch let e as OffprintError { readError = e; break } catch { readError = OffprintError("\(error)"); break }
            guard let item = next else { break }
            lock.lock()
            if writeError != nil { lock.unlock(); break loop }
            summary.records += 1
            lock.unlock()
            switch item {
            case .tooLong(let number, let bytes):
                if let shard = options.shard, !shard.contains(String(number)) { countSkipped(); continue }
                admit()
                finish(seq, RecordOutput(line: number, error: "line \(number): record too large (\(bytes) bytes, more than \(options.maxRecordBytes)); raise --max-record-size"), output: output)
                seq += 1
            case .line(let number, let bytes):
                if let shard = options.shard, !shard.contains(converter.key(of: bytes, number: number)) { countSkipped(); continue }
                admit()
                work.put((seq, number, bytes))
                seq += 1
            }
        }
        work.close()
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        if let e = writeError { throw e }
        if let e = readError { throw e }
        return summary
    }

    /// Waits for room in the window, then takes a place in it.
    private func admit() {
        lock.lock()
        while inFlight >= converter.options.effectiveWindow && writeError == nil { lock.wait() }
        inFlight += 1
        lock.unlock()
    }

    private func countSkipped() {
        lock.lock(); summary.skipped += 1; lock.unlock()
    }

    /// Files record `seq` and writes every record now due, in order.
    private func finish(_ seq: Int, _ out: RecordOutput, output: Int32) {
        lock.lock()
        defer { lock.unlock() }
        pending[seq] = out
        while let due = pending.removeValue(forKey: nextToWrite) {
            nextToWrite += 1
            inFlight -= 1
            if due.failed { summary.failed += 1 } else { summary.converted += 1 }
            if writeError == nil {
                do { try Self.writeAll(due.json, to: output) } catch let e as OffprintError { writeError = e } catch {}
            }
        }
        lock.broadcast()
    }

    static func writeAll(_ bytes: [UInt8], to fd: Int32) throws {
        try bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OffprintError("writing the output stream failed (\(String(cString: strerror(errno)))); the reader of standard output went away")
                }
                off += n
            }
        }
    }

    /// Runs an async body to completion from a plain thread.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task { box.value = await body(); done.signal() }
        done.wait()
        return box.value!
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}

/// A closable queue of lines for the converting threads.
private final class WorkQueue: @unchecked Sendable {
    private let cond = NSCondition()
    private var items: [(Int, Int, [UInt8])] = []
    private var head = 0
    private var closed = false

    func put(_ item: (Int, Int, [UInt8])) {
        cond.lock(); items.append(item); cond.signal(); cond.unlock()
    }

    func close() {
        cond.lock(); closed = true; cond.broadcast(); cond.unlock()
    }

    func take() -> (Int, Int, [UInt8])? {
        cond.lock()
        defer { cond.unlock() }
        while head == items.count && !closed { cond.wait() }
        guard head < items.count else { return nil }
        let item = items[head]
        head += 1
        if head > 64 && head * 2 > items.count { items.removeFirst(head); head = 0 }
        return item
    }
}

/// Lines from a file descriptor, read in 64 KB chunks; a line longer than the limit is
/// reported by length and skipped without being held. Blank lines are skipped; line numbers
/// count them.
struct LineReader {
    enum Line {
        case line(number: Int, bytes: [UInt8])
        case tooLong(number: Int, bytes: Int)
    }

    let fd: Int32
    let maxLineBytes: Int
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var current: [UInt8] = []
    private var overflow = 0
    private var number = 0
    private var eof = false

    init(fd: Int32, maxLineBytes: Int) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
    }

    mutating func next() throws -> Line? {
        while true {
            if start == end {
                if eof { return finishLine(atEOF: true) }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OffprintError("reading the input stream failed (\(String(cString: strerror(errno))))")
                }
                if n == 0 { eof = true; continue }
                start = 0
                end = n
            }
            var i = start
            while i < end && buffer[i] != 0x0A { i += 1 }
            append(buffer[start..<i])
            if i < end {
                start = i + 1
                if let line = finishLine(atEOF: false) { return line }
            } else {
                start = end
            }
        }
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        if overflow > 0 { overflow += bytes.count; return }
        if current.count + bytes.count > maxLineBytes {
            overflow = current.count + bytes.count
            current = []
            return
        }
        current.append(contentsOf: bytes)
    }

    /// The line just ended (nil for a blank line, or at the end of the input with nothing left).
    private mutating func finishLine(atEOF: Bool) -> Line? {
        if atEOF && current.isEmpty && overflow == 0 { return nil }
        number += 1
        defer { current = []; overflow = 0 }
        if overflow > 0 { return .tooLong(number: number, bytes: overflow) }
        if current.last == 0x0D { current.removeLast() }
        // A blank line is not a record (the caller reads on).
        if current.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        return .line(number: number, bytes: current)
    }
}

/// A minimal JSON writer for the output records (keys in a fixed order, strings escaped).
struct JSONWriter {
    var bytes: [UInt8] = []
    private var needsComma = false

    mutating func open() { bytes.append(UInt8(ascii: "{")); needsComma = false }
    mutating func close() { bytes.append(UInt8(ascii: "}")); needsComma = true }

    mutating func key(_ k: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        string(k)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func raw(_ text: String) { bytes += text.utf8; needsComma = true }

    mutating func optional(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    mutating func strings(_ list: [String]) {
        bytes.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            string(s)
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += [0x5C, 0x22]
            case UInt8(ascii: "\\"): bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, UInt8(ascii: "n")]
            case 0x0D: bytes += [0x5C, UInt8(ascii: "r")]
            case 0x09: bytes += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20, 0x7F:
                bytes += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }
}
