import OffprintDocument

/// `<pre>` as a fenced code block: the text exactly as the browser shows it, the language
/// from the usual highlighter markup, a fence no line inside can close.
enum CodeBlock {
    /// The lines of the fenced block (fences included) for `pre`.
    static func lines(_ doc: Document, pre: Document.NodeID) -> [String] {
        fence(text(doc, pre: pre), language: language(doc, pre: pre) ?? "")
    }

    /// The text of a `<pre>` as displayed: text nodes byte for byte (CR LF and CR as LF),
    /// `<br>` as a line break, a line break around block elements inside (highlighters
    /// that put each line in a `<div>`), the line feed right after `<pre>` dropped as the
    /// HTML parser of a browser does.
    static func text(_ doc: Document, pre: Document.NodeID) -> String {
        var out = ""
        var first = true
        doc.walk(from: pre, enter: { id, depth in
            let n = doc[id]
            if depth == 0 { return .descend }
            switch n.kind {
            case .text:
                var t = n.text
                if first && depth == 1 && t.hasPrefix("\n") { t.removeFirst() }
                first = false
                out += t
                return .skipChildren
            case .comment, .root:
                return .skipChildren
            case .element:
                first = false
                if BlockWriter.skipped.contains(n.name) { return .skipChildren }
                if n.name == "br" { out += "\n"; return .skipChildren }
                if HTMLElements.isBlock(n.name), !out.isEmpty, !out.hasSuffix("\n") { out += "\n" }
                return .descend
            }
        }, exit: { id, depth in
            guard depth > 0 else { return }
            let n = doc[id]
            if n.kind == .element, n.name != "br", HTMLElements.isBlock(n.name), !out.isEmpty, !out.hasSuffix("\n") {
                out += "\n"
            }
        })
        if out.utf8.contains(0x0D) {
            out = out.replacingAll("\r\n", with: "\n").replacingAll("\r", with: "\n")
        }
        return out
    }

    /// Fence lines around `code`. Backticks unless a line of the code starts with three of
    /// them; then tildes, unless a line starts with three tildes too; then a backtick fence
    /// longer than any at a line start.
    static func fence(_ code: String, language: String) -> [String] {
        var body = code
        if body.hasSuffix("\n") { body.removeLast() }
        let lines: [String] = code.isEmpty ? [] : body.lines
        var maxTicks = 0, maxTildes = 0
        for line in lines {
            let s = line.unicodeScalars
            var i = s.startIndex
            var spaces = 0
            while i < s.endIndex, s[i] == " ", spaces < 4 { spaces += 1; i = s.index(after: i) }
            guard spaces <= 3, i < s.endIndex, s[i] == "`" || s[i] == "~" else { continue }
            let ch = s[i]
            var n = 0
            while i < s.endIndex, s[i] == ch { n += 1; i = s.index(after: i) }
            if ch == "`" { maxTicks = max(maxTicks, n) } else { maxTildes = max(maxTildes, n) }
        }
        let fence: String
        if maxTicks < 3 {
            fence = "```"
        } else if maxTildes < 3 {
            fence = "~~~"
        } else {
            fence = String(repeating: "`", count: maxTicks + 1)
        }
        return [fence + language] + lines + [fence]
    }

    /// The language of a code block, from the conventions of common highlighters:
    /// `language-x`/`lang-x` (Prism, highlight.js, CommonMark), `highlight-source-x`
    /// (GitHub), `highlight-x` (wrappers), `brush: x` (SyntaxHighlighter),
    /// `sourceCode x` (Pandoc), `highlight x` (Hexo's `<figure>`), `data-lang`.
    static func language(_ doc: Document, pre: Document.NodeID) -> String? {
        var candidates: [Document.NodeID] = []
        let kids = doc[pre].children.filter { doc[$0].kind == .element }
        if kids.count == 1, doc[kids[0]].name == "code" { candidates.append(kids[0]) }
        candidates.append(pre)
        var up = doc[pre].parent
        for _ in 0..<5 {
            guard let u = up, doc[u].kind == .element else { break }
            candidates.append(u)
            up = doc[u].parent
        }
        for c in candidates {
            if let l = language(of: doc[c], isWrapper: c != pre && doc[c].name != "code") { return l }
        }
        return nil
    }

    private static let noise: Set<String> = [
        "hljs", "highlight", "highlighter-rouge", "sourcecode", "code", "prettyprint", "linenums",
        "source", "syntax", "codehilite", "notranslate", "line-numbers", "wp-block-code",
        "wp-block-preformatted", "pre", "chroma", "shiki", "collapsible",
    ]
    private static let noLanguage: Set<String> = ["none", "nohighlight", "no-highlight", "undefined", "null", "auto"]

    private static func language(of n: Document.Node, isWrapper: Bool) -> String? {
        for a in ["data-lang", "data-language"] {
            if let v = n.attribute(a), let l = clean(v) { return l }
        }
        let classes = n.classes.map(String.init)
        for (i, c) in classes.enumerated() {
            let lc = c.lowercased()
            for prefix in ["language-", "lang-", "highlight-source-"] where lc.hasPrefix(prefix) {
                return clean(String(c.dropFirst(prefix.count)))
            }
            if lc == "brush:" || lc == "brush" {
                if i + 1 < classes.count { return clean(classes[i + 1]) }
            } else if lc.hasPrefix("brush:") {
                return clean(String(c.dropFirst(6)))
            }
            if isWrapper, lc.hasPrefix("highlight-"), lc != "highlight-source" {
                return clean(String(c.dropFirst(10)))
            }
        }
        // `sourceCode python`, `highlight python`, `hljs python`: the one other class.
        let lower = classes.map { $0.lowercased() }
        if lower.contains("sourcecode") || lower.contains("highlight") || lower.contains("hljs") {
            let rest = classes.filter { !noise.contains($0.lowercased()) }
            if rest.count == 1 { return clean(rest[0]) }
        }
        return nil
    }

    /// A usable info string: letters, digits and `_+#.-` only.
    private static func clean(_ raw: String) -> String? {
        var s = ""
        for c in raw.unicodeScalars {
            if c == ";" || c == "," || CharacterClass.isHTMLSpace(c) { break }
            if CharacterClass.isASCIIAlphanumeric(c) || "_+#.-".unicodeScalars.contains(c) { s.unicodeScalars.append(c) }
        }
        if s.isEmpty || noLanguage.contains(s.lowercased()) { return nil }
        return s
    }
}
