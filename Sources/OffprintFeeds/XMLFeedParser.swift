import Foundation
import OffprintSupport
import OffprintArticle
import OffprintDocument
import OffprintSupport

/// A small element tree for one feed entry or one channel-level element, built from the
/// streaming reader's events (the feed as a whole is never a tree).
struct XNode {
    var name: String
    var namespace: String
    var qualifiedName: String
    var attributes: [XMLEvent.Attribute]
    var children: [XChild] = []
    var line: Int

    enum XChild {
        case element(XNode)
        case text(String)
    }

    func attribute(_ name: String, namespace: String = "") -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    var elements: [XNode] {
        children.compactMap { if case .element(let e) = $0 { return e } else { return nil } }
    }

    func first(_ name: String, _ ns: String) -> XNode? {
        for c in children { if case .element(let e) = c, e.name == name, e.namespace == ns { return e } }
        return nil
    }

    func all(_ name: String, _ ns: String) -> [XNode] {
        elements.filter { $0.name == name && $0.namespace == ns }
    }

    /// The text content (all descendants), whitespace as written.
    var text: String {
        var out = ""
        var stack: [XChild] = children.reversed()
        while let c = stack.popLast() {
            switch c {
            case .text(let t): out += t
            case .element(let e): stack += e.children.reversed()
            }
        }
        return out
    }

    /// Trimmed text, nil when empty.
    var value: String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return t.isEmpty ? nil : t
    }

    /// The children serialised as XHTML markup (Atom `type="xhtml"` content).
    var innerMarkup: String {
        var out = ""
        for c in children { XNode.serialize(c, into: &out) }
        return out
    }

    static func serialize(_ c: XChild, into out: inout String) {
        switch c {
        case .text(let t): out += escape(t, quote: false)
        case .element(let e):
            out += "<" + e.name
            for a in e.attributes where a.namespace.isEmpty || a.qualifiedName.hasPrefix("xml:") {
                out += " " + (a.qualifiedName.hasPrefix("xml:") ? String(a.qualifiedName.dropFirst(4)) : a.name) + "=\"" + escape(a.value, quote: true) + "\""
            }
            out += ">"
            for k in e.children { serialize(k, into: &out) }
            out += "</" + e.name + ">"
        }
    }

    static func escape(_ s: String, quote: Bool) -> String { Escape.html(s, quotes: quote) }
}

enum NS {
    static let atom = "http://www.w3.org/2005/Atom"
    static let rss1 = "http://purl.org/rss/1.0/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let media = "http://search.yahoo.com/mrss/"
    static let xhtml = "http://www.w3.org/1999/xhtml"
}

/// RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 through `XMLStreamReader`: entries are handed over
/// one at a time as they end, so memory stays at one entry whatever the feed's size.
enum XMLFeedParser {
    static func parse(_ reader: XMLStreamReader, origin: String, entry: (FeedEntry, FeedInfo) throws -> Void) throws -> FeedInfo {
        var info: FeedInfo?
        var depth = 0
        var rss2Channel = false
        // Elements being built: the captured element and its open descendants.
        var stack: [XNode] = []
        var captureDepth = 0
        while true {
            let event: XMLEvent?
            do { event = try reader.next() } catch let e as OffprintError where e.step == .xml {
                throw OffprintError(.feed, path: origin, line: e.line, "not well-formed XML (\(e.message))", hint: "the feed is broken: fix it or ask its publisher", underlying: e)
            }
            guard let event else { break }
            switch event {
            case let .start(name, ns, qname, attrs, _):
                depth += 1
                if depth == 1 {
                    switch (name, ns) {
                    case ("rss", _): info = FeedInfo(format: .rss2)
                    case ("RDF", NS.rdf): info = FeedInfo(format: .rss1)
                    case ("feed", NS.atom): info = FeedInfo(format: .atom)
                    case ("feed", _): info = FeedInfo(format: .atom)  // Atom 0.3 and namespace-less copies
                    case ("opml", _):
                        throw OffprintError(.feed, path: origin, line: reader.line, "an OPML subscription list, not a feed (give it to bundle as an input of its own)")
                    default:
                        throw OffprintError(.feed, path: origin, line: reader.elementLine, "not a feed: the root element is <\(qname)>, not <rss>, <rdf:RDF> or Atom's <feed>")
                    }
                    continue
                }
                if depth == 2, info?.format == .rss2, name == "channel" { rss2Channel = true; continue }
                let entryLevel = info?.format == .rss2 ? (rss2Channel ? 3 : 2) : 2
                if stack.isEmpty {
                    guard depth == entryLevel else { continue }
                    captureDepth = depth
                }
                stack.append(XNode(name: name, namespace: ns, qualifiedName: qname, attributes: attrs, line: reader.elementLine))
            case .end:
                defer { depth -= 1 }
                if depth == 2, rss2Channel, stack.isEmpty { rss2Channel = false; continue }
                guard !stack.isEmpty else { continue }
                let node = stack.removeLast()
                if let parent = stack.indices.last {
                    stack[parent].children.append(.element(node))
                    continue
                }
                precondition(depth == captureDepth)
                guard var i = info else { continue }
                if node.name == "item" || node.name == "entry" {
                    let e = makeEntry(node, format: i.format, feedLink: i.link)
                    try entry(e, i)
                } else if i.format == .rss1, node.name == "channel" {
                    for c in node.elements { channelElement(c, into: &i) }
                    info = i
                } else {
                    channelElement(node, into: &i)
                    info = i
                }
            case .text(let t):
                if let last = stack.indices.last { stack[last].children.append(.text(t)) }
            }
        }
        guard let info else { throw OffprintError(.feed, path: origin, "empty: no XML element at all") }
        return info
    }

