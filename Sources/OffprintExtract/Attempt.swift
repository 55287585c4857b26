import Foundation
import OffprintArticle
import OffprintDocument
import OffprintSupport

/// One try at finding the article in a page, with a set of rules (`Flags`) switched on.
/// Works on its own copy of the document.
struct Attempt {
    typealias NodeID = Document.NodeID

    var document: Document
    let root: NodeID
    let title: String
    let flags: Flags
    /// The element holding the article (attached under `root`), once found.
    var container: NodeID?
    /// Characters of text in `container`, CJK characters counted twice (a Chinese or
    /// Japanese sentence says in 20 characters what an English one says in 40).
    var length = 0
    var direction: TextDirection?
    /// The text of the heading that repeated the title (taken out of the content).
    var titleHeading: String?
    /// The byline taken out of the content (`By A. Writer` → `A. Writer`).
    var byline: String?

    /// The element the page's JSON-LD `articleBody` points at, if any.
    var evidence: NodeID?

    init(document: Document, root: NodeID, title: String, flags: Flags, evidence: NodeID? = nil) {
        self.evidence = evidence
        self.document = document
        self.root = root
        self.title = title
        self.flags = flags
    }

    /// Elements that make a `div` a container rather than a paragraph.
    static let blockNames: NameSet = ["blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul", "section", "article",
                                      "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "nav", "form",
                                      "hr", "address", "main", "picture", "video", "iframe"]
    static let scored: NameSet = ["section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"]

    mutating func run() {
        strip()
        var stats = TextStats(document, from: root)
        guard let picked = pickTop(&stats) else { return }
        var top = picked

        var start: NodeID?
        if let e = evidence, document.isAttached(e) {
            // The JSON-LD article body agrees with the scoring's pick (one holds the other):
            // it is the body.
            if e == top || isInside(e, top, document) { start = e }
            else if isInside(top, e, document) { start = e; top = e }
        }
        let (body, lead) = narrow(top, start: start)
        let c = gather(body, stats)
        if let lead, !isInside(lead, c, document) {
            var doc = document
            if let first = doc[c].children.first { doc.insert(lead, before: first) } else { doc.append(lead, to: c) }
            document = doc
        }
        container = c
        length = prepare(c) + cjkCount(under: c)
    }

    // MARK: Taking out what is never the article

    private mutating func strip() {
        let doc = document
        var remove: [NodeID] = []
        var bylineDone = false
        var titleDone = title.isEmpty
        doc.walk(from: root) { id, depth in
            let n = doc[id]
            guard n.kind == .element else { return .skipChildren }
            if depth == 0 { return .descend }
            if Self.isHidden(n) { remove.append(id); return .skipChildren }
            if n.attribute("aria-modal") == "true" && n.attribute("role") == "dialog" { remove.append(id); return .skipChildren }
            let match = Hints.matchString(n)
            if !bylineDone, Self.isByline(n, match) {
                let len = TextStats.measure(doc.textContent(of: id).trimmingCharacters(in: .whitespacesAndNewlines)).0
                if len > 0 && len < 100 {
                    bylineDone = true
                    byline = Byline.clean(doc.textContent(of: id))
                    remove.append(id)
                    return .skipChildren
                }
            }
            if !titleDone, n.name == "h1" || n.name == "h2" {
                let text = Self.collapse(doc.textContent(of: id))
                if Self.similarity(title, text) > 0.75 {
                    titleDone = true
                    titleHeading = text
                    remove.append(id)
                    return .skipChildren
                }
            }
            if flags.contains(.stripUnlikely) {
                if n.name == "nav" || n.name == "aside" || n.name == "footer" || n.name == "menu" { remove.append(id); return .skipChildren }
                if let role = n.attribute("role")?.lowercased(), Hints.unlikelyRoles.contains(role) { remove.append(id); return .skipChildren }
                if n.name != "body", n.name != "a", n.name != "main", n.name != "article", Hints.isUnlikely(match),
                   !hasAncestor(id, in: doc, named: ["table", "code", "pre"]) {
                    remove.append(id)
                    return .skipChildren
                }
            }
            return .descend
        }
        for id in remove { document.detach(id) }
    }

