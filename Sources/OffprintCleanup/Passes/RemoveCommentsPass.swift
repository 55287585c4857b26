import OffprintArticle
import OffprintDocument

/// Removes HTML comments from the content.
public struct RemoveCommentsPass: CleanupPass {
    public var name: String { "comments" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        for id in doc.descendants(of: root) where doc[id].kind == .comment {
            doc.detach(id)
        }
    }
}
