extension MediaType {
    /// The image types kept and written, with their usual file extensions (the first of
    /// each type is the one written).
    static let extensions: [(type: MediaType, fileExtension: String)] = [
        (.jpeg, "jpg"), (.jpeg, "jpeg"), (.png, "png"), (.gif, "gif"), (.webp, "webp"), (.svg, "svg"),
        (.avif, "avif"), (.bmp, "bmp"), (.tiff, "tif"), (.tiff, "tiff"),
        (.xhtml, "xhtml"), (.css, "css"), (.ncx, "ncx"),
    ]

    /// The usual file extension (`jpg`, `svg`, `xhtml`); `bin` for a type without one here.
    public var fileExtension: String {
        Self.extensions.first { $0.type == self }?.fileExtension ?? "bin"
    }

    /// The media type of a file extension (`jpg`, `JPEG`, `.png`); nil when unknown here.
    public init?(fileExtension ext: String) {
        var e = ext.lowercased()
        if e.hasPrefix(".") { e.removeFirst() }
        guard let t = Self.extensions.first(where: { $0.fileExtension == e })?.type else { return nil }
        self = t
    }
}
