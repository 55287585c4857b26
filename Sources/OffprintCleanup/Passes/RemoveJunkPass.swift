import Foundation
import OffprintArticle
import OffprintDocument

/// Removes what a reader never sees or cannot use in a document:
/// - scripts, styles, templates, `noscript` and head-only elements (`removeScripts`);
/// - `<object>` / `<embed>`: a link to their URL, or nothing (`embedsToLinks`);
/// - form controls, as `options.forms` says;
/// - hidden elements (`removeHidden`, off by default).
public struct RemoveJunkPass: CleanupPass {
    public var name: String { "junk" }
    public init() {}

    /// Elements whose content is never shown (`HTMLElements.invisible`, less `head`, plus
    /// `noscript`: scripting is on in the browsers pages are made for).
    static let invisible: NameSet = HTMLElements.invisible.subtracting(["head"]).union(["noscript"])

    public func run(on article: inout Article, options: CleanupOptions) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        var doc = article.takeDocument()
        defer { article.document = doc }
        var hiddenRemoved = 0
        var formsRemoved = 0
        var selects: [Document.NodeID] = []
        // Walk top-down so a removed subtree is not visited.
        var toRemove: [Document.NodeID] = []
        var toUnwrap: [Document.NodeID] = []
        var toSpace: [Document.NodeID] = []
        var toLink: [(Document.NodeID, String)] = []
        doc.walk(from: article.content) { id, depth in
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
            if options.embedsToLinks && (n.name == "object" || n.name == "embed") {
                if let url = embedURL(id, doc) { toLink.append((id, url)) }
                else if n.name == "object", !doc.textContent(of: id).allSatisfy(\.isWhitespace) { toUnwrap.append(id) }
                else { toRemove.append(id) }
                return .skipChildren
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
        for id in toUnwrap { doc.unwrap(id) }
        for (id, url) in toLink {
            let n = doc[id]
            let label = n.attribute("title") ?? n.attribute("aria-label") ?? fileName(url)
            let a = doc.makeElement("a", attributes: [.init("href", url)])
            doc.append(doc.makeText(label), to: a)
            doc.replace(id, with: a)
            diags.append(Diagnostic(origin: article.origin, location: doc.describe(id), "embedded object replaced by a link to it"))
        }
        if options.forms == .keepText {
            keepFormText(&doc, under: article.content, selects: selects)
        }
        if hiddenRemoved > 0 {
            diags.append(Diagnostic(origin: article.origin, "removed \(hiddenRemoved) hidden element\(hiddenRemoved == 1 ? "" : "s") (leave out --drop-hidden to keep them)"))
        }
        if formsRemoved > 0 {
            diags.append(Diagnostic(origin: article.origin, "removed \(formsRemoved) form\(formsRemoved == 1 ? "" : "s") and form control\(formsRemoved == 1 ? "" : "s")"))
        }
        return diags
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

    private func embedURL(_ id: Document.NodeID, _ doc: Document) -> String? {
        let n = doc[id]
        for key in ["data", "src", "movie"] {
            if let v = n.attribute(key), !WebURL.clean(v).isEmpty { return WebURL.clean(v) }
        }
        // <object><param name="movie" value="…"> or a nested <embed src>.
        for d in doc.descendants(of: id) {
            let c = doc[d]
            if c.name == "param", ["movie", "src", "url"].contains(c.attribute("name")?.lowercased() ?? ""),
               let v = c.attribute("value"), !v.isEmpty { return WebURL.clean(v) }
            if c.name == "embed", let v = c.attribute("src"), !v.isEmpty { return WebURL.clean(v) }
        }
        return nil
    }

    private func fileName(_ url: String) -> String {
        var path = Substring(url)
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<q] }
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        return last.isEmpty ? url : last
    }
}
