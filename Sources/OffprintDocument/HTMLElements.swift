/// What the HTML standard says about element names, in one place.
public enum HTMLElements {
    /// Elements that never have content (HTML Living Standard "void elements").
    public static let void: NameSet = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame",
    ]

    /// Elements rendered as blocks by default (the ones a converter must separate).
    public static let block: NameSet = [
        "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
        "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
        "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "section", "summary",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "colgroup", "ul", "xmp",
        "noscript", "option", "optgroup", "frameset", "search",
    ]

    /// Elements whose content is never shown to a reader.
    public static let invisible: NameSet = [
        "script", "style", "template", "head", "title", "meta", "link", "base", "noframes",
    ]

    public static let headings: NameSet = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// Elements whose white space is preserved.
    public static let preformatted: NameSet = ["pre", "listing", "xmp", "plaintext", "textarea"]

    /// Inline formatting elements (the ones HTML's adoption agency reopens after misnesting).
    public static let formatting: NameSet = [
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike",
        "strong", "tt", "u",
    ]

    public static func isBlock(_ name: String) -> Bool { block.contains(name) }
    public static func isVoid(_ name: String) -> Bool { void.contains(name) }
}
