import OffprintDocument
import OffprintSupport

/// An article after clean-up: the one value every writer takes (the Markdown writer through
/// `Exporter.render`, the EPUB builder, `ArticleStore`). Only `Cleanup.clean` makes one, so
/// holding one means the contract holds:
///
/// - the metadata is typed, read once (`ArticleMetadata`: `ArticleDate`, `LanguageTag`…);
/// - the document is the content alone: its root's one child is the article's content
///   element (the page around it, `<head>` included, is gone);
/// - every element name is one the element policy keeps (`ElementPolicy`: renamed ones are
///   renamed, dropped ones gone, unknown ones unwrapped to their content), with the rules of
///   their own applied: players are links (`EmbeddedMedia`), pictures their image, inline SVG
///   left out, `<math>` its text. (A Markdown task list's checkbox stays an `<input>`.)
/// - every `<img>` has the `src` chosen for it (`ImageURLs.chooseSource`), and images with
///   no usable URL are gone;
/// - URLs are absolute where a base URL is known (relative ones are reported); each writer
///   encodes them as its format needs (Markdown keeps them readable, XHTML encodes them).
@dynamicMemberLookup
public struct CleanedArticle: Sendable {
    /// Title, authors, date, language, sources… Edit freely (a collection manifest overrides
    /// titles and dates); the content is clean-up's.
    public var metadata: ArticleMetadata
    /// The content alone: `content` is the root's one child.
    public private(set) var document: Document

    /// Made by clean-up (`Cleanup.clean`) and by `ArticleStore` reading one back; `document`
    /// must hold the content as its root's one child.
    package init(metadata: ArticleMetadata, content document: Document) {
        precondition(document[document.root].children.count == 1, "a cleaned article's document holds its content alone")
        self.metadata = metadata
        self.document = document
    }

    /// The content element (`<body>`, `<article>`, the extracted block…).
    public var content: Document.NodeID { document[document.root].children[0] }

    /// The `src` of every image, in document order (repeats included).
    public var imageSources: [String] {
        document.elements(named: "img", under: content).compactMap { document[$0].attribute("src") }
    }

    /// The same article with images' `src` replaced as `links` says (a downloaded copy's
    /// path, say); sources not in `links` are left as they are.
    public func relinkingImages(_ links: [String: String]) -> CleanedArticle {
        guard !links.isEmpty else { return self }
        var copy = self
        for img in document.elements(named: "img", under: content) {
            if let src = document[img].attribute("src"), let link = links[src] {
                copy.document.setAttribute("src", link, on: img)
            }
        }
        return copy
    }

    /// Gives the document away (the article is used up), so a writer that edits it for its
    /// own format (the EPUB's XHTML repair) does not copy the tree.
    package consuming func takeDocument() -> Document {
        let d = document
        document = Document()
        return d
    }

    public subscript<T>(dynamicMember path: WritableKeyPath<ArticleMetadata, T>) -> T {
        get { metadata[keyPath: path] }
        set { metadata[keyPath: path] = newValue }
    }

    public subscript<T>(dynamicMember path: KeyPath<ArticleMetadata, T>) -> T {
        metadata[keyPath: path]
    }
}
