import CLibXML2
import Foundation
import Mustache
import OffprintArticle
import OffprintDocument
import OffprintTemplates

/// The templates a book is written with: the bundled ones, each replaced by a file of the
/// same name in the override folder when there is one.
struct TemplateSet {
    private var templates: [String: MustacheTemplate] = [:]
    /// The raw text of non-Mustache files (the style sheet).
    private var texts: [String: String] = [:]
    /// Names taken from the override folder (their output is checked for well-formedness).
    private(set) var overridden: [String: URL] = [:]
    private(set) var diagnostics: [Diagnostic] = []

    static func load(overrides dir: URL?) throws -> TemplateSet {
        var set = TemplateSet()
        var files: [String: URL] = [:]
        if let dir {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
                throw EPUBError("templates folder \(dir.path) does not exist: give a folder holding files named like \(BundledTemplates.names.joined(separator: ", "))")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                if BundledTemplates.names.contains(name) {
                    files[name] = dir.appendingPathComponent(name)
                } else {
                    set.diagnostics.append(Diagnostic(origin: dir.path, location: name,
                                                      "not a template name, ignored (the names are: \(BundledTemplates.names.joined(separator: ", ")))"))
                }
            }
        }
        for name in BundledTemplates.names {
            let text: String
            if let file = files[name] {
                guard let data = FileManager.default.contents(atPath: file.path) else {
                    throw EPUBError("cannot read template \(file.path): check its permissions")
                }
                text = String(decoding: data, as: UTF8.self)
                set.overridden[name] = file
            } else {
                text = BundledTemplates.named(name)!
            }
            if name.hasSuffix(".mustache") {
                do {
                    set.templates[name] = try MustacheTemplate(string: text)
                } catch {
                    throw EPUBError("template \(files[name]?.path ?? name) is not valid Mustache: \(error)")
                }
            } else {
                set.texts[name] = text
            }
        }
        return set
    }

    func text(_ name: String) -> String { texts[name] ?? "" }

    /// Renders template `name`; output of an overriding template must be well-formed XML.
    func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let t = templates[name] else { throw EPUBError("internal: no template \(name)") }
        let out = t.render(context)
        if let file = overridden[name], let problem = TemplateSet.wellFormednessProblem(out) {
            throw EPUBError("template \(file.path) produced XML that is not well-formed (\(problem)): fix the template, or remove it to use the bundled one")
        }
        return out
    }

    /// Nil when `xml` is well-formed; else libxml2's complaint with its line.
    static func wellFormednessProblem(_ xml: String) -> String? {
        var bytes = Array(xml.utf8)
        if bytes.isEmpty { return "empty output" }
        let flags = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
        let doc = bytes.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(clamping: buf.count), "template.xml", "UTF-8", flags)
            }
        }
        if let doc {
            xmlFreeDoc(doc)
            return nil
        }
        guard let err = xmlGetLastError() else { return "unknown error" }
        let message = err.pointee.message.map { String(cString: $0).trimmed } ?? "unknown error"
        return "line \(err.pointee.line): \(message)"
    }
}
