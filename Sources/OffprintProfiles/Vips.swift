import CLibVips
import Foundation
import OffprintSupport

/// The libvips calls Offprint makes, through the non-variadic wrappers of `CLibVips`.
enum Vips {
    /// libvips started once per process (thread-safe: a lazily initialised global).
    private static let startResult: String? = {
        offprint_vips_start() == 0 ? nil : takeError()
    }()

    static func start() throws {
        if let problem = startResult {
            throw OffprintError(.profile, "libvips did not start (\(problem)): check that libvips is installed (Debian: apt-get install libvips42)")
        }
    }

    /// libvips' error buffer, cleared; one line.
    static func takeError() -> String {
        guard let p = offprint_vips_take_error() else { return "unknown libvips error" }
        defer { offprint_vips_free(p) }
        let s = String(cString: p).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        return s.isEmpty ? "unknown libvips error" : s.joined(separator: "; ")
    }
}

/// A libvips image, released when the wrapper goes.
final class VImage {
    let ptr: OpaquePointer

    init(_ ptr: OpaquePointer) { self.ptr = ptr }
    deinit { offprint_vips_unref(ptr) }

    var width: Int { Int(offprint_vips_width(ptr)) }
    var height: Int { Int(offprint_vips_height(ptr)) }
    var bands: Int { Int(offprint_vips_bands(ptr)) }
    var hasAlpha: Bool { offprint_vips_hasalpha(ptr) != 0 }
    /// Frames of an animation (pages of a multi-page file), 1 for a still image.
    var pages: Int { Int(offprint_vips_pages(ptr)) }
    var interpretation: VipsInterpretation { offprint_vips_interpretation(ptr) }
    var format: VipsBandFormat { offprint_vips_format(ptr) }

    /// Opens `bytes` lazily (the header is read; pixels when asked for).
    static func open(_ bytes: [UInt8]) throws -> VImage {
        try Vips.start()
        let p = bytes.withUnsafeBytes { offprint_vips_open($0.baseAddress, $0.count) }
        guard let p else { throw OffprintError(.profile, Vips.takeError()) }
        return VImage(p)
    }

    /// Runs an operation writing one output image.
    static func make(_ op: (UnsafeMutablePointer<OpaquePointer?>) -> Int32) throws -> VImage {
        var out: OpaquePointer?
        guard op(&out) == 0, let out else { throw OffprintError(.profile, Vips.takeError()) }
        return VImage(out)
    }

    /// The first frame of `bytes`, scaled to fit `width` × `height` (aspect kept).
    static func thumbnail(_ bytes: [UInt8], width: Int, height: Int) throws -> VImage {
        try Vips.start()
        return try bytes.withUnsafeBytes { buf in
            try make { offprint_vips_thumbnail(buf.baseAddress, buf.count, Int32(width), Int32(height), $0) }
        }
    }

    /// An RGB image of one colour.
    static func solid(width: Int, height: Int, rgb: (UInt8, UInt8, UInt8)) throws -> VImage {
        var px = [UInt8](repeating: 0, count: width * height * 3)
        var i = 0
        while i < px.count { px[i] = rgb.0; px[i + 1] = rgb.1; px[i + 2] = rgb.2; i += 3 }
        return try pixels(px, width: width, height: height, bands: 3)
    }

    func colourspace(_ space: VipsInterpretation) throws -> VImage {
        try VImage.make { offprint_vips_colourspace(ptr, $0, space) }
    }

    func castUChar() throws -> VImage {
        try VImage.make { offprint_vips_cast_uchar(ptr, $0) }
    }

    func flattenOnWhite() throws -> VImage {
        try VImage.make { offprint_vips_flatten_white(ptr, $0) }
    }

    func over(_ base: VImage, x: Int, y: Int) throws -> VImage {
        try VImage.make { offprint_vips_over(base.ptr, ptr, $0, Int32(x), Int32(y)) }
    }

    /// Every pixel decoded now (so decoding problems surface here, once).
    func inMemory() throws -> VImage {
        try VImage.make { offprint_vips_copy_memory(ptr, $0) }
    }

    func jpeg(quality: Int) throws -> [UInt8] {
        try save { offprint_vips_jpegsave(ptr, $0, $1, Int32(quality)) }
    }

    func png(paletteColours: Int? = nil) throws -> [UInt8] {
        try save { offprint_vips_pngsave(ptr, $0, $1, paletteColours == nil ? 0 : 1, Int32(paletteColours ?? 256)) }
    }

    func webp(quality: Int, lossless: Bool = false) throws -> [UInt8] {
        try save { offprint_vips_webpsave(ptr, $0, $1, Int32(quality), lossless ? 1 : 0) }
    }

    func progressiveJPEG(quality: Int) throws -> [UInt8] {
        try save { offprint_vips_jpegsave_progressive(ptr, $0, $1, Int32(quality)) }
    }

    func heif(quality: Int, avif: Bool) throws -> [UInt8] {
        try save { offprint_vips_heifsave(ptr, $0, $1, Int32(quality), avif ? 1 : 0) }
    }

    func asCMYK() throws -> VImage {
        try VImage.make { offprint_vips_as_cmyk(ptr, $0) }
    }

    func gif() throws -> [UInt8] {
        try save { offprint_vips_gifsave(ptr, $0, $1) }
    }

    /// An image from 8-bit pixels, `bands` per pixel (3 RGB, 4 RGBA, 1 grey).
    static func pixels(_ px: [UInt8], width: Int, height: Int, bands: Int) throws -> VImage {
        try Vips.start()
        let p = px.withUnsafeBytes { offprint_vips_from_pixels($0.baseAddress, $0.count, Int32(width), Int32(height), Int32(bands)) }
        guard let p else { throw OffprintError(.profile, Vips.takeError()) }
        return VImage(p)
    }

    /// Declares this tall image `frames` frames of an animation.
    func setFrames(_ frames: Int, delayMilliseconds: Int = 100) {
        offprint_vips_set_frames(ptr, Int32(frames), Int32(delayMilliseconds))
    }

    private func save(_ op: (UnsafeMutablePointer<UnsafeMutableRawPointer?>, UnsafeMutablePointer<Int>) -> Int32) throws -> [UInt8] {
        var buf: UnsafeMutableRawPointer?
        var len = 0
        guard op(&buf, &len) == 0, let buf else { throw OffprintError(.profile, Vips.takeError()) }
        defer { offprint_vips_free(buf) }
        return Array(UnsafeRawBufferPointer(start: buf, count: len))
    }

    /// Text set with Pango markup, RGBA.
    static func text(markup: String, font: String, fontFile: String?, width: Int, height: Int = 0, dpi: Int = 72, centred: Bool) throws -> VImage {
        try Vips.start()
        return try make { out in
            if let fontFile {
                return offprint_vips_text(out, markup, font, fontFile, Int32(width), Int32(height), Int32(dpi), centred ? 1 : 0)
            }
            return offprint_vips_text(out, markup, font, nil, Int32(width), Int32(height), Int32(dpi), centred ? 1 : 0)
        }
    }
}
