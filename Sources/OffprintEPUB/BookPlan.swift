import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument
import OffprintImages

/// Everything decided about a book before a byte of it is written: its metadata, its
/// chapters (files, titles, languages, subheadings, links between them), its images and
/// its cover. The writers (`EPUBBuilder+Chapters`, `+Images`, `+Navigation`, `+Package`)
/// only turn it into files.
struct BookPlan {
    /// The book's own metadata, as written into the package, navigation and title page.
    struct Book {
        var title: String
        var subtitle: String?
        var creators: [String]
        var subjects: [String]
        /// `und` when unknown.
        var language: LanguageTag
        var rtl: Bool
        var identifier: String
        var publisher: String?
        var description: String?
        /// `dc:date` (W3CDTF).
        var date: String?
        /// The date the title page (and a generated cover) shows: nil when the title says it.
        var shownDate: String?
        var modified: Date
        var series: (name: String, index: Double?)?
    }

    var book: Book
    var labels: BookLabels
    /// The articles of the book (duplicates left out), one per chapter.
    var articles: [StoredArticle]
    var chapters: [Chapter]
    /// Each chapter's section (its feed, say), for the table of contents.
    var sections: [String?]
    /// Links between chapters: page key of an article's source → its chapter.
    var pages: [String: Int]
    /// What other chapters need to link into each chapter.
    var anchors: [Chapter.Anchors]
    var images: ImagePlan
    /// Said while planning (duplicates, language, cover, title, dates), in that order.
    var diagnostics: [Diagnostic]
}

