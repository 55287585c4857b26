/// Inline formatting that spans text: emphasis, links, scripts.
enum MarkKind: UInt8 {
    case emphasis, strong, strikethrough, link, superscript, `subscript`
}

/// How a mark is written.
enum MarkForm: UInt8 {
    /// Markdown syntax (`*`, `**`, `~~`, `[…](…)`).
    case markdown
    /// Inline HTML (`<sup>`, or `<strong>` when no Markdown delimiter can render it).
    case html
    /// Not written; its content is kept as plain text.
    case plain
}

struct Mark {
    var kind: MarkKind
    var form: MarkForm
    var href: String = ""
    var title: String = ""
    /// Emphasis written with `_` instead of `*` (chosen by the renderer next to `*` runs).
    var underscore = false
    /// The mark was opened (had content) in some leaf.
    var used = false

    /// Two marks of which one can continue the other (`</b><b>` is a no-op). Links never
    /// merge: two links side by side are two links in the page (`<a href=u>Title</a>
    /// <a href=u>More</a>` between CJK text, where the space between them disappears).
    func continues(_ other: Mark) -> Bool {
        kind != .link && kind == other.kind && form == other.form && href == other.href && title == other.title
    }
}

struct InlineImage {
    var src: String
    var alt: String
    var title: String
}

/// One element of a leaf block's inline content. Text is kept one scalar per atom so the
/// renderer can move delimiters past punctuation and look at both neighbours of every
/// character when it decides what to escape.
enum Atom: Equatable {
    case char(Unicode.Scalar)
    case open(Int32)       // index into `marks`
    case close(Int32)
    case image(Int32)      // index into `images`
    case code(Int32)       // index into `codes`
    case raw(Int32)        // literal Markdown, index into `raws` (task list checkboxes)
    case hardBreak
}

/// The inline content of the leaf block being built, with browser white-space collapsing
/// and the marks (emphasis, links) that are open around it.
///
/// Marks live on a stack that outlives a leaf: when a block interrupts inline formatting
/// (`<b>a<p>b</p></b>`), the renderer closes the marks at the end of one leaf and they are
/// opened again, lazily, before the first visible content of the next one. Lazy opening
/// also drops empty emphasis for free.
struct InlineBuffer {
    var atoms: [Atom] = []
    var marks: [Mark] = []
    var images: [InlineImage] = []
    var codes: [String] = []
    var raws: [String] = []

    /// Marks open around the current position, outermost first.
    private(set) var active: [Mark] = []
    /// For `active[i]` with `i < opened.count`: the index in `marks` of its open atom in
    /// this buffer.
    private var opened: [Int32] = []

    /// Collapsible white space seen since the last visible character.
    private var pendingSpace = false
    /// That white space held a line break (matters between two CJK characters).
    private var pendingSegmentBreak = false
    /// Last visible character of the current line; nil at the start of a line.
    private var last: Unicode.Scalar?
    /// Whether the last atom is a code span still taking text.
    private var codeGrowing = false
    /// Whether anything visible was added to this leaf.
    private(set) var hasContent = false
    /// The last thing added was a hard break (only white space since).
    private(set) var endsWithBreak = false

    var isEmpty: Bool { !hasContent }

    /// Number of `<code>`-like elements open: text goes into code spans.
    var codeDepth = 0

    mutating func clear() {
        atoms.removeAll(keepingCapacity: true)
        marks.removeAll(keepingCapacity: true)
        images.removeAll(keepingCapacity: true)
        codes.removeAll(keepingCapacity: true)
        raws.removeAll(keepingCapacity: true)
        opened.removeAll(keepingCapacity: true)
        pendingSpace = false
        pendingSegmentBreak = false
        last = nil
        codeGrowing = false
        hasContent = false
        endsWithBreak = false
    }

    // MARK: Marks

    func isActive(_ kind: MarkKind) -> Bool { active.contains { $0.kind == kind } }

