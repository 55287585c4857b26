import OffprintSupport
import Foundation

/// An image format a reader may be given.
public enum ImageFormat: String, Sendable, Codable, CaseIterable, Comparable {
    case jpeg, png, gif, svg, webp

    public var mediaType: MediaType {
        switch self {
        case .jpeg: return .jpeg
        case .png: return .png
        case .gif: return .gif
        case .svg: return .svg
        case .webp: return .webp
        }
    }

    public init?(mediaType: MediaType) {
        guard let f = ImageFormat.allCases.first(where: { $0.mediaType == mediaType }) else { return nil }
        self = f
    }

    /// `jpeg`, `jpg`, `png` … (as users write them).
    public init?(name: String) {
        let n = name.lowercased().trimmingCharacters(in: .whitespaces)
        if n == "jpg" { self = .jpeg; return }
        guard let f = ImageFormat(rawValue: n) else { return nil }
        self = f
    }

    public static func < (a: ImageFormat, b: ImageFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What an image may be in a book: formats, pixel limits, bytes, colour. Images that break
/// a limit are converted (libvips), others are left as they are.
public struct ImageSettings: Sendable, Equatable, Hashable, Codable {
    /// Formats kept as they are. Others are converted: to JPEG (photos) or PNG
    /// (transparency, line art). SVG outside this set is rasterised.
    public var formats: Set<ImageFormat>
    /// Largest width and height in pixels (nil: any).
    public var maxWidth: Int?
    public var maxHeight: Int?
    /// Largest pixel count, width × height (nil: any). Apple Books refuses images over ~5.6 million.
    public var maxPixels: Int?
    /// JPEG quality (1–100) for converted images.
    public var jpegQuality: Int
    /// Largest size of one image in bytes (nil: any): over it, a JPEG's quality goes down
    /// (to 40 at least), then its size, until it fits.
    public var maxImageBytes: Int?
    /// Converted to shades of grey (e-ink screens show nothing else; files get smaller).
    public var grayscale: Bool
    /// Animated GIFs: kept (`keep`) or replaced by their first frame (`firstFrame`), for
    /// readers that show only that anyway.
    public var animation: Animation
    /// Progressive JPEGs re-encoded as baseline ones: older e-ink readers (Kindle's and
    /// Kobo's older engines) show them slowly, in low resolution, or not at all.
    public var baselineJPEG: Bool

    public enum Animation: String, Sendable, Codable, CaseIterable {
        case keep
        case firstFrame = "first-frame"
    }

    public init(formats: Set<ImageFormat> = [.jpeg, .png, .gif, .svg], maxWidth: Int? = nil, maxHeight: Int? = nil,
                maxPixels: Int? = nil, jpegQuality: Int = 85, maxImageBytes: Int? = nil, grayscale: Bool = false,
                animation: Animation = .keep, baselineJPEG: Bool = false) {
        self.formats = formats
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.jpegQuality = jpegQuality
        self.maxImageBytes = maxImageBytes
        self.grayscale = grayscale
        self.animation = animation
        self.baselineJPEG = baselineJPEG
    }

    /// Bumped when the conversion itself changes, so cached results of older versions are
    /// not reused.
    static let converterVersion = 2

    /// A stable text naming these settings (the derived-image cache key includes it).
    public var cacheKey: String {
        var parts = ["v\(ImageSettings.converterVersion)", formats.sorted().map(\.rawValue).joined(separator: "+")]
        parts.append("w\(maxWidth.map(String.init) ?? "-")")
        parts.append("h\(maxHeight.map(String.init) ?? "-")")
        parts.append("p\(maxPixels.map(String.init) ?? "-")")
        parts.append("q\(jpegQuality)")
        parts.append("b\(maxImageBytes.map(String.init) ?? "-")")
        parts.append(grayscale ? "gray" : "colour")
        parts.append(animation.rawValue)
        if baselineJPEG { parts.append("baseline") }
        return parts.joined(separator: ";")
    }

    /// The size an image of `width` × `height` is scaled to: within every limit, aspect
    /// kept, never larger than it is.
    public func targetSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard width > 0, height > 0 else { return (width, height) }
        var scale = 1.0
        if let mw = maxWidth, width > mw { scale = min(scale, Double(mw) / Double(width)) }
        if let mh = maxHeight, height > mh { scale = min(scale, Double(mh) / Double(height)) }
        if let mp = maxPixels, width * height > mp { scale = min(scale, (Double(mp) / Double(width * height)).squareRoot()) }
        guard scale < 1 else { return (width, height) }
        var w = max(1, Int((Double(width) * scale).rounded(.down)))
        var h = max(1, Int((Double(height) * scale).rounded(.down)))
        // Rounding must not push the pixel count back over the limit.
        if let mp = maxPixels {
            while w * h > mp && w > 1 && h > 1 {
                if w >= h { w -= 1 } else { h -= 1 }
            }
        }
        return (w, h)
    }

    /// Whether a `width` × `height` image is within the pixel limits.
    public func fits(width: Int, height: Int) -> Bool {
        if let mw = maxWidth, width > mw { return false }
        if let mh = maxHeight, height > mh { return false }
        if let mp = maxPixels, width * height > mp { return false }
        return true
    }
}
