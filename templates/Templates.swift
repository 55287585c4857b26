/// The Mustache templates and the style sheet Offprint writes books with, embedded in the
/// binary (SwiftPM `.embedInCode`, so a copied `offprint` binary needs no resource bundle).
///
/// Users override any of them with a folder holding a file of the same name
/// (`offprint bundle --templates DIR`); `templates/README.md` lists the variables each
/// template receives.
public enum BundledTemplates {
    /// The names of the bundled templates, as files in an override folder must be named.
    public static let names: [String] = [
        "package.opf.mustache", "nav.xhtml.mustache", "toc.ncx.mustache", "chapter.xhtml.mustache",
        "titlepage.xhtml.mustache", "cover.xhtml.mustache", "style.css",
    ]

    /// The bundled template named `name` (`"chapter.xhtml.mustache"`), or nil for an unknown name.
    public static func named(_ name: String) -> String? {
        let bytes: [UInt8]
        switch name {
        case "package.opf.mustache": bytes = PackageResources.package_opf_mustache
        case "nav.xhtml.mustache": bytes = PackageResources.nav_xhtml_mustache
        case "toc.ncx.mustache": bytes = PackageResources.toc_ncx_mustache
        case "chapter.xhtml.mustache": bytes = PackageResources.chapter_xhtml_mustache
        case "titlepage.xhtml.mustache": bytes = PackageResources.titlepage_xhtml_mustache
        case "cover.xhtml.mustache": bytes = PackageResources.cover_xhtml_mustache
        case "style.css": bytes = PackageResources.style_css
        default: return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
