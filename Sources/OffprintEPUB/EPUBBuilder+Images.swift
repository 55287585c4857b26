import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument
import OffprintImages

/// The book's images: one manifest item per distinct image (identical bytes once), what
/// became of every `<img>` URL, and the cover.
struct ImagePlan {
    struct Item {
        enum Content {
            /// A file of the image provider's (stored as is).
            case file(String)
            /// Bytes made here: a sanitised SVG, a local cover, a generated cover.
            case bytes([UInt8])
        }
        var id: String
        var href: String
        var mediaType: MediaType
        var content: Content

        /// The item for image bytes with this SHA-256.
        init(sha256 key: String, fileExtension: String, mediaType: MediaType, content: Content) {
            let short = String(key.prefix(20))
            id = "img-" + short
            href = "images/\(short).\(fileExtension)"
            self.mediaType = mediaType
            self.content = content
        }
    }

    /// SHA-256 → item.
    var items: [String: Item] = [:]
    /// Every `<img>` URL (and a remote cover's): the SHA-256 of its item, or why it has none.
    var byURL: [String: Result<String, ImageFailure>] = [:]
    /// The cover's SHA-256.
    var cover: String?

    /// The cover drawn from the title (SVG), when there is no cover image.
    mutating func addGeneratedCover(_ svg: [UInt8]) {
        let key = Hex.sha256(svg)
        items[key] = Item(sha256: key, fileExtension: MediaType.svg.fileExtension, mediaType: .svg, content: .bytes(svg))
        cover = key
    }
}

extension EPUBBuilder {
    /// Media types every EPUB reader must show (EPUB 3.2 core media types; WebP only with
    /// `keepWebP`, as EPUB 3.3 added it).
    static let coreImageTypes: Set<MediaType> = [.jpeg, .png, .gif, .svg]

    /// Fetches every chapter's images and the cover at once, keeps those a reader can show
    /// (SVG sanitised) and chooses the cover. Returns what it has to say about the cover.
    func planImages(chapters: [Chapter], input: [StoredArticle], metadata: BookMetadata,
                    from provider: any ImageProvider) async throws -> (ImagePlan, [Diagnostic]) {
        var plan = ImagePlan()
        var diagnostics: [Diagnostic] = []
        var wanted = Set<String>()
        for c in chapters { wanted.formUnion(c.imageURLs) }
        // `given`: the book's own cover (always used); else the first article's image, used
        // only when it is cover-shaped (a banner or a thumbnail makes a poor cover).
        var coverSource: (url: String, origin: String, given: Bool)?
        if let c = metadata.coverImage?.trimmed, !c.isEmpty {
            coverSource = (c, "book metadata", true)
        } else if let i = input.firstIndex(where: { ($0.metadata.coverImage ?? "").contains(where: { !$0.isWhitespace }) }) {
            let a = input[i].metadata
            let raw = a.coverImage!.trimmed
            coverSource = (WebURL.absolute(WebURL.encoded(raw), against: a.baseURL ?? a.sourceURL).map(WebURL.encoded) ?? raw, a.origin, false)
        }
        let coverIsRemote = coverSource.map { ["http", "https"].contains(WebURL.scheme(of: $0.url) ?? "") } ?? false
        if coverIsRemote { wanted.insert(coverSource!.url) }
        let fetched = wanted.isEmpty ? [:] : await provider.images(for: wanted.sorted())

        for url in wanted.sorted() {
            guard let result = fetched[url] else {
                plan.byURL[url] = .failure(ImageFailure(url: url, reason: "the image provider returned nothing for it"))
                continue
            }
            switch result {
            case .failure(let f):
                plan.byURL[url] = .failure(f)
            case .success(let img):
                guard EPUBBuilder.coreImageTypes.contains(img.mediaType) || (options.keepWebP && img.mediaType == .webp) else {
                    plan.byURL[url] = .failure(ImageFailure(url: url, reason: "\(img.mediaType) is not an image type EPUB readers must support (JPEG, PNG, GIF, SVG\(options.keepWebP ? ", WebP" : "")); bundle with --profile (any profile converts it to JPEG or PNG) to keep it"))
                    continue
                }
                guard FileManager.default.isReadableFile(atPath: img.file.path) else {
                    plan.byURL[url] = .failure(ImageFailure(url: url, reason: "the cached file \(img.file.path) cannot be read"))
                    continue
                }
                let key = img.sha256.lowercased()
                if plan.items[key] == nil {
                    var content = ImagePlan.Item.Content.file(img.file.path)
                    if img.mediaType == .svg {
                        // SVG is XML a reader runs: scripts, remote references and DOCTYPEs out.
                        guard let data = FileManager.default.contents(atPath: img.file.path),
                              let clean = SVGSanitizer.sanitize([UInt8](data)) else {
                            plan.byURL[url] = .failure(ImageFailure(url: url, reason: "not a well-formed SVG drawing"))
                            continue
                        }
                        content = .bytes(clean)
                    }
                    plan.items[key] = ImagePlan.Item(sha256: key, fileExtension: img.fileExtension, mediaType: img.mediaType, content: content)
                }
                plan.byURL[url] = .success(key)
            }
        }

        // The cover image.
        let instead = options.fallbackCover != nil ? "the fallback cover" : options.generatesCover ? "a generated cover" : "no cover"
        if let cs = coverSource {
            if coverIsRemote {
                switch plan.byURL[cs.url] {
                case .success(let key)?:
                    var size: (Int?, Int?) = (nil, nil)
                    if case .success(let img)? = fetched[cs.url] { size = (img.width, img.height) }
                    if cs.given || EPUBBuilder.isCoverShaped(width: size.0, height: size.1) { plan.cover = key }
                case .failure(let f)?:
                    diagnostics.append(Diagnostic(origin: cs.origin, location: "cover \(cs.url)", "cover image not used: \(f.reason); the book gets \(instead) instead"))
                case nil: break
                }
            } else {
                do {
                    let (key, item, bytes) = try EPUBBuilder.localCover(cs.url, keepWebP: options.keepWebP)
                    var size: (Int?, Int?) = (nil, nil)
                    if case .image(let info) = ImageSniffer.sniff(bytes) { size = (info.width, info.height) }
                    if cs.given || EPUBBuilder.isCoverShaped(width: size.0, height: size.1) {
                        if plan.items[key] == nil { plan.items[key] = item }
                        plan.cover = key
                    }
                } catch let e as OffprintError {
                    diagnostics.append(Diagnostic(origin: cs.origin, location: "cover \(cs.url)", "\(e.message); the book gets \(instead) instead"))
                }
            }
        }
        if plan.cover == nil, let fallback = options.fallbackCover {
            do {
                let (key, item, _) = try EPUBBuilder.localCover(fallback, keepWebP: options.keepWebP)
                if plan.items[key] == nil { plan.items[key] = item }
                plan.cover = key
            } catch let e as OffprintError {
                diagnostics.append(Diagnostic(origin: "fallback cover", location: fallback, "\(e.message); the book gets \(options.generatesCover ? "a generated cover" : "no cover") instead"))
            }
        }
        return (plan, diagnostics)
    }

