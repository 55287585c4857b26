import OffprintSupport

/// Turns a leaf block's inline atoms into Markdown text.
///
/// Three passes over the atoms:
/// 1. normalize: drop marks around nothing but white space, merge `</b><b>`, drop hard
///    breaks at the start and end;
/// 2. flanking: a CommonMark delimiter run only opens (closes) emphasis when it is left-
///    (right-) flanking. Where `**` would sit between a letter and punctuation, as in
///    `<strong>注意：</strong>这是`, the delimiter is moved past the edge punctuation, white
///    space, image or code span (`**注意**：这是`): the text stays the same, only the edge
///    character leaves the emphasis. If that cannot work, the mark is written as HTML;
/// 3. write: every character is escaped only where it could otherwise become markup,
///    judged from its real neighbours (line start, flanking, what follows).
struct InlineRenderer {
    enum Context {
        /// A paragraph: its lines can start block syntax, so line starts are escaped.
        case paragraph
        /// ATX heading text: one line; a closing `#` sequence must be escaped.
        case heading
        /// A GFM table cell: one line, `|` escaped, hard breaks as `<br>`.
        case tableCell
    }

    private var atoms: [Atom]
    private var marks: [Mark]
    private let images: [InlineImage]
    private var codes: [String]
    private let raws: [String]
    private let context: Context
    private let gfm: Bool
    /// The text opens a list item: `[ ]` there would become a task list checkbox.
    private let listItemStart: Bool
    private var out: [UInt8] = []
    private var pairs: [Pair] = []
    /// For each atom, the index in `pairs` of the emphasis pair it opens or closes, or -1.
    private var pairOfAtom: [Int32] = []

    /// Renders `buffer` (whose marks must all be closed). Lines are separated by "\n".
    static func render(_ buffer: InlineBuffer, context: Context, gfm: Bool, listItemStart: Bool = false) -> String {
        var r = InlineRenderer(buffer: buffer, context: context, gfm: gfm, listItemStart: listItemStart)
        r.normalize()
        r.fixFlanking()
        r.write()
        return String(decoding: r.out, as: UTF8.self)
    }

    private init(buffer: InlineBuffer, context: Context, gfm: Bool, listItemStart: Bool) {
        atoms = buffer.atoms
        marks = buffer.marks
        images = buffer.images
        codes = buffer.codes
        raws = buffer.raws
        self.context = context
        self.gfm = gfm
        self.listItemStart = listItemStart
    }

    // MARK: 1. Normalize

    private static func isVisible(_ a: Atom) -> Bool {
        switch a {
        case .char(let c): return !CharacterClass.isWhitespace(c)
        case .image, .code, .raw: return true
        case .open, .close, .hardBreak: return false
        }
    }

    private mutating func normalize() {
        var result: [Atom] = []
        result.reserveCapacity(atoms.count)
        // (mark, index of its open atom in `result`, visible atoms before it)
        var stack: [(mark: Int32, at: Int, visible: Int)] = []
        var lastClosed: (mark: Int32, at: Int, visible: Int)?
        var alias: [Int32: Int32] = [:]
        var visible = 0
        for a in atoms {
            switch a {
            case .open(let m):
                if marks[Int(m)].form == .plain { continue }
                if case .close(let prev)? = result.last, let lc = lastClosed, lc.mark == prev,
                   marks[Int(prev)].continues(marks[Int(m)]) {
                    // `</b><b>`: continue the previous mark.
                    result.removeLast()
                    stack.append(lc)
                    alias[m] = prev
                } else {
                    stack.append((m, result.count, visible))
                    result.append(a)
                }
                lastClosed = nil
            case .close(let m0):
                if marks[Int(m0)].form == .plain { continue }
                let m = alias[m0] ?? m0
                guard let top = stack.popLast() else { continue }
                if top.visible == visible && marks[Int(m)].kind != .link {
                    // Nothing visible inside: drop the mark, keep any white space.
                    result.remove(at: top.at)
                    lastClosed = nil
                } else {
                    result.append(.close(m))
                    lastClosed = top
                }
            case .hardBreak:
                if visible == 0 { continue }
                result.append(a)
                lastClosed = nil
            case .code(let k):
                // Two code spans side by side would merge their backticks: one span.
                if case .code(let prev)? = result.last {
                    codes[Int(prev)] += codes[Int(k)]
                    continue
                }
                visible += 1
                result.append(a)
                lastClosed = nil
            default:
                if Self.isVisible(a) { visible += 1 }
                result.append(a)
                lastClosed = nil
            }
        }
        // Hard breaks after the last visible atom.
        if let lastVisible = result.lastIndex(where: Self.isVisible) {
            var i = result.count - 1
            while i > lastVisible {
                if result[i] == .hardBreak { result.remove(at: i) }
                i -= 1
            }
        }
        atoms = result
    }

    // MARK: 2. Flanking

    /// The delimiter character of a Markdown-form emphasis atom.
    private func delimiter(_ i: Int) -> Unicode.Scalar? {
        switch atoms[i] {
        case .open(let m), .close(let m):
            let mark = marks[Int(m)]
            guard mark.form == .markdown else { return nil }
            switch mark.kind {
            case .emphasis: return mark.underscore ? "_" : "*"
            case .strong: return "*"
            case .strikethrough: return "~"
            default: return nil
            }
        default:
            return nil
        }
    }

    private func isMarkdownLink(_ m: Int32) -> Bool {
        marks[Int(m)].kind == .link && marks[Int(m)].form == .markdown
    }