    static func isHidden(_ n: Document.Node) -> Bool {
        if n.isHiddenByMarkup { return true }
        if n.attribute("aria-hidden") == "true", !(n.attribute("class") ?? "").utf8Contains("fallback-image") {
            // An aria-hidden image still shows; only hidden containers go.
            return n.name != "img" && n.name != "picture" && n.name != "figure"
        }
        return false
    }

    static func isByline(_ n: Document.Node, _ match: String) -> Bool {
        if n.attribute("rel") == "author" { return true }
        if let ip = n.attribute("itemprop"), ip.lowercased().utf8Contains("author") { return true }
        return !match.isEmpty && Hints.containsAny(match, Hints.bylineWords)
    }

    // MARK: Scoring

    private mutating func pickTop(_ stats: inout TextStats) -> NodeID? {
        let doc = document
        var score: [Int32: Float] = [:]
        var order: [NodeID] = []
        let weigh = flags.contains(.weightClasses)

        func initial(_ id: NodeID) -> Float {
            let n = doc[id]
            var s: Float
            switch n.name {
            case "div": s = 5
            case "pre", "td", "blockquote": s = 3
            case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": s = -3
            case "h1", "h2", "h3", "h4", "h5", "h6", "th": s = -5
            default: s = 0
            }
            if weigh { s += Float(Hints.classWeight(n)) }
            return s
        }
        func credit(_ start: NodeID, _ value: Float) {
            var cur: NodeID? = start
            var level = 0
            while let a = cur, level < 5 {
                guard doc[a].kind == .element else { break }
                if score[a.index] == nil { score[a.index] = initial(a); order.append(a) }
                let divider: Float = level == 0 ? 1 : level == 1 ? 2 : Float(level * 3)
                score[a.index]! += value / divider
                if a == root { break }
                cur = doc[a].parent
                level += 1
            }
        }
        func paragraphScore(_ len: Int32, _ commas: Int32) -> Float {
            1 + Float(commas) + min(Float(len / 100), 3)
        }

        var hasBlock = Array(repeating: false, count: doc.count)
        var own = Array(repeating: Int32(0), count: doc.count)
        doc.walk(from: root, enter: { id, _ in
            doc[id].kind == .element ? .descend : .skipChildren
        }, exit: { id, _ in
            guard id != root, let p = doc[id].parent else { return }
            if doc[id].kind == .element && (Self.blockNames.contains(doc[id].name) || hasBlock[Int(id.index)]) {
                hasBlock[Int(p.index)] = true
            }
        })
        doc.walk(from: root) { id, depth in
            let n = doc[id]
            guard n.kind == .element else { return .skipChildren }
            if TextStats.invisible.contains(n.name) { return .skipChildren }
            let i = Int(id.index)
            if Self.scored.contains(n.name) || (n.name == "div" && !hasBlock[i]) {
                if stats.text[i] >= 25, let p = n.parent, depth > 0 {
                    credit(p, paragraphScore(stats.text[i], stats.commas[i]))
                    if !hasBlock[i], !isCaption(id, doc) { own[i] += stats.text[i] }
                }
            } else if n.name == "div" {
                // Text directly in a div with blocks: each run of inline content is a paragraph.
                var run: Int32 = 0, commas: Int32 = 0
                for c in n.children {
                    let cn = doc[c]
                    if cn.kind == .element && (Self.blockNames.contains(cn.name) || hasBlock[Int(c.index)]) {
                        if run >= 25 { credit(id, paragraphScore(run, commas)); own[i] += run }
                        run = 0; commas = 0
                    } else if cn.kind == .text || cn.kind == .element {
                        run += stats.text[Int(c.index)]
                        commas += stats.commas[Int(c.index)]
                    }
                }
                if run >= 25 { credit(id, paragraphScore(run, commas)); own[i] += run }
            }
            return .descend
        }
        doc.walk(from: root, enter: { id, _ in
            doc[id].kind == .element ? .descend : .skipChildren
        }, exit: { id, _ in
            guard id != root, let p = doc[id].parent else { return }
            own[Int(p.index)] += own[Int(id.index)]
        })
        paragraphText = own
        guard !order.isEmpty else { return nil }
        for id in order { score[id.index]! *= 1 - stats.linkDensity(id) }
        let ranked = order.sorted { score[$0.index]! > score[$1.index]! }
        var top = ranked[0]
        let topScore = score[top.index]!
        if top == root { return root }

        // Several near-best candidates under one ancestor: the ancestor is the article.
        let alternatives = ranked.dropFirst().prefix(4).filter { score[$0.index]! / topScore >= 0.75 }
        if alternatives.count >= 3 {
            let lists = alternatives.map { Set(doc.ancestors(of: $0)) }
            var p = doc[top].parent
            while let a = p, a != root {
                if lists.filter({ $0.contains(a) }).count >= 3 { top = a; break }
                p = doc[a].parent
            }
        }
        if score[top.index] == nil { score[top.index] = initial(top) }
        // Climb while the parent scores better (the article split into parts).
        var last = score[top.index]!
        let threshold = last / 3
        var p = doc[top].parent
        while let a = p, a != root {
            guard let s = score[a.index] else { p = doc[a].parent; continue }
            if s < threshold { break }
            if s > last { top = a; break }
            last = s
            p = doc[a].parent
        }
        while let a = doc[top].parent, a != root, doc[a].children.filter({ doc[$0].kind == .element }).count == 1 {
            top = a
        }
        scores = score
        return top
    }

