import OffprintSupport
import Foundation
import OffprintArticle

extension EPUBBuilder {
    /// What writing the chapters gives the other parts of the book.
    struct WrittenChapters {
        var manifest: [PackageContext.ManifestItem] = []
        var toc: [TOCItem] = []
        /// The articles' images used (the cover is not among them unless an article shows it).
        var images = Set<String>()
    }

    /// Writes every chapter, part by part: links between chapters resolved, images pointed
    /// at the book's copies (or replaced by their alt text). Trees dropped while planning
    /// are built again, one at a time, and every tree is dropped once written.
    func writeChapters(_ plan: inout BookPlan, templates: TemplateSet, to archive: BookArchive,
                       report: inout BuildReport, diagnostics: inout [Diagnostic]) throws -> WrittenChapters {
        var written = WrittenChapters()
        let x = Escape.xmlSafe
        let labels = BookValues.Labels(plan.labels)
        for i in plan.chapters.indices {
            if plan.chapters[i].treeReleased {
                let c = plan.chapters[i]
                plan.chapters[i] = Chapter(article: try plan.articles[i].load(), title: c.title, language: c.language, rtl: c.rtl,
                                           fileStem: String(c.files[0].dropLast(6)), options: options)
            }
            plan.chapters[i].rewriteLinks(book: plan.pages, anchors: plan.anchors, selfIndex: i)
            embedImages(in: &plan.chapters[i], plan: plan.images, used: &written.images, report: &report, diagnostics: &diagnostics)
            let c = plan.chapters[i]
            var chapterBytes = 0
            var paths: [String] = []
            for p in c.parts.indices {
                let context = ChapterContext(
                    language: c.language.value, rtl: c.rtl, title: x(c.title), stylesheet: "../styles/book.css", sectionID: "chapter",
                    firstPart: p == 0, partNumber: p + 1, partCount: c.parts.count, labels: labels,
                    byline: c.authors.isEmpty ? nil : x(c.authors.joined(separator: ", ")),
                    date: c.date.map { x($0.day) },
                    sourceURL: c.sourceURL.map(x), sourceLabel: c.sourceURL.map { x(EPUBBuilder.sourceLabel($0)) },
                    body: c.body(part: p))
                let name = "EPUB/text/" + c.files[p]
                let rendered = try templates.render("chapter.xhtml.mustache", context)
                let xhtml = try archive.addChapter(name, file: c.files[p], rendered)
                chapterBytes += xhtml
                paths.append(name)
                if rendered.utf8.count > options.maxChapterBytes + options.maxChapterBytes / 5 {
                    diagnostics.append(Diagnostic(origin: c.origin, location: c.files[p],
                                                  "chapter file is \(rendered.utf8.count / 1000) KB, over the \(options.maxChapterBytes / 1000) KB split size: one block in it (a table, list or preformatted text) is too large to split"))
                }
                written.manifest.append(.init(itemID: String(c.files[p].dropLast(6)), href: "text/" + c.files[p], mediaType: MediaType.xhtml.value))
            }
            diagnostics += c.diagnostics
            report.chapters.append(.init(origin: c.origin, title: c.title, files: paths, bytes: chapterBytes, imageURLs: c.imageURLs))
            written.toc.append(TOCItem(section: plan.sections[i], label: x(c.title), href: "text/" + c.files[0], language: c.language.value,
                                       rtl: c.rtl != plan.book.rtl,
                                       children: c.subheadings.map { ("text/" + c.files[$0.part] + "#" + $0.id, x($0.label)) }))
            plan.chapters[i].releaseTree()
        }
        return written
    }

    /// Writes the cover page (when the book has a cover) and the title page, always: title,
    /// subtitle, authors, series, publisher, date. Their manifest items.
    func writeFrontMatter(_ plan: BookPlan, book: BookValues, templates: TemplateSet, to archive: BookArchive) throws -> [PackageContext.ManifestItem] {
        var front: [PackageContext.ManifestItem] = []
        if let key = plan.images.cover {
            let cover = CoverContext(stylesheet: "../styles/book.css", coverHref: "../" + plan.images.items[key]!.href)
            try archive.addDocument("EPUB/text/cover.xhtml", try templates.render("cover.xhtml.mustache", BookPage(book: book, own: cover)))
            front.append(.init(itemID: "cover", href: "text/cover.xhtml", mediaType: MediaType.xhtml.value))
        }
        let titlePage = TitlePageContext(stylesheet: "../styles/book.css", date: plan.book.shownDate.map(Escape.xmlSafe))
        try archive.addDocument("EPUB/text/titlepage.xhtml", try templates.render("titlepage.xhtml.mustache", BookPage(book: book, own: titlePage)))
        front.append(.init(itemID: "titlepage", href: "text/titlepage.xhtml", mediaType: MediaType.xhtml.value))
        return front
    }
}
