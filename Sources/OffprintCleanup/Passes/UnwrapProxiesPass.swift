import OffprintArticle
import OffprintDocument

/// Takes proxy wrappers (`options.proxyPatterns`) off image, link and media URLs, the cover
/// image, the source URL, and front matter URL keys (`headimg`, `thumbnail`, `link`, …).
public struct UnwrapProxiesPass: CleanupPass {
    public var name: String { "unwrap-proxies" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    static let attributes: [String: [String]] = [
        "a": ["href"], "img": ["src"], "source": ["src"], "video": ["src", "poster"], "audio": ["src"], "iframe": ["src"],
    ]

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        let patterns = context.options.proxyPatterns
        guard !patterns.isEmpty else { return }
        for id in doc.descendants(of: root) {
            guard doc[id].kind == .element, let keys = Self.attributes[doc[id].name] else { continue }
            let n = doc[id]
            for key in keys {
                guard let v = n.attribute(key) else { continue }
                let u = ProxyPattern.unwrap(v, patterns: patterns)
                if u != v { doc.setAttribute(key, u, on: id) }
            }
        }
    }

    public mutating func rewriteMetadata(of article: inout Article) {
        let patterns = context.options.proxyPatterns
        guard !patterns.isEmpty else { return }
        article.coverImage = article.coverImage.map { ProxyPattern.unwrap($0, patterns: patterns) }
        article.sourceURL = article.sourceURL.map { ProxyPattern.unwrap($0, patterns: patterns) }
        if var fm = article.frontMatter {
            for i in fm.entries.indices where FrontMatterKeys.urlKeys.contains(fm.entries[i].key.lowercased()) {
                fm.entries[i].value = mapURLs(fm.entries[i].value) { ProxyPattern.unwrap($0, patterns: patterns) }
            }
            article.frontMatter = fm
        }
    }
}
