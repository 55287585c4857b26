import Foundation
import OffprintDocument

/// What the page says about where its article is, used as evidence by the scoring (never
/// taken as the answer on its own): the JSON-LD `articleBody` text, located in the page.
enum Evidence {
    /// The longest JSON-LD `articleBody` string in the page.
    static func jsonLDArticleBody(_ doc: Document) -> String? {
        var best: String?
        for s in doc.elements(named: "script") where (doc[s].attribute("type") ?? "").lowercased().utf8Contains("ld+json") {
            let text = doc.textContent(of: s)
            guard let json = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { continue }
            var stack: [Any] = [json]
            var seen = 0
            while let v = stack.popLast(), seen < 10_000 {
                seen += 1
                if let d = v as? [String: Any] {
                    if let b = d["articleBody"] as? String, b.count > (best?.count ?? 0) { best = b }
                    stack.append(contentsOf: d.values)
                } else if let a = v as? [Any] {
                    stack.append(contentsOf: a)
                }
            }
        }
        return best
    }

    /// Letters and digits only, lower-cased: text compared across markup and entities.
    static func normalized<S: StringProtocol>(_ s: S) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.lowercased() where ch.isLetter || ch.isNumber { out.append(ch) }
        return out
    }

    /// The element that holds the JSON-LD article body: the nearest common ancestor of the
    /// blocks holding its first and its last words, when its text is about as long.
    static func articleBodyElement(_ doc: Document, under root: Document.NodeID) -> Document.NodeID? {
        guard let body = jsonLDArticleBody(doc) else { return nil }
        let norm = normalized(body)
        guard norm.count >= 200 else { return nil }
        let head = String(norm.prefix(40)), tail = String(norm.suffix(40))
        let stats = TextStats(doc, from: root)
        // The smallest blocks holding the first and the last words.
        var first: (Document.NodeID, Int)?, last: (Document.NodeID, Int)?
        let blocks: NameSet = ["p", "div", "li", "td", "pre", "blockquote", "section", "article", "h2", "h3", "h4", "span", "font", "main"]
        for id in doc.elements(named: blocks, under: root) {
            let len = Int(stats.text[Int(id.index)])
            guard len >= 30, len <= body.count * 3 else { continue }
            let t = normalized(doc.textContent(of: id))
            if t.contains(head), len < first?.1 ?? .max { first = (id, len) }
            if t.contains(tail), len < last?.1 ?? .max { last = (id, len) }
        }
        guard let a = first?.0, let b = last?.0 else { return nil }
        let ancestorsA = [a] + doc.ancestors(of: a)
        let setB = Set([b] + doc.ancestors(of: b))
        guard let common = ancestorsA.first(where: { setB.contains($0) }), common != root else { return nil }
        let len = normalized(doc.textContent(of: common)).count
        return len <= norm.count * 2 ? common : nil
    }
}