    private var scores: [Int32: Float] = [:]
    /// Text in paragraphs (of 25 characters or more) below each node.
    private var paragraphText: [Int32] = []

    /// The descendant of `top` that holds nearly all of its paragraph text (the article body
    /// inside a wrapper that also holds the headline, bylines, share bars, related links),
    /// and the lead image just before it, if any.
    private func narrow(_ top: NodeID, start: NodeID? = nil) -> (body: NodeID, lead: NodeID?) {
        let doc = document
        let total = paragraphText[Int(top.index)]
        guard total > 0 || start != nil else { return (top, nil) }
        var cur = start ?? top
        while start == nil {
            var next: NodeID?
            for c in doc[cur].children where doc[c].kind == .element && Float(paragraphText[Int(c.index)]) >= Float(total) * 0.9 {
                next = c
                break
            }
            guard let n = next, !(Self.scored.contains(doc[n].name) && doc[n].name != "section") else { break }
            cur = n
        }
        // The lead image: an image block with little text just before the body (at any level
        // up to the top candidate's siblings).
        var node = cur
        var levels = 0
        while let parent = doc[node].parent, parent != root, levels < 6 {
            var sib = doc.previousSibling(of: node)
            var looked = 0
            while let s = sib, looked < 3 {
                if doc[s].kind == .element {
                    looked += 1
                    if let img = doc[s].name == "img" ? s : doc.firstElement(named: "img", under: s), Self.isLeadImage(doc[img]) {
                        let len = TextStats.measure(doc.textContent(of: s)).0
                        if len < 300 {
                            if doc[s].name == "figure" { return (cur, s) }
                            if let f = doc[img].parent, doc[f].name == "figure" { return (cur, f) }
                            let pic = doc[img].parent.flatMap { doc[$0].name == "picture" ? $0 : nil }
                            return (cur, pic ?? img)
                        }
                    }
                    if paragraphText[Int(s.index)] > 0 || TextStats.measure(doc.textContent(of: s)).0 > 300 { break }
                }
                sib = doc.previousSibling(of: s)
            }
            if node == top { break }
            node = parent
            levels += 1
        }
        return (cur, nil)
    }

