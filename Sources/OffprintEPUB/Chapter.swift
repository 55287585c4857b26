import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// One article on its way into the book: sanitised content, split into parts (one XHTML
/// file each), with the ids, images and subheadings the book needs to know about.
struct Chapter {
    typealias NodeID = Document.NodeID

    var origin: String
    var title: String
    var authors: [String]
    var date: ArticleDate?
    var language: LanguageTag
    /// Right-to-left: by its language, or by its script when the language is not known.
    var rtl: Bool
    var sourceURL: String?
    var baseURL: String?
    /// File names inside `text/` (`ch001.xhtml`, `ch001-2.xhtml`).
    var files: [String] = []
    var doc: Document
    /// The part containers (children of each are one file's body).
    var parts: [NodeID] = []
    /// Original `id` value → the id it has now.
    var ids: [String: String] = [:]
    /// Id now → the part it is in.
    var idPart: [String: Int] = [:]
    /// `<h2>` headings for the table of contents: part, id, text.
    var subheadings: [(part: Int, id: String, label: String)] = []
    var diagnostics: [Diagnostic] = []
    /// The `src` of every `<img>` (absolute URLs, as the image provider is asked for them).
    var imageURLs: [String] = []
    /// The tree was dropped to save memory (built again, identically, from the article).
    private(set) var treeReleased = false

    /// Ids the chapter template uses itself.
    static let reservedIDs: Set<String> = ["chapter", "toc", "landmarks"]

    /// `article` is consumed: its document (the content alone) becomes the chapter's tree.
    init(article: consuming CleanedArticle, title: String, language: LanguageTag, rtl: Bool, fileStem: String, options: EPUBOptions) {
        origin = article.origin
        self.title = title
        self.rtl = rtl
        authors = article.authors.map { $0.trimmed }.filter { !$0.isEmpty }
        date = article.date
        self.language = language
        sourceURL = article.sourceURL.flatMap { s in
            let c = WebURL.encoded(s)
            return WebURL.scheme(of: c).map { $0 == "http" || $0 == "https" } == true ? c : nil
        }
        baseURL = article.baseURL ?? article.sourceURL
        doc = article.takeDocument()
        var root = doc[doc.root].children[0]

        if options.dropRepeatedTitle { dropRepeatedTitle(root: root) }
        var sanitizer = Sanitizer(origin: origin, baseURL: baseURL)
        sanitizer.rewrite(&doc, root: root)
        diagnostics += sanitizer.diagnostics
        // Removed nodes (scripts, styles, navigation junk of whole pages) stay in the arena
        // until compacted; a book of thousands of pages keeps every chapter until written.
        doc = doc.compacted()
        root = doc[doc.root].children[0]
        assignIDs(root: root, headingIDs: options.tocIncludesSubheadings)
        parts = ChapterSplitter.split(&doc, root: root, maxBytes: options.maxChapterBytes)
        files = parts.indices.map { $0 == 0 ? "\(fileStem).xhtml" : "\(fileStem)-\($0 + 1).xhtml" }
        for (p, container) in parts.enumerated() {
            for d in doc.descendants(of: container) where doc[d].kind == .element {
                if doc[d].name == "img", let src = doc[d].attribute("src") { imageURLs.append(src) }
                guard let id = doc[d].attribute("id") else { continue }
                idPart[id] = p
                if options.tocIncludesSubheadings && doc[d].name == "h2" {
                    let label = Chapter.collapse(doc.textContent(of: d))
                    if !label.isEmpty { subheadings.append((p, id, label)) }
                }
            }
        }
    }

    /// Drops the first heading when it repeats the title and nothing much comes before it.
    private mutating func dropRepeatedTitle(root: NodeID) {
        let want = Chapter.collapse(title).lowercased()
        guard !want.isEmpty else { return }
        var textBefore = 0
        for d in doc.descendants(of: root) {
            let n = doc[d]
            if n.kind == .text {
                textBefore += n.text.trimmed.count
                if textBefore > 200 { return }
            } else if n.kind == .element && HTMLElements.headings.contains(n.name) {
                if Chapter.collapse(doc.textContent(of: d)).lowercased() == want { doc.detach(d) }
                return
            }
        }
    }