    // MARK: Feed level

    static func channelElement(_ n: XNode, into info: inout FeedInfo) {
        switch (n.name, n.namespace) {
        case ("title", _) where n.namespace == "" || n.namespace == NS.rss1 || n.namespace == NS.atom || n.namespace == NS.dc:
            if info.title == nil { info.title = textValue(n, atom: info.format == .atom) }
        case ("link", NS.atom) where info.format == .atom:
            let rel = n.attribute("rel") ?? "alternate"
            if rel == "alternate", info.link == nil, let h = n.attribute("href") { info.link = h }
        case ("link", ""), ("link", NS.rss1):
            if info.link == nil { info.link = n.value }
        case ("description", ""), ("description", NS.rss1), ("subtitle", NS.atom), ("description", NS.dc):
            if info.description == nil { info.description = textValue(n, atom: info.format == .atom).map(HTMLParser.plainText) }
        case ("language", ""), ("language", NS.dc):
            if info.language == nil { info.language = n.value.flatMap(LanguageTag.init) }
        case ("author", NS.atom), ("managingEditor", ""), ("creator", NS.dc):
            if let a = personName(n) { info.authors.append(a) }
        case ("image", ""), ("image", NS.rss1):
            if info.image == nil { info.image = n.first("url", n.namespace)?.value ?? n.attribute("resource", namespace: NS.rdf) }
        case ("logo", NS.atom), ("icon", NS.atom):
            if info.image == nil { info.image = n.value }
        default:
            break
        }
        if info.format == .atom, info.language == nil, n.name == "title" {
            info.language = n.attributes.first { $0.qualifiedName == "xml:lang" }.flatMap { LanguageTag($0.value) }
        }
    }

    // MARK: Entries

