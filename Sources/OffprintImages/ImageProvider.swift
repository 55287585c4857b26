import Foundation

/// An image in the local cache, ready to be linked from Markdown or packed into a book.
public struct CachedImage: Sendable, Equatable {
    /// The URL it was asked for (normalised: proxy-unwrapped, absolute).
    public var url: String
    /// The file in the cache holding its bytes (content-addressed, read-only).
    public var file: URL
    /// SHA-256 of the bytes, lower-case hex.
    public var sha256: String
    /// Media type sniffed from the bytes (`image/jpeg`, `image/png`, `image/gif`,
    /// `image/webp`, `image/svg+xml`, `image/avif`, `image/bmp`, `image/tiff`).
    public var mediaType: String
    public var byteCount: Int
    /// Pixel size, when the format tells it.
    public var width: Int?
    public var height: Int?

    public init(url: String, file: URL, sha256: String, mediaType: String, byteCount: Int, width: Int? = nil, height: Int? = nil) {
        self.url = url
        self.file = file
        self.sha256 = sha256
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.width = width
        self.height = height
    }

    /// The usual file extension for the media type (`jpg`, `png`, …).
    public var fileExtension: String {
        switch mediaType {
        case "image/jpeg": return "jpg"
        case "image/png": return "png"
        case "image/gif": return "gif"
        case "image/webp": return "webp"
        case "image/svg+xml": return "svg"
        case "image/avif": return "avif"
        case "image/bmp": return "bmp"
        case "image/tiff": return "tif"
        default: return "bin"
        }
    }
}

/// Why an image could not be had. The message names the URL and says what to do.
public struct ImageFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var url: String
    public var reason: String
    public init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }
    public var description: String { "\(url): \(reason)" }
}

/// What the Markdown exporter and the EPUB builder need from the image cache.
public protocol ImageProvider: Sendable {
    /// Fetches (or finds in the cache) every URL; never throws for one bad image.
    /// Results are keyed by the URL as given.
    func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>]
}
