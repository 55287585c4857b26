import OffprintSupport
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
                throw OffprintError(.epub, path: dir.path, "no such templates folder",
                                    hint: "give --templates a folder holding files named like \(BundledTemplates.names.joined(separator: ", "))")
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                if BundledTemplates.names.contains(name) {
                    files[name] = dir.appendingPathComponent(name)
                } else {
                    let hint = TemplateSet.nearestName(to: name).map { "did you mean \($0)? " } ?? ""
                    set.diagnostics.append(Diagnostic(origin: dir.path, location: name,
                                                      "not a template name, ignored (\(hint)the names are: \(BundledTemplates.names.joined(separator: ", ")))"))
                }
            }
        }
        for name in BundledTemplates.names {
            let text: String
            if let file = files[name] {
                guard let data = FileManager.default.contents(atPath: file.path) else {
                    throw OffprintError(.epub, path: file.path, "cannot read the template", hint: "check its permissions")
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
                    throw TemplateSet.parseError(error, file: files[name]?.path ?? name)
                }
            } else {
                if let file = files[name], name.hasSuffix(".css") {
                    let problems = StylesheetCheck.problems(text)
                    if !problems.isEmpty {
                        let more = problems.dropFirst().prefix(4).map { "; line \($0.line): \($0.message)" }.joined()
                        throw OffprintError(.epub, path: file.path, line: problems[0].line,
                                            "\(problems[0].message)\(more)\(problems.count > 5 ? " (and \(problems.count - 5) more)" : ""): a book with this style sheet would fail epubcheck",
                                            hint: "fix the file, or remove it from the --templates folder to use the bundled one")
                    }
                }
                set.texts[name] = text
            }
        }
        return set
    }

    func text(_ name: String) -> String { texts[name] ?? "" }

    static let fixOrRemove = "fix it, or remove it from the --templates folder to use the bundled one"

    /// A Mustache parse error naming the file and line: `FILE:LINE: column C: what is wrong
    /// (in “the line”); fix it, …`.
    static func parseError(_ error: Error, file: String) -> OffprintError {
        guard let e = error as? MustacheTemplate.ParserError else {
            return OffprintError(.epub, path: file, "not a valid Mustache template (\(error))", hint: fixOrRemove, underlying: error)
        }
        let what: String
        switch e.error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: what = "a closing tag {{/…}} does not match the section it closes"
        case .unfinishedName?: what = "a tag is not finished (a {{ without its }}, or a bad name)"
        case .expectedSectionEnd?: what = "a section {{#…}} or {{^…}} is never closed with {{/…}}"
        case .invalidSetDelimiter?: what = "a delimiter change {{=… …=}} is malformed"
        case .transformAppliedToInheritanceSection?: what = "a transform is applied to an inheritance section"
        case .illegalTokenInsideInheritSection?, .textInsideInheritSection?: what = "an inheritance section holds something other than blocks"
        case .invalidConfigVariableSyntax?, .unrecognisedConfigVariable?: what = "a {{% …}} pragma is not understood"
        case nil: what = String(describing: e.error)
        }
        let line = e.context.line.trimmingCharacters(in: .whitespaces)
        let shown = line.count > 80 ? String(line.prefix(77)) + "…" : line
        return OffprintError(.epub, path: file, line: e.context.lineNumber, "column \(e.context.columnNumber): \(what) (in “\(shown)”)",
                             hint: fixOrRemove, underlying: error)
    }

    /// The known template name a misnamed file was most likely meant to be.
    static func nearestName(to name: String) -> String? {
        let lower = name.lowercased()
        if let exact = BundledTemplates.names.first(where: { $0 == lower }) { return exact }
        if let known = BundledTemplates.names.first(where: { $0.hasPrefix(lower) || lower.hasPrefix($0) }) { return known }
        let stem = lower.split(separator: ".").first.map(String.init) ?? lower
        if let known = BundledTemplates.names.first(where: { $0.split(separator: ".").first.map(String.init) == stem }) { return known }
        if lower.hasSuffix(".css") { return "style.css" }
        return nil
    }

    /// Renders template `name`; output of an overriding template must be well-formed XML.
    func render(_ name: String, _ context: some TemplateContext) throws -> String {
        guard let t = templates[name] else { throw OffprintError(.epub, "internal: no template \(name)") }
        let out = t.render(context)
        if let file = overridden[name], let problem = TemplateSet.wellFormednessProblem(out) {
            throw OffprintError(.epub, path: file.path, "the template produced XML that is not well-formed (\(problem) of its output)",
                                hint: "fix the template, or remove it to use the bundled one")
        }
        return out
    }

    /// Nil when `xml` is well-formed; else libxml2's complaint with its line.
    static func wellFormednessProblem(_ xml: String) -> String? { XMLCheck.wellFormednessProblem(xml) }
}