    /// How many marks of `kind` are open.
    func activeCount(_ kind: MarkKind) -> Int { active.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) } }

    /// Opens a mark around what follows.
    mutating func pushMark(_ mark: Mark) {
        active.append(mark)
    }

    /// Closes the innermost open mark of `kind`. A link with nothing in it is still written
    /// (`[](url)`): it carries a URL.
    mutating func popMark(_ kind: MarkKind) {
        guard let k = active.lastIndex(where: { $0.kind == kind }) else { return }
        if kind == .link && !active[k].used {
            willAddVisible("[")
            last = "]"
        }
        closeOpened(downTo: k)
        active.remove(at: k)
    }

    /// Writes close atoms for the opened marks at `active[k...]`; they reopen lazily.
    private mutating func closeOpened(downTo k: Int) {
        while opened.count > k {
            atoms.append(.close(opened.removeLast()))
            codeGrowing = false
        }
    }

    /// Closes every opened mark (at the end of a leaf). The marks stay active.
    mutating func closeAllOpened() { closeOpened(downTo: 0) }

    private mutating func openPending() {
        while opened.count < active.count {
            active[opened.count].used = true
            marks.append(active[opened.count])
            let m = Int32(marks.count - 1)
            opened.append(m)
            atoms.append(.open(m))
            codeGrowing = false
        }
    }

    // MARK: Content

    /// Emits the collapsed white space before a visible character `next`.
    private mutating func flushSpace(before next: Unicode.Scalar) {
        guard pendingSpace else { return }
        pendingSpace = false
        guard let l = last else { return }  // start of line: dropped
        if pendingSegmentBreak && CharacterClass.isEastAsianWide(l) && CharacterClass.isEastAsianWide(next) {
            pendingSegmentBreak = false
            return  // CSS Text 3: a line break between two CJK characters disappears
        }
        pendingSegmentBreak = false
        atoms.append(.char(" "))
        codeGrowing = false
    }

    private mutating func willAddVisible(_ next: Unicode.Scalar) {
        flushSpace(before: next)
        openPending()
        hasContent = true
        endsWithBreak = false
    }

    /// Adds text as a browser shows it: runs of HTML white space become one space, none at
    /// the start or end of a line. Inside code elements white space is kept (line breaks
    /// become spaces, as Markdown does inside code spans).
    mutating func addText(_ text: String) {
        if codeDepth > 0 {
            addCode(text)
            return
        }
        for c in text.unicodeScalars {
            if CharacterClass.isHTMLSpace(c) {
                pendingSpace = true
                if c == "\n" || c == "\r" { pendingSegmentBreak = true }
                continue
            }
            willAddVisible(c)
            atoms.append(.char(c))
            codeGrowing = false
            last = c
        }
    }

    /// A space that separates (a block boundary inside a heading, a `<br>` there).
    mutating func addSpace() {
        pendingSpace = true
    }

    mutating func addCode(_ text: String) {
        var t = ""
        t.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var previousCR = false
        for c in text.unicodeScalars {
            if c == "\r" { t.unicodeScalars.append(" "); previousCR = true; continue }
            if c == "\n" { if !previousCR { t.unicodeScalars.append(" ") }; previousCR = false; continue }
            previousCR = false
            t.unicodeScalars.append(c)
        }
        guard !t.isEmpty else { return }
        if codeGrowing, !pendingSpace, opened.count == active.count, case .code(let i)? = atoms.last {
            codes[Int(i)] += t
        } else {
            willAddVisible("`")
            codes.append(t)
            atoms.append(.code(Int32(codes.count - 1)))
            codeGrowing = true
        }
        last = "`"
    }

    /// A code element ends: what follows starts a new code span.
    mutating func endCode() {
        codeDepth -= 1
        codeGrowing = false
    }

    mutating func addImage(_ image: InlineImage) {
        willAddVisible("!")
        images.append(image)
        atoms.append(.image(Int32(images.count - 1)))
        codeGrowing = false
        last = "!"
    }

    /// Literal Markdown that must not be escaped (a task list checkbox), followed by a space.
    mutating func addRaw(_ markup: String) {
        willAddVisible("[")
        raws.append(markup)
        atoms.append(.raw(Int32(raws.count - 1)))
        codeGrowing = false
        last = "]"
        pendingSpace = true
    }

    /// A hard line break. Dropped at the start of a line.
    mutating func addHardBreak() {
        pendingSpace = false
        pendingSegmentBreak = false
        guard last != nil else { return }
        atoms.append(.hardBreak)
        codeGrowing = false
        last = nil
        endsWithBreak = true
    }

    /// Removes a trailing hard break (two `<br>` in a row end the paragraph instead).
    mutating func dropTrailingBreak() {
        guard endsWithBreak, let i = atoms.lastIndex(of: .hardBreak) else { return }
        atoms.remove(at: i)
        endsWithBreak = false
    }
}
