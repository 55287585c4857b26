import OffprintSupport
import Foundation
import OffprintArticle
import OffprintDocument

/// Removes what a reader never sees or cannot use in a document:
/// - scripts, styles, templates, `noscript` and head-only elements (`removeScripts`);
/// - form controls, as `options.forms` says;
/// - hidden elements (`removeHidden`, off by default);
/// - icon-font glyphs: an `<i>`, `<span>`, `<em>` or `<b>` whose only text is private-use
///   characters (`<i class="icon">&#xe60e;</i>`). The page's web font draws them as icons;
///   anywhere else (Markdown, an e-reader) they are empty boxes.
public struct RemoveJunkPass: CleanupPass {
    public var name: String { "junk" }
    public var context = CleanupContext()
    public var diagnostics: [Diagnostic] = []
    public init() {}

    /// Elements whose content is never shown (`HTMLElements.invisible`, less `head`, plus
    /// `noscript`: scripting is on in the browsers pages are made for).
    static let invisible: NameSet = HTMLElements.invisible.subtracting(["head"]).union(["noscript"])

    public mutating func rewrite(_ doc: inout Document, root: Document.NodeID) {
        let options = context.options
        var hiddenRemoved = 0
        var formsRemoved = 0
        var selects: [Document.NodeID] = []
        // Walk top-down so a removed subtree is not visited.
        var toRemove: [Document.NodeID] = []
        var toSpace: [Document.NodeID] = []
        doc.walk(from: root) { id, depth in
            guard doc[id].kind == .element else { return .skipChildren }
            if depth == 0 { return .descend }
            let n = doc[id]
            if options.removeScripts && Self.invisible.contains(n.name) {
                toRemove.append(id)
                return .skipChildren
            }
            if options.removeHidden && isHidden(n) {
                toRemove.append(id)
                hiddenRemoved += 1
                return .skipChildren
            }
            if Self.iconHosts.contains(n.name) && Self.isIconGlyph(id, in: doc) {
                toRemove.append(id)
                return .skipChildren
            }
            if n.name == "input", n.attribute("type")?.lowercased() == "checkbox", ElementPolicy.isTaskCheckbox(id, in: doc) {
                return .skipChildren  // a task list item's checkbox is content, not a form
            }
            switch options.forms {
            case .keep:
                break
            case .remove:
                if Self.formElements.contains(n.name) {
                    toRemove.append(id)
                    formsRemoved += 1
                    return .skipChildren
                }
            case .keepText:
                switch n.name {
                case "input", "keygen":
                    // A control sits between the texts around it: keep them apart.
                    toSpace.append(id)
                    return .skipChildren
                case "datalist":
                    toRemove.append(id)
                    return .skipChildren
                case "select":
                    selects.append(id)
                    return .skipChildren
                default:
                    break
                }
            }
            return .descend
        }
        for id in toRemove { doc.detach(id) }
        for id in toSpace { doc.replace(id, with: doc.makeText(" ")) }
        if options.forms == .keepText {
            keepFormText(&doc, under: root, selects: selects)
        }
        if hiddenRemoved > 0 {
            diagnostics.append(Diagnostic(origin: context.origin, "removed \(hiddenRemoved) hidden element\(hiddenRemoved == 1 ? "" : "s") (leave out --drop-hidden to keep them)"))
        }
        if formsRemoved > 0 {
            diagnostics.append(Diagnostic(origin: context.origin, "removed \(formsRemoved) form\(formsRemoved == 1 ? "" : "s") and form control\(formsRemoved == 1 ? "" : "s")"))
        }
    }

    /// Elements icon fonts are drawn in.
    static let iconHosts: NameSet = ["i", "span", "em", "b"]

    /// Only text children, and their text is private-use characters (Unicode's areas for
    /// icon fonts: U+E000–U+F8FF and planes 15–16) with nothing else but white space.
    static func isIconGlyph(_ id: Document.NodeID, in doc: Document) -> Bool {
        var glyphs = false
        for k in doc[id].children {
            guard doc[k].kind == .text else { return false }
            for c in doc[k].text.unicodeScalars {
                switch c.value {
                case 0xE000...0xF8FF, 0xF0000...0x10FFFF: glyphs = true
                case 0x20, 0x09, 0x0A, 0x0D, 0x0C, 0xA0: continue
                default: return false
                }
            }
        }
        return glyphs
    }

    /// The elements `keepFormText` renames or unwraps.
    static let formParts: NameSet = ["form", "fieldset", "textarea", "legend", "button", "label", "output", "optgroup", "option"]

    static let formElements: NameSet = ["form", "input", "button", "select", "textarea", "datalist", "keygen", "output", "fieldset", "label", "optgroup", "option"]

    /// Forms and fieldsets become `div`s, text areas and legends `div`s, buttons and labels
    /// their content, a `select` the text of its options.
    private func keepFormText(_ doc: inout Document, under root: Document.NodeID, selects: [Document.NodeID]) {
        for sel in selects where doc.isAttached(sel) {
            let texts = doc.elements(named: "option", under: sel).map { doc.textContent(of: $0).trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            let span = doc.makeElement("span")
            if !texts.isEmpty { doc.append(doc.makeText(" " + texts.joined(separator: " ") + " "), to: span) }
            doc.replace(sel, with: span)
        }
        for id in doc.descendants(of: root) {
            guard doc[id].kind == .element, Self.formParts.contains(doc[id].name) else { continue }
            let n = doc[id]
            switch n.name {
            case "form", "fieldset", "textarea", "legend":
                doc.rename(id, to: "div")
                doc.setAttributes(n.attributes.filter { ["id", "class", "lang", "dir"].contains($0.name) }, of: id)
            case "button":
                // A button is a box of its own: its text must not run into its neighbours'.
                doc.insert(doc.makeText(" "), before: id)
                doc.insert(doc.makeText(" "), after: id)
                doc.unwrap(id)
            case "label", "output", "optgroup", "option":
                doc.unwrap(id)
            default:
                break
            }
        }
    }

    private func isHidden(_ n: Document.Node) -> Bool {
        n.isHiddenByMarkup || (n.name == "img" && n.attribute("aria-hidden") == "true")
    }
}
