extension Document.Node {
    /// The value of one property of the element's `style` attribute, lower-cased, trimmed,
    /// without `!important`; nil when the property is not set. The last declaration wins,
    /// as in CSS. Style sheets are not looked at.
    ///
    ///     <div style="Display : NONE !important">   → styleProperty("display") == "none"
    public func styleProperty(_ property: String) -> String? {
        guard let style = attribute("style"), style.contains(":") else { return nil }
        var found: String?
        for declaration in style.split(separator: ";", omittingEmptySubsequences: true) {
            guard let colon = declaration.firstIndex(of: ":") else { continue }
            guard Self.trimmedLower(declaration[..<colon]) == property else { continue }
            var value = Self.trimmedLower(declaration[declaration.index(after: colon)...])
            if value.hasSuffix("!important") {
                value = Self.trimmedLower(Substring(value.dropLast("!important".count)))
            }
            found = value
        }
        return found
    }

    /// Hidden by its own markup: the `hidden` attribute, or an inline `display: none` or
    /// `visibility: hidden`. Whether hidden elements are dropped is the clean-up's choice
    /// (`CleanupOptions.removeHidden`); this only says which ones they are.
    public var isHiddenByMarkup: Bool {
        guard kind == .element else { return false }
        if hasAttribute("hidden") { return true }
        guard attribute("style") != nil else { return false }
        return styleProperty("display") == "none" || styleProperty("visibility") == "hidden"
    }

    private static func trimmedLower(_ s: Substring) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        for c in s.unicodeScalars {
            if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.unicodeScalars.append(" "); pendingSpace = false }
            out.unicodeScalars.append(c.value >= 0x41 && c.value <= 0x5A ? Unicode.Scalar(c.value + 32)! : c)
        }
        return out
    }
}
