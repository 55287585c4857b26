import Foundation
import OffprintTestSupport
import Testing
import OffprintDocument
@testable import OffprintMarkdown

/// Whole articles from the shared corpus against reviewed golden files, and the output
/// invariants over every corpus page (those skipped, reported as skipped, when the corpus is absent).
@Suite struct CorpusTests {
    /// Inputs copied from the shared corpus into `Golden/inputs/` (readability's expected
    /// articles and a Hexo post), so these run everywhere.
    static let goldens: [(source: String, golden: String)] = [
        ("readability-ol.html", "readability-ol"),
        ("readability-normalize-spaces.html", "readability-normalize-spaces"),
        ("readability-table-style-attributes.html", "readability-table-style-attributes"),
        ("hexo-woshipm-process-status.md", "hexo-woshipm-process-status"),
    ]

    @Test(arguments: goldens.map(\.golden))
    func article(_ golden: String) throws {
        let source = Self.goldens.first { $0.golden == golden }!.source
        let name = (source as NSString).deletingPathExtension, ext = (source as NSString).pathExtension
        let url = try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Golden/inputs"))
        var html = try String(contentsOf: url, encoding: .utf8)
        if source.hasSuffix(".md") { html = hexoBody(html) }
        let goldenURL = try #require(Bundle.module.url(forResource: golden, withExtension: "md", subdirectory: "Golden"))
        let expected = try String(contentsOf: goldenURL, encoding: .utf8)
        #expect(md(html) == expected)
    }

    /// Fidelity fixes found on whole corpus pages (the writer alone, no clean-up).
    @Test(.enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository")) func corpusPageRegressions() throws {
        func page(_ path: String) throws -> String? {
            guard let url = Corpus.file(path) else {
                Issue.record("incomplete corpus: corpus file \(path) not found (expected ../shared/corpus next to the repository)")
                return nil
            }
            let doc = HTMLParser.parse([UInt8](try Data(contentsOf: url)))
            return MarkdownWriter().markdown(for: doc, from: doc.body!)
        }
        // Hidden "hot news" tabs are page text: the clean-up decides whether they go.
        if let out = try page("gne/thepaper__1.html") {
            #expect(out.contains("[十全十美！中国女排击败塞尔维亚，提前一轮卫冕世界杯冠军](newsDetail_forward_4553659)"))
        }
        // A heading holding a list (no </h2>): the list stays a list of headings.
        if let out = try page("gne/baijiahao__2.html") {
            #expect(out.contains("## 作者最新文章\n\n- ### [开发者用虚幻4重新打造《英雄联盟》召唤师峡谷]"))
        }
        // Emphasis on a lone punctuation mark that Markdown cannot delimit: no inline HTML.
        for path in ["gne/163__7.html", "aeb/9eef8162bbb67b0bd73792313b91b87dc9304f43f85f479e67e71c166417451e.html"] {
            guard let out = try page(path) else { continue }
            for tag in ["<em>", "<strong>", "<del>"] { #expect(!out.contains(tag), "\(path): \(tag)") }
        }
        // Two adjacent links to one page stay two links.
        if let out = try page("gne/guancha__2.html") {
            #expect(out.contains("[查看全部](/GuanChaZheTouTiao)"))
        }
    }

    @Test func invariantCheckerCatchesViolations() {
        #expect(invariantViolations("a\n") == [])
        #expect(invariantViolations("```\na\n\n\nb\n```\n") == [])
        #expect(!invariantViolations("a\n\n\nb\n").isEmpty)
        #expect(!invariantViolations("中\n文\n").isEmpty)
        #expect(!invariantViolations("a \n").isEmpty)
        #expect(!invariantViolations("a\n\n").isEmpty)
        #expect(!invariantViolations("\na\n").isEmpty)
    }

    /// Every page of the corpus, whole pages included: no crash, and the invariants hold.
    @Test(.enabled(if: Corpus.root != nil, "needs ../shared/corpus next to the repository")) func invariantsOnEveryCorpusPage() throws {
        guard let corpus = Corpus.root else {
            Issue.record("incomplete corpus: ../shared/corpus not found next to the repository")
            return
        }
        var files: [URL] = []
        for sub in ["readability", "hexo", "gne", "aeb", "seed"] {
            let dir = corpus.appendingPathComponent(sub)
            guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { continue }
            for case let u as URL in e where ["html", "md", "txt"].contains(u.pathExtension) && u.lastPathComponent != "README.md" {
                files.append(u)
            }
        }
        #expect(files.count > 50)
        for u in files {
            let data = try Data(contentsOf: u)
            var doc = HTMLParser.parse([UInt8](data))
            if u.pathExtension != "html" {
                doc = HTMLParser.parse(hexoBody(String(decoding: data, as: UTF8.self)))
            }
            for options in [MarkdownOptions.gfm, .commonmark] {
                let out = MarkdownWriter(options: options).markdown(for: doc, from: doc.body!)
                #expect(invariantViolations(out).isEmpty, "\(u.lastPathComponent): \(invariantViolations(out))")
            }
        }
    }
}