    /// The top candidate and the siblings that belong with it, moved into a new `div`
    /// that becomes the only child of `root`.
    private mutating func gather(_ top: NodeID, _ stats: TextStats) -> NodeID {
        var doc = document
        direction = Extractor.direction(of: top, in: doc)
        var chosen: [NodeID] = []
        if top == root {
            chosen = doc[root].children
        } else if let parent = doc[top].parent {
            let topScore = scores[top.index] ?? 0
            let threshold = max(10, topScore * 0.2)
            let topClass = doc[top].attribute("class") ?? ""
            for s in doc[parent].children {
                let n = doc[s]
                if s == top { chosen.append(s); continue }
                guard n.kind == .element else { continue }
                var bonus: Float = 0
                if !topClass.isEmpty, n.attribute("class") == topClass { bonus = topScore * 0.2 }
                if let sc = scores[s.index], sc + bonus >= threshold { chosen.append(s); continue }
                if n.name == "p" || (n.name == "div" && !hasBlockChild(s, doc)) {
                    let len = stats.text[Int(s.index)]
                    let ld = stats.linkDensity(s)
                    if len > 80 && ld < 0.25 { chosen.append(s); continue }
                    if len > 0 && len <= 80 && ld == 0 {
                        let text = Self.collapse(doc.textContent(of: s))
                        if text.hasSuffix(".") || text.utf8Contains(". ") { chosen.append(s) }
                    }
                } else if Self.isLeadMedia(s, doc, stats), nextElement(after: s, doc) == top {
                    chosen.append(s)
                }
            }
        }
        let box = doc.makeElement("div")
        for c in chosen {
            if ["li", "td", "th", "tr", "dd", "dt", "tbody", "thead"].contains(doc[c].name) { doc.rename(c, to: "div") }
            doc.append(c, to: box)
        }
        for c in doc[root].children { doc.detach(c) }
        doc.append(box, to: root)
        document = doc
        return box
    }

    private func cjkCount(under c: NodeID) -> Int {
        var n = 0
        let doc = document
        doc.walk(from: c) { id, _ in
            let node = doc[id]
            if node.kind == .text {
                for u in node.text.unicodeScalars {
                    switch u.value {
                    case 0x3040...0x30FF, 0x3400...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF: n += 1
                    default: break
                    }
                }
                return .skipChildren
            }
            return node.kind == .element && TextStats.invisible.contains(node.name) ? .skipChildren : .descend
        }
        return n
    }

    static let imageTokens: Set<String> = ["image", "img", "photo", "picture", "media", "figure", "gallery", "imgtop", "photos", "images"]
    static let contentTokens: Set<String> = ["content", "body", "article", "text", "post", "entry", "story", "main"]

    /// Whether a paragraph is a caption (in a figure, or in a box named for images/captions).
    private func isCaption(_ id: NodeID, _ doc: Document) -> Bool {
        var cur: NodeID? = id
        var level = 0
        while let c = cur, level < 4 {
            let n = doc[c]
            if n.name == "figure" || n.name == "figcaption" { return true }
            let m = Hints.matchString(n)
            if !m.isEmpty {
                let tokens = m.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
                if tokens.contains(where: { $0.utf8Contains("caption") || $0.utf8Contains("credit") }) { return true }
                if tokens.contains(where: { Self.imageTokens.contains(String($0)) }),
                   !tokens.contains(where: { Self.contentTokens.contains(String($0)) }) { return true }
            }
            cur = n.parent
            level += 1
        }
        return false
    }

    /// Not a logo, icon, avatar or tracking pixel.
    static func isLeadImage(_ n: Document.Node) -> Bool {
        for key in ["width", "height"] {
            if let v = n.attribute(key), let x = Int(v.trimmingCharacters(in: .whitespaces)), x < 150 { return false }
        }
        let src = (n.attribute("src") ?? "") + " " + (n.attribute("data-src") ?? "") + " " + (n.attribute("class") ?? "")
        let l = src.lowercased()
        return !["logo", "icon", "avatar", "sprite", "pixel", "spacer", "badge"].contains { l.utf8Contains($0) }
    }

    private func nextElement(after id: NodeID, _ doc: Document) -> NodeID? {
        var cur = doc.nextSibling(of: id)
        while let c = cur, doc[c].kind != .element { cur = doc.nextSibling(of: c) }
        return cur
    }

    private func hasBlockChild(_ id: NodeID, _ doc: Document) -> Bool {
        for d in doc.descendants(of: id) where doc[d].kind == .element && Self.blockNames.contains(doc[d].name) { return true }
        return false
    }

    /// A figure or image with little text: the lead image next to the article.
    static func isLeadMedia(_ id: NodeID, _ doc: Document, _ stats: TextStats) -> Bool {
        let i = Int(id.index)
        return stats.images[i] == 1 && stats.text[i] < 200 && stats.linkDensity(id) < 0.5
            && (doc[id].name == "figure" || doc[id].name == "picture" || doc[id].name == "img" || doc[id].name == "div")
    }

    // MARK: Boilerplate inside the article

