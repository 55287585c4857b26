import Mustache
import OffprintSupport

// What each template is rendered with. swift-mustache reads a value's stored properties by
// name (Mirror): a nil optional is an absent value (`{{#date}}` writes nothing), a `Bool`
// opens or skips a section, an array repeats it. The property names are the variable names
// documented in templates/README.md, so user templates (`--templates`) keep working.
// Strings are stored as written into the book: XML-safe (`Escape.xmlSafe`), escaped by the
// template (`{{name}}`); `body` is XHTML, written as is (`{{{body}}}`).

/// A value a template is rendered with (`TemplateSet.render`): a `ChapterContext`, or a
/// `BookPage` of the book values and a page's own.
protocol TemplateContext {}

/// The book values every page of the book (all templates but the chapter's) is rendered with.
struct BookValues {
    var language: String
    var rtl: Bool
    var identifier: String
    var title: String
    var subtitle: String?
    var publisher: String?
    var description: String?
    var date: String?
    var modified: String
    var creators: [Creator]
    var subjects: [String]
    var series: Bool
    var seriesName: String?
    var seriesIndex: String?
    var labels: Labels

    struct Creator {
        var creatorID: String
        var name: String
    }

    /// The words around the content (`BookLabels`), XML-safe.
    struct Labels {
        var contents: String
        var landmarks: String
        var cover: String
        var titlePage: String
        var source: String
        var start: String

        init(_ l: BookLabels) {
            let x = Escape.xmlSafe
            contents = x(l.contents)
            landmarks = x(l.landmarks)
            cover = x(l.cover)
            titlePage = x(l.titlePage)
            source = x(l.source)
            start = x(l.start)
        }
    }

    init(_ book: BookPlan.Book, labels: BookLabels) {
        let x = Escape.xmlSafe
        language = book.language.value
        rtl = book.rtl
        identifier = x(book.identifier)
        title = x(book.title)
        subtitle = book.subtitle.map(x)
        publisher = book.publisher.map(x)
        description = book.description.map(x)
        date = book.date.map(x)
        modified = Dates.timestamp(book.modified)
        creators = book.creators.enumerated().map { Creator(creatorID: "creator\($0.offset + 1)", name: x($0.element)) }
        subjects = book.subjects.map(x)
        series = book.series != nil
        seriesName = book.series.map { x($0.name) }
        seriesIndex = book.series?.index.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : String($0) }
        self.labels = Labels(labels)
    }
}

/// A page of the book: the book values with the template's own on top. A property of
/// `Own` replaces the book value of the same name, even when nil (the title page's `date`).
struct BookPage<Own>: MustacheParent, TemplateContext {
    var book: BookValues
    var own: Own

    func child(named name: String) -> Any? {
        if let value = BookPage.property(name, of: own) { return value }
        return BookPage.property(name, of: book) ?? nil
    }

    /// The stored property `name` of `value`: nil when there is none, `.some(nil)` for an
    /// optional without a value.
    static func property(_ name: String, of value: Any) -> Any?? {
        guard let child = Mirror(reflecting: value).children.first(where: { $0.label == name }) else { return nil }
        let optional = Mirror(reflecting: child.value)
        guard optional.displayStyle == .optional else { return .some(child.value) }
        return .some(optional.children.first?.value)
    }
}

/// `package.opf.mustache`.
struct PackageContext {
    var coverImageID: String?
    var items: [ManifestItem]
    var spine: [SpineItem]
    var guide: [GuideReference]

    struct ManifestItem {
        var itemID: String
        var href: String
        var mediaType: String
        var itemProperties: String?
    }

    struct SpineItem {
        var idref: String
        var linear: Bool
    }

    struct GuideReference {
        var guideType: String
        var guideTitle: String
        var href: String
    }
}

/// `nav.xhtml.mustache`.
struct NavContext {
    var stylesheet: String
    var toc: [Entry]
    var landmarks: [Landmark]

    /// An article (its subheadings as children) or a section (its articles as children).
    struct Entry {
        var href: String
        var label: String
        var hasChildren: Bool
        var children: [Entry]
        /// Top-level entries and articles only (nil for subheadings).
        var entryLanguage: String?
        /// The entry's direction differs from the book's (nil for subheadings).
        var entryRTL: Bool?
    }

    struct Landmark {
        var landmarkType: String
        var href: String
        var label: String
    }
}

/// `toc.ncx.mustache`.
struct NCXContext {
    var depth: Int
    var toc: [Entry]

    struct Entry {
        var navID: String
        var playOrder: Int
        var label: String
        var ncxHref: String
        var hasChildren: Bool
        var children: [Entry]
    }
}

/// `cover.xhtml.mustache`.
struct CoverContext {
    var stylesheet: String
    var coverHref: String
}

/// `titlepage.xhtml.mustache`: the date only when the title does not say it.
struct TitlePageContext {
    var stylesheet: String
    var date: String?
}

/// `chapter.xhtml.mustache`: one part of an article (not a book page: its own language,
/// direction and title).
struct ChapterContext: TemplateContext {
    var language: String
    var rtl: Bool
    var title: String
    var stylesheet: String
    var sectionID: String
    var firstPart: Bool
    var partNumber: Int
    var partCount: Int
    var labels: BookValues.Labels
    var byline: String?
    var date: String?
    var sourceURL: String?
    var sourceLabel: String?
    var body: String
}