    /// The character a reader of the Markdown sees at the start (or end) of atom `i`.
    private func edge(_ i: Int, leading: Bool) -> Unicode.Scalar {
        // Marks written as nothing show what is beyond them.
        var i = i
        while isPlainMark(i) {
            i += leading ? 1 : -1
            if i < 0 || i >= atoms.count { return "\n" }
        }
        switch atoms[i] {
        case .char(let c): return c
        case .open(let m), .close(let m):
            let mark = marks[Int(m)]
            if mark.form == .html { return leading ? "<" : ">" }
            switch mark.kind {
            case .emphasis: return mark.underscore ? "_" : "*"
            case .strong: return "*"
            case .strikethrough: return "~"
            case .link:
                if case .open = atoms[i] { return leading ? "[" : "<" }
                return ")"
            case .superscript, .subscript: return leading ? "<" : ">"
            }
        case .image: return leading ? "!" : ")"
        case .code: return "`"
        case .raw: return leading ? "[" : "]"
        case .hardBreak:
            switch context {
            case .paragraph: return "\n"
            case .heading: return " "
            case .tableCell: return leading ? "<" : ">"
            }
        }
    }

    private func isPlainMark(_ i: Int) -> Bool {
        switch atoms[i] {
        case .open(let m), .close(let m): return marks[Int(m)].form == .plain
        default: return false
        }
    }

    private func before(_ i: Int) -> Unicode.Scalar { i > 0 ? edge(i - 1, leading: false) : "\n" }
    private func after(_ i: Int) -> Unicode.Scalar { i + 1 < atoms.count ? edge(i + 1, leading: true) : "\n" }

    private static func leftFlanking(_ prev: Unicode.Scalar, _ next: Unicode.Scalar) -> Bool {
        if CharacterClass.isWhitespace(next) { return false }
        if !CharacterClass.isPunctuation(next) { return true }
        return CharacterClass.isWhitespace(prev) || CharacterClass.isPunctuation(prev)
    }

    private static func rightFlanking(_ prev: Unicode.Scalar, _ next: Unicode.Scalar) -> Bool {
        if CharacterClass.isWhitespace(prev) { return false }
        if !CharacterClass.isPunctuation(prev) { return true }
        return CharacterClass.isWhitespace(next) || CharacterClass.isPunctuation(next)
    }

    /// CommonMark's "can open"/"can close" for a delimiter run of `ch` between `prev` and
    /// `next` (`_` may not open or close inside a word).
    private static func canOpen(_ ch: Unicode.Scalar, _ prev: Unicode.Scalar, _ next: Unicode.Scalar) -> Bool {
        let lf = leftFlanking(prev, next)
        if ch != "_" { return lf }
        return lf && (!rightFlanking(prev, next) || CharacterClass.isPunctuation(prev))
    }

    private static func canClose(_ ch: Unicode.Scalar, _ prev: Unicode.Scalar, _ next: Unicode.Scalar) -> Bool {
        let rf = rightFlanking(prev, next)
        if ch != "_" { return rf }
        return rf && (!leftFlanking(prev, next) || CharacterClass.isPunctuation(next))
    }

    /// The characters around the delimiter run that contains atom `i`.
    private func runNeighbours(_ i: Int) -> (prev: Unicode.Scalar, next: Unicode.Scalar) {
        let ch = delimiter(i)
        var s = i
        while s > 0, delimiter(s - 1) == ch { s -= 1 }
        var e = i
        while e + 1 < atoms.count, delimiter(e + 1) == ch { e += 1 }
        return (before(s), after(e))
    }

    private func canOpen(_ i: Int) -> Bool {
        guard let ch = delimiter(i) else { return true }
        let (p, n) = runNeighbours(i)
        guard Self.canOpen(ch, p, n) else { return false }
        // An opener that could also close would close an enclosing emphasis of the same
        // character instead of opening its own; next to another kind of delimiter run,
        // renderers disagree on such runs.
        if Self.canClose(ch, p, n) && (touchesOtherDelimiter(i, ch) || runMixes(i, ch) || enclosedBySameDelimiter(i, ch)) {
            return false
        }
        return true
    }

    /// The delimiter run of atom `i` holds both closing and opening delimiters.
    private func runMixes(_ i: Int, _ ch: Unicode.Scalar) -> Bool {
        var s = i
        while s > 0, delimiter(s - 1) == ch { s -= 1 }
        var e = i
        while e + 1 < atoms.count, delimiter(e + 1) == ch { e += 1 }
        var opens = false, closes = false
        for j in s...e {
            if case .open = atoms[j] { opens = true } else { closes = true }
        }
        return opens && closes
    }

    /// The delimiter run of atom `i` is right next to a run of another character.
    private func touchesOtherDelimiter(_ i: Int, _ ch: Unicode.Scalar) -> Bool {
        var s = i
        while s > 0, delimiter(s - 1) == ch { s -= 1 }
        var e = i
        while e + 1 < atoms.count, delimiter(e + 1) == ch { e += 1 }
        if s > 0, let d = delimiter(s - 1), d != ch { return true }
        if e + 1 < atoms.count, let d = delimiter(e + 1), d != ch { return true }
        return false
    }

    /// Whether an emphasis written with `ch` is open around the delimiter atom `i`.
    private func enclosedBySameDelimiter(_ i: Int, _ ch: Unicode.Scalar) -> Bool {
        guard i < pairOfAtom.count, pairOfAtom[i] >= 0 else { return false }
        var k = pairs[Int(pairOfAtom[i])].parent
        while k >= 0 {
            if delimiter(pairs[k].open) == ch { return true }
            k = pairs[k].parent
        }
        return false
    }

