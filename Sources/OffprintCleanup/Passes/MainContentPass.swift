import OffprintArticle
import OffprintDocument

/// Narrows `article.content` to the element holding the article text: the one element marked
/// `itemprop="articleBody"`, else the `<article>` with most of the article text, else the
/// element with the most paragraph text directly in it (a paragraph counts fully for its
/// parent and half for its grandparent). Keeps the whole content when nothing stands out.
public struct MainContentPass: CleanupPass {
    public var name: String { "main-content" }
    public init() {}

    static let minimum = 200

    public func run(on article: inout Article, options: CleanupOptions) -> [Diagnostic] {
        let doc = article.document
        let root = article.content
        let total = visibleLength(root, doc)
        guard total > 0 else { return [] }
        var chosen: Document.NodeID?
        let bodies = doc.descendants(of: root).filter { doc[$0].kind == .element && doc[$0].attribute("itemprop")?.lowercased() == "articlebody" }
        if bodies.count == 1, visibleLength(bodies[0], doc) >= Self.minimum { chosen = bodies[0] }
        if chosen == nil {
            let articles = doc.elements(named: "article", under: root).map { ($0, visibleLength($0, doc)) }
            let sum = articles.reduce(0) { $0 + $1.1 }
            if let best = articles.max(by: { $0.1 < $1.1 }), best.1 >= Self.minimum, best.1 * 2 >= sum { chosen = best.0 }
        }
        if chosen == nil {
            var score: [Document.NodeID: Int] = [:]
            for p in doc.elements(named: "p", under: root) {
                let len = visibleLength(p, doc)
                guard len >= 25, let parent = doc.parent(of: p) else { continue }
                score[parent, default: 0] += len
                if let gp = doc.parent(of: parent), gp != doc.root { score[gp, default: 0] += len / 2 }
            }
            if let best = score.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }), best.value >= Self.minimum {
                chosen = best.key
            }
        }
        guard let c = chosen, c != root else { return [] }
        article.content = c
        let share = visibleLength(c, doc) * 100 / total
        return [Diagnostic(origin: article.origin, location: doc.describe(c),
                           "kept only the main content (\(share)% of the page text); leave out --main-content to keep the whole page")]
    }

    /// Characters of text below `node`, outside scripts and styles.
    private func visibleLength(_ node: Document.NodeID, _ doc: Document) -> Int {
        var n = 0
        doc.walk(from: node) { id, _ in
            let x = doc[id]
            switch x.kind {
            case .text:
                n += x.text.unicodeScalars.reduce(0) { $0 + ($1.properties.isWhitespace ? 0 : 1) }
                return .skipChildren
            case .element:
                return RemoveJunkPass.invisible.contains(x.name) ? .skipChildren : .descend
            default:
                return x.kind == .root ? .descend : .skipChildren
            }
        }
        return n
    }
}
