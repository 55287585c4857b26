import OffprintSupport

/// Embedded players (`<video>`, `<audio>`, `<iframe>`, `<embed>`, `<object>`): the one policy
/// for what they point at and what link stands for them (`replace`). Clean-up replaces them
/// by links (so the Markdown writer and the EPUB builder get the same link); writers given a
/// tree that was not cleaned run the same `replace`.
public enum EmbeddedMedia {
    /// The elements that are embedded players.
    public static let elements: NameSet = ["iframe", "video", "audio", "embed", "object"]

    /// The URL a player shows, as written (cleaned of white space): `src`, an object's `data`
    /// or `movie`, a `<param name="movie|src|url">`, a nested `<embed src>`, a `<source src>`
    /// child. Nil when it has none, or only `javascript:` / `about:blank`.
    public static func url(of id: Document.NodeID, in doc: Document) -> String? {
        let n = doc[id]
        var found: String?
        for key in ["src", "data", "movie"] {
            if let v = n.attribute(key), !WebURL.clean(v).isEmpty { found = WebURL.clean(v); break }
        }
        if found == nil {
            for d in doc.descendants(of: id) {
                let c = doc[d]
                if c.name == "param", ["movie", "src", "url"].contains(c.attribute("name")?.lowercased() ?? ""),
                   let v = c.attribute("value"), !WebURL.clean(v).isEmpty { found = WebURL.clean(v); break }
                if c.name == "embed" || c.name == "source", let v = c.attribute("src"), !WebURL.clean(v).isEmpty {
                    found = WebURL.clean(v)
                    break
                }
            }
        }
        guard let url = found else { return nil }
        let scheme = WebURL.scheme(of: url)
        if scheme == "javascript" || url.lowercased() == "about:blank" { return nil }
        return url
    }

    /// A frame a reader never sees, kept only for scripts (cross-domain messaging, tracking):
    /// hidden, `aria-hidden="true"`, or at most one pixel wide or high. A link for it would
    /// invent content. (Video and audio are never machinery.)
    public static func isMachinery(_ n: Document.Node) -> Bool {
        if n.name == "video" || n.name == "audio" { return false }
        if n.isHiddenByMarkup || n.attribute("aria-hidden").map(trimHTMLSpace)?.lowercased() == "true" { return true }
        for key in ["width", "height"] {
            var value = n.attribute(key).map(trimHTMLSpace) ?? n.styleProperty(key) ?? ""
            if value.hasSuffix("px") { value.removeLast(2) }
            if let v = Double(value), v <= 1 { return true }
        }
        return false
    }

    /// Words for a link to a player.
    public struct Labels: Sendable, Equatable {
        public var video: String
        public var audio: String
        /// For frames and objects without a title.
        public var other: String
        public init(video: String = "Video", audio: String = "Audio", other: String = "Embedded content") {
            self.video = video
            self.audio = audio
            self.other = other
        }
    }

    /// The text of the link that stands for a player.
    public static func label(for n: Document.Node, labels: Labels = Labels()) -> String {
        switch n.name {
        case "video": return labels.video
        case "audio": return labels.audio
        default:
            let t = (n.attribute("title") ?? n.attribute("aria-label") ?? "").split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            return t.isEmpty ? labels.other : t
        }
    }

    /// The poster image of a video, if it has one.
    public static func poster(of n: Document.Node) -> String? {
        guard let p = n.attribute("poster").map(WebURL.clean), !p.isEmpty else { return nil }
        return p
    }

    /// Replaces player `id` by `<a href="URL" class="embedded-link">label</a>` (the label
    /// an `<img>` of the poster when there is one), or removes it when it has no URL or is
    /// machinery. `resolve` makes the URL what the output needs (absolute, say); nil from it
    /// removes the player. Returns the link (nil: removed).
    @discardableResult
    public static func replaceByLink(_ id: Document.NodeID, in doc: inout Document, labels: Labels = Labels(),
                                     resolve: (String) -> String? = { $0 }) -> Document.NodeID? {
        let n = doc[id]
        guard !isMachinery(n), let raw = url(of: id, in: doc), let href = resolve(raw) else {
            doc.detach(id)
            return nil
        }
        let label = label(for: n, labels: labels)
        let a = doc.makeElement("a", attributes: [.init("href", href), .init("class", "embedded-link")])
        if let p = poster(of: n) {
            doc.append(doc.makeElement("img", attributes: [.init("src", resolve(p) ?? p), .init("alt", label)]), to: a)
        } else {
            doc.append(doc.makeText(label), to: a)
        }
        doc.replace(id, with: a)
        return a
    }

    /// What became of a player.
    public enum Outcome: Equatable {
        /// Replaced by this link.
        case link(Document.NodeID)
        /// An `<object>` without a URL: its fallback content stands in its place.
        case fallback
        /// Removed: no URL, or machinery.
        case removed
    }

    /// The one rule for a player. Clean-up runs it on every player; a writer given a tree that
    /// was not cleaned runs it too (through `Rewriter`), so every output gets the same link.
    /// An `<object>` with no URL whose fallback content has text shows that content; any
    /// other player becomes `replaceByLink`'s link, or goes.
    @discardableResult
    public static func replace(_ id: Document.NodeID, in doc: inout Document, labels: Labels = Labels(),
                               resolve: (String) -> String? = { $0 }) -> Outcome {
        if doc[id].name == "object", url(of: id, in: doc) == nil, !doc.textContent(of: id).allSatisfy(\.isWhitespace) {
            doc.unwrap(id)
            return .fallback
        }
        return replaceByLink(id, in: &doc, labels: labels, resolve: resolve).map { .link($0) } ?? .removed
    }

    /// `replace` on every player below the root, outermost first (a player inside another
    /// goes with it), counting the links made.
    public struct Rewriter: DocumentRewriter {
        public var labels: Labels
        public var resolve: (String) -> String?
        /// Players replaced by links so far.
        public private(set) var links = 0

        public init(labels: Labels = Labels(), resolve: @escaping (String) -> String? = { $0 }) {
            self.labels = labels
            self.resolve = resolve
        }

        /// Whether the subtree below `root` holds a player (nothing to rewrite when not).
        public static func hasPlayers(_ doc: Document, under root: Document.NodeID) -> Bool {
            doc.firstElement(named: elements, under: root) != nil
        }

        public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
            var players: [Document.NodeID] = []
            doc.walk(from: root) { id, depth in
                guard doc[id].kind == .element else { return .skipChildren }
                if depth > 0 && elements.contains(doc[id].name) {
                    players.append(id)
                    return .skipChildren
                }
                return .descend
            }
            for p in players {
                if case .link = EmbeddedMedia.replace(p, in: &doc, labels: labels, resolve: resolve) { links += 1 }
            }
        }
    }

    /// Without the HTML space characters (space, tab, LF, FF, CR) around it.
    static func trimHTMLSpace(_ s: String) -> String {
        var t = Substring(s)
        let space: Set<Character> = [" ", "\t", "\n", "\u{0C}", "\r", "\r\n"]
        while let f = t.first, space.contains(f) { t = t.dropFirst() }
        while let l = t.last, space.contains(l) { t = t.dropLast() }
        return String(t)
    }
}