    static let videoHosts = ["youtube.com", "youtube-nocookie.com", "youtu.be", "vimeo.com", "dailymotion.com", "twitch.tv", "player.", "bilibili.com", "v.qq.com"]
    /// Controls and page furniture that never belong in an article's text.
    static let uiNames: NameSet = ["button", "input", "select", "textarea", "footer", "aside", "link", "nav", "dialog"]
    static let conditional: NameSet = ["form", "fieldset", "table", "ul", "div"]

    /// Takes the boilerplate out of the article; returns the length of the text left.
    private mutating func prepare(_ box: NodeID) -> Int {
        var doc = document
        var stats = TextStats(doc, from: box)
        func drop(_ id: NodeID) {
            stats.remove(id, in: doc)
            doc.detach(id)
        }
        // Share bars, tool buttons, footers, ad labels, metadata lines inside the article;
        // and, in the same walk, which elements sit in data tables, code or figures.
        var dataTables = Set<Int32>()
        var protected = Array(repeating: false, count: doc.count)
        var inFigure = Array(repeating: false, count: doc.count)
        var drops: [NodeID] = []
        doc.walk(from: box) { id, depth in
            let n = doc[id]
            guard n.kind == .element else { return .skipChildren }
            let i = Int(id.index)
            if let p = n.parent, depth > 0 {
                protected[i] = protected[Int(p.index)] || dataTables.contains(p.index) || doc[p].name == "code" || doc[p].name == "pre"
                inFigure[i] = inFigure[Int(p.index)] || doc[p].name == "figure"
            }
            if depth == 0 { return .descend }
            if n.name == "table", isDataTable(id, doc) { dataTables.insert(id.index) }
            if Self.uiNames.contains(n.name) { drops.append(id); return .skipChildren }
            if TextStats.headings.contains(n.name), stats.text[i] == 0, stats.images[i] == 0 { drops.append(id); return .skipChildren }
            if n.parent != box, Hints.isShare(Hints.matchString(n)), stats.text[i] < 500 { drops.append(id); return .skipChildren }
            if stats.text[i] < 40, Self.isAdLabel(n, doc, id) { drops.append(id); return .skipChildren }
            if n.parent != box, isMetaLine(id, n, doc, stats) { drops.append(id); return .skipChildren }
            return .descend
        }
        for id in drops { drop(id) }
        dropLinkRuns(box, &doc, &stats)
        if flags.contains(.cleanConditionally) {
            // Innermost first (reverse document order), so a container is judged without the
            // boilerplate already taken out of it.
            for id in doc.elements(named: Self.conditional, under: box).reversed() where doc[id].parent != nil {
                // A block holding half the article is the article, whatever its class says
                // (`elementor-widget-container`).
                if stats.text[Int(id.index)] * 2 >= stats.text[Int(box.index)] && stats.linkDensity(id) < 0.3 { continue }
                if shouldRemove(id, doc, stats, dataTables, protected: protected[Int(id.index)], inFigure: inFigure[Int(id.index)]) {
                    drop(id)
                }
            }
        }
        // Headings that say they are not content.
        for h in doc.elements(named: ["h1", "h2"], under: box) where flags.contains(.weightClasses) && Hints.classWeight(doc[h]) < 0 {
            drop(h)
        }
        document = doc
        return Int(stats.text[Int(box.index)])
    }

    static let metaWords = ["byline", "dateline", "timestamp", "posted-on", "publish", "pubdate"]
    static let metaPrefixes = ["published", "updated", "posted", "last updated", "last modified", "first published"]

    /// A short line of article metadata: byline, dateline, time stamp.
    private func isMetaLine(_ id: NodeID, _ n: Document.Node, _ doc: Document, _ stats: TextStats) -> Bool {
        let i = Int(id.index)
        guard stats.text[i] > 0, stats.text[i] < 100, stats.images[i] == 0, !TextStats.headings.contains(n.name),
              n.name != "a", n.name != "figcaption", n.name != "li" else { return false }
        let m = Hints.matchString(n)
        if !m.isEmpty, Hints.containsAny(m, Self.metaWords), !Hints.containsAny(m, ["caption", "content", "body", "text"]) { return true }
        if n.name == "time" { return stats.text[Int(doc[id].parent!.index)] <= stats.text[i] + 20 }
        if n.name == "p" || n.name == "div" || n.name == "span" {
            let t = Self.collapse(doc.textContent(of: id)).lowercased()
            if Self.metaPrefixes.contains(where: { t.hasPrefix($0) }), t.rangeOfCharacter(from: .decimalDigits) != nil { return true }
        }
        return false
    }

