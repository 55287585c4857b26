import Foundation
import OffprintSupport
import TOMLKit

// Profiles as files: `offprint profiles kindle --toml > my.toml`, edit, then
// `offprint bundle … --profile my.toml`. A file may start from a built-in profile
// (`extends = "kindle"`) and set only what differs.

extension DeviceProfile {
    static let topKeys: Set<String> = ["name", "extends", "summary", "max-book-size", "max-chapter-size", "stylesheet", "kepub",
                                       "languages", "cover-size", "file-extension", "images"]
    static let imageKeys: Set<String> = ["formats", "max-size", "max-pixels", "jpeg-quality", "max-image-size", "grayscale", "animation", "baseline-jpeg"]

    /// A profile from a TOML file (see `toml` for the fields).
    public static func load(from url: URL) throws -> DeviceProfile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw OffprintError(.profile, path: url.path, "cannot read the profile file", hint: "check the path")
        }
        return try parse(String(decoding: data, as: UTF8.self), origin: url.path)
    }

    /// A profile from TOML text; `origin` names it in error messages.
    public static func parse(_ text: String, origin: String) throws -> DeviceProfile {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw OffprintError(.profile, path: origin, line: e.source.begin.line, "not valid TOML: \(e.description)", underlying: e)
        } catch {
            throw OffprintError(.profile, path: origin, "not valid TOML (\(error))", underlying: error)
        }
        func fail(_ key: String, _ what: String) -> OffprintError {
            OffprintError(.profile, path: origin, "\(key) must be \(what)")
        }
        for k in table.keys where !topKeys.contains(k) {
            throw OffprintError(.profile, path: origin, "unknown setting \(k) (the settings are: \(topKeys.sorted().joined(separator: ", ")))")
        }
        var p: DeviceProfile
        if let base = table["extends"] {
            guard let name = base.string, let b = DeviceProfile.named(name) else {
                throw fail("extends", "the name of a built-in profile (\(builtIn.map(\.name).joined(separator: ", ")))")
            }
            p = b
        } else {
            p = .generic
        }
        p.name = URL(fileURLWithPath: origin).deletingPathExtension().lastPathComponent
        if let v = table["name"] { guard let s = v.string, !s.isEmpty else { throw fail("name", "a text") }; p.name = s }
        if let v = table["summary"] { guard let s = v.string else { throw fail("summary", "a text") }; p.summary = s }
        if let v = table["max-book-size"] {
            if let s = v.string, s == "none" { p.maxBookBytes = nil }
            else { guard let n = bytes(v) else { throw fail("max-book-size", "a size like \"50MB\" (or \"none\")") }; p.maxBookBytes = n }
        }
        if let v = table["max-chapter-size"] {
            guard let n = bytes(v), n >= 10_000 else { throw fail("max-chapter-size", "a size of at least 10KB, like \"250KB\"") }
            p.maxChapterBytes = n
        }
        if let v = table["stylesheet"] {
            guard let s = v.string.flatMap(StylesheetVariant.init(rawValue:)) else { throw fail("stylesheet", "\"standard\" or \"adobe-safe\"") }
            p.stylesheet = s
        }
        if let v = table["kepub"] { guard let b = v.bool else { throw fail("kepub", "true or false") }; p.kepub = b }
        if let v = table["languages"] {
            guard let l = v.string.flatMap(LanguagePolicy.init(rawValue:)) else { throw fail("languages", "\"any\" or \"amazon\"") }
            p.languages = l
        }
        if let v = table["cover-size"] {
            if v.string == "none" { p.coverWidth = nil; p.coverHeight = nil }
            else {
                guard let s = v.string, let d = parseDimensions(s), d.width >= 200, d.height >= 200 else { throw fail("cover-size", "\"WIDTHxHEIGHT\" of at least 200x200, or \"none\"") }
                (p.coverWidth, p.coverHeight) = (d.width, d.height)
            }
        }
        if let v = table["file-extension"] {
            guard let s = v.string, s.hasSuffix(".epub") else { throw fail("file-extension", "a name ending like \".epub\" or \".kepub.epub\"") }
            p.fileExtension = s
        }
        if let v = table["images"] {
            guard let t = v.table else { throw fail("images", "a table ([images])") }
            for k in t.keys where !imageKeys.contains(k) {
                throw OffprintError(.profile, path: origin, "unknown setting images.\(k) (the settings are: \(imageKeys.sorted().joined(separator: ", ")))")
            }
            if let f = t["formats"] {
                guard let a = f.array else { throw fail("images.formats", "a list like [\"jpeg\", \"png\"]") }
                var set = Set<ImageFormat>()
                for x in a {
                    guard let s = x.string, let fmt = ImageFormat(name: s) else {
                        throw fail("images.formats", "a list of \(ImageFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    set.insert(fmt)
                }
                guard set.contains(.jpeg) || set.contains(.png) else { throw fail("images.formats", "a list holding jpeg or png (converted images need one)") }
                p.images.formats = set
            }
            if let m = t["max-size"] {
                if m.string == "none" { p.images.maxWidth = nil; p.images.maxHeight = nil }
                else {
                    guard let s = m.string, let d = parseDimensions(s) else { throw fail("images.max-size", "\"WIDTHxHEIGHT\" like \"1264x1680\", or \"none\"") }
                    (p.images.maxWidth, p.images.maxHeight) = (d.width, d.height)
                }
            }
            if let m = t["max-pixels"] {
                if m.string == "none" { p.images.maxPixels = nil }
                else { guard let n = m.int, n >= 10_000 else { throw fail("images.max-pixels", "a number of pixels of at least 10000, or \"none\"") }; p.images.maxPixels = n }
            }
            if let q = t["jpeg-quality"] {
                guard let n = q.int, (1...100).contains(n) else { throw fail("images.jpeg-quality", "a number from 1 to 100") }
                p.images.jpegQuality = n
            }
            if let m = t["max-image-size"] {
                if m.string == "none" { p.images.maxImageBytes = nil }
                else { guard let n = bytes(m), n >= 5_000 else { throw fail("images.max-image-size", "a size of at least 5KB like \"800KB\", or \"none\"") }; p.images.maxImageBytes = n }
            }
            if let g = t["grayscale"] { guard let b = g.bool else { throw fail("images.grayscale", "true or false") }; p.images.grayscale = b }
            if let b = t["baseline-jpeg"] { guard let x = b.bool else { throw fail("images.baseline-jpeg", "true or false") }; p.images.baselineJPEG = x }
            if let a = t["animation"] {
                guard let x = a.string.flatMap(ImageSettings.Animation.init(rawValue:)) else { throw fail("images.animation", "\"keep\" or \"first-frame\"") }
                p.images.animation = x
            }
        }
        return p
    }

    static func bytes(_ v: TOMLValueConvertible) -> Int? {
        if let n = v.int { return n > 0 ? n : nil }
        return v.string.flatMap(parseByteSize)
    }

    /// `50MB`, `800 KB`, `1.5MiB`, `123456` → bytes (KB and MB are powers of 1000, KiB and MiB of 1024).
    public static func parseByteSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number = t.prefix { $0.isNumber || $0 == "." }
        let unit = t.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        guard let v = Double(number), v > 0 else { return nil }
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "k", "kb": scale = 1_000
        case "kib": scale = 1_024
        case "m", "mb": scale = 1_000_000
        case "mib": scale = 1_048_576
        case "g", "gb": scale = 1_000_000_000
        default: return nil
        }
        return Int(v * scale)
    }

    /// `1264x1680` (or `1264×1680`) → width and height.
    public static func parseDimensions(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().replacingOccurrences(of: "×", with: "x").split(separator: "x").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w >= 16, h >= 16 else { return nil }
        return (w, h)
    }

    /// The profile as a TOML file `load(from:)` reads back.
    public var toml: String {
        func q(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = ["# Offprint device profile: offprint bundle … --profile this-file.toml",
                     "name = \(q(name))", "summary = \(q(summary))"]
        lines.append("max-book-size = \(maxBookBytes.map { q(Self.sizeText($0)) } ?? q("none"))")
        lines.append("max-chapter-size = \(q(Self.sizeText(maxChapterBytes)))")
        lines.append("stylesheet = \(q(stylesheet.rawValue))")
        lines.append("kepub = \(kepub)")
        lines.append("languages = \(q(languages.rawValue))")
        lines.append("cover-size = \(coverWidth.flatMap { w in coverHeight.map { q("\(w)x\($0)") } } ?? q("none"))")
        lines.append("file-extension = \(q(fileExtension))")
        lines.append("")
        lines.append("[images]")
        lines.append("formats = [\(images.formats.sorted().map { q($0.rawValue) }.joined(separator: ", "))]")
        lines.append("max-size = \(images.maxWidth.flatMap { w in images.maxHeight.map { q("\(w)x\($0)") } } ?? q("none"))")
        lines.append("max-pixels = \(images.maxPixels.map(String.init) ?? q("none"))")
        lines.append("jpeg-quality = \(images.jpegQuality)")
        lines.append("max-image-size = \(images.maxImageBytes.map { q(Self.sizeText($0)) } ?? q("none"))")
        lines.append("grayscale = \(images.grayscale)")
        lines.append("animation = \(q(images.animation.rawValue))")
        lines.append("baseline-jpeg = \(images.baselineJPEG)")
        return lines.joined(separator: "\n") + "\n"
    }

    static func sizeText(_ n: Int) -> String {
        if n % 1_000_000 == 0 { return "\(n / 1_000_000)MB" }
        if n % 1_000 == 0 { return "\(n / 1_000)KB" }
        return "\(n)"
    }

    /// What the profile does, a few lines for `offprint profiles`.
    public var details: String {
        var out = ["\(name): \(summary)"]
        var img = "  images: " + images.formats.sorted().map { $0.rawValue.uppercased() }.joined(separator: "/") + " kept, others converted"
        if let w = images.maxWidth, let h = images.maxHeight { img += "; at most \(w)×\(h) px" }
        if let p = images.maxPixels { img += "; at most \(String(format: "%.1f", Double(p) / 1_000_000)) MP" }
        out.append(img)
        var more = "  JPEG quality \(images.jpegQuality)"
        if let b = images.maxImageBytes { more += ", \(Self.sizeText(b)) per image" }
        if images.grayscale { more += ", grey" }
        more += images.animation == .firstFrame ? ", animations → first frame" : ", animations kept"
        if images.baselineJPEG { more += ", progressive JPEG → baseline" }
        out.append(more)
        var book = "  book: " + (maxBookBytes.map { "at most \(Self.sizeText($0))" } ?? "no size budget")
        book += ", chapters split over \(Self.sizeText(maxChapterBytes))"
        book += stylesheet == .adobeSafe ? ", Adobe-safe CSS" : ", CSS as written"
        if kepub { book += ", KEPUB (koboSpan sentences, book-columns divs)" }
        if languages == .amazon { book += ", language checked against Amazon's list" }
        out.append(book)
        out.append("  cover: " + (coverWidth.flatMap { w in coverHeight.map { "generated \(w)×\($0) JPEG when the book has none" } } ?? "title page when the book has none")
                   + "; file name *\(fileExtension)")
        return out.joined(separator: "\n")
    }
}
