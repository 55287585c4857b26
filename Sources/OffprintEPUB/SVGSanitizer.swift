import OffprintSupport
import Foundation
import OffprintDocument

/// Makes an SVG file from the web safe to store in a book. epubcheck rejects what drawing
/// programs and sites put in them: a DOCTYPE with external identifiers, scripts and event
/// handlers (the item would need `scripted`), references to remote resources, embedded
/// HTML (`foreignObject`). Those are removed, as are elements and attributes of editor
/// namespaces (Inkscape, Sodipodi, Illustrator); links are unwrapped (an image shows none).
/// The policy is here; OffprintDocument's `XMLRewrite` parses, edits and writes the XML.
enum SVGSanitizer {
    static let svgNS = "http://www.w3.org/2000/svg"
    static let xlinkNS = "http://www.w3.org/1999/xlink"
    static let xmlNS = "http://www.w3.org/XML/1998/namespace"

    /// The cleaned SVG, or nil when `bytes` is not a well-formed SVG document.
    static func sanitize(_ bytes: [UInt8]) -> [UInt8]? {
        XMLRewrite.rewrite(bytes, name: "image.svg", dropping: .all, textOf: ["style"]) { element in
            let n = element.name
            if element.isRoot && n != "svg" { return .remove }
            if element.namespace != svgNS || n == "script" || n == "foreignObject" || n == "handler" || n == "listener" {
                return .remove
            }
            if n == "style", let text = element.text?.lowercased(), text.contains("url(") || text.contains("@import") {
                return .remove
            }
            if n == "a" { return .unwrap }  // an <img> shows no links; untitled ones draw a warning
            return .keep(removingAttributes: unsafeAttributes(element))
        }
    }

    /// The positions of event handlers, editor-namespace attributes, remote or script
    /// references and style attributes that load anything.
    private static func unsafeAttributes(_ element: XMLRewrite.Element) -> [Int] {
        var doomed: [Int] = []
        for (i, a) in element.attributes.enumerated() {
            let an = a.name
            if an.lowercased().hasPrefix("on") && a.namespace == nil {
                doomed.append(i)
            } else if let ans = a.namespace, ans != xlinkNS && ans != xmlNS {
                doomed.append(i)
            } else if an == "href" {
                // Only what the book holds: a fragment, or an image's own data: URL. Anything
                // else is remote, active (`javascript:`) or a file that is not in the book.
                let v = a.value.trimmed
                if !(v.isEmpty || v.hasPrefix("#") || (WebURL.isData(v) && element.name == "image")) {
                    doomed.append(i)
                }
            } else if an == "style" && (a.value.lowercased().contains("url(") || a.value.lowercased().contains("@import")) {
                doomed.append(i)
            }
        }
        return doomed
    }
}
