/// Which elements an article's content keeps when it is written out as HTML, under which
/// names, with which attributes: the project's one element policy. Every writer that writes
/// HTML reads this table and no other:
/// - the EPUB sanitiser applies it whole (XHTML5 content documents: `rule(for:)`,
///   `keptAttributes(of:)`, `globalAttributes`);
/// - Markdown's raw-HTML tables (`MinimalHTML`) apply its table view, `tableForm(of:)`,
///   defined on the same entries (each kept element says how a raw-HTML table writes it).
/// (Clean-up leaves element names alone; the Markdown writer maps elements to Markdown
/// syntax, not to HTML.)
///
/// A name not in the table (a custom element, `fb:like`, `o:p`, a typo) is unknown: the
/// element goes and its content stays. A few elements have a rule of their own instead of
/// an entry: embedded players become links (`EmbeddedMedia`), `<picture>` becomes its image
/// (`ImageURLs.resolvePicture`), inline `<svg>` is left out and `<math>` becomes its text
/// (the EPUB sanitiser), a task list's checkbox becomes ☐/☑.
public enum ElementPolicy {
    /// What becomes of an element.
    public enum Rule: Sendable, Equatable {
        /// Kept under its name, with `attributes` beyond the global ones; `inTables` is how a
        /// raw-HTML table in Markdown writes it.
        case keep(attributes: Set<String>, inTables: TableForm)
        /// Obsolete or unsupported: renamed to its closest valid equivalent (a kept element,
        /// whose rule applies from then on).
        case rename(String)
        /// Removed with everything in it: nothing a reader sees, or active content.
        case drop
    }

    /// How a raw-HTML table in Markdown writes a kept element: only what carries meaning
    /// there (table structure, links, images, emphasis, code, lists, paragraphs, headings).
    public enum TableForm: Sendable, Equatable {
        /// As itself, with these attributes (in this order).
        case element([String])
        /// As the plainer element named (`b` as `strong`, `kbd` as `code`).
        case written(String)
        /// Only its content.
        case content
    }

    /// Attributes every kept element may keep.
    public static let globalAttributes: Set<String> = ["id", "class", "title", "lang", "dir", "style"]

    private static let content = Rule.keep(attributes: [], inTables: .content)
    private static let plain = Rule.keep(attributes: [], inTables: .element([]))
    private static func written(_ name: String) -> Rule { .keep(attributes: [], inTables: .written(name)) }