    private func canClose(_ i: Int) -> Bool {
        guard let ch = delimiter(i) else { return true }
        let (p, n) = runNeighbours(i)
        guard Self.canClose(ch, p, n) else { return false }
        if Self.canOpen(ch, p, n) && (touchesOtherDelimiter(i, ch) || runMixes(i, ch)) { return false }
        return true
    }

    /// Atoms a delimiter may step over: they leave the emphasis without changing the text.
    private func movable(_ i: Int) -> Bool {
        switch atoms[i] {
        case .char(let c): return CharacterClass.isWhitespace(c) || CharacterClass.isPunctuation(c)
        case .image, .code, .raw, .hardBreak: return true
        case .open, .close: return false
        }
    }

    private func hasVisible(_ range: Range<Int>) -> Bool {
        atoms[range].contains(where: Self.isVisible)
    }

    /// The matching close of the open atom at `i` (or open of the close atom).
    private func partner(of i: Int) -> Int? {
        var depth = 0
        if case .close = atoms[i] {
            var j = i
            while j >= 0 {
                switch atoms[j] {
                case .close: depth += 1
                case .open:
                    depth -= 1
                    if depth == 0 { return j }
                default: break
                }
                j -= 1
            }
            return nil
        }
        var j = i
        while j < atoms.count {
            switch atoms[j] {
            case .open: depth += 1
            case .close:
                depth -= 1
                if depth == 0 { return j }
            default: break
            }
            j += 1
        }
        return nil
    }

    private struct Pair {
        var open: Int
        var close: Int
        var mark: Int32
        /// Holds a character that is neither white space nor punctuation.
        var hasWord: Bool
        /// The nearest emphasis pair around this one, or -1.
        var parent: Int
    }

    /// The Markdown emphasis pairs (inner ones first), and for each atom its pair.
    private mutating func indexPairs() {
        pairs.removeAll(keepingCapacity: true)
        pairOfAtom = [Int32](repeating: -1, count: atoms.count)
        var stack: [Int] = []
        // A pair is found when it closes, its parent later: each open mark keeps the
        // pairs found inside it.
        var openChildren: [[Int]] = [[]]
        for (i, a) in atoms.enumerated() {
            switch a {
            case .open:
                stack.append(i)
                openChildren.append([])
            case .close(let m):
                guard let o = stack.popLast() else { continue }
                let children = openChildren.removeLast()
                guard delimiter(i) != nil else {
                    openChildren[openChildren.count - 1].append(contentsOf: children)
                    continue
                }
                var word = false
                for j in (o + 1)..<i {
                    if case .char(let c) = atoms[j], !CharacterClass.isWhitespace(c), !CharacterClass.isPunctuation(c) {
                        word = true
                        break
                    }
                }
                let k = pairs.count
                pairs.append(Pair(open: o, close: i, mark: m, hasWord: word, parent: -1))
                for c in children { pairs[c].parent = k }
                openChildren[openChildren.count - 1].append(k)
                pairOfAtom[o] = Int32(k)
                pairOfAtom[i] = Int32(k)
            default: break
            }
        }
    }

    private mutating func swapAtoms(_ a: Int, _ b: Int) {
        atoms.swapAt(a, b)
        pairOfAtom.swapAt(a, b)
    }

    private mutating func fixFlanking() {
        indexPairs()
        guard !pairs.isEmpty else { return }
        var restructures = 0
        while true {
            // Step delimiters over edge punctuation, white space, images, code spans; inner
            // pairs first (they close first), a few sweeps until nothing moves.
            for _ in 0..<8 {
                var changed = false
                for k in pairs.indices where pairs[k].hasWord {
                    var o = pairs[k].open, c = pairs[k].close
                    while !canOpen(o), o + 1 < c, movable(o + 1) {
                        swapAtoms(o, o + 1)
                        o += 1
                        pairs[k].open = o
                        changed = true
                    }
                    while !canClose(c), c - 1 > o, movable(c - 1) {
                        swapAtoms(c, c - 1)
                        c -= 1
                        pairs[k].close = c
                        changed = true
                    }
                }
                if !changed { break }
            }
            // Emphasis that touches a link bracket goes inside the link: `a**[x](u)**b`
            // cannot render, `a[**x**](u)b` does.
            guard restructures < 32, let k = pairs.firstIndex(where: { p in
                (!canOpen(p.open) && isLinkOpen(p.open + 1)) || (!canClose(p.close) && isLinkClose(p.close - 1))
            }) else { break }
            let p = pairs[k]
            if !canOpen(p.open) && isLinkOpen(p.open + 1) {
                moveIntoLink(openerAt: p.open, closerAt: p.close)
            } else {
                moveIntoLink(closerAt: p.close, openerAt: p.open)
            }
            restructures += 1
            indexPairs()
        }
        chooseUnderscores(pairs)
        // Emphasis right inside emphasis with nothing between their delimiters would make
        // one `**` run (strong): the inner one goes; it changes nothing a reader sees.
        if dropMergedEmphasis(pairs) {
            indexPairs()
        }
        // What still cannot render as Markdown is written as HTML (a few rounds: a change
        // can make a neighbour fail; past that, everything left goes at once).
        for round in 0..<16 {
            var changed = false
            for p in pairs where marks[Int(p.mark)].form == .markdown {
                if !canOpen(p.open) || !canClose(p.close) {
                    // Emphasis on nothing but punctuation (`<b>"</b>The`, `<i>|</i>回复`)
                    // shows no difference a reader would miss: plain text, not HTML.
                    marks[Int(p.mark)].form = onlyPunctuation(p) ? .plain : .html
                    changed = true
                }
            }
            if !changed { break }
            if round == 15 {
                for p in pairs { marks[Int(p.mark)].form = .html }
            }
        }
    }

