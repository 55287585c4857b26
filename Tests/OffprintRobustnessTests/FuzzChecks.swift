// The properties the fuzz targets check, shared with the tests (Fuzz/Sources/*/FuzzChecks.swift
// are links to this file): each returns nil when the input passes, else what went wrong. A
// crash or a hang is a failure too, of course.
import OffprintSupport
import Foundation
import OffprintEPUB
import OffprintArticle
import OffprintCleanup
import OffprintDocument
import Offprint
@testable import OffprintArticle
@testable import OffprintDocument
@testable import OffprintEPUB
import Yams

enum FuzzChecks {
    /// The whole export, with options taken from the last byte (flavor, front matter style,
    /// content mode auto/main/all, hidden elements), so one corpus covers them all: no NUL
    /// byte in the Markdown.
    static func export(_ bytes: [UInt8]) -> String? {
        var options = ExportOptions()
        if let last = bytes.last {
            options.markdown.flavor = last & 1 == 0 ? .gfm : .commonmark
            options.frontMatter = [.yaml, .toml, .none][Int(last >> 1) % 3]
            options.extract.content = [.auto, .main, .all, .auto][Int(last >> 4) % 4]
            options.cleanup.removeHidden = last & 0x20 != 0
        }
        guard let result = try? Exporter(options: options).export(bytes, origin: "fuzz") else { return nil }
        return result.markdown.utf8.contains(0) ? "NUL byte in the Markdown" : nil
    }

    /// Front matter text: the first 48 characters typed alike by YAMLTags and Yams' resolver;
    /// what parses (YAML or TOML) renders to YAML that parses back with the same keys, and to
    /// TOML that parses; the lenient loader takes it as a post's front matter.
    static func frontMatter(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        let scalar = String(text.prefix(48))
        let mine = YAMLTags.resolve(scalar), theirs = Resolver.default.resolveTag(of: Node(scalar))
        if mine != theirs { return "YAMLTags says \(mine.rawValue), Yams \(theirs.rawValue) for \(scalar.debugDescription)" }
        for format in [FrontMatter.Format.yaml, .toml] {
            guard let fm = try? FrontMatter.parse(text, format: format) else { continue }
            let yaml = fm.render(as: .yaml, delimited: false)
            guard let back = try? FrontMatter.parse(yaml, format: .yaml) else { return "rendered YAML does not parse:\n\(yaml)" }
            if back.entries.map(\.key) != fm.entries.map(\.key) { return "keys changed in the YAML round trip:\n\(yaml)" }
            let toml = fm.render(as: .toml, delimited: false)
            if (try? FrontMatter.parse(toml, format: .toml)) == nil { return "rendered TOML does not parse:\n\(toml)" }
        }
        _ = try? ArticleLoader.load(Array(("---\n" + text + "\n---\n<p>body</p>\n").utf8), origin: "fuzz.md")
        _ = try? ArticleLoader.load(Array(("+++\n" + text + "\n+++\n<p>body</p>\n").utf8), origin: "fuzz.md")
        return nil
    }

    /// A folder with two articles for manifests to list.
    static let manifestFolder: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-fuzz-manifest-\(getpid())")
        try? FileManager.default.createDirectory(at: dir.appendingPathComponent("posts"), withIntermediateDirectories: true)
        try? Data("---\ntitle: A\n---\n<p>a</p>\n".utf8).write(to: dir.appendingPathComponent("posts/a.md"))
        try? Data("<p>b</p>".utf8).write(to: dir.appendingPathComponent("b.html"))
        return dir
    }()

    /// Any YAML as a book manifest: an error is fine; what loads lists only files that exist.
    static func manifest(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let m = try? CollectionManifest(yaml: text, baseDirectory: manifestFolder, origin: "fuzz.yml") else { return nil }
        for e in m.entries where !FileManager.default.fileExists(atPath: e.file.path) {
            return "manifest lists a missing file: \(e.file.path)"
        }
        return nil
    }

    static let namespaces = #"xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops""#

    /// Whether `xml` is well-formed XML (OffprintDocument's check: libxml2's XML parser, no
    /// recovery, no network).
    static func isWellFormed(_ xml: String) -> Bool { XMLCheck.wellFormednessProblem(xml) == nil }

    /// Any bytes, parsed, as XHTML two ways: the serializer on the whole tree, and an EPUB
    /// chapter (cleaned, sanitised, split into parts) part by part. Each must be well-formed XML.
    static func xhtml(_ bytes: [UInt8]) -> String? {
        let doc = HTMLParser.parse(bytes)
        let whole = Serializer(syntax: .xhtml, keepComments: true).serialize(doc)
        if !isWellFormed("<root \(namespaces)>" + whole + "</root>") { return "serializer wrote XHTML that is not well-formed:\n\(whole)" }
        guard let loaded = try? ArticleLoader.load(bytes, origin: "fuzz.html") else { return nil }
        var options = EPUBOptions()
        options.maxChapterBytes = 2_000  // small, so that the splitter runs too
        let chapter = Chapter(article: Cleanup.clean(loaded.0).0, title: "T", language: LanguageTag("en")!, rtl: false, fileStem: "ch001", options: options)
        for p in chapter.parts.indices {
            let body = chapter.body(part: p)
            if !isWellFormed("<body \(namespaces)>" + body + "</body>") { return "chapter part \(p) is not well-formed:\n\(body)" }
        }
        return nil
    }

    /// The SAX tree builder against libxml2's own tree (ReferenceParser.swift).
    static func parseEquivalence(_ bytes: [UInt8]) -> String? {
        let sax = structureDump(HTMLParser.parse(bytes))
        let ref = structureDump(referenceParse(bytes))
        guard sax != ref else { return nil }
        // One known loss on libxml2's side: its tree builder drops pieces of a script or
        // style holding invalid characters (the SAX events carry them, so the SAX text is
        // libxml2's with those pieces in place). Raw text only, and only ever pieces missing
        // from libxml2's side: its text must be the SAX text with parts left out.
        func rawTextTail(_ i: Int) -> Bool {
            guard i > 0, i < sax.count, i < ref.count, sax[i - 1] == ref[i - 1] else { return false }
            let parent = sax[i - 1].drop(while: { $0 != " " }).dropFirst()
            guard ["<script>", "<script ", "<style>", "<style "].contains(where: { parent.hasPrefix($0) }) else { return false }
            let s = sax[i], r = ref[i]
            guard s.contains(" text \""), r.contains(" text \""), s.count > r.count else { return false }
            var si = s.unicodeScalars.makeIterator()
            for c in r.unicodeScalars {
                var found = false
                while let x = si.next() { if x == c { found = true; break } }
                if !found { return false }
            }
            return true
        }
        let i = (0..<min(sax.count, ref.count)).first { sax[$0] != ref[$0] && !rawTextTail($0) } ?? min(sax.count, ref.count)
        if i == sax.count && i == ref.count { return nil }
        return "trees differ at node \(i): SAX \(i < sax.count ? sax[i] : "(end)") vs libxml2 \(i < ref.count ? ref[i] : "(end)")"
    }

    static let all: [String: @Sendable ([UInt8]) -> String?] = [
        "fuzz-export": export, "fuzz-frontmatter": frontMatter, "fuzz-manifest": manifest,
        "fuzz-xhtml": xhtml, "fuzz-parse-equivalence": parseEquivalence,
    ]
}
