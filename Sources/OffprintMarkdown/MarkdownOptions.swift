/// How `MarkdownWriter` writes Markdown. The defaults give GitHub Flavored Markdown that
/// renders the same in cmark-gfm, GitHub and most other CommonMark renderers.
public struct MarkdownOptions: Sendable, Equatable {
    public enum Flavor: Sendable, Equatable {
        /// GitHub Flavored Markdown: pipe tables, `~~strikethrough~~`, task lists.
        case gfm
        /// Plain CommonMark: tables are written as HTML, strikethrough as `<del>`,
        /// checkboxes as literal `[ ]`/`[x]` text.
        case commonmark
    }

    /// What to do with `<sup>` and `<sub>`, which Markdown has no syntax for.
    public enum ScriptStyle: Sendable, Equatable {
        /// Keep `<sup>`/`<sub>` as inline HTML (renders right in GFM and CommonMark).
        case html
        /// Keep only the text (`x<sup>2</sup>` becomes `x2`).
        case plain
        /// Plain text for footnote markers (content starting with `[` or made of one
        /// link, such as `<sup><a href="#fn1">[1]</a></sup>`), where brackets already show
        /// what they are; inline HTML otherwise (`x<sup>2</sup>`, `H<sub>2</sub>O`).
        case auto
    }

    /// How figure and table captions are set apart from body text.
    public enum CaptionStyle: Sendable, Equatable {
        /// Caption as its own paragraph in `*italics*` (sets it apart, but counts as emphasis the source did not have).
        case italic
        /// Caption as a plain paragraph (the default: nothing invented).
        case plain
    }

    public var flavor: Flavor
    /// The bullet for unordered lists: `-`, `*` or `+` (anything else counts as `-`). A
    /// list that directly follows another one in the same container uses a different
    /// bullet, so the two stay apart.
    public var bullet: Character
    /// Thematic break for `<hr>`. `* * *` is never mistaken for a setext underline or a
    /// list item, so it is safe everywhere; `---` is handled too (a blank line is kept
    /// before it). It must be a valid CommonMark thematic break.
    public var thematicBreak: String
    public var scripts: ScriptStyle
    public var captions: CaptionStyle
    /// Two or more `<br>` in a row (only white space between) end the paragraph, as they
    /// look in a browser, instead of giving hard breaks on empty lines.
    public var breakRunsEndParagraphs: Bool
    /// Block quotes and lists nested deeper than this are written flat (their content is
    /// kept, their markers are not), so line prefixes stay short.
    public var maxContainerDepth: Int
    /// Link texts for media written as links: `[Video](src)`.
    public var videoLabel: String
    public var audioLabel: String
    /// For an `<iframe>`/`<embed>`/`<object>` without a `title`.
    public var embedLabel: String

    public init(flavor: Flavor = .gfm) {
        self.flavor = flavor
        bullet = "-"
        thematicBreak = "* * *"
        scripts = .auto
        captions = .plain
        breakRunsEndParagraphs = true
        maxContainerDepth = 16
        videoLabel = "Video"
        audioLabel = "Audio"
        embedLabel = "Embedded content"
    }

    /// GitHub Flavored Markdown (the default).
    public static var gfm: MarkdownOptions { MarkdownOptions(flavor: .gfm) }
    /// Plain CommonMark, without GFM-only syntax.
    public static var commonmark: MarkdownOptions { MarkdownOptions(flavor: .commonmark) }

    var isGFM: Bool { flavor == .gfm }
}