    /// The pair holds only punctuation and white space (no word, image or code span).
    private func onlyPunctuation(_ p: Pair) -> Bool {
        guard !p.hasWord else { return false }
        for j in (p.open + 1)..<p.close {
            switch atoms[j] {
            case .image, .code, .raw: return false
            default: continue
            }
        }
        return true
    }

    /// Removes an emphasis pair whose delimiter run holds another emphasis delimiter of
    /// the same character. Returns whether atoms were removed.
    private mutating func dropMergedEmphasis(_ pairs: [Pair]) -> Bool {
        var remove = Set<Int>()
        for p in pairs where marks[Int(p.mark)].kind == .emphasis && marks[Int(p.mark)].form == .markdown {
            guard let ch = delimiter(p.open) else { continue }
            for i in [p.open, p.close] {
                var s = i
                while s > 0, delimiter(s - 1) == ch { s -= 1 }
                var e = i
                while e + 1 < atoms.count, delimiter(e + 1) == ch { e += 1 }
                var ems = 0
                for j in s...e where !remove.contains(j) {
                    if case .open(let m) = atoms[j], marks[Int(m)].kind == .emphasis { ems += 1 }
                    if case .close(let m) = atoms[j], marks[Int(m)].kind == .emphasis { ems += 1 }
                }
                if ems > 1 {
                    // Drop the pair opened last among those in the run: this one if it is
                    // inside another.
                    if enclosedByEmphasis(p.open) {
                        remove.insert(p.open)
                        remove.insert(p.close)
                    }
                    break
                }
            }
        }
        guard !remove.isEmpty else { return false }
        atoms = atoms.enumerated().filter { !remove.contains($0.offset) }.map(\.element)
        return true
    }

    private func enclosedByEmphasis(_ i: Int) -> Bool {
        var depth = 0
        var j = i - 1
        while j >= 0 {
            switch atoms[j] {
            case .close: depth += 1
            case .open(let m):
                if depth == 0 {
                    if marks[Int(m)].kind == .emphasis && marks[Int(m)].form == .markdown { return true }
                } else {
                    depth -= 1
                }
            default: break
            }
            j -= 1
        }
        return false
    }

    private func isLinkOpen(_ i: Int) -> Bool {
        guard i < atoms.count, case .open(let m) = atoms[i] else { return false }
        return isMarkdownLink(m)
    }

    private func isLinkClose(_ i: Int) -> Bool {
        guard i >= 0, case .close(let m) = atoms[i] else { return false }
        return isMarkdownLink(m)
    }

    private mutating func copyMark(_ m: Int32) -> Int32 {
        marks.append(marks[Int(m)])
        return Int32(marks.count - 1)
    }

    /// `E( L(content) rest )` → `L( E(content) ) E(rest)`.
    private mutating func moveIntoLink(openerAt o: Int, closerAt c: Int) {
        guard case .open(let m) = atoms[o], let lc = partner(of: o + 1), lc < c else { return }
        var new = Array(atoms[0..<o])
        let contentVisible = hasVisible((o + 2)..<lc)
        if contentVisible {
            new.append(atoms[o + 1])
            new.append(.open(m))
            new.append(contentsOf: atoms[(o + 2)..<lc])
            new.append(.close(m))
            new.append(atoms[lc])
        } else {
            new.append(contentsOf: atoms[(o + 1)...lc])
        }
        if hasVisible((lc + 1)..<c) {
            let m2 = contentVisible ? copyMark(m) : m
            new.append(.open(m2))
            new.append(contentsOf: atoms[(lc + 1)..<c])
            new.append(.close(m2))
        } else {
            new.append(contentsOf: atoms[(lc + 1)..<c])
        }
        new.append(contentsOf: atoms[(c + 1)...])
        atoms = new
    }

    /// `E( pre L(content) )` → `E(pre) L( E(content) )`.
    private mutating func moveIntoLink(closerAt c: Int, openerAt o: Int) {
        guard case .open(let m) = atoms[o], let lo = partner(of: c - 1), lo > o else { return }
        var new = Array(atoms[0..<o])
        let preVisible = hasVisible((o + 1)..<lo)
        if preVisible {
            new.append(.open(m))
            new.append(contentsOf: atoms[(o + 1)..<lo])
            new.append(.close(m))
        } else {
            new.append(contentsOf: atoms[(o + 1)..<lo])
        }
        if hasVisible((lo + 1)..<(c - 1)) {
            let m2 = preVisible ? copyMark(m) : m
            new.append(atoms[lo])
            new.append(.open(m2))
            new.append(contentsOf: atoms[(lo + 1)..<(c - 1)])
            new.append(.close(m2))
            new.append(atoms[c - 1])
        } else {
            new.append(contentsOf: atoms[lo...(c - 1)])
        }
        new.append(contentsOf: atoms[(c + 1)...])
        atoms = new
    }

