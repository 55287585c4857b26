import OffprintDocument

/// Per-node measures of a document, computed bottom-up in one walk and kept up to date when
/// subtrees are taken out (`remove`): visible text length (white space collapsed), link text,
/// commas, and counts of the elements the boilerplate rules look at.
struct TextStats {
    var text: [Int32]
    var link: [Float]
    var commas: [Int32]
    var paragraphs: [Int32]
    var images: [Int32]
    var listItems: [Int32]
    var inputs: [Int32]
    var embeds: [Int32]
    var headingText: [Int32]

    /// Elements whose text does not count as article text: what is never shown
    /// (`HTMLElements.invisible`), fallbacks and players, drawings and formulas, form controls.
    static let invisible: NameSet = HTMLElements.invisible.union(["noscript", "iframe", "svg", "math", "object", "embed", "select", "option", "datalist", "textarea"])
    static let headings: NameSet = HTMLElements.headings
    static let embedNames: NameSet = ["object", "embed", "iframe"]

    init(_ doc: Document, from start: Document.NodeID) {
        let n = doc.count
        text = Array(repeating: 0, count: n)
        link = Array(repeating: 0, count: n)
        commas = Array(repeating: 0, count: n)
        paragraphs = Array(repeating: 0, count: n)
        images = Array(repeating: 0, count: n)
        listItems = Array(repeating: 0, count: n)
        inputs = Array(repeating: 0, count: n)
        embeds = Array(repeating: 0, count: n)
        headingText = Array(repeating: 0, count: n)
        doc.walk(from: start, enter: { id, _ in
            let node = doc[id]
            switch node.kind {
            case .text:
                let (len, c) = TextStats.measure(node.text)
                text[Int(id.index)] = Int32(len)
                commas[Int(id.index)] = Int32(c)
                return .skipChildren
            case .element:
                let i = Int(id.index)
                switch node.name {
                case "p": paragraphs[i] = 1
                case "img": images[i] = 1
                case "li": listItems[i] = 1
                case "input": inputs[i] = 1
                default: break
                }
                if TextStats.embedNames.contains(node.name) { embeds[i] = 1 }
                return TextStats.invisible.contains(node.name) ? .skipChildren : .descend
            case .root:
                return .descend
            case .comment:
                return .skipChildren
            }
        }, exit: { id, _ in
            let i = Int(id.index)
            let node = doc[id]
            if node.kind == .element {
                if node.name == "a" {
                    let href = node.attribute("href") ?? ""
                    link[i] = Float(text[i]) * (href.hasPrefix("#") ? 0.3 : 1)
                } else if TextStats.headings.contains(node.name) {
                    headingText[i] = text[i]
                }
            }
            guard id != start, let p = node.parent else { return }
            let pi = Int(p.index)
            text[pi] += text[i]
            link[pi] += link[i]
            commas[pi] += commas[i]
            paragraphs[pi] += paragraphs[i]
            images[pi] += images[i]
            listItems[pi] += listItems[i]
            inputs[pi] += inputs[i]
            embeds[pi] += embeds[i]
            headingText[pi] += headingText[i]
        })
    }

    /// Length with runs of white space counted as one character, and the commas (any script).
    static func measure(_ s: String) -> (Int, Int) {
        var len = 0, commas = 0
        var lastSpace = true
        for u in s.unicodeScalars {
            switch u.value {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C, 0xA0:
                if !lastSpace { len += 1; lastSpace = true }
            case 0x2C, 0x060C, 0xFE50, 0xFE10, 0xFE11, 0x2E41, 0x2E34, 0x2E32, 0xFF0C, 0x3001:
                commas += 1; len += 1; lastSpace = false
            default:
                len += 1; lastSpace = false
            }
        }
        return (len, commas)
    }

    func linkDensity(_ id: Document.NodeID) -> Float {
        let t = text[Int(id.index)]
        return t == 0 ? 0 : link[Int(id.index)] / Float(t)
    }

    /// Takes `id`'s measures out of its ancestors (call before detaching it).
    mutating func remove(_ id: Document.NodeID, in doc: Document) {
        let i = Int(id.index)
        guard i < text.count else { return }
        var cur = doc[id].parent
        while let p = cur {
            let pi = Int(p.index)
            guard pi < text.count else { break }
            text[pi] -= text[i]
            link[pi] -= link[i]
            commas[pi] -= commas[i]
            paragraphs[pi] -= paragraphs[i]
            images[pi] -= images[i]
            listItems[pi] -= listItems[i]
            inputs[pi] -= inputs[i]
            embeds[pi] -= embeds[i]
            headingText[pi] -= headingText[i]
            cur = doc[p].parent
        }
    }
}
