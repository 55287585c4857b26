import Foundation
import Testing

/// The shared sample corpus, next to the repository (`../shared/corpus`), here and in CI.
enum Corpus {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static var available: Bool { FileManager.default.fileExists(atPath: root.path) }
    static let missing: Comment = "corpus folder ../shared/corpus not found next to the repository; corpus tests skipped"

    static func files(_ folder: String, ext: String) -> [URL] {
        let dir = root.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// The Hexo posts and the seed post.
    static var posts: [URL] { files("hexo", ext: "md") + [root.appendingPathComponent("seed/000_f50aad5d968fa226.txt")] }

    /// Readability test pages: (name, source.html, expected-metadata.json).
    static var readabilityPages: [(name: String, source: URL, metadata: URL)] {
        let dir = root.appendingPathComponent("readability")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        return names.compactMap { n in
            let d = dir.appendingPathComponent(n)
            let s = d.appendingPathComponent("source.html"), m = d.appendingPathComponent("expected-metadata.json")
            return FileManager.default.fileExists(atPath: s.path) ? (n, s, m) : nil
        }
    }

    /// Every HTML page: readability sources, aeb and gne pages.
    static var pages: [URL] { readabilityPages.map(\.source) + files("aeb", ext: "html") + files("gne", ext: "html") }
}
