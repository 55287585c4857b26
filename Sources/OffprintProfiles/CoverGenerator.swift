import OffprintSupport
import Foundation

/// A plain raster cover for books without one: the title large, the authors and the date
/// under it, on a light ground with two rules; JPEG at the reader's screen size. Text is
/// set by Pango (libvips), with fontconfig picking fonts for every script (CJK titles need
/// a CJK font installed: Debian `fonts-droid-fallback` or `fonts-noto-cjk`).
public struct CoverGenerator: Sendable {
    public var width: Int
    public var height: Int
    /// Pango font descriptions (family, weight; the size is chosen to fit).
    public var titleFont = "DejaVu Serif Bold"
    public var textFont = "DejaVu Serif"
    public var background: (UInt8, UInt8, UInt8) = (0xF5, 0xF1, 0xE8)
    public var ink = "#1E2933"
    public var accent: (UInt8, UInt8, UInt8) = (0x8A, 0x3B, 0x2E)

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    static let version = 2

    /// The cover as JPEG bytes.
    public func render(title: String, creators: [String], date: String?) throws -> [UInt8] {
        guard width >= 200, height >= 200 else { throw OffprintError(.profile, "a cover must be at least 200×200 pixels (asked for \(width)×\(height))") }
        var img = try VImage.solid(width: width, height: height, rgb: background)
        let margin = width / 10
        let textWidth = width - 2 * margin
        let top = height / 8
        // Rules above and below the title block.
        let rule = try VImage.solid(width: textWidth, height: max(2, height / 400), rgb: accent)
        img = try rule.over(img, x: margin, y: top)
        // Title: the largest size that fits the box.
        let titleBox = height * 2 / 5
        let cleanTitle = Self.collapse(title).isEmpty ? "Untitled" : Self.collapse(title)
        let dpi = max(72, width * 72 / 700)
        let titleMarkup = "<span foreground=\"\(ink)\">\(Self.markup(cleanTitle))</span>"
        // A generous fixed size; only a title too long for it is fitted to the box.
        var t = try VImage.text(markup: titleMarkup, font: titleFont + " 30", fontFile: nil, width: textWidth, dpi: dpi, centred: true)
        if t.height > titleBox {
            t = try VImage.text(markup: titleMarkup, font: titleFont, fontFile: nil, width: textWidth, height: titleBox, centred: true)
        }
        let titleY = top + height / 20
        img = try t.over(img, x: margin + max(0, (textWidth - t.width) / 2), y: titleY)
        var y = titleY + min(titleBox, t.height) + height / 25
        img = try rule.over(img, x: margin, y: y)
        y += height / 25
        let who = creators.map(Self.collapse).filter { !$0.isEmpty }
        if !who.isEmpty {
            let a = try VImage.text(markup: "<span foreground=\"\(ink)\">\(Self.markup(who.joined(separator: ", ")))</span>",
                                    font: textFont + " 20", fontFile: nil, width: textWidth, dpi: dpi, centred: true)
            if y + a.height < height - margin {
                img = try a.over(img, x: margin + max(0, (textWidth - a.width) / 2), y: y)
                y += a.height
            }
        }
        if let d = date.map(Self.collapse), !d.isEmpty {
            let dt = try VImage.text(markup: "<span foreground=\"\(ink)\">\(Self.markup(d))</span>", font: textFont + " 15",
                                     fontFile: nil, width: textWidth, dpi: dpi, centred: true)
            let dy = height - margin - dt.height
            if dy > y { img = try dt.over(img, x: margin + max(0, (textWidth - dt.width) / 2), y: dy) }
        }
        img = try img.castUChar().inMemory()
        return try img.jpeg(quality: 90)
    }

    /// The cover as a file under `directory` (reused when the same cover was made before).
    public func file(title: String, creators: [String], date: String?, in directory: URL) throws -> URL {
        let key = Hex.sha256(Array("cover v\(Self.version)\n\(width)x\(height)\n\(title)\n\(creators.joined(separator: "\n"))\n\(date ?? "")\n\(titleFont)\n\(textFont)".utf8))
        let file = directory.appendingPathComponent("covers", isDirectory: true).appendingPathComponent(key + ".jpg")
        if FileManager.default.fileExists(atPath: file.path) {
            _ = utimes(file.path, nil)  // used: kept by `offprint cache prune`
            return file
        }
        let bytes = try render(title: title, creators: creators, date: date)
        try ConvertingImageProvider.writeAtomically(Data(bytes), to: file)
        return file
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Text escaped for Pango markup.
    static func markup(_ s: String) -> String { Escape.html(s, quotes: true, apostrophes: true) }
}
