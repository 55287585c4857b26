import Foundation
import OffprintSupport

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
    public var mediaType: MediaType
    public var byteCount: Int
    /// Pixel size, when the format tells it.
    public var width: Int?
    public var height: Int?

    public init(url: String, file: URL, sha256: String, mediaType: MediaType, byteCount: Int, width: Int? = nil, height: Int? = nil) {
        self.url = url
        self.file = file
        self.sha256 = sha256
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.width = width
        self.height = height
    }

    /// The usual file extension for the media type (`jpg`, `png`, …).
    public var fileExtension: String { mediaType.fileExtension }
}

/// Why an image could not be had. The message names the URL and says what to do.
public struct ImageFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var url: String
    public var reason: String
    /// Set when the image's host could not be reached at all (DNS, connect, no response,
    /// circuit breaker open): such failures are reported once per host
    /// (`FetchSummary.hostGroups`), not once per image.
    public var host: String?
    /// Why the host counts as unreachable ("timed out 3 times").
    public var hostCause: String?
    /// Not requested: the URL failed recently (see `ImageCacheOptions.failureTTL`).
    public var remembered: Bool
    public init(url: String, reason: String, host: String? = nil, hostCause: String? = nil, remembered: Bool = false) {
        self.url = url
        self.reason = reason
        self.host = host
        self.hostCause = hostCause
        self.remembered = remembered
    }
    /// One line; a long `data:` URL is shortened to its start and size.
    public var description: String {
        guard WebURL.isData(url), url.count > 64 else { return "\(url): \(reason)" }
        return "\(url.prefix(40))… (\(url.utf8.count) characters): \(reason)"
    }
}

/// What the Markdown exporter and the EPUB builder need from the image cache.
public protocol ImageProvider: Sendable {
    /// Fetches (or finds in the cache) every URL; never throws for one bad image.
    /// Results are keyed by the URL as given.
    func images(for urls: [String]) async -> [String: Result<CachedImage, ImageFailure>]
}