    /// Emphasis right next to another `*` delimiter would merge into its run (`**x**` for
    /// `<em><em>x</em></em>`, `***x***` reordering `<strong><em>`): written with `_` where
    /// `_` can open and close there.
    private mutating func chooseUnderscores(_ pairs: [Pair]) {
        for p in pairs {
            guard marks[Int(p.mark)].kind == .emphasis, marks[Int(p.mark)].form == .markdown else { continue }
            let touches = (p.open > 0 && delimiter(p.open - 1) == "*") || (p.open + 1 < atoms.count && delimiter(p.open + 1) == "*")
                || (p.close > 0 && delimiter(p.close - 1) == "*") || (p.close + 1 < atoms.count && delimiter(p.close + 1) == "*")
            guard touches else { continue }
            let touchesUnderscore = (p.open > 0 && delimiter(p.open - 1) == "_") || (p.open + 1 < atoms.count && delimiter(p.open + 1) == "_")
                || (p.close > 0 && delimiter(p.close - 1) == "_") || (p.close + 1 < atoms.count && delimiter(p.close + 1) == "_")
            guard !touchesUnderscore else { continue }
            marks[Int(p.mark)].underscore = true
            if !canOpen(p.open) || !canClose(p.close) || !neighboursStillRender(p) {
                marks[Int(p.mark)].underscore = false
            }
        }
    }

    /// After switching a pair to `_`, the `*` runs it split must still work.
    private func neighboursStillRender(_ p: Pair) -> Bool {
        for i in [p.open - 1, p.open + 1, p.close - 1, p.close + 1] where i >= 0 && i < atoms.count && delimiter(i) == "*" {
            guard case .open = atoms[i] else {
                if !canClose(i) { return false }
                continue
            }
            if !canOpen(i) { return false }
        }
        return true
    }

    // MARK: 3. Write

    private mutating func write() {
        out.reserveCapacity(atoms.count + 16)
        var lineStart = context == .paragraph
        var firstLine = true
        var inLink = 0
        var runJudgedUntil = -1      // a `*`/`_`/`~` run is judged once, at its first character
        var runEscaped = false
        var escapeIndex = -1         // one more character to escape (ordered list delimiters…)
        var i = 0
        while i < atoms.count {
            let atom = atoms[i]
            switch atom {
            case .char(let c):
                if lineStart {
                    lineStart = false
                    escapeIndex = lineStartEscape(at: i, firstLine: firstLine)
                }
                let escape: Bool
                if i <= runJudgedUntil {
                    escape = runEscaped
                } else {
                    escape = needsEscape(c, at: i, inLink: inLink > 0, runEnd: &runJudgedUntil, runEscaped: &runEscaped)
                }
                if i == escapeIndex || escape {
                    out.write("\\")
                }
                out.write(scalar: c)
            case .open(let m):
                let mark = marks[Int(m)]
                if mark.kind == .link, mark.form == .markdown, let close = partner(of: i), let auto = autolink(mark, from: i + 1, to: close) {
                    out.write(auto)
                    i = close + 1
                    lineStart = false
                    continue
                }
                out.write(openMarkup(mark))
                if mark.kind == .link && mark.form == .markdown { inLink += 1 }
                lineStart = false
            case .close(let m):
                let mark = marks[Int(m)]
                out.write(closeMarkup(mark))
                if mark.kind == .link && mark.form == .markdown { inLink -= 1 }
            case .image(let k):
                let img = images[Int(k)]
                out.write("![")
                out.write(Self.escapeLinkText(img.alt, gfm: gfm))
                out.write("](")
                out.write(Self.destination(img.src))
                out.write(Self.title(img.title))
                out.write(")")
                lineStart = false
            case .code(let k):
                // Code spans that ended up side by side (a delimiter moved away) are one.
                var content = codes[Int(k)]
                while i + 1 < atoms.count, case .code(let k2) = atoms[i + 1] {
                    content += codes[Int(k2)]
                    i += 1
                }
                out.write(Self.codeSpan(content, atLineStart: lineStart))
                lineStart = false
            case .raw(let k):
                out.write(raws[Int(k)])
                lineStart = false
            case .hardBreak:
                switch context {
                case .paragraph:
                    out.write("\\\n")
                    lineStart = true
                    firstLine = false
                case .heading:
                    out.write(" ")
                case .tableCell:
                    out.write("<br>")
                }
            }
            i += 1
        }
        switch context {
        case .heading: escapeClosingHashes()
        case .tableCell:
            if out.contains(UInt8(ascii: "|")) {
                var escaped: [UInt8] = []
                escaped.reserveCapacity(out.count + 8)
                for b in out {
                    if b == UInt8(ascii: "|") { escaped.append(UInt8(ascii: "\\")) }
                    escaped.append(b)
                }
                out = escaped
            }
        case .paragraph: break
        }
    }

    private func openMarkup(_ mark: Mark) -> String {
        switch mark.form {
        case .plain: return ""
        case .html: return "<" + Self.htmlTag(mark.kind) + ">"
        case .markdown:
            switch mark.kind {
            case .emphasis: return mark.underscore ? "_" : "*"
            case .strong: return "**"
            case .strikethrough: return "~~"
            case .link: return "["
            case .superscript, .subscript: return "<" + Self.htmlTag(mark.kind) + ">"
            }
        }
    }

    private func closeMarkup(_ mark: Mark) -> String {
        switch mark.form {
        case .plain: return ""
        case .html: return "</" + Self.htmlTag(mark.kind) + ">"
        case .markdown:
            switch mark.kind {
            case .emphasis: return mark.underscore ? "_" : "*"
            case .strong: return "**"
            case .strikethrough: return "~~"
            case .link: return "](" + Self.destination(mark.href) + Self.title(mark.title) + ")"
            case .superscript, .subscript: return "</" + Self.htmlTag(mark.kind) + ">"
            }
        }
    }

    private static func htmlTag(_ kind: MarkKind) -> String {
        switch kind {
        case .emphasis: return "em"
        case .strong: return "strong"
        case .strikethrough: return "del"
        case .link: return "a"
        case .superscript: return "sup"
        case .subscript: return "sub"
        }
    }

