import OffprintDocument

/// What class names, ids and roles say about an element (the word lists of Readability.js
/// and trafilatura, matched as lower-case substrings of `class + " " + id`).
enum Hints {
    /// Parts of pages that are almost never the article.
    static let unlikely = ["-ad-", "ai2html", "banner", "breadcrumbs", "combx", "comment", "community", "cover-wrap",
                           "disqus", "extra", "footer", "gdpr", "header", "legends", "menu", "related", "remark",
                           "replies", "rss", "shoutbox", "sidebar", "skyscraper", "social", "sponsor", "supplemental",
                           "ad-break", "agegate", "pagination", "pager", "popup", "yom-remote", "newsletter",
                           "subscribe", "signup", "sign-up", "cookie", "consent", "paywall", "recirc", "outbrain",
                           "taboola", "promo", "trending", "most-popular", "mostpopular", "read-more", "readmore",
                           "more-stories", "share", "sharing", "toolbar", "navbar", "topbar", "masthead"]
    /// …unless they also say this.
    static let maybe = ["and", "article", "body", "column", "content", "main", "mathjax", "shadow"]
    static let negative = ["-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "footer", "gdpr", "masthead",
                           "media", "meta", "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar",
                           "skyscraper", "sponsor", "shopping", "tags", "widget", "newsletter", "subscribe", "byline",
                           "author-bio", "recommend", "taboola"]
    static let positive = ["article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "pagination",
                           "post", "text", "blog", "story", "prose", "markdown"]
    static let unlikelyRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog", "dialog", "banner", "contentinfo", "search"]
    static let bylineWords = ["byline", "author", "dateline", "writtenby", "p-author"]

    static func containsAny(_ s: String, _ words: [String]) -> Bool {
        for w in words where s.utf8Contains(w) { return true }
        return false
    }

    /// `class id`, lower-cased.
    static func matchString(_ n: Document.Node) -> String {
        let c = n.attribute("class") ?? ""
        let i = n.attribute("id") ?? ""
        if c.isEmpty && i.isEmpty { return "" }
        return (c + " " + i).lowercased()
    }

    static func isUnlikely(_ s: String) -> Bool {
        !s.isEmpty && containsAny(s, unlikely) && !containsAny(s, maybe)
    }

    /// Readability's class weight: ±25 for the class, ±25 for the id.
    static func classWeight(_ n: Document.Node) -> Int {
        var w = 0
        for v in [n.attribute("class"), n.attribute("id")] {
            guard let v, !v.isEmpty else { continue }
            let s = v.lowercased()
            if containsAny(s, negative) || isHidToken(s) { w -= 25 }
            if containsAny(s, positive) { w += 25 }
        }
        return w
    }

    private static func isHidToken(_ s: String) -> Bool {
        s.split(separator: " ").contains("hid")
    }

    static func isShare(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        for token in s.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) {
            // share, sharetools, share-bar, sharing, social, socialmedia (not "shared").
            if token.hasPrefix("shared") && token != "sharedaddy" { continue }
            if token.hasPrefix("share") || token.hasPrefix("sharing") || token.hasPrefix("social") { return true }
        }
        return false
    }
}
