import OffprintSupport
import CLibVips
import Foundation

/// What converting one image gave.
public struct ConvertedImage: Sendable, Equatable {
    /// Nil: the image is fine as it is (use the source bytes).
    public var bytes: [UInt8]?
    public var mediaType: MediaType
    public var width: Int?
    public var height: Int?
    /// What was done, for reports (`webp → jpeg, 4000×3000 → 1264×948`), empty when nothing.
    public var note: String
}

/// Converts one image to what `ImageSettings` allow, with libvips: other formats to JPEG
/// (photos) or PNG (transparency, line art), scaled down to the pixel limits (EXIF
/// orientation applied, colour profiles to sRGB), grey when asked, animated GIFs to their
/// first frame when asked, SVG rasterised where it is not allowed, JPEG quality lowered
/// (then size) until a byte budget is met. Metadata is stripped from converted images.
public enum ImageConverter {
    /// The smallest JPEG quality a byte budget may push an image to.
    static let minimumQuality = 40

    public static func convert(_ bytes: [UInt8], mediaType: MediaType, settings s: ImageSettings) throws -> ConvertedImage {
        let source = ImageFormat(mediaType: mediaType)
        if source == .svg {
            if s.formats.contains(.svg) { return ConvertedImage(bytes: nil, mediaType: mediaType, note: "") }
            return try rasterise(bytes, settings: s)
        }
        let header: VImage
        do { header = try VImage.open(bytes) } catch let e as ProfileError {
            throw ProfileError("cannot decode this \(mediaType) image (\(e.message)): the file may be damaged or of a kind libvips does not read")
        }
        let (w, h) = (header.width, header.height)
        let animated = header.pages > 1
        let gray = header.bands <= 2
        let accepted = source.map { s.formats.contains($0) } ?? false
        let jpeg = source == .jpeg ? JPEGInfo(bytes) : nil
        let keep = accepted
            && s.fits(width: w, height: h)
            && !(jpeg?.cmyk ?? false)
            && !(s.baselineJPEG && (jpeg?.progressive ?? false))
            && (!s.grayscale || gray)
            && !(animated && s.animation == .firstFrame)
            && (s.maxImageBytes.map { bytes.count <= $0 } ?? true)
        if keep { return ConvertedImage(bytes: nil, mediaType: mediaType, width: w, height: h, note: "") }

        // Photos stay photos (JPEG); transparency and lossless sources (line art,
        // screenshots) prefer PNG unless PNG is far larger.
        let lossySource = source == .jpeg || [MediaType.avif, .heic, .heif].contains(mediaType)
            || (source == .webp && !isLosslessWebP(bytes))
        let target = s.targetSize(width: w, height: h)
        var (out, outType) = try encode(bytes, box: target, settings: s, alpha: header.hasAlpha, preferJPEG: lossySource)
        var notes: [String] = []
        notes.append("\(source?.rawValue ?? mediaType.subtype) → \(outType.rawValue)")
        if (out.width, out.height) != (w, h) { notes.append("\(w)×\(h) → \(out.width)×\(out.height)") }
        if animated && s.animation == .firstFrame { notes.append("first frame of \(header.pages)") }
        if s.grayscale && !gray { notes.append("grey") }
        if jpeg?.cmyk == true { notes.append("CMYK → RGB") }
        if s.baselineJPEG && jpeg?.progressive == true { notes.append("progressive → baseline") }

        var data: [UInt8]
        (data, outType) = try save(out, as: outType, settings: s, quality: s.jpegQuality)
        // A byte budget: quality down, then size down.
        if let budget = s.maxImageBytes, data.count > budget {
            var quality = s.jpegQuality
            var box = (width: out.width, height: out.height)
            var tries = 0
            while data.count > budget && tries < 12 {
                tries += 1
                if outType == .jpeg && quality > minimumQuality {
                    quality = max(minimumQuality, quality - 10)
                } else {
                    box = (max(1, box.width * 4 / 5), max(1, box.height * 4 / 5))
                    (out, outType) = try encode(bytes, box: box, settings: s, alpha: header.hasAlpha, preferJPEG: lossySource || outType == .jpeg)
                }
                (data, outType) = try save(out, as: outType, settings: s, quality: quality)
            }
            notes.append(data.count > budget ? "over the \(budget / 1000) KB image budget even at \(out.width)×\(out.height)" : "fitted to \(budget / 1000) KB (quality \(quality), \(out.width)×\(out.height))")
        }
        return ConvertedImage(bytes: data, mediaType: outType.mediaType, width: out.width, height: out.height, note: notes.joined(separator: ", "))
    }

