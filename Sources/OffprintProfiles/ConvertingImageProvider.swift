import OffprintSupport
import Crypto
import Foundation
import OffprintImages

/// What a `ConvertingImageProvider` did.
public struct ConversionSummary: Sendable, Equatable, CustomStringConvertible {
    /// Distinct images converted now (libvips work).
    public var converted = 0
    /// Distinct images whose conversion (or the finding that none is needed) came from the
    /// derived-image cache: no image work.
    public var reused = 0
    /// Distinct images that needed no change (decided now).
    public var unchanged = 0
    /// Images that could not be converted (they become alt text in the book).
    public var failed = 0
    /// Bytes of the distinct source images and of what the book gets instead.
    public var bytesIn = 0
    public var bytesOut = 0
    /// What was done to each converted image: URL and a note (`webp → jpeg, 4000×3000 → 1264×948`).
    public var notes: [(url: String, note: String)] = []
    /// The size of each distinct image handed out (after conversion).
    public var sizes: [Int] = []
    /// The size of the image each URL got (after conversion).
    public var urlSizes: [String: Int] = [:]

    public init() {}

    public static func == (a: ConversionSummary, b: ConversionSummary) -> Bool {
        a.converted == b.converted && a.reused == b.reused && a.unchanged == b.unchanged && a.failed == b.failed
            && a.bytesIn == b.bytesIn && a.bytesOut == b.bytesOut && a.sizes == b.sizes && a.notes.elementsEqual(b.notes, by: { $0 == $1 })
    }

    public var description: String {
        "\(converted) converted, \(reused) from the derived cache, \(unchanged) unchanged, \(failed) failed; \(bytesIn / 1024) KB → \(bytesOut / 1024) KB"
    }
}

/// An `ImageProvider` that hands out images as `ImageSettings` allow: it asks the wrapped
/// provider (the image cache), converts what breaks a limit with libvips, and stores the
/// results under `directory` (the image cache's `derived/` folder) keyed by
/// SHA-256(source SHA-256 + settings), so a second build with the same settings does no
/// image work. Identical images under several URLs are converted once.
///
/// ```swift
/// let images = ConvertingImageProvider(wrapping: cache, settings: DeviceProfile.kindle.images,
///                                      directory: cache.directory.appendingPathComponent("derived"))
/// ```
///
/// On disk: `<directory>/<aa>/<key>.json` (what the conversion gave: media type, pixel size,
/// bytes, or "unchanged") and `<directory>/<aa>/<key>.<ext>` (the converted bytes), both
/// written to a temporary name and renamed into place, so concurrent builds are safe.

public final class ConvertingImageProvider: ImageProvider, @unchecked Sendable {
    public let base: any ImageProvider
    public let settings: ImageSettings
    public let directory: URL
    /// Images converted at once (default: the number of cores).
    public let concurrency: Int
    private let lock = NSLock()
    private var _summary = ConversionSummary()
    private var seen = Set<String>()

    public init(wrapping base: any ImageProvider, settings: ImageSettings, directory: URL,
                concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.base = base
        self.settings = settings
        self.directory = directory.standardizedFileURL
        self.concurrency = max(1, concurrency)
    }

    /// Totals over every call so far.
    public var summary: ConversionSummary { lock.withLock { _summary } }

    struct Record: Codable {
        var sourceSHA256: String
        var settings: String
        /// Nil: the source is used as it is.
        var file: String?
        var mediaType: MediaType
        var sha256: String
        var byteCount: Int
        var width: Int?
        var height: Int?
        var note: String
    }

