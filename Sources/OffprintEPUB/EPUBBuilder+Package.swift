import OffprintSupport
import Foundation

extension EPUBBuilder {
    static let containerXML = """
        <?xml version="1.0" encoding="UTF-8"?>
        <container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
          <rootfiles>
            <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
          </rootfiles>
        </container>

        """

    /// What the package document lists besides the book's values: the files written
    /// (front matter, chapters, images), in the order they are read.
    struct PackageParts {
        /// The cover and title page.
        var front: [PackageContext.ManifestItem] = []
        var chapters: [PackageContext.ManifestItem] = []
        var images: [PackageContext.ManifestItem] = []

        /// Spine entries for manifest items, all read in order.
        static func spine(_ items: [PackageContext.ManifestItem]) -> [PackageContext.SpineItem] {
            items.map { PackageContext.SpineItem(idref: $0.itemID, linear: true) }
        }
    }

    /// Writes the package document: metadata, manifest, spine (front matter, contents,
    /// chapters) and the EPUB 2 guide.
    func writePackage(_ plan: BookPlan, parts: PackageParts, book: BookValues, templates: TemplateSet, to archive: BookArchive) throws {
        let navigation: [PackageContext.ManifestItem] = [
            .init(itemID: "nav", href: "nav.xhtml", mediaType: MediaType.xhtml.value, itemProperties: "nav"),
            .init(itemID: "ncx", href: "toc.ncx", mediaType: MediaType.ncx.value),
            .init(itemID: "css", href: "styles/book.css", mediaType: MediaType.css.value),
        ]
        let opf = PackageContext(
            coverImageID: plan.images.cover == nil ? nil : "cover-image",
            items: navigation + parts.front + parts.chapters + parts.images,
            spine: PackageParts.spine(parts.front) + PackageParts.spine([navigation[0]]) + PackageParts.spine(parts.chapters),
            guide: EPUBBuilder.landmarks(plan).guide)
        try archive.zip.add("EPUB/package.opf", string: try templates.render("package.opf.mustache", BookPage(book: book, own: opf)))
    }
}