    static let relatedLeads = ["you may also like", "you might also like", "related", "read more", "read also", "also read",
                               "more from", "more on", "recommended", "see more", "more stories", "most popular", "most read",
                               "trending", "don't miss", "also on", "further reading", "popular posts", "latest news"]

    /// Runs of two or more blocks that are nothing but links (related stories), lists of short
    /// links, "Related: <link>" lines, and the short lead-in line before such a run.
    private func dropLinkRuns(_ box: NodeID, _ doc: inout Document, _ stats: inout TextStats) {
        func linky(_ c: NodeID) -> Bool {
            let n = doc[c]
            guard n.kind == .element, ["p", "div", "h3", "h4", "h5", "h6", "section"].contains(n.name) else { return false }
            let i = Int(c.index)
            return stats.text[i] > 0 && stats.text[i] < 250 && stats.linkDensity(c) >= 0.85 && stats.paragraphs[i] <= 1
        }
        func leadIn(_ c: NodeID) -> Bool {
            let n = doc[c]
            guard n.kind == .element, stats.text[Int(c.index)] < 60, stats.images[Int(c.index)] == 0 else { return false }
            let t = Self.collapse(doc.textContent(of: c)).lowercased()
            return Self.relatedLeads.contains { t.hasPrefix($0) } || t.hasSuffix("...") || t.hasSuffix("…") || t.hasSuffix(":")
        }
        var removals: [NodeID] = []
        for parent in [box] + doc.descendants(of: box) where doc[parent].kind == .element {
            let kids = doc[parent].children.filter { doc[$0].kind == .element }
            var k = 0
            while k < kids.count {
                var j = k
                while j < kids.count, linky(kids[j]) { j += 1 }
                if j - k >= 2 {
                    removals += kids[k..<j]
                    if k > 0, leadIn(kids[k - 1]) { removals.append(kids[k - 1]) }
                    k = j
                    continue
                }
                let c = kids[k]
                let n = doc[c]
                let i = Int(c.index)
                if (n.name == "ul" || n.name == "ol"), stats.listItems[i] >= 3, stats.linkDensity(c) > 0.8,
                   (30...150).contains(stats.text[i] / max(1, stats.listItems[i])) {
                    removals.append(c)
                    if k > 0, leadIn(kids[k - 1]) { removals.append(kids[k - 1]) }
                } else if n.name == "p" || n.name == "div", stats.text[i] < 200, stats.link[i] > 0,
                          stats.paragraphs[i] <= 1, leadPrefix(c, doc) {
                    removals.append(c)
                }
                k += 1
            }
        }
        for r in removals where doc[r].parent != nil {
            stats.remove(r, in: doc)
            doc.detach(r)
        }
    }

    /// `Related: <a>…</a>`: a short label, then only a link.
    private func leadPrefix(_ id: NodeID, _ doc: Document) -> Bool {
        var label = ""
        var sawLink = false
        for c in doc[id].children {
            let n = doc[c]
            if n.name == "a" || (n.kind == .element && doc.firstElement(named: "a", under: c) != nil && label.isEmpty == false) {
                sawLink = true
                continue
            }
            let t = doc.textContent(of: c).trimmingCharacters(in: .whitespacesAndNewlines)
            if sawLink { if !t.isEmpty { return false } else { continue } }
            label += t
        }
        let l = label.lowercased()
        return sawLink && label.count <= 30 && (l.hasSuffix(":") || l.hasSuffix("»")) && Self.relatedLeads.contains { l.hasPrefix($0) }
    }

    private func isInside(_ id: NodeID, _ box: NodeID, _ doc: Document) -> Bool {
        var cur = doc[id].parent
        while let c = cur { if c == box { return true }; cur = doc[c].parent }
        return false
    }

    static func isAdLabel(_ n: Document.Node, _ doc: Document, _ id: NodeID) -> Bool {
        guard n.children.count <= 2, n.name != "a" else { return false }
        let t = collapse(doc.textContent(of: id)).lowercased()
        return ["advertisement", "advertising", "ad", "anzeige", "werbung", "publicité", "广告", "реклама", "anuncio",
                "continue reading the main story", "skip advertisement", "story continues below advertisement",
                "loading…", "loading..."].contains(t)
    }