    /// `<url>` when the link text is the URL itself (or the address of a `mailto:` link).
    private func autolink(_ mark: Mark, from start: Int, to end: Int) -> String? {
        guard mark.title.isEmpty, end > start else { return nil }
        // The text must be the URL, or the address of a `mailto:` URL: same length first.
        let hrefLength = mark.href.unicodeScalars.count
        guard end - start == hrefLength || end - start == hrefLength - 7 else { return nil }
        var text = String.UnicodeScalarView()
        for j in start..<end {
            guard case .char(let c) = atoms[j] else { return nil }
            text.append(c)
        }
        let t = String(text)
        let href = mark.href
        guard !href.unicodeScalars.contains(where: { $0 == "<" || $0 == ">" || $0 == "\\" || CharacterClass.isWhitespace($0) || $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        if t == href, Self.hasScheme(href), !href.lowercased().hasPrefix("mailto:") { return "<" + href + ">" }
        if href.lowercased() == "mailto:" + t.lowercased(), Self.isEmailAddress(t) { return "<" + t + ">" }
        return nil
    }

    /// A URI scheme as CommonMark autolinks require: a letter, then 1–31 of letters, digits,
    /// `+`, `.`, `-`, then `:`.
    static func hasScheme(_ url: String) -> Bool {
        var n = 0
        for c in url.unicodeScalars {
            if c == ":" { return n >= 2 }
            let ok = n == 0 ? (CharacterClass.isASCIIAlphanumeric(c) && !(c.value >= 0x30 && c.value <= 0x39))
                            : (CharacterClass.isASCIIAlphanumeric(c) || c == "+" || c == "." || c == "-")
            if !ok || n >= 32 { return false }
            n += 1
        }
        return false
    }

    static func isEmailAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return false }
        let localOK = parts[0].unicodeScalars.allSatisfy { c in
            CharacterClass.isASCIIAlphanumeric(c) || ".!#$%&'*+/=?^_`{|}~-".unicodeScalars.contains(c)
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        let domainOK = labels.allSatisfy { l in
            !l.isEmpty && l.count <= 63 && l.first != "-" && l.last != "-"
                && l.unicodeScalars.allSatisfy { CharacterClass.isASCIIAlphanumeric($0) || $0 == "-" }
        }
        return localOK && domainOK
    }

    // MARK: Escaping

    private func scalar(_ i: Int) -> Unicode.Scalar? {
        guard i < atoms.count else { return nil }
        if case .char(let c) = atoms[i] { return c }
        return nil
    }

    /// The rest of the line from atom `i` consists only of `allowed` characters (and at
    /// least one of `required`).
    private func lineIsOnly(from i: Int, _ allowed: (Unicode.Scalar) -> Bool, required: Unicode.Scalar) -> Bool {
        var j = i
        var seen = false
        while j < atoms.count {
            if atoms[j] == .hardBreak { break }
            guard let c = scalar(j), allowed(c) else { return false }
            if c == required { seen = true }
            j += 1
        }
        return seen
    }

    /// Whether the line continues with white space (or ends) after atom `i`.
    private func spaceOrEnd(after i: Int) -> Bool {
        guard i + 1 < atoms.count else { return true }
        switch atoms[i + 1] {
        case .hardBreak: return true
        case .char(let c): return c == " " || c == "\t"
        default: return false
        }
    }

    /// Block syntax a line of text could start; returns the index of the character to
    /// escape, or -1.
    private func lineStartEscape(at i: Int, firstLine: Bool) -> Int {
        guard case .char(let c) = atoms[i] else { return -1 }
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        switch c {
        case ">":
            return i
        case "#":
            var j = i
            while j < atoms.count, scalar(j) == "#", j - i < 7 { j += 1 }
            return (j - i <= 6 && spaceOrEnd(after: j - 1)) ? i : -1
        case "-":
            if spaceOrEnd(after: i) { return i }
            if lineIsOnly(from: i, { $0 == "-" || isSpace($0) }, required: "-") { return i }
        case "+":
            if spaceOrEnd(after: i) { return i }
        case "*", "_":
            if spaceOrEnd(after: i) && c == "*" { return i }
            if lineIsOnly(from: i, { $0 == c || isSpace($0) }, required: c) { return i }
        case "=":
            if lineIsOnly(from: i, { $0 == "=" || isSpace($0) }, required: "=") { return i }
        case "~":
            if scalar(i + 1) == "~" && scalar(i + 2) == "~" { return i }
        case "0"..."9":
            var j = i
            while let d = scalar(j), d.properties.numericType == .decimal, d.value < 0x80, j - i < 10 { j += 1 }
            if j - i <= 9, let d = scalar(j), d == "." || d == ")", spaceOrEnd(after: j) { return j }
        case "[":
            if listItemStart && firstLine, let m = scalar(i + 1), m == " " || m == "x" || m == "X",
               scalar(i + 2) == "]", spaceOrEnd(after: i + 2) { return i }
            if firstLine {
                // `[label]: destination` would be a link reference definition.
                var j = i + 1
                while let d = scalar(j), d != "]" { j += 1 }
                if scalar(j) == "]", scalar(j + 1) == ":" { return i }
            }
        default:
            break
        }
        if gfm && !firstLine && (c == "|" || c == ":" || c == "-") {
            // A line like `--- | ---` after another would make a table delimiter row.
            if lineIsOnly(from: i, { $0 == "|" || $0 == ":" || $0 == "-" || isSpace($0) }, required: "-") {
                var j = i
                while scalar(j) != "-" { j += 1 }
                return j
            }
        }
        return -1
    }

    /// Whether a character must be escaped where it stands. For `*`, `_` and `~` the whole
    /// run is judged at its first character: `runEnd` is set to its last index and
    /// `runEscaped` to the verdict for all of it.
    private func needsEscape(_ c: Unicode.Scalar, at i: Int, inLink: Bool, runEnd: inout Int, runEscaped: inout Bool) -> Bool {
        switch c {
        case "\\":
            let n = after(i)
            return n == "\n" || CharacterClass.isASCIIPunctuation(n)
        case "`":
            return true
        case "*", "_", "~":
            if c == "~" && !gfm { return false }
            var e = i
            while scalar(e + 1) == c { e += 1 }
            let prev = before(i), next = after(e)
            var escape: Bool
            let lf = Self.leftFlanking(prev, next), rf = Self.rightFlanking(prev, next)
            if c == "_" {
                escape = (lf && (!rf || CharacterClass.isPunctuation(prev))) || (rf && (!lf || CharacterClass.isPunctuation(next)))
            } else {
                escape = lf || rf
            }
            // Next to a delimiter of ours the run would merge with it.
            if (i > 0 && delimiter(i - 1) == c) || (e + 1 < atoms.count && delimiter(e + 1) == c) { escape = true }
            runEnd = e
            runEscaped = escape
            return escape
        case "[", "]":
            if inLink { return true }
            if c == "]" {
                let n = after(i)
                return n == "(" || n == ":"
            }
            return false
        case "!":
            if i + 1 < atoms.count, case .open(let m) = atoms[i + 1], marks[Int(m)].kind == .link, marks[Int(m)].form == .markdown {
                return true
            }
            return false
        case "<":
            let n = after(i)
            return CharacterClass.isASCIIAlphanumeric(n) || n == "/" || n == "!" || n == "?"
        case "&":
            return looksLikeEntity(at: i)
        case ":", ".":
            return gfm && !inLink && startsAutolink(at: i, c)
        default:
            return false
        }
    }

    /// `&name;`, `&#123;` or `&#x1F;` starts at atom `i` (any length: renderers differ on
    /// the limits).
    private func looksLikeEntity(at i: Int) -> Bool {
        var j = i + 1
        if scalar(j) == "#" {
            j += 1
            var hex = false
            if let x = scalar(j), x == "x" || x == "X" { hex = true; j += 1 }
            let start = j
            while let d = scalar(j), hex ? d.properties.isASCIIHexDigit : (d.value >= 0x30 && d.value <= 0x39) { j += 1 }
            return j > start && scalar(j) == ";"
        }
        let start = j
        while let d = scalar(j), CharacterClass.isASCIIAlphanumeric(d) { j += 1 }
        return j > start && scalar(j) == ";"
    }

    /// GFM turns `http://…`, `https://…`, `ftp://…` and `www.…` in text into links (and keeps
    /// our backslashes in their URLs). The `:` (or the `.` after `www`) is escaped so text
    /// stays text.
    private func startsAutolink(at i: Int, _ c: Unicode.Scalar) -> Bool {
        func lower(_ j: Int) -> Unicode.Scalar? {
            guard j >= 0, let s = scalar(j) else { return nil }
            return s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 32) : s
        }
        func boundary(_ j: Int) -> Bool {
            guard j >= 0 else { return true }
            guard let s = scalar(j) else { return true }
            return !CharacterClass.isASCIIAlphanumeric(s)
        }
        if c == ":" {
            guard scalar(i + 1) == "/", scalar(i + 2) == "/" else { return false }
            for scheme in ["http", "https", "ftp"] {
                let n = scheme.unicodeScalars.count
                if zip(scheme.unicodeScalars, (i - n)..<i).allSatisfy({ lower($1) == $0 }) && boundary(i - n - 1) { return true }
            }
            return false
        }
        // c == "."
        return lower(i - 1) == "w" && lower(i - 2) == "w" && lower(i - 3) == "w" && boundary(i - 4)
    }

