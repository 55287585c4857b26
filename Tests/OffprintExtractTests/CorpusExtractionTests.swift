import Foundation
import Testing
@testable import OffprintExtract
import OffprintArticle
import OffprintDocument
import OffprintTestSupport

/// The article text with blocks on their own lines (the way extractscore.py reads rendered
/// Markdown): scripts and styles left out.
func blockText(_ doc: Document, from start: Document.NodeID) -> String {
    let blocks: Set<String> = ["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "tr", "blockquote", "div", "br", "td", "th", "figcaption"]
    var out = ""
    doc.walk(from: start, enter: { id, _ in
        let n = doc[id]
        switch n.kind {
        case .text: out += n.text
        case .element: if ["script", "style", "noscript", "template", "head"].contains(n.name) { return .skipChildren }
        default: break
        }
        return .descend
    }, exit: { id, _ in
        if doc[id].kind == .element, blocks.contains(doc[id].name) { out += "\n" }
    })
    return out
}

/// Word 4-gram shingles, as ../shared/tools/extractscore.py counts them.
func shingles(_ text: String) -> [String: Int] {
    var words: [String] = []
    var cur = ""
    for ch in text.lowercased() {
        if ch.isLetter || ch.isNumber || ch == "_" { cur.append(ch) } else if !cur.isEmpty { words.append(cur); cur = "" }
    }
    if !cur.isEmpty { words.append(cur) }
    var out: [String: Int] = [:]
    if words.count < 4 {
        if !words.isEmpty { out[words.joined(separator: " "), default: 0] += 1 }
        return out
    }
    for i in 0...(words.count - 4) { out[words[i..<(i + 4)].joined(separator: " "), default: 0] += 1 }
    return out
}

func precisionRecall(reference: String, ours: String) -> (Double, Double) {
    let r = shingles(reference), o = shingles(ours)
    var shared = 0
    for (k, v) in o { shared += min(v, r[k] ?? 0) }
    let no = o.values.reduce(0, +), nr = r.values.reduce(0, +)
    let p = no == 0 ? (nr == 0 ? 1 : 0) : Double(shared) / Double(no)
    let rc = nr == 0 ? 1 : Double(shared) / Double(nr)
    return (p, rc)
}

func extractedText(_ file: URL) throws -> (Article, String) {
    var (a, _) = try ArticleLoader.load(file: file)
    _ = Extractor.extract(&a, options: ExtractOptions(content: .auto))
    return (a, blockText(a.document, from: a.content))
}

@Suite(.serialized) struct CorpusExtractionTests {
    /// The article-extraction-benchmark dev pages: each page keeps its article (recall) and
    /// drops the rest (precision); the mean F1 stays above a floor so a regression fails.
    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func aebFloor() throws {
        let dir = Corpus.folder.appendingPathComponent("aeb")
        let pages = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".html") }.sorted()
        try #require(!pages.isEmpty)
        var ps: [Double] = [], rs: [Double] = []
        for name in pages {
            let json = dir.appendingPathComponent(String(name.dropLast(5)) + ".json")
            guard let data = try? Data(contentsOf: json),
                  let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let ref = obj["articleBody"] as? String else { continue }
            let (_, ours) = try extractedText(dir.appendingPathComponent(name))
            let (p, r) = precisionRecall(reference: ref, ours: ours)
            #expect(r >= 0.75, "\(name): article text lost (recall \(r))")
            #expect(p >= 0.6, "\(name): boilerplate kept (precision \(p))")
            ps.append(p); rs.append(r)
        }
        let p = ps.reduce(0, +) / Double(ps.count), r = rs.reduce(0, +) / Double(rs.count)
        let f1 = 2 * p * r / (p + r)
        print("aeb extraction (document text): F1 \(f1) P \(p) R \(r) over \(ps.count) pages")
        #expect(f1 >= 0.955, "aeb extraction F1 \(f1) (P \(p) R \(r)) fell below the floor")
    }

    /// Readability.js's own test pages: our article agrees with its expected output.
    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func readabilityFloor() throws {
        let dir = Corpus.folder.appendingPathComponent("readability")
        let cases = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            .filter { FileManager.default.fileExists(atPath: dir.appendingPathComponent($0 + "/source.html").path) }
        try #require(!cases.isEmpty)
        var ps: [Double] = [], rs: [Double] = []
        var titles = 0, titled = 0
        for name in cases {
            let expected = HTMLParser.parse(Array(try Data(contentsOf: dir.appendingPathComponent(name + "/expected.html"))))
            let ref = blockText(expected, from: expected.root)
            let (a, ours) = try extractedText(dir.appendingPathComponent(name + "/source.html"))
            let (p, r) = precisionRecall(reference: ref, ours: ours)
            ps.append(p); rs.append(r)
            if let data = try? Data(contentsOf: dir.appendingPathComponent(name + "/expected-metadata.json")),
               let meta = try JSONSerialization.jsonObject(with: data) as? [String: Any],
               let t = meta["title"] as? String, !t.isEmpty {
                titled += 1
                let norm = { (s: String) in s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
                if norm(a.title ?? "") == norm(t) { titles += 1 } else { print("\(name): title \(a.title ?? "nil") ≠ \(t)") }
            }
            if name.hasPrefix("rtl") { #expect(a.direction == .rtl, "\(name): dir=rtl lost") }
        }
        let p = ps.reduce(0, +) / Double(ps.count), r = rs.reduce(0, +) / Double(rs.count)
        let f1 = 2 * p * r / (p + r)
        print("readability extraction (document text): F1 \(f1) P \(p) R \(r); titles \(titles)/\(titled)")
        #expect(f1 >= 0.955, "readability agreement F1 \(f1) (P \(p) R \(r)) fell below the floor")
        #expect(Double(titles) >= Double(titled) * 0.97)
    }

    /// Known sentences kept and known boilerplate dropped on named dev pages.
    @Test(.enabled(if: Corpus.available, Corpus.missing))
    func knownSentences() throws {
        let dir = Corpus.folder.appendingPathComponent("aeb")
        let cases: [(String, keep: [String], drop: [String])] = [
            ("35b158918c676ff2c74445517db76c83db70a805cc50b64e1369b354a027fcbd", ["third place in the annual"], ["You may also like", "Who will make the Rock Hall in 2020?"]),
            ("b37be3535e1fb61e5a238b7fa1ead1ad98b651cb09f138efadac3d54a122fb21", ["BERLIN -- The European Space Agency", "180-day cruise to Mars"], ["Published Monday, November 18"]),
        ]
        for (name, keep, drop) in cases {
            let file = dir.appendingPathComponent(name + ".html")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let (_, t) = try extractedText(file)
            for k in keep { #expect(t.contains(k), "\(name): lost \(k)") }
            for d in drop { #expect(!t.contains(d), "\(name): kept \(d)") }
        }
    }
}