    private func shouldRemove(_ id: NodeID, _ doc: Document, _ stats: TextStats, _ dataTables: Set<Int32>,
                              protected: Bool, inFigure: Bool) -> Bool {
        let n = doc[id]
        let i = Int(id.index)
        if protected || (n.name == "table" && dataTables.contains(id.index)) { return false }
        // Nothing in it to judge: clean-up's RemoveEmptyPass takes it out, knowing what an
        // empty block between two runs of text stood for (a space, or a paragraph spacer).
        if n.children.allSatisfy({ doc[$0].kind == .comment || (doc[$0].kind == .text && doc[$0].text.allSatisfy(\.isWhitespace)) }) {
            return false
        }
        let text = stats.text[i]
        var isList = n.name == "ul" || n.name == "ol"
        if !isList, text > 0 {
            var listText: Int32 = 0
            for c in n.children where doc[c].name == "ul" || doc[c].name == "ol" { listText += stats.text[Int(c.index)] }
            isList = Float(listText) / Float(text) > 0.9
        }
        let weight = flags.contains(.weightClasses) ? Hints.classWeight(n) : 0
        if weight < 0 { return true }
        if stats.commas[i] >= 10 { return false }
        let p = Float(stats.paragraphs[i]), img = Float(stats.images[i])
        let li = Float(stats.listItems[i]) - 100, input = Float(stats.inputs[i])
        let headingDensity = text == 0 ? 0 : Float(stats.headingText[i]) / Float(text)
        var embeds = 0
        if stats.embeds[i] > 0 {
            for d in doc.descendants(of: id) where TextStats.embedNames.contains(doc[d].name) {
                let src = (doc[d].attribute("src") ?? doc[d].attribute("data") ?? "").lowercased()
                if Self.videoHosts.contains(where: { src.utf8Contains($0) }) { return false }
                embeds += 1
            }
        }
        let ld = stats.linkDensity(id)
        var remove = (img > 1 && p / img < 0.5 && !inFigure)
            || (!isList && li > p)
            || (input > (p / 3).rounded(.down))
            || (!isList && headingDensity < 0.9 && text < 25 && (img == 0 || img > 2) && !inFigure)
            || (!isList && weight < 25 && ld > 0.2)
            || (weight >= 25 && ld > 0.5)
            || (embeds == 1 && text < 75) || embeds > 1
        if isList && remove {
            for c in n.children where doc[c].children.filter({ doc[$0].kind == .element }).count > 1 { return remove }
            if stats.images[i] == stats.listItems[i] { remove = false }
        }
        return remove
    }

    private func isDataTable(_ id: NodeID, _ doc: Document) -> Bool {
        let n = doc[id]
        if n.attribute("role") == "presentation" || n.attribute("datatable") == "0" { return false }
        if n.attribute("summary") != nil { return true }
        var rows = 0, cols = 0
        for d in doc.descendants(of: id) {
            switch doc[d].name {
            case "caption", "th", "thead", "tfoot", "colgroup", "col": return true
            case "table": return false
            case "tr":
                rows += 1
                cols = max(cols, doc[d].children.filter { doc[$0].name == "td" }.count)
            default: break
            }
        }
        if rows >= 10 || cols > 4 { return true }
        return rows * cols > 10
    }

    // MARK: Helpers

    private func hasAncestor(_ id: NodeID, in doc: Document, named names: Set<String>) -> Bool {
        var cur = doc[id].parent
        while let c = cur { if names.contains(doc[c].name) { return true }; cur = doc[c].parent }
        return false
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Readability's text similarity: the share of `b`'s words (by length) also in `a`.
    static func similarity(_ a: String, _ b: String) -> Float {
        func tokens(_ s: String) -> [Substring] { s.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) }
        let ta = Set(tokens(a)), tb = tokens(b)
        guard !ta.isEmpty, !tb.isEmpty else { return 0 }
        let unique = tb.filter { !ta.contains($0) }
        let dist = Float(unique.joined(separator: " ").count) / Float(tb.joined(separator: " ").count)
        return 1 - dist
    }
}