    /// `# Title #` loses its closing sequence in a heading unless escaped.
    private mutating func escapeClosingHashes() {
        guard out.last == UInt8(ascii: "#") else { return }
        var s = out.count
        while s > 0, out[s - 1] == UInt8(ascii: "#") { s -= 1 }
        if s == 0 || out[s - 1] == UInt8(ascii: " ") || out[s - 1] == UInt8(ascii: "\t") {
            out.insert(UInt8(ascii: "\\"), at: s)
        }
    }

    // MARK: Pieces shared with the block writer

    /// Text inside `[…]` (link text of a media link, image alt): brackets and anything that
    /// could become inline markup are escaped.
    static func escapeLinkText(_ text: String, gfm: Bool) -> String {
        if !text.utf8.contains(where: { $0 == 0x5B || $0 == 0x5D || $0 == 0x60 || $0 == 0x2A || $0 == 0x5F || $0 == 0x7E || $0 == 0x5C || $0 == 0x3C || $0 == 0x26 }) {
            return text
        }
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            switch c {
            case "[", "]", "`", "*", "_":
                out += "\\"
            case "~" where gfm:
                out += "\\"
            case "\\":
                if i + 1 == scalars.count || CharacterClass.isASCIIPunctuation(scalars[i + 1]) { out += "\\" }
            case "<":
                if i + 1 < scalars.count, CharacterClass.isASCIIAlphanumeric(scalars[i + 1]) || "/!?".unicodeScalars.contains(scalars[i + 1]) { out += "\\" }
            case "&":
                if i + 1 < scalars.count, scalars[(i + 1)...].contains(";") { out += "\\" }
            default:
                break
            }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// A link destination: bare when possible, in `<…>` when it has spaces or unbalanced
    /// parentheses.
    static func destination(_ raw: String) -> String {
        // Most URLs need nothing.
        if !raw.isEmpty, !raw.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == 0x28 || $0 == 0x29 || $0 == 0x3C || $0 == 0x3E || $0 == 0x5C || $0 == 0x26 }) {
            return raw
        }
        // Everything that matters here is ASCII: work on the UTF-8 bytes.
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0C || $0 == 0x0D }
        var u = Array(raw.utf8.lazy.filter { $0 != 0x0A && $0 != 0x0D && $0 != 0x09 })
        guard let first = u.firstIndex(where: { !isSpace($0) }), let last = u.lastIndex(where: { !isSpace($0) }) else { return "<>" }
        if first > 0 || last < u.count - 1 { u = Array(u[first...last]) }
        var depth = 0
        var angle = false
        for c in u {
            if c <= 0x20 || c == 0x7F || c == 0x3C || c == 0x3E { angle = true }
            if c == 0x28 { depth += 1 }
            if c == 0x29 { depth -= 1; if depth < 0 { angle = true } }
        }
        if depth != 0 { angle = true }
        var out: [UInt8] = []
        out.reserveCapacity(u.count + 8)
        if angle { out.append(0x3C) }
        for (i, c) in u.enumerated() {
            switch c {
            case 0x5C: out += [0x5C, 0x5C]
            case 0x3C, 0x3E: out += [0x5C, c]
            case 0x26:
                // Written as an entity, not `\&`: cmark decodes entities in a destination
                // before backslash escapes, so `\&amp;` would lose its `amp;`. (An entity
                // ends within 34 characters.)
                var j = i + 1, chars = 0, semicolon = false
                while j < u.count, chars < 34 {
                    if u[j] == 0x3B { semicolon = true; break }
                    if u[j] & 0xC0 != 0x80 { chars += 1 }
                    j += 1
                }
                out += semicolon ? Array("&amp;".utf8) : [0x26]
            default: out.append(c)
            }
        }
        if angle { out.append(0x3E) }
        return String(decoding: out, as: UTF8.self)
    }

    /// ` "title"`, or nothing.
    static func title(_ raw: String) -> String {
        if raw.isEmpty { return "" }
        let t = raw.collapsingHTMLSpace()
        if t.isEmpty { return "" }
        var out = " \""
        let scalars = Array(t.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            if c == "\"" || c == "\\" { out += "\\" }
            if c == "&" && scalars[(i + 1)...].prefix(34).contains(";") {
                out += "&amp;"  // as in `destination`
                continue
            }
            out.unicodeScalars.append(c)
        }
        return out + "\""
    }

    /// A code span with a backtick string no run inside matches, padded where the content
    /// starts or ends with a backtick or with a space at both ends.
    static func codeSpan(_ content: String, atLineStart: Bool) -> String {
        var runs = Set<Int>()
        var run = 0
        for c in content.unicodeScalars {
            if c == "`" { run += 1 } else if run > 0 { runs.insert(run); run = 0 }
        }
        if run > 0 { runs.insert(run) }
        var n = 1
        while runs.contains(n) { n += 1 }
        if n >= 3 && atLineStart {
            // Three backticks at the start of a line open a code block. Text between
            // inline HTML tags is still Markdown: punctuation is escaped.
            var html = "<code>"
            for c in content.unicodeScalars {
                if c != "&" && c != "<" && c != ">" && CharacterClass.isASCIIPunctuation(c) { html += "\\" }
                Escape.appendText(c, to: &html)
            }
            return html + "</code>"
        }
        let fence = String(repeating: "`", count: n)
        let first = content.unicodeScalars.first, last = content.unicodeScalars.last
        let pad = first == "`" || last == "`"
            || (first == " " && last == " " && content.unicodeScalars.contains { $0 != " " })
        return pad ? fence + " " + content + " " + fence : fence + content + fence
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return replacing(target, with: replacement)
    }

    /// Without leading and trailing HTML white space.
    func trimmingHTMLSpace() -> String {
        let s = unicodeScalars
        guard let a = s.firstIndex(where: { !CharacterClass.isHTMLSpace($0) }),
              let b = s.lastIndex(where: { !CharacterClass.isHTMLSpace($0) }) else { return "" }
        return String(s[a...b])
    }

    /// HTML white space runs as single spaces, trimmed.
    func collapsingHTMLSpace() -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for c in unicodeScalars {
            if CharacterClass.isHTMLSpace(c) { space = true; continue }
            if space && !out.isEmpty { out.append(" ") }
            space = false
            out.append(c)
        }
        return String(out)
    }

    /// `&`, `<`, `>` (and `"`) as character references.
    func htmlEscaped(quotes: Bool = false) -> String { Escape.html(self, quotes: quotes) }
}

extension Array where Element == UInt8 {
    @inline(__always) mutating func write(_ s: String) { append(contentsOf: s.utf8) }

    @inline(__always) mutating func write(scalar c: Unicode.Scalar) {
        let v = c.value
        if v < 0x80 {
            append(UInt8(v))
        } else if v < 0x800 {
            append(UInt8(0xC0 | (v >> 6)))
            append(UInt8(0x80 | (v & 0x3F)))
        } else if v < 0x10000 {
            append(UInt8(0xE0 | (v >> 12)))
            append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            append(UInt8(0x80 | (v & 0x3F)))
        } else {
            append(UInt8(0xF0 | (v >> 18)))
            append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