extension EPUBBuilder {
    /// Plans the book: loads every article once (trees past the memory budget are dropped
    /// again), fetches the images and chooses the cover.
    func plan(_ input: [StoredArticle], metadata: BookMetadata, images provider: any ImageProvider, output: URL) async throws -> BookPlan {
        var diagnostics: [Diagnostic] = []

        // Duplicates: same origin, or same page.
        var articles: [StoredArticle] = []
        var byOrigin: [String: String] = [:], byPage: [String: String] = [:]
        for stored in input {
            let a = stored.metadata
            if let first = byOrigin[a.origin] {
                diagnostics.append(Diagnostic(origin: a.origin, "given twice: kept once (as the first, \(first))"))
                continue
            }
            if let s = a.sourceURL, !s.isEmpty, let first = byPage[WebURL.pageKey(s)] {
                diagnostics.append(Diagnostic(origin: a.origin, location: s, "same source URL as \(first): left out as a duplicate"))
                continue
            }
            byOrigin[a.origin] = a.origin
            if let s = a.sourceURL, !s.isEmpty { byPage[WebURL.pageKey(s)] = a.origin }
            articles.append(stored)
        }

        // Chapters, and what each article says of its language: one pass, loading each
        // article once (the book's language, needed for the chapters' own, comes after).
        let width = max(3, String(articles.count).count)
        var chapters: [Chapter] = []
        chapters.reserveCapacity(articles.count)
        var explicit: [LanguageTag?] = []
        var guessed: [LanguageTag?] = []
        var rtlScript: [Bool] = []
        var declared: [TextDirection?] = []
        var keptNodes = 0
        for (i, stored) in articles.enumerated() {
            let a = try stored.load()
            explicit.append(a.language)
            let sample = Substring(a.document.textContent(of: a.content).prefix(20_000))
            guessed.append(LanguageTag.guess(fromScriptOf: sample))
            rtlScript.append(TextDirection.dominant(in: sample) == .rtl)
            declared.append(a.direction)
            let stem = "ch" + String(repeating: "0", count: max(0, width - String(i + 1).count)) + String(i + 1)
            // (Language and direction are only stored by the chapter: set below.)
            var chapter = Chapter(article: consume a, title: EPUBBuilder.title(of: stored.metadata, index: i), language: .undetermined, rtl: false,
                                  fileStem: stem, options: options)
            // Past the budget, keep only what other chapters need (anchors, image URLs) and
            // build the tree again when the chapter is written: big books stay small in memory.
            keptNodes += chapter.doc.count
            if keptNodes > options.chapterMemoryLimit / 256 { chapter.releaseTree() }
            chapters.append(chapter)
        }
        var bookLanguage = EPUBBuilder.bookLanguage(explicit.compactMap { $0 }) ?? EPUBBuilder.mostCommon(guessed.compactMap { $0 }) ?? .undetermined
        if let l = metadata.language { bookLanguage = l }
        for i in chapters.indices {
            // Unknown language: the book's, unless the script says it cannot be (then "und").
            let lang = explicit[i] ?? guessed[i] ?? (rtlScript[i] != (bookLanguage.direction == .rtl) ? .undetermined : bookLanguage)
            chapters[i].language = lang
            // A direction the page declares (`dir`) wins; else the language's, else the script's.
            chapters[i].rtl = declared[i].map { $0 == .rtl }
                ?? (explicit[i] != nil ? lang.direction == .rtl : (rtlScript[i] || lang.direction == .rtl))
        }
        var pages: [String: Int] = [:]
        for (i, c) in chapters.enumerated() {
            if let s = c.sourceURL { pages[WebURL.pageKey(s)] = i }
        }

        var images: ImagePlan
        let imageNotes: [Diagnostic]
        (images, imageNotes) = try await planImages(chapters: chapters, input: input, metadata: metadata, from: provider)
        diagnostics += imageNotes

        // Book metadata.
        var title = Chapter.collapse(metadata.title)
        if title.isEmpty {
            title = chapters[0].title
            diagnostics.append(Diagnostic(origin: output.lastPathComponent, location: "title", "the book has no title: using the first article's, \"\(title)\""))
        }
        let articleDates = chapters.compactMap(\.date)
        let (modifiedDate, modifiedProblem) = EPUBBuilder.modifiedDate(option: options.modified,
                                                                       environment: ProcessInfo.processInfo.environment,
                                                                       articleDates: articleDates.map(\.date))
        if let p = modifiedProblem { diagnostics.append(p) }
        let bookDate: String? = metadata.date?.w3cdtf ?? articleDates.max()?.day
        let identifier: String = {
            if let id = metadata.identifier?.trimmed, !id.isEmpty { return id }
            let sources = input.map { $0.metadata.sourceURL.flatMap { $0.isEmpty ? nil : $0 } ?? $0.metadata.origin }.sorted()
            return "urn:uuid:" + Identifiers.uuidV5(name: "offprint:" + sources.joined(separator: "\n"))
        }()
        var creators = metadata.creators.map(Chapter.collapse).filter { !$0.isEmpty }
        if creators.isEmpty {
            var seen = Set<String>()
            let authors = chapters.flatMap(\.authors).filter { seen.insert($0).inserted }
            if authors.count <= 3 { creators = authors }
        }
        var subjects: [String] = []
        do {
            var seen = Set<String>()
            let raw = metadata.subjects ?? input.flatMap { $0.metadata.categories + $0.metadata.tags }
            for s in raw {
                let t = Chapter.collapse(s)
                if !t.isEmpty && seen.insert(t.lowercased()).inserted { subjects.append(t) }
            }
        }
        func collapsed(_ value: String?) -> String? {
            value.map(Chapter.collapse).flatMap { $0.isEmpty ? nil : $0 }
        }
        let book = BookPlan.Book(
            title: title, subtitle: collapsed(metadata.subtitle), creators: creators, subjects: subjects,
            language: bookLanguage, rtl: bookLanguage.direction == .rtl, identifier: identifier,
            publisher: collapsed(metadata.publisher), description: metadata.description?.trimmed.nilIfEmpty,
            date: collapsed(bookDate),
            shownDate: collapsed(bookDate.flatMap { title.utf8Contains($0) ? nil : $0 }),
            modified: modifiedDate,
            series: collapsed(metadata.series).map { (name: $0, index: metadata.seriesIndex) })

        // No cover image: one drawn from the title.
        if images.cover == nil && options.generatesCover {
            images.addGeneratedCover(GeneratedCover.svg(title: title, creators: creators, date: book.shownDate))
        }

        return BookPlan(book: book, labels: options.labels ?? BookLabels.forLanguage(bookLanguage), articles: articles,
                        chapters: chapters, sections: articles.map { collapsed($0.metadata.section) },
                        pages: pages, anchors: chapters.map(\.anchors), images: images, diagnostics: diagnostics)
    }
}

extension String {
    /// Nil for the empty string.
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