    /// Makes every id a valid, unique XML name (remembering the old names for links) and
    /// gives `<h2>`s without one an id for the table of contents.
    private mutating func assignIDs(root: NodeID, headingIDs: Bool) {
        var used = Chapter.reservedIDs
        var headingCount = 0
        func unique(_ base: String) -> String {
            var c = base
            var k = 2
            while used.contains(c) { c = "\(base)-\(k)"; k += 1 }
            used.insert(c)
            return c
        }
        for d in doc.descendants(of: root) where doc[d].kind == .element {
            if let raw = doc[d].attribute("id") {
                let new = unique(XMLNames.ncName(raw))
                if ids[raw] == nil { ids[raw] = new }
                doc.setAttribute("id", new, on: d)
            } else if headingIDs && doc[d].name == "h2" {
                headingCount += 1
                doc.setAttribute("id", unique("sec-\(headingCount)"), on: d)
            }
        }
    }

    /// Drops the tree (everything else stays).
    mutating func releaseTree() {
        doc = Document()
        parts = []
        treeReleased = true
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    // MARK: Links

    /// What other chapters need to know to link into this one.
    struct Anchors: Sendable {
        var files: [String]
        var ids: [String: String]
        var idPart: [String: Int]
    }

    var anchors: Anchors { Anchors(files: files, ids: ids, idPart: idPart) }

    /// Rewrites links: fragments to the part holding their target (or made plain text when
    /// there is none), links to articles of the book (`book`: page key → chapter index) to
    /// their chapter files.
    mutating func rewriteLinks(book: [String: Int], anchors: [Anchors], selfIndex: Int) {
        for (p, container) in parts.enumerated() {
            for a in doc.descendants(of: container) where doc[a].kind == .element && doc[a].name == "a" {
                guard let href = doc[a].attribute("href") else { continue }
                if href.hasPrefix("#") {
                    if let t = Chapter.resolveFragment(String(href.dropFirst()), in: anchors[selfIndex], fromPart: p) {
                        doc.setAttribute("href", t, on: a)
                    } else {
                        doc.removeAttribute("href", from: a)
                        if doc[a].attribute("id") == nil { doc.unwrap(a) }
                        diagnostics.append(Diagnostic(origin: origin, location: "<a href=\"\(href)\">",
                                                      "link to a fragment that is not in the article: kept as plain text"))
                    }
                } else if let other = book[WebURL.pageKey(href)] {
                    let fragment = href.firstIndex(of: "#").map { String(href[href.index(after: $0)...]) } ?? ""
                    let fromPart = other == selfIndex ? p : -1
                    if !fragment.isEmpty, let t = Chapter.resolveFragment(fragment, in: anchors[other], fromPart: fromPart) {
                        doc.setAttribute("href", t, on: a)
                    } else {
                        doc.setAttribute("href", fromPart == 0 ? "#chapter" : anchors[other].files[0], on: a)
                    }
                }
            }
        }
    }

    /// `file#id` (or `#id` within the same part) for a fragment of a chapter, nil when the
    /// chapter has no such id.
    static func resolveFragment(_ raw: String, in chapter: Anchors, fromPart: Int) -> String? {
        let decoded = raw.removingPercentEncoding ?? raw
        guard let id = chapter.ids[raw] ?? chapter.ids[decoded], let part = chapter.idPart[id] else { return nil }
        if part == fromPart { return "#" + id }
        return chapter.files[part] + "#" + id
    }

    /// The XHTML of part `p`'s content (the chapter template wraps it).
    func body(part p: Int) -> String {
        Serializer(syntax: .xhtml).serializeChildren(doc, of: parts[p])
    }
}

/// Splits long chapters into parts no larger than a size, at headings where it can.
enum ChapterSplitter {
    typealias NodeID = Document.NodeID

