/// What `Extractor.extract` keeps of a page.
public struct ExtractOptions: Sendable, Equatable {
    /// How much of an input is the article.
    public enum Content: String, Sendable, CaseIterable {
        /// A post with front matter, or an HTML fragment, is the article already (all of it is
        /// kept); a whole page (`<html>` with a head and more than the article) gets the article.
        case auto
        /// Always look for the article, even in fragments and posts.
        case main
        /// Keep everything (the whole page body), as the page is.
        case all
    }

    public var content: Content
    /// The CLI flag that turns extraction off, named in messages (`--content all`).
    public var offFlag: String

    public init(content: Content = .auto, offFlag: String = "--content all") {
        self.content = content
        self.offFlag = offFlag
    }
}
