import OffprintArticle
import OffprintDocument

/// Removes HTML comments from the content.
public struct RemoveCommentsPass: CleanupPass {
    public var name: String { "comments" }
    public init() {}

    public func run(on article: inout Article, options: CleanupOptions) -> [Diagnostic] {
        let doc = article.document
        for id in doc.descendants(of: article.content) where doc[id].kind == .comment {
            article.document.detach(id)
        }
        return []
    }
}
