import OffprintSupport
import Foundation

/// A folder an export's images are copied into (`notes/post.assets/`), with readable,
/// stable, collision-free file names.
///
/// Names come from the last path segment of the image's URL (`cat.jpg`), made safe for
/// Markdown links and every file system: ASCII letters, digits, `-`, `_` and `.` only, at
/// most 64 characters, with the extension the bytes call for (`photo.php` holding a JPEG
/// becomes `photo.jpg`). A name that says nothing (`image`, non-Latin text, a hash-like run)
/// becomes `image-<first 10 hex digits of the SHA-256>`. The same image (same bytes) always
/// gets one name within a folder, whatever URLs it came under; two different images never
/// share one (the second `cat.jpg` becomes `cat-2.jpg`).
///
/// Files are copied, not linked: editing an exported image must not touch the cache.
public struct AssetFolder: Sendable {
    public let directory: URL
    private var nameBySHA: [String: String] = [:]
    private var taken: Set<String> = []

    public init(directory: URL) {
        self.directory = directory
    }

    /// The file name `image` gets in this folder (decided on first ask, then fixed).
    public mutating func fileName(for image: CachedImage) -> String {
        if let name = nameBySHA[image.sha256] { return name }
        let ext = image.fileExtension
        var stem = Self.stem(fromURL: image.url)
        if stem.isEmpty { stem = "image-" + image.sha256.prefix(10) }
        var name = stem + "." + ext
        var n = 2
        while taken.contains(name.lowercased()) {
            name = "\(stem)-\(n).\(ext)"
            n += 1
        }
        taken.insert(name.lowercased())
        nameBySHA[image.sha256] = name
        return name
    }

    /// Copies `image` into the folder under `fileName(for:)` (creating the folder) and
    /// returns the file. A file of that name with the same bytes is left alone; one with
    /// other bytes (from an earlier export) is replaced, atomically.
    @discardableResult
    public mutating func place(_ image: CachedImage) throws -> URL {
        let name = fileName(for: image)
        let dest = directory.appendingPathComponent(name)
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            if let attrs = try? fm.attributesOfItem(atPath: dest.path),
               (attrs[.size] as? NSNumber)?.intValue == image.byteCount,
               let existing = try? Data(contentsOf: dest), Hex.sha256(existing) == image.sha256 {
                return dest
            }
            do {
                try AtomicFile.copy(image.file, to: dest)
            } catch {
                throw OffprintError(.images, path: dest.path, "cannot write the image: \(error.reason)", underlying: error)
            }
            return dest
        } catch let error as OffprintError {
            throw error
        } catch {
            throw OffprintError(.images, path: dest.path, "cannot copy the image from the cache (\(error.localizedDescription))", hint: "check that the folder is writable", underlying: error)
        }
    }

    /// A safe, meaningful stem from the URL's last path segment, or "" when it has none.
    static func stem(fromURL url: String) -> String {
        guard !WebURL.isData(url) else { return "" }
        var path = url
        if let r = path.range(of: "://") { path = String(path[r.upperBound...]) }
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        guard let slash = path.firstIndex(of: "/") else { return "" }   // host only
        let segment = path[path.index(after: slash)...].split(separator: "/").last.map(String.init) ?? ""
        var base = segment.removingPercentEncoding ?? segment
        // Drop the extension(s) the URL shows; the bytes decide the real one.
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        var out = ""
        var lastDash = false
        for scalar in base.unicodeScalars {
            let c = Character(scalar)
            if scalar.isASCII && (c.isLetter || c.isNumber || c == "_" || c == ".") {
                out.append(c)
                lastDash = false
            } else if !lastDash && !out.isEmpty {
                out.append("-")
                lastDash = true
            }
        }
        while out.hasSuffix("-") || out.hasSuffix(".") { out.removeLast() }
        if out.count > 64 { out = String(out.prefix(64)) }
        while out.hasSuffix("-") || out.hasSuffix(".") { out.removeLast() }
        // Names that say nothing: generic words, or long hex/number runs (CDN hashes).
        let generic: Set<String> = ["image", "img", "picture", "photo", "index", "file", "download", "get", "view", "0", "origin", "original", "large", "medium", "small"]
        let hexLike = out.count >= 16 && out.allSatisfy { $0.isHexDigit || $0 == "-" || $0 == "_" }
        let numeric = out.allSatisfy(\.isNumber)    // WeChat's …/640, size buckets
        if out.count < 2 || generic.contains(out.lowercased()) || hexLike || numeric { return "" }
        return out
    }
}
