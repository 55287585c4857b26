import Foundation
import OffprintArticle
import OffprintDocument
import OffprintSupport

/// The extraction stage, between loading and clean-up: narrows a whole web page to its
/// article, and reads the article's direction, byline and (when missing) title on the way.
///
///     var (article, warnings) = try ArticleLoader.load(file: url)
///     warnings += Extractor.extract(&article, options: ExtractOptions(content: .auto))
///     warnings += Cleanup.run(&article)
///
/// The method is Readability.js's, with trafilatura's boilerplate rules: hidden and
/// unlikely parts (navigation, share bars, comments, related lists, newsletter boxes) go;
/// paragraphs score their ancestors by text, commas and class/id hints, discounted by link
/// density; the best candidate takes its siblings that score well or read as prose; inside
/// it, blocks that look like boilerplate (mostly links, forms, lone images without text,
/// share and tag lists) go, captions and data tables stay. When the result is too short the
/// page is tried again with fewer rules, and the longest try wins.
public enum Extractor {
    /// Characters of article text below which a try is thought to have missed the article.
    static let enough = 500

    public static func extract(_ article: inout Article, options: ExtractOptions = .init()) -> [Diagnostic] {
        let doc = article.document
        if article.direction == nil { article.direction = direction(of: article.content, in: doc) }
        switch options.content {
        case .all:
            return []
        case .auto:
            guard article.frontMatter == nil, isWholePage(doc) else { return [] }
        case .main:
            break
        }
        let root = article.content
        let title = article.title ?? ""
        guard hasText(doc, under: root) else { return [] }

        let evidence = Evidence.articleBodyElement(doc, under: root)
        var best: Attempt?
        for flags in [Flags.all, [.weightClasses, .cleanConditionally], [.cleanConditionally], []] {
            var attempt = Attempt(document: doc, root: root, title: title, flags: flags, evidence: evidence)
            attempt.run()
            if best == nil || attempt.length > best!.length { best = attempt }
            if attempt.length >= enough { best = attempt; break }
        }
        guard let result = best, let container = result.container, result.length > 0 else {
            return options.content == .main
                ? [Diagnostic(origin: article.origin, "no article found in the page; kept the whole page (\(options.offFlag) keeps pages whole without looking)")]
                : []
        }
        article.document = result.document
        article.content = container
        if let d = result.direction ?? direction(of: container, in: result.document) { article.direction = d }
        if article.authors.isEmpty, let b = result.byline { article.authors = [b] }
        // The page's own title wins (Readability keeps `Title | Site` when the metadata says so);
        // the heading that repeated it fills in a missing one.
        if article.title?.isEmpty ?? true, let t = result.titleHeading, !t.isEmpty { article.title = t }
        return []
    }

    private static func hasText(_ doc: Document, under root: Document.NodeID) -> Bool {
        var found = false
        doc.walk(from: root) { id, _ in
            if found { return .skipChildren }
            let n = doc[id]
            if n.kind == .text, n.text.contains(where: { !$0.isWhitespace }) { found = true }
            return n.kind == .element || n.kind == .root ? .descend : .skipChildren
        }
        return found
    }

    /// Whether a parsed input is a whole page, not a fragment: a head with something in it
    /// (title, metadata, scripts), or page furniture (`nav`, `header`, `footer`) in the body.
    public static func isWholePage(_ doc: Document) -> Bool {
        if let head = doc.head, doc[head].children.contains(where: { doc[$0].kind == .element }) { return true }
        guard let body = doc.body else { return false }
        return !doc.elements(named: ["nav", "footer", "header"], under: body).isEmpty
    }

    /// The direction the content says (`dir` on it or an ancestor, or on `<html>`/`<body>`).
    static func direction(of node: Document.NodeID, in doc: Document) -> TextDirection? {
        var cur: Document.NodeID? = node
        while let c = cur {
            if let d = doc[c].attribute("dir")?.lowercased() {
                if d == "rtl" { return .rtl }
                if d == "ltr" { return .ltr }
            }
            cur = doc[c].parent
        }
        for e in [doc.body, doc.htmlElement].compactMap({ $0 }) {
            if let d = doc[e].attribute("dir")?.lowercased() { return d == "rtl" ? .rtl : d == "ltr" ? .ltr : nil }
        }
        return nil
    }
}

struct Flags: OptionSet {
    let rawValue: Int
    static let stripUnlikely = Flags(rawValue: 1)
    static let weightClasses = Flags(rawValue: 2)
    static let cleanConditionally = Flags(rawValue: 4)
    static let all: Flags = [.stripUnlikely, .weightClasses, .cleanConditionally]
}