    public func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>] {
        let fetched = await base.images(for: urls)
        // Distinct sources.
        var sources: [String: CachedImage] = [:]
        for (_, r) in fetched {
            if case .success(let img) = r { sources[img.sha256.lowercased()] = img }
        }
        let keys = sources.keys.sorted()
        var converted: [String: Result<(CachedImage, Outcome), ImageFailure>] = [:]
        await withTaskGroup(of: (String, Result<(CachedImage, Outcome), ImageFailure>).self) { group in
            var next = 0
            func launch() {
                let key = keys[next]
                let img = sources[key]!
                next += 1
                group.addTask { [self] in (key, self.convert(img)) }
            }
            while next < keys.count && next < concurrency { launch() }
            while let (key, result) = await group.next() {
                converted[key] = result
                if next < keys.count { launch() }
            }
        }
        var out: [String: Result<CachedImage, ImageFailure>] = [:]
        var fresh = ConversionSummary()
        lock.withLock {
            for key in keys where !seen.contains(key) {
                seen.insert(key)
                fresh.bytesIn += sources[key]!.byteCount
                switch converted[key]! {
                case .success(let (img, outcome)):
                    fresh.bytesOut += img.byteCount
                    fresh.sizes.append(img.byteCount)
                    switch outcome {
                    case .converted(let note):
                        fresh.converted += 1
                        fresh.notes.append((sources[key]!.url, note))
                    case .reused(let note):
                        fresh.reused += 1
                        if !note.isEmpty { fresh.notes.append((sources[key]!.url, note)) }
                    case .unchanged: fresh.unchanged += 1
                    }
                case .failure: fresh.failed += 1
                }
            }
            _summary.converted += fresh.converted
            _summary.reused += fresh.reused
            _summary.unchanged += fresh.unchanged
            _summary.failed += fresh.failed
            _summary.bytesIn += fresh.bytesIn
            _summary.bytesOut += fresh.bytesOut
            _summary.notes += fresh.notes
            _summary.sizes += fresh.sizes
        }
        var urlSizes: [String: Int] = [:]
        for (url, r) in fetched {
            switch r {
            case .failure(let f): out[url] = .failure(f)
            case .success(let img):
                switch converted[img.sha256.lowercased()]! {
                case .success(let (c, _)):
                    var c = c
                    c.url = url
                    out[url] = .success(c)
                    urlSizes[url] = c.byteCount
                case .failure(let f):
                    var f = f
                    f.url = url
                    out[url] = .failure(f)
                }
            }
        }
        lock.withLock { _summary.urlSizes.merge(urlSizes) { $1 } }
        return out
    }

    enum Outcome { case converted(String), reused(String), unchanged }

    /// The derived-cache key of an image under these settings.
    public func key(forSource sha256: String) -> String {
        Hex.sha256(Array((sha256.lowercased() + "\n" + settings.cacheKey).utf8))
    }

    func recordFile(_ key: String) -> URL {
        directory.appendingPathComponent(String(key.prefix(2)), isDirectory: true).appendingPathComponent(key + ".json")
    }

    /// One distinct image: from the derived cache, else converted now and stored.
    func convert(_ source: CachedImage) -> Result<(CachedImage, Outcome), ImageFailure> {
        let key = key(forSource: source.sha256)
        let recordURL = recordFile(key)
        if let data = try? Data(contentsOf: recordURL), let rec = try? JSONDecoder().decode(Record.self, from: data),
           rec.sourceSHA256 == source.sha256.lowercased(), rec.settings == settings.cacheKey {
            if rec.file == nil {
                var img = source
                if img.width == nil { img.width = rec.width; img.height = rec.height }
                return .success((img, .reused("")))
            }
            let file = recordURL.deletingLastPathComponent().appendingPathComponent(rec.file!)
            if let size = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? Int, size == rec.byteCount {
                _ = utimes(recordURL.path, nil)
                return .success((CachedImage(url: source.url, file: file, sha256: rec.sha256, mediaType: rec.mediaType,
                                             byteCount: rec.byteCount, width: rec.width, height: rec.height), .reused(rec.note)))
            }
        }
        guard let data = FileManager.default.contents(atPath: source.file.path) else {
            return .failure(ImageFailure(url: source.url, reason: "the cached file \(source.file.path) cannot be read"))
        }
        let result: ConvertedImage
        do {
            result = try ImageConverter.convert([UInt8](data), mediaType: source.mediaType, settings: settings)
        } catch let e as ProfileError {
            return .failure(ImageFailure(url: source.url, reason: e.message))
        } catch {
            return .failure(ImageFailure(url: source.url, reason: "\(error)"))
        }
        var rec = Record(sourceSHA256: source.sha256.lowercased(), settings: settings.cacheKey, file: nil,
                         mediaType: result.mediaType, sha256: source.sha256.lowercased(), byteCount: source.byteCount,
                         width: result.width, height: result.height, note: result.note)
        var image = source
        if image.width == nil { image.width = result.width; image.height = result.height }
        var outcome = Outcome.unchanged
        if let bytes = result.bytes {
            let name = key + "." + result.mediaType.fileExtension
            let file = recordURL.deletingLastPathComponent().appendingPathComponent(name)
            rec.file = name
            rec.sha256 = Hex.sha256(bytes)
            rec.byteCount = bytes.count
            do {
                try Self.writeAtomically(Data(bytes), to: file)
            } catch {
                return .failure(ImageFailure(url: source.url, reason: "cannot store the converted image in \(directory.path): \(error) (check the folder's permissions and free space)"))
            }
            image = CachedImage(url: source.url, file: file, sha256: rec.sha256, mediaType: result.mediaType, byteCount: bytes.count,
                                width: result.width, height: result.height)
            outcome = .converted(result.note)
        }
        if let json = try? JSONEncoder().encode(rec) {
            try? Self.writeAtomically(json, to: recordURL)  // a record that cannot be written only costs a conversion next time
        }
        return .success((image, outcome))
    }

    static func writeAtomically(_ data: Data, to dest: URL) throws {
        do {
            try AtomicFile.write(data, to: dest)
        } catch {
            throw ProfileError(error.description)
        }
    }
}