    /// An SVG drawing as a PNG: at twice its own size (sharp on high-density screens), within the limits.
    static func rasterise(_ bytes: [UInt8], settings s: ImageSettings) throws -> ConvertedImage {
        let header: VImage
        do { header = try VImage.open(bytes) } catch let e as ProfileError {
            throw ProfileError("cannot render this SVG drawing (\(e.message)): it may be damaged")
        }
        let (w, h) = (header.width, header.height)
        var box = s.targetSize(width: w * 2, height: h * 2)
        // A drawing with no size of its own renders at 100 px or so: give it reader size.
        if w * h < 200 * 200, let mw = s.maxWidth { box = s.targetSize(width: mw, height: max(1, mw * h / max(1, w))) }
        let (out, type) = try encode(bytes, box: box, settings: s, alpha: true, preferJPEG: false)
        let (data, outType) = try save(out, as: type, settings: s, quality: s.jpegQuality)
        return ConvertedImage(bytes: data, mediaType: outType.mediaType, width: out.width, height: out.height,
                              note: "svg → \(outType.rawValue), \(out.width)×\(out.height)")
    }

    /// Decoded, scaled into `box`, colour normalised (8-bit sRGB or grey); the format to save it in.
    static func encode(_ bytes: [UInt8], box: (width: Int, height: Int), settings s: ImageSettings, alpha: Bool,
                       preferJPEG: Bool) throws -> (VImage, ImageFormat) {
        var box = box
        var img = try VImage.thumbnail(bytes, width: box.width, height: box.height)
        // libvips rounds: make sure the result is inside the limits.
        var tries = 0
        while !s.fits(width: img.width, height: img.height) && tries < 4 {
            tries += 1
            box = (max(1, box.width - 2), max(1, box.height - 2))
            img = try VImage.thumbnail(bytes, width: box.width, height: box.height)
        }
        let grey = s.grayscale || img.bands <= 2
        let space: VipsInterpretation = grey ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB
        if img.interpretation != space { img = try img.colourspace(space) }
        if img.format != VIPS_FORMAT_UCHAR { img = try img.castUChar() }
        img = try img.inMemory()
        let hasAlpha = alpha && img.hasAlpha
        let format: ImageFormat
        if hasAlpha {
            format = s.formats.contains(.png) ? .png : .jpeg
        } else if preferJPEG {
            format = s.formats.contains(.jpeg) ? .jpeg : .png
        } else {
            format = s.formats.contains(.png) ? .png : .jpeg
        }
        return (img, format)
    }

    /// Saves as `format`; a lossless image that PNG stores badly (a photo) goes JPEG instead.
    static func save(_ img: VImage, as format: ImageFormat, settings s: ImageSettings, quality: Int) throws -> ([UInt8], ImageFormat) {
        switch format {
        case .jpeg:
            let src = img.hasAlpha ? try img.flattenOnWhite() : img
            return (try src.jpeg(quality: quality), .jpeg)
        default:
            let png = try img.png()
            let pixels = max(1, img.width * img.height)
            // Line art and screenshots compress to well under a byte per pixel; photos do not.
            if !img.hasAlpha && s.formats.contains(.jpeg) && png.count > pixels {
                let jpeg = try img.jpeg(quality: quality)
                if jpeg.count * 2 < png.count { return (jpeg, .jpeg) }
            }
            if img.hasAlpha, let budget = s.maxImageBytes, png.count > budget {
                let quantised = try img.png(paletteColours: 256)
                if quantised.count < png.count { return (quantised, .png) }
            }
            return (png, .png)
        }
    }

    /// What a JPEG's frame header says: progressive coding, CMYK (4 components; many
    /// readers show those wrongly or not at all).
    struct JPEGInfo {
        var progressive = false
        var cmyk = false

        init(_ b: [UInt8]) {
            var i = 2
            while i + 4 <= b.count {
                guard b[i] == 0xFF else { return }
                let marker = b[i + 1]
                if marker == 0xFF { i += 1; continue }
                if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
                let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
                // Start of frame: baseline/extended C0–C1, progressive C2, others lossless/arithmetic.
                if (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
                    progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE
                    if i + 9 < b.count { cmyk = b[i + 9] == 4 }
                    return
                }
                if marker == 0xDA { return }  // start of scan without a frame: malformed
                i += 2 + length
            }
        }
    }

    /// A WebP file in the lossless (VP8L) coding.
    static func isLosslessWebP(_ b: [UInt8]) -> Bool {
        guard b.count >= 16 else { return false }
        if b[12..<16].elementsEqual(Array("VP8L".utf8)) { return true }
        // Extended format: look for a VP8L chunk among the first chunks.
        guard b[12..<16].elementsEqual(Array("VP8X".utf8)) else { return false }
        var i = 12
        var n = 0
        while i + 8 <= b.count && n < 16 {
            let tag = b[i..<(i + 4)]
            if tag.elementsEqual(Array("VP8L".utf8)) { return true }
            if tag.elementsEqual(Array("VP8 ".utf8)) { return false }
            let size = Int(b[i + 4]) | Int(b[i + 5]) << 8 | Int(b[i + 6]) << 16 | Int(b[i + 7]) << 24
            i += 8 + size + (size & 1)
            n += 1
        }
        return false
    }
}
