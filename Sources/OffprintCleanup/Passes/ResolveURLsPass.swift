import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// Makes URLs absolute against the base (`options.baseURL`, else `article.baseURL`):
/// `a[href]`, `img[src]`, `source`/`video`/`audio`/`iframe`/`track`/`embed[src]`,
/// `video[poster]`, `object[data]`, `srcset`, `cite`, and the article's cover image,
/// source URL and front matter URL keys. Protocol-relative URLs (`//host/x`) get `https:`
/// even without a base.
///
/// Links that cannot work in a document are unwrapped to their content: `javascript:` links
/// and links with an empty `href`. In-page links (`#part`) are kept.
public struct ResolveURLsPass: CleanupPass {
    public var name: String { "resolve-urls" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    static let urlAttributes: [String: [String]] = [
        "a": ["href"], "area": ["href"], "img": ["src", "srcset"], "source": ["src", "srcset"], "video": ["src", "poster"],
        "audio": ["src"], "iframe": ["src"], "track": ["src"], "embed": ["src"], "object": ["data"],
        "blockquote": ["cite"], "q": ["cite"], "ins": ["cite"], "del": ["cite"],
    ]

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        let base = self.base
        var unwrap: [Document.NodeID] = []
        let resolver = WebURL.Resolver(base: base)
        func fix(_ value: String) -> String { resolveCounting(value, resolver) }
        for id in doc.descendants(of: root) {
            guard doc[id].kind == .element, let attrs = Self.urlAttributes[doc[id].name] else { continue }
            let n = doc[id]
            for key in attrs {
                guard let value = n.attribute(key) else { continue }
                if key != "srcset" {
                    let v = WebURL.clean(value)
                    let scheme = WebURL.scheme(of: v)
                    if n.name == "a" || n.name == "area" {
                        if v.isEmpty || scheme == "javascript" {
                            if n.name == "a" { unwrap.append(id) } else { doc.removeAttribute(key, from: id) }
                            continue
                        }
                        if v.hasPrefix("#") { continue }
                    }
                    if scheme != nil {
                        // Absolute already (most links): only the clean-up can change it.
                        if v != value { doc.setAttribute(key, v, on: id) }
                        continue
                    }
                }
                if key == "srcset" {
                    let cands = SrcsetCandidate.parse(value)
                    let rebuilt = cands.map { c -> String in
                        var s = fix(c.url)
                        if let w = c.width { s += " \(w)w" } else if c.density != 1 {
                            s += c.density == c.density.rounded() ? " \(Int(c.density))x" : " \(c.density)x"
                        }
                        return s
                    }
                    doc.setAttribute(key, rebuilt.joined(separator: ", "), on: id)
                } else {
                    let fixed = fix(value)
                    if fixed != value { doc.setAttribute(key, fixed, on: id) }
                }
            }
        }
        for a in unwrap { doc.unwrap(a) }
    }

    /// `options.baseURL`, else the article's.
    private var base: String? { context.options.baseURL ?? context.baseURL }

    /// URLs left relative (no base) so far, body and metadata.
    private var unresolved = 0

    private mutating func resolveCounting(_ value: String, _ resolver: WebURL.Resolver) -> String {
        let r = resolver.resolve(value)
        if !WebURL.isAbsolute(r), !r.hasPrefix("#"), !r.isEmpty { unresolved += 1 }
        return r
    }

    /// The cover image, source URL and front matter URL keys; then the one message about URLs
    /// left relative (the body's and these).
    public mutating func rewriteMetadata(of article: inout Article) {
        let base = self.base
        let resolver = WebURL.Resolver(base: base)
        article.coverImage = article.coverImage.map { looksLikeURL($0) ? resolveCounting($0, resolver) : $0 }
        article.sourceURL = article.sourceURL.map { looksLikeURL($0) ? WebURL.resolve($0, against: base) : $0 }
        if var fm = article.frontMatter {
            for i in fm.entries.indices where FrontMatterKeys.urlKeys.contains(fm.entries[i].key.lowercased()) {
                fm.entries[i].value = mapURLs(fm.entries[i].value) { looksLikeURL($0) ? resolveCounting($0, resolver) : $0 }
            }
            article.frontMatter = fm
        }
        if unresolved > 0 {
            diagnostics.append(Diagnostic(origin: context.origin,
                                          "\(unresolved) relative URL\(unresolved == 1 ? "" : "s") left relative: no base URL (give the page's URL with --base-url)"))
        }
        unresolved = 0
    }
}

/// Applies `f` to a front matter value holding URLs: a string, a list of strings, or a
/// table's `url`/`src`/`image` strings.
func mapURLs(_ v: FrontMatter.Value, _ f: (String) -> String) -> FrontMatter.Value {
    switch v {
    case let .string(s):
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? v : .string(f(t))
    case let .array(items):
        return .array(items.map { if case .string = $0 { return mapURLs($0, f) } else { return $0 } })
    case let .table(pairs):
        return .table(pairs.map { ["url", "src", "image", "path", "href"].contains($0.0.lowercased()) ? ($0.0, mapURLs($0.1, f)) : $0 })
    default:
        return v
    }
}

/// Whether a front matter value is a URL or path (`https://…`, `/img/a.jpg`, `a.jpg`) rather
/// than a name (`source: ZAKER`).
func looksLikeURL(_ s: String) -> Bool {
    !s.isEmpty && !s.contains(where: \.isWhitespace) && (s.contains("/") || s.contains("."))
}
