import OffprintSupport
import Foundation

extension EPUBBuilder {
    /// One article's line in the table of contents.
    struct TOCItem {
        var section: String?
        var label: String
        var href: String
        var language: String
        /// Its direction differs from the book's.
        var rtl: Bool
        var children: [(href: String, label: String)]
    }

    /// The navigation document's and the NCX's entries: articles with their subheadings,
    /// and consecutive articles of one section (a feed) under an entry of their own that
    /// opens the section's first article. Returns the NCX depth too.
    static func contents(_ items: [TOCItem], bookLanguage: String) -> (nav: [NavContext.Entry], ncx: [NCXContext.Entry], depth: Int) {
        var nav: [NavContext.Entry] = []
        var ncx: [NCXContext.Entry] = []
        var playOrder = 0
        var depth = 1
        var i = 0
        var articleNumber = 0
        // A section opens its first article: the same target, so the same play order.
        var sharesSectionOrder = false
        func article(_ item: TOCItem, level: Int) -> (nav: NavContext.Entry, ncx: NCXContext.Entry) {
            articleNumber += 1
            if sharesSectionOrder { sharesSectionOrder = false } else { playOrder += 1 }
            let n = articleNumber
            let order = playOrder
            var kids: [NCXContext.Entry] = []
            for (k, h) in item.children.enumerated() {
                playOrder += 1
                kids.append(NCXContext.Entry(navID: "nav-\(n)-\(k + 1)", playOrder: playOrder, label: h.label, ncxHref: h.href,
                                             hasChildren: false, children: []))
            }
            if !kids.isEmpty { depth = max(depth, level + 1) }
            let ncxEntry = NCXContext.Entry(navID: "nav-\(n)", playOrder: order, label: item.label, ncxHref: item.href,
                                            hasChildren: !kids.isEmpty, children: kids)
            let navKids = item.children.map { NavContext.Entry(href: $0.href, label: $0.label, hasChildren: false, children: []) }
            let navEntry = NavContext.Entry(href: item.href, label: item.label, hasChildren: !navKids.isEmpty, children: navKids,
                                            entryLanguage: item.language, entryRTL: item.rtl)
            return (navEntry, ncxEntry)
        }
        var sectionNumber = 0
        while i < items.count {
            guard let section = items[i].section else {
                let (a, b) = article(items[i], level: 1)
                nav.append(a)
                ncx.append(b)
                i += 1
                continue
            }
            sectionNumber += 1
            playOrder += 1
            let sectionOrder = playOrder
            var navKids: [NavContext.Entry] = []
            var ncxKids: [NCXContext.Entry] = []
            depth = max(depth, 2)
            sharesSectionOrder = true
            while i < items.count, items[i].section == section {
                let (a, b) = article(items[i], level: 2)
                navKids.append(a)
                ncxKids.append(b)
                i += 1
            }
            let label = Escape.xmlSafe(section)
            ncx.append(NCXContext.Entry(navID: "section-\(sectionNumber)", playOrder: sectionOrder, label: label,
                                        ncxHref: ncxKids[0].ncxHref, hasChildren: true, children: ncxKids))
            nav.append(NavContext.Entry(href: ncxKids[0].ncxHref, label: label, hasChildren: true, children: navKids,
                                        entryLanguage: bookLanguage, entryRTL: false))
        }
        return (nav, ncx, depth)
    }

    /// The landmarks (and the EPUB 2 guide, which says the same): cover, title page,
    /// contents, start of the text.
    static func landmarks(_ plan: BookPlan) -> (landmarks: [NavContext.Landmark], guide: [PackageContext.GuideReference]) {
        let labels = BookValues.Labels(plan.labels)
        var landmarks: [NavContext.Landmark] = []
        var guide: [PackageContext.GuideReference] = []
        if plan.images.cover != nil {
            landmarks.append(.init(landmarkType: "cover", href: "text/cover.xhtml", label: labels.cover))
            guide.append(.init(guideType: "cover", guideTitle: labels.cover, href: "text/cover.xhtml"))
        }
        let start = "text/" + plan.chapters[0].files[0]
        landmarks.append(.init(landmarkType: "titlepage", href: "text/titlepage.xhtml", label: labels.titlePage))
        guide.append(.init(guideType: "title-page", guideTitle: labels.titlePage, href: "text/titlepage.xhtml"))
        landmarks.append(.init(landmarkType: "toc", href: "nav.xhtml#toc", label: labels.contents))
        landmarks.append(.init(landmarkType: "bodymatter", href: start, label: labels.start))
        guide.append(.init(guideType: "toc", guideTitle: labels.contents, href: "nav.xhtml"))
        guide.append(.init(guideType: "text", guideTitle: labels.start, href: start))
        return (landmarks, guide)
    }

    /// Writes the navigation document (table of contents, landmarks) and the NCX.
    func writeNavigation(_ plan: BookPlan, toc items: [TOCItem], book: BookValues, templates: TemplateSet,
                         to archive: BookArchive) throws {
        let (toc, ncx, depth) = EPUBBuilder.contents(items, bookLanguage: plan.book.language.value)
        let nav = NavContext(stylesheet: "styles/book.css", toc: toc, landmarks: EPUBBuilder.landmarks(plan).landmarks)
        try archive.addDocument("EPUB/nav.xhtml", try templates.render("nav.xhtml.mustache", BookPage(book: book, own: nav)))
        try archive.zip.add("EPUB/toc.ncx", string: try templates.render("toc.ncx.mustache", BookPage(book: book, own: NCXContext(depth: depth, toc: ncx))))
    }
}