    /// Returns the part containers. A chapter that fits is one part: `root` itself. Otherwise
    /// the content is cut into units (descending into wrappers too large to keep whole),
    /// grouped greedily, cut before a heading when one is far enough into the part, else
    /// before a block; wrappers are cloned into every part they span (their id only in the first).
    static func split(_ doc: inout Document, root: NodeID, maxBytes: Int) -> [NodeID] {
        let sizes = estimatedSizes(doc, root: root)
        guard sizes[Int(root.index)] > maxBytes, maxBytes > 0 else { return [root] }

        // Units, in document order.
        var units: [NodeID] = []
        var stack: [(kids: [NodeID], i: Int)] = [(doc[root].children, 0)]
        while !stack.isEmpty {
            let (kids, i) = stack[stack.count - 1]
            if i == kids.count { stack.removeLast(); continue }
            stack[stack.count - 1].i = i + 1
            let c = kids[i]
            let n = doc[c]
            if n.kind == .element && Sanitizer.splittable.contains(n.name) && sizes[Int(c.index)] > maxBytes && !n.children.isEmpty {
                stack.append((n.children, 0))
            } else {
                units.append(c)
            }
        }
        guard units.count > 1 else { return [root] }

        var prefix = [0]
        prefix.reserveCapacity(units.count + 1)
        for u in units { prefix.append(prefix[prefix.count - 1] + sizes[Int(u.index)]) }
        func isBlock(_ u: NodeID) -> Bool { doc[u].kind == .element && (HTMLElements.block.contains(doc[u].name) || HTMLElements.headings.contains(doc[u].name)) }
        func isHeading(_ u: NodeID) -> Bool { doc[u].kind == .element && HTMLElements.headings.contains(doc[u].name) }

        var cuts: [Int] = []
        var start = 0
        for k in units.indices {
            let s = sizes[Int(units[k].index)]
            while prefix[k] - prefix[start] + s > maxBytes && k > start {
                var cut: Int?
                var j = k
                while j > start {
                    if isHeading(units[j]) && prefix[j] - prefix[start] >= maxBytes / 3 { cut = j; break }
                    j -= 1
                }
                if cut == nil {
                    j = k
                    while j > start {
                        if isBlock(units[j]) { cut = j; break }
                        j -= 1
                    }
                }
                guard let c = cut else { break }
                cuts.append(c)
                start = c
            }
        }
        guard !cuts.isEmpty else { return [root] }

        var containers: [NodeID] = []
        let bounds = [0] + cuts + [units.count]
        var idEmitted = Set<NodeID>()
        for p in 0..<(bounds.count - 1) {
            let container = doc.makeElement("div")
            containers.append(container)
            var chain: [(orig: NodeID, clone: NodeID)] = []
            for u in units[bounds[p]..<bounds[p + 1]] {
                var wrappers: [NodeID] = []
                var cur = doc[u].parent
                while let c = cur, c != root {
                    wrappers.append(c)
                    cur = doc[c].parent
                }
                wrappers.reverse()
                var common = 0
                while common < chain.count && common < wrappers.count && chain[common].orig == wrappers[common] { common += 1 }
                chain.removeLast(chain.count - common)
                for w in wrappers[common...] {
                    var attrs = doc[w].attributes
                    if idEmitted.contains(w) { attrs.removeAll { $0.name == "id" } } else { idEmitted.insert(w) }
                    let clone = doc.makeElement(doc[w].name, attributes: attrs)
                    doc.append(clone, to: chain.last?.clone ?? container)
                    chain.append((w, clone))
                }
                doc.append(u, to: chain.last?.clone ?? container)
            }
        }
        return containers
    }

    /// The approximate XHTML size of every node's subtree, indexed by node index.
    static func estimatedSizes(_ doc: Document, root: NodeID) -> [Int] {
        var sizes = [Int](repeating: 0, count: doc.count)
        doc.walk(from: root, enter: { _, _ in .descend }, exit: { id, _ in
            let n = doc[id]
            var s: Int
            switch n.kind {
            case .text: s = n.text.utf8.count
            case .element:
                s = 2 * n.name.utf8.count + 5
                for a in n.attributes { s += a.name.utf8.count + a.value.utf8.count + 4 }
            default: s = 0
            }
            for k in n.children { s += sizes[Int(k.index)] }
            sizes[Int(id.index)] = s
        })
        return sizes
    }
}
