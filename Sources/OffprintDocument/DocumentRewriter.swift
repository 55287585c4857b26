/// One change to a document's content: it visits the subtree below `root` and rewrites it
/// in place (swift-markdown's `MarkupRewriter`, on the arena tree). Clean-up's passes, the
/// embedded-media rule (`EmbeddedMedia.Rewriter`) and the EPUB structure repair are
/// rewriters; a list of them runs one after another over the same tree.
///
/// A rewriter that has something to tell (counts, messages) keeps it in its own state,
/// which is why `rewrite` is `mutating`.
public protocol DocumentRewriter {
    /// Rewrites the children of `root` (and below); `root` itself stays, a container.
    mutating func rewrite(_ doc: inout Document, root: Document.NodeID)
}