    static func makeEntry(_ n: XNode, format: FeedInfo.Format, feedLink: String?) -> FeedEntry {
        var e = FeedEntry()
        e.line = n.line
        var published: String?, updated: String?
        for c in n.elements {
            switch (c.name, c.namespace) {
            case ("title", _) where c.namespace != NS.media:
                if e.title == nil { e.title = textValue(c, atom: format == .atom).map(HTMLParser.plainText) }
            case ("guid", ""), ("id", NS.atom):
                e.id = c.value
                if c.name == "guid", c.attribute("isPermaLink") != "false", e.link == nil, let v = c.value,
                   WebURL.isHTTP(v) {
                    e.link = v  // a permalink guid is the page when there is no <link>
                }
            case ("link", NS.atom):
                let rel = c.attribute("rel") ?? "alternate"
                if rel == "alternate", let h = c.attribute("href") {
                    e.link = h
                } else if rel == "enclosure", let h = c.attribute("href"), (c.attribute("type") ?? "").hasPrefix("image/") {
                    e.images.append(h)
                }
            case ("link", ""), ("link", NS.rss1):
                if let v = c.value { e.link = v }
            case ("about", _):
                break
            case ("encoded", NS.content):
                e.content = c.text
            case ("description", ""), ("description", NS.rss1):
                e.summary = c.text
            case ("content", NS.atom):
                if let src = c.attribute("src") {
                    if e.link == nil { e.link = src }
                } else {
                    e.content = htmlValue(c)
                }
            case ("summary", NS.atom):
                e.summary = htmlValue(c)
            case ("creator", NS.dc), ("author", NS.atom), ("author", ""):
                if let a = personName(c), !e.authors.contains(a) { e.authors.append(a) }
            case ("pubDate", ""), ("published", NS.atom), ("issued", NS.atom), ("date", NS.dc):
                if published == nil { published = c.value }
            case ("updated", NS.atom), ("modified", NS.atom), ("modified", "http://purl.org/dc/terms/"):
                updated = c.value
            case ("category", ""), ("subject", NS.dc):
                if let v = c.value { e.categories.append(v) }
            case ("category", NS.atom):
                if let v = c.attribute("label") ?? c.attribute("term") { e.categories.append(v) }
            case ("enclosure", ""):
                if let url = c.attribute("url"), isImage(url: url, type: c.attribute("type")) { e.images.append(url) }
            case ("content", NS.media), ("thumbnail", NS.media):
                if let url = c.attribute("url"), c.name == "thumbnail" || c.attribute("medium") == "image" || isImage(url: url, type: c.attribute("type")) {
                    if c.name == "content" || e.images.isEmpty { e.images.append(url) }
                }
            case ("group", NS.media):
                for m in c.all("content", NS.media) {
                    if let url = m.attribute("url"), m.attribute("medium") == "image" || isImage(url: url, type: m.attribute("type")) {
                        e.images.append(url)
                        break
                    }
                }
            default:
                break
            }
        }
        if format == .rss1, e.link == nil { e.link = n.attribute("about", namespace: NS.rdf) }
        let rawDate = published ?? updated
        if let raw = rawDate {
            e.date = ArticleDate(raw)
            if e.date == nil { e.rawDate = raw }
        }
        var seen = Set<String>()
        e.images = e.images.filter { seen.insert($0).inserted }
        return e
    }

    /// Atom text constructs (`type="text|html|xhtml"`) as HTML; RSS text is HTML already.
    static func htmlValue(_ n: XNode) -> String {
        switch n.attribute("type")?.lowercased() ?? "text" {
        case "html", "text/html": return n.text
        case "xhtml", "application/xhtml+xml":
            if let div = n.first("div", NS.xhtml) { return div.innerMarkup }
            return n.innerMarkup
        default:
            // Plain text: escaped, paragraphs at blank lines.
            return n.text.components(separatedBy: "\n\n").map { p -> String in
                let t = p.trimmingCharacters(in: .whitespacesAndNewlines)
                return t.isEmpty ? "" : "<p>" + XNode.escape(t, quote: false).replacingOccurrences(of: "\n", with: "<br>") + "</p>"
            }.joined(separator: "\n")
        }
    }

    /// A title as plain text: Atom `type="html"` titles are decoded.
    static func textValue(_ n: XNode, atom: Bool) -> String? {
        guard atom else { return n.value }
        switch n.attribute("type")?.lowercased() ?? "text" {
        case "html", "xhtml": return HTMLParser.plainText(htmlValue(n))
        default: return n.value
        }
    }

    static func personName(_ n: XNode) -> String? {
        if let name = n.first("name", n.namespace.isEmpty ? "" : n.namespace) ?? n.first("name", NS.atom) {
            return name.value
        }
        guard var v = n.value else { return nil }
        // RSS 2.0 author: "jo@example.com (Jo Doe)".
        if let open = v.firstIndex(of: "("), v.hasSuffix(")"), v[..<open].contains("@") {
            v = String(v[v.index(after: open)..<v.index(before: v.endIndex)]).trimmingCharacters(in: .whitespaces)
        }
        return v.isEmpty ? nil : v
    }

    static func isImage(url: String, type: String?) -> Bool {
        if let t = type?.lowercased(), !t.isEmpty { return t.hasPrefix("image/") }
        let path = url.split(separator: "?").first.map(String.init)?.lowercased() ?? ""
        return [".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"].contains { path.hasSuffix($0) }
    }

}