    /// The table: every element name the project knows, and its rule.
    public static let rules: [String: Rule] = [
        // Kept.
        "a": .keep(attributes: ["href"], inTables: .element(["href", "title"])),
        "abbr": content, "article": content, "aside": content, "b": written("strong"), "bdi": content,
        "bdo": content, "blockquote": plain, "br": plain, "caption": plain, "cite": content, "code": plain,
        "col": .keep(attributes: ["span"], inTables: .content), "colgroup": .keep(attributes: ["span"], inTables: .content),
        "dd": plain, "del": plain, "dfn": content, "div": content, "dl": plain, "dt": plain, "em": plain,
        "figcaption": content, "figure": content, "h1": plain, "h2": plain, "h3": plain, "h4": plain, "h5": plain,
        "h6": plain, "hr": plain, "i": written("em"),
        "img": .keep(attributes: ["src", "alt", "width", "height"], inTables: .element(["src", "alt", "title"])),
        "ins": content, "kbd": written("code"), "li": .keep(attributes: ["value"], inTables: .element([])),
        "mark": content, "ol": .keep(attributes: ["start", "reversed", "type"], inTables: .element(["start"])),
        "p": plain, "pre": plain, "q": content, "rp": content, "rt": content, "ruby": content, "s": written("del"),
        "samp": written("code"), "section": content, "small": content, "span": content, "strong": plain,
        "sub": plain, "sup": plain, "table": plain, "tbody": plain,
        // (`align` on cells: Markdown renders it; XHTML5 has no such attribute.)
        "td": .keep(attributes: ["colspan", "rowspan"], inTables: .element(["colspan", "rowspan", "align"])),
        "tfoot": plain,
        "th": .keep(attributes: ["colspan", "rowspan", "scope", "abbr"], inTables: .element(["colspan", "rowspan", "align"])),
        "thead": plain, "tr": plain, "u": content, "ul": plain, "var": content, "wbr": content,
        // Renamed.
        "center": .rename("div"), "font": .rename("span"), "big": .rename("span"), "tt": .rename("code"),
        "strike": .rename("s"), "acronym": .rename("abbr"), "dir": .rename("ul"), "menu": .rename("ul"),
        "listing": .rename("pre"), "xmp": .rename("pre"), "plaintext": .rename("pre"), "nobr": .rename("span"),
        "blink": .rename("span"), "marquee": .rename("div"), "time": .rename("span"), "data": .rename("span"),
        "header": .rename("div"), "footer": .rename("div"), "main": .rename("div"), "nav": .rename("div"),
        "address": .rename("div"), "hgroup": .rename("div"), "details": .rename("div"), "summary": .rename("p"),
        "search": .rename("div"), "fieldset": .rename("div"), "legend": .rename("p"), "label": .rename("span"),
        "rb": .rename("span"), "rtc": .rename("span"), "textarea": .rename("pre"), "output": .rename("span"),
        "image": .rename("img"), "dialog": .rename("div"),
        // Dropped.
        "script": .drop, "style": .drop, "noscript": .drop, "template": .drop, "head": .drop, "title": .drop,
        "meta": .drop, "link": .drop, "base": .drop, "frame": .drop, "frameset": .drop, "noframes": .drop,
        "input": .drop, "button": .drop, "select": .drop, "option": .drop, "optgroup": .drop, "datalist": .drop,
        "keygen": .drop, "progress": .drop, "meter": .drop, "canvas": .drop, "map": .drop, "area": .drop,
        "param": .drop, "source": .drop, "track": .drop, "applet": .drop, "bgsound": .drop, "basefont": .drop,
        "spacer": .drop, "slot": .drop, "portal": .drop, "menuitem": .drop,
    ]

    /// The rule for `name` (lower case); nil when the name is unknown (its content stays).
    public static func rule(for name: String) -> Rule? { rules[name] }

    /// The name `name` has in a cleaned article: itself, or what it is renamed to; nil when
    /// it is dropped or unknown.
    public static func keptName(of name: String) -> String? {
        switch rules[name] {
        case .keep?: return name
        case .rename(let to)?: return to
        case .drop?, nil: return nil
        }
    }

    /// The attributes a kept element (its name after renaming) may keep beyond the global
    /// ones; nil when `name` is not a kept element.
    public static func keptAttributes(of name: String) -> Set<String>? {
        if case .keep(let attributes, _)? = rules[name] { return attributes }
        return nil
    }

    /// The table view: what a raw-HTML table in Markdown writes for an element named `name`
    /// (renamed as the table says, then as its `TableForm` says), with the attributes to
    /// copy in order; nil when only its content is written (unknown, dropped, or a kept
    /// element whose form is `.content`).
    public static func tableForm(of name: String) -> (name: String, attributes: [String])? {
        guard let kept = keptName(of: name), case .keep(_, let form)? = rules[kept] else { return nil }
        switch form {
        case .element(let attributes):
            return (kept, attributes)
        case .written(let plainer):
            guard case .keep(_, .element(let attributes))? = rules[plainer] else { return nil }
            return (plainer, attributes)
        case .content:
            return nil
        }
    }

    /// A disabled, nameless checkbox opening a list item (`<li><input type=checkbox
    /// disabled> text`, or inside the item's first paragraph): a Markdown task list item's
    /// state, content rather than a form (a form's checkboxes are neither disabled nor
    /// nameless). Clean-up keeps it; the EPUB writes it as ☐/☑, Markdown as `[ ]`/`[x]`.
    public static func isTaskCheckbox(_ id: Document.NodeID, in doc: Document) -> Bool {
        guard doc[id].hasAttribute("disabled"), !doc[id].hasAttribute("name"), var p = doc.parent(of: id) else { return false }
        if doc[p].name == "p", let pp = doc.parent(of: p), doc[pp].name == "li" { p = pp }
        return doc[p].name == "li"
    }
}
