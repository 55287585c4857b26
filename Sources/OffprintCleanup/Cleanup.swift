import OffprintArticle
import OffprintDocument

/// What a clean-up pass works with: the options, and the article it is cleaning (its origin
/// for messages, its base URL).
public struct CleanupContext: Sendable {
    public var options: CleanupOptions
    public var origin: String
    /// The article's base URL (`options.baseURL` wins over it where URLs are resolved).
    public var baseURL: String?

    public init(options: CleanupOptions = .init(), origin: String = "", baseURL: String? = nil) {
        self.options = options
        self.origin = origin
        self.baseURL = baseURL
    }
}

/// One clean-up step over an article: a `DocumentRewriter` of its content, plus (for the URL
/// passes) its metadata URLs. Each pass is small and can be run on its own
/// (`SomePass().run(on: &article, options: options)`); `Cleanup.run` runs the ones the
/// options ask for, in order.
public protocol CleanupPass: DocumentRewriter, Sendable {
    /// A short name (`lazy-images`), for logs and tests.
    var name: String { get }
    /// The options and the article being cleaned; `run(on:options:)` sets it before `rewrite`.
    var context: CleanupContext { get set }
    /// What the user should know about, gathered while rewriting.
    var diagnostics: [Diagnostic] { get set }
    /// Rewrites the article's URLs outside the tree (cover image, source URL, front matter);
    /// called after `rewrite`. Most passes leave them.
    mutating func rewriteMetadata(of article: inout Article)
}

extension CleanupPass {
    public mutating func rewriteMetadata(of article: inout Article) {}

    /// Runs the pass over `article` (its `document` below `content`, then its metadata) and
    /// returns what the user should know about.
    public func run(on article: inout Article, options: CleanupOptions) -> [Diagnostic] {
        var pass = self
        pass.context = CleanupContext(options: options, origin: article.origin, baseURL: article.baseURL)
        pass.diagnostics = []
        var doc = article.takeDocument()
        pass.rewrite(&doc, root: article.content)
        article.document = doc
        pass.rewriteMetadata(of: &article)
        return pass.diagnostics
    }
}

/// Clean-up: the stage between loading (and extracting) an article and writing it out.
///
///     let (article, warnings) = try ArticleLoader.load(file: url)
///     let (cleaned, more) = Cleanup.clean(article)
///
/// Order: comments, `<noscript>` image fallbacks, junk elements (scripts, forms, hidden),
/// images (lazy loading, `srcset`, `<picture>`, placeholders), the element policy
/// (`ElementPolicyPass`, always: players become links there), relative URLs, proxy wrappers
/// (so the links players became are resolved and unwrapped like any other), empty elements. The result is
/// a `CleanedArticle`, the value every writer takes.
public enum Cleanup {
    /// Cleans `article` as `options` say and cuts its document down to the content.
    public static func clean(_ article: consuming Article, options: CleanupOptions = .init()) -> (CleanedArticle, [Diagnostic]) {
        var article = article
        let diagnostics = run(&article, options: options)
        let content = article.document.subtree(article.content)
        return (CleanedArticle(metadata: article.metadata, content: content), diagnostics)
    }

    /// Cleans each of `articles` the same way; the messages of all, in order.
    public static func clean(_ articles: [Article], options: CleanupOptions = .init()) -> ([CleanedArticle], [Diagnostic]) {
        var cleaned: [CleanedArticle] = []
        var diagnostics: [Diagnostic] = []
        cleaned.reserveCapacity(articles.count)
        for a in articles {
            let (c, d) = clean(a, options: options)
            cleaned.append(c)
            diagnostics += d
        }
        return (cleaned, diagnostics)
    }

    /// Runs the passes `clean` runs, in place (for tests of the passes on whole documents).
    static func run(_ article: inout Article, options: CleanupOptions = .init()) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        for pass in passes(for: options) {
            diags += pass.run(on: &article, options: options)
        }
        return diags
    }

    /// The passes `clean` runs for `options`, in order.
    public static func passes(for options: CleanupOptions) -> [any CleanupPass] {
        var p: [any CleanupPass] = []
        if options.removeComments { p.append(RemoveCommentsPass()) }
        if options.fixImages { p.append(NoscriptImagesPass()) }
        if options.removeScripts || options.forms != .keep || options.removeHidden {
            p.append(RemoveJunkPass())
        }
        if options.fixImages { p.append(ImagesPass()) }
        p.append(ElementPolicyPass())
        if options.resolveURLs { p.append(ResolveURLsPass()) }
        if options.unwrapProxies { p.append(UnwrapProxiesPass()) }
        if options.removeEmpty { p.append(RemoveEmptyPass()) }
        return p
    }
}

extension Document {
    /// A short description of an element for messages: `<img id="img_0" src="https://…">`.
    func describe(_ id: NodeID) -> String {
        let n = self[id]
        guard n.kind == .element else { return "text" }
        var s = "<" + n.name
        for key in ["id", "class", "src", "data-src", "href", "srcset"] {
            guard var v = n.attribute(key), !v.isEmpty else { continue }
            if v.count > 60 { v = String(v.prefix(57)) + "…" }
            s += " \(key)=\"\(v)\""
            if s.count > 100 { break }
        }
        return s + ">"
    }

    /// Elements named `name` below `node`, in document order.
    func elements(_ name: String, in node: NodeID) -> [NodeID] { elements(named: name, under: node) }
}

extension Article {
    /// Moves the document out (leaving an empty one) so a pass can edit it without copying
    /// the node arena; the pass puts it back.
    mutating func takeDocument() -> Document {
        let d = document
        document = Document()
        return d
    }
}
