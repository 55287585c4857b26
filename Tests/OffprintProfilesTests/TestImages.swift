import OffprintSupport
import Crypto
import Foundation
import OffprintImages
@testable import OffprintProfiles

/// Real image files, made with libvips: the kinds that trouble e-readers.
enum TestImages {
    enum Kind: String, CaseIterable {
        case webp          // a lossy WebP photo, 1600×1200
        case bigJPEG = "jpg"   // a 3200×2400 JPEG (7.7 MP, over Apple's 5.6 MP)
        case alphaPNG = "png"  // a 2400×1800 PNG with transparency
        case gif           // an animated GIF, 3 frames of 320×240
        case svg           // an SVG drawing
        case tiff = "tif"  // a TIFF scan, 900×700 (readers do not show TIFF)
    }

    static func bytes(_ kind: Kind) -> [UInt8] { made[kind]! }

    static let made: [Kind: [UInt8]] = {
        var m: [Kind: [UInt8]] = [:]
        m[.webp] = try! VImage.pixels(photo(1600, 1200), width: 1600, height: 1200, bands: 3).webp(quality: 80)
        m[.bigJPEG] = try! VImage.pixels(photo(3200, 2400), width: 3200, height: 2400, bands: 3).jpeg(quality: 90)
        m[.alphaPNG] = try! VImage.pixels(cutout(2400, 1800), width: 2400, height: 1800, bands: 4).png()
        var frames: [UInt8] = []
        for f in 0..<3 { frames += cutout(320, 240, shift: f * 40).enumerated().filter { $0.offset % 4 != 3 }.map(\.element) }
        let anim = try! VImage.pixels(frames, width: 320, height: 720, bands: 3)
        anim.setFrames(3)
        m[.gif] = try! anim.gif()
        m[.svg] = Array("""
            <svg xmlns="http://www.w3.org/2000/svg" width="300" height="150" viewBox="0 0 300 150">\
            <rect width="300" height="150" fill="#336699"/><circle cx="75" cy="75" r="50" fill="#ffcc00"/>\
            <text x="150" y="85" font-family="DejaVu Sans" font-size="24" fill="#ffffff">chart</text></svg>
            """.utf8)
        m[.tiff] = tiff(900, 700)
        return m
    }()

    /// A smooth photo-like picture (gradients and soft waves) with a little grain.
    static func photo(_ w: Int, _ h: Int) -> [UInt8] {
        var px = [UInt8](repeating: 0, count: w * h * 3)
        var seed: UInt32 = 12345
        px.withUnsafeMutableBufferPointer { p in
            var i = 0
            for y in 0..<h {
                for x in 0..<w {
                    seed = seed &* 1_103_515_245 &+ 12345
                    let grain = Int((seed >> 16) & 7) - 4
                    let r = (x * 255 / w + grain)
                    let g = (y * 255 / h + grain)
                    let b = 128 + Int(100 * sin(Double(x + y) / 90)) + grain
                    p[i] = UInt8(clamping: r); p[i + 1] = UInt8(clamping: g); p[i + 2] = UInt8(clamping: b)
                    i += 3
                }
            }
        }
        return px
    }

    /// Shapes on a transparent ground (RGBA).
    static func cutout(_ w: Int, _ h: Int, shift: Int = 0) -> [UInt8] {
        var px = [UInt8](repeating: 0, count: w * h * 4)
        px.withUnsafeMutableBufferPointer { p in
            var i = 0
            for y in 0..<h {
                for x in 0..<w {
                    let dx = x - w / 2 - shift, dy = y - h / 2
                    let inside = dx * dx + dy * dy < (min(w, h) / 3) * (min(w, h) / 3) || (x / 40 + y / 40) % 5 == 0
                    if inside {
                        p[i] = UInt8(x * 255 / w); p[i + 1] = 90; p[i + 2] = UInt8(y * 255 / h); p[i + 3] = 255
                    }
                    i += 4
                }
            }
        }
        return px
    }

    /// A minimal uncompressed RGB TIFF.
    static func tiff(_ w: Int, _ h: Int) -> [UInt8] {
        let pixels = photo(w, h)
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        let entries: [(Int, Int, Int, Int)] = [  // tag, type, count, value
            (256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 2),
            (273, 4, 1, 8), (277, 3, 1, 3), (278, 4, 1, h), (279, 4, 1, pixels.count),
        ]
        // Header, pixels at 8, IFD after them. (BitsPerSample given once: readers accept 8 for all.)
        var out: [UInt8] = Array("II".utf8) + le16(42) + le32(8 + pixels.count)
        out += pixels
        out += le16(entries.count)
        for (tag, type, count, value) in entries {
            out += le16(tag) + le16(type) + le32(count) + (type == 3 ? le16(value) + [0, 0] : le32(value))
        }
        out += le32(0)
        return out
    }

    static func mediaType(_ kind: Kind) -> MediaType {
        switch kind {
        case .webp: return .webp
        case .bigJPEG: return .jpeg
        case .alphaPNG: return .png
        case .gif: return .gif
        case .svg: return .svg
        case .tiff: return .tiff
        }
    }
}

/// Serves `https://img.test/<name>.<ext>` URLs with the test images of that extension
/// (files in a temporary folder, as the image cache keeps them); "fail" in a URL fails.
final class GeneratedImageProvider: ImageProvider, @unchecked Sendable {
    let dir: URL
    private let lock = NSLock()
    private var _calls = 0
    var calls: Int { lock.withLock { _calls } }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-profile-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>] {
        lock.withLock { _calls += 1 }
        var out: [String: Result<CachedImage, ImageFailure>] = [:]
        for url in urls {
            let ext = URL(string: url)?.pathExtension ?? ""
            guard !url.contains("fail"), let kind = TestImages.Kind(rawValue: ext) else {
                out[url] = .failure(ImageFailure(url: url, reason: "HTTP 404"))
                continue
            }
            let bytes = TestImages.bytes(kind)
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            let file = dir.appendingPathComponent("\(sha).\(ext)")
            if !FileManager.default.fileExists(atPath: file.path) { try? Data(bytes).write(to: file) }
            out[url] = .success(CachedImage(url: url, file: file, sha256: sha, mediaType: TestImages.mediaType(kind), byteCount: bytes.count))
        }
        return out
    }
}
