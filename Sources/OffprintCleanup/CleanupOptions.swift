/// What `Cleanup.run` does. Every pass is on by default except the two that would drop text a
/// reader of the page sees in the page's source (`removeHidden`, `forms: .remove`); see each
/// field. (Narrowing a page to its article is the extraction stage's job, before clean-up:
/// `OffprintExtract`.)
public struct CleanupOptions: Sendable, Equatable {
    /// Which URL an image keeps when the page offers several.
    public enum ImageSource: String, Sendable {
        /// The one the page declares: a lazy-loading attribute (`data-src`, `data-original`, …),
        /// else a real `src`, else the largest `srcset` candidate. Matches what the page shows.
        case declared
        /// The largest `srcset` / `<picture>` candidate when there is one, else as `.declared`.
        case largest
    }

    /// What happens to forms and their controls.
    public enum FormHandling: String, Sendable {
        /// Controls without text (`input`, `datalist`) go; forms, fieldsets and text areas
        /// become plain blocks; buttons and labels become their text; a `select` becomes the
        /// text of its options. Nothing a reader can read is lost.
        case keepText
        /// Forms are removed whole, and controls outside forms too.
        case remove
        /// Left as they are.
        case keep
    }

    /// The URL relative links and images resolve against; when nil, the article's `baseURL`
    /// (from `<base href>`, the page URL, or the front matter's link).
    public var baseURL: String?
    /// Proxy wrappers to take off URLs (`https://cors.zfour.workers.dev/?http://…`).
    public var proxyPatterns: [ProxyPattern]
    public var removeComments: Bool
    /// `script`, `style`, `template`, `noscript` (after its images are used), and `link`,
    /// `meta`, `base`, `title` inside the content.
    public var removeScripts: Bool
    public var forms: FormHandling
    /// Remove elements marked hidden (`hidden`, `style="display:none"`,
    /// `visibility:hidden`, and images with `aria-hidden="true"`). Off by default: on the
    /// corpus pages they hold about 3% of the text (up to a third on some news pages), which a
    /// whole-page export is measured against.
    public var removeHidden: Bool
    /// Lazy-loading images, `srcset`, `<picture>`, `<noscript>` fallbacks and placeholders.
    public var fixImages: Bool
    public var imageSource: ImageSource
    public var unwrapProxies: Bool
    /// Make relative URLs absolute; unwrap `javascript:` and empty links to their text.
    public var resolveURLs: Bool
    /// Drop empty paragraphs, divs and spans.
    public var removeEmpty: Bool

    public init(baseURL: String? = nil,
                proxyPatterns: [ProxyPattern] = ProxyPattern.defaults,
                removeComments: Bool = true,
                removeScripts: Bool = true,
                forms: FormHandling = .keepText,
                removeHidden: Bool = false,
                fixImages: Bool = true,
                imageSource: ImageSource = .declared,
                unwrapProxies: Bool = true,
                resolveURLs: Bool = true,
                removeEmpty: Bool = true) {
        self.baseURL = baseURL
        self.proxyPatterns = proxyPatterns
        self.removeComments = removeComments
        self.removeScripts = removeScripts
        self.forms = forms
        self.removeHidden = removeHidden
        self.fixImages = fixImages
        self.imageSource = imageSource
        self.unwrapProxies = unwrapProxies
        self.resolveURLs = resolveURLs
        self.removeEmpty = removeEmpty
    }
}
