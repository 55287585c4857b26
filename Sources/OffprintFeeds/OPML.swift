import Foundation
import OffprintSupport
import OffprintDocument

/// An OPML subscription list: the feeds of its `<outline xmlUrl="…">` elements, in order,
/// with their titles and the folder (outer outline) they sit in.
public enum OPML {
    public struct Subscription: Sendable, Equatable {
        public var title: String?
        public var url: String
        /// The enclosing outline's title (a folder), when any.
        public var folder: String?
    }

    public static func subscriptions(_ bytes: [UInt8], origin: String) throws -> [Subscription] {
        let reader = try XMLStreamReader(bytes: bytes)
        var out: [Subscription] = []
        var folders: [String?] = []
        var root: String?
        while true {
            let event: XMLEvent?
            do { event = try reader.next() } catch let e as OffprintError where e.step == .xml {
                throw OffprintError(.feed, path: origin, line: e.line, "not well-formed XML (\(e.message))", hint: "fix the OPML file", underlying: e)
            }
            guard let event else { break }
            switch event {
            case let .start(name, _, qname, attrs, _):
                if root == nil {
                    root = name
                    guard name == "opml" else {
                        throw OffprintError(.feed, path: origin, line: reader.line, "not an OPML file: the root element is <\(qname)>")
                    }
                }
                guard name == "outline" else { continue }
                func attr(_ n: String) -> String? {
                    attrs.first { $0.name.lowercased() == n.lowercased() }?.value.trimmingCharacters(in: .whitespacesAndNewlines)
                }
                let title = attr("title") ?? attr("text")
                if let url = attr("xmlUrl"), !url.isEmpty {
                    out.append(Subscription(title: title, url: url, folder: folders.last(where: { $0 != nil }) ?? nil))
                    folders.append(nil)
                } else {
                    folders.append(title)
                }
            case let .end(name, _, _):
                if name == "outline", !folders.isEmpty { folders.removeLast() }
            case .text:
                break
            }
        }
        if out.isEmpty { throw OffprintError(.feed, path: origin, "the OPML file lists no feeds (no <outline xmlUrl=\"…\">)") }
        return out
    }
}