    /// Whether an article's image is fit to be a book's cover: portrait, between 1.2 and 2 times
    /// as high as wide (covers are about 1.5), and at least 500×700 pixels. An image whose
    /// size is unknown is not.
    static func isCoverShaped(width: Int?, height: Int?) -> Bool {
        guard let w = width, let h = height, w >= 500, h >= 700 else { return false }
        return h * 10 >= w * 12 && h <= w * 2
    }

    /// A cover image from a local path or `file:` URL: its SHA-256, manifest item and bytes.
    static func localCover(_ raw: String, keepWebP: Bool) throws -> (String, ImagePlan.Item, [UInt8]) {
        let path = raw.hasPrefix("file:") ? (URL(string: raw)?.path ?? String(raw.dropFirst(5))) : raw
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OffprintError(.epub, path: path, "cannot read the cover image", hint: "check the --cover path")
        }
        var bytes = [UInt8](data)
        guard case .image(let info) = ImageSniffer.sniff(bytes), coreImageTypes.contains(info.mediaType) || (keepWebP && info.mediaType == .webp) else {
            throw OffprintError(.epub, path: path, "the cover image is not a JPEG, PNG, GIF or SVG file", hint: "give --cover a JPEG, PNG, GIF or SVG file")
        }
        let type = info.mediaType
        if type == .svg {
            guard let clean = SVGSanitizer.sanitize(bytes) else { throw OffprintError(.epub, path: path, "the cover image is not a well-formed SVG drawing") }
            bytes = clean
        }
        let key = Hex.sha256(bytes)
        let item = ImagePlan.Item(sha256: key, fileExtension: type.fileExtension, mediaType: type, content: .bytes(bytes))
        return (key, item, bytes)
    }

    /// Points every `<img>` of the chapter at its image in the book, or replaces it by its
    /// alt text; notes the images used (`used`: the articles' images, what the report
    /// counts) and the failures.
    func embedImages(in chapter: inout Chapter, plan: ImagePlan, used: inout Set<String>,
                     report: inout BuildReport, diagnostics: inout [Diagnostic]) {
        for p in chapter.parts {
            for d in chapter.doc.descendants(of: p) where chapter.doc[d].name == "img" {
                guard let src = chapter.doc[d].attribute("src") else { continue }
                switch plan.byURL[src] {
                case .success(let key)?:
                    chapter.doc.setAttribute("src", "../" + plan.items[key]!.href, on: d)
                    used.insert(key)
                case .failure(let f)?:
                    report.imagesFailed += 1
                    // An unreachable host is reported once for the run (`FetchSummary.hostGroups`).
                    if f.host == nil {
                        diagnostics.append(Diagnostic(origin: chapter.origin, location: "<img src=\"\(EPUBBuilder.short(src))\">",
                                                      "image not embedded (\(f.reason)): replaced by its alt text"))
                    }
                    Sanitizer(origin: chapter.origin, baseURL: nil).replaceByAlt(&chapter.doc, d)
                case nil:
                    Sanitizer(origin: chapter.origin, baseURL: nil).replaceByAlt(&chapter.doc, d)
                }
            }
        }
    }

    /// Stores the images used (the cover and the chapters'), in a fixed order; their
    /// manifest items.
    static func writeImages(_ keys: Set<String>, plan: ImagePlan, to archive: BookArchive) throws -> [PackageContext.ManifestItem] {
        var manifest: [PackageContext.ManifestItem] = []
        for key in keys.sorted() {
            let item = plan.items[key]!
            let compress = item.mediaType == .svg
            switch item.content {
            case .file(let f): try archive.zip.add("EPUB/" + item.href, file: f, compress: compress)
            case .bytes(let b): try archive.zip.add("EPUB/" + item.href, bytes: b, compress: compress)
            }
            let isCover = key == plan.cover
            manifest.append(.init(itemID: isCover ? "cover-image" : item.id, href: item.href, mediaType: item.mediaType.value,
                                  itemProperties: isCover ? "cover-image" : nil))
        }
        return manifest
    }
}
