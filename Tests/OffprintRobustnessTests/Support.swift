import Foundation
import Testing

/// The shared sample corpus, next to the repository (`../shared/corpus`), here and in CI.
enum Corpus {
    static let root: URL = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    static var available: Bool { FileManager.default.fileExists(atPath: root.path) }
    static let missing: Comment = "corpus folder ../shared/corpus not found next to the repository; corpus tests skipped"

    static func files(_ folder: String, ext: String) -> [URL] {
        let dir = root.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix("." + ext) }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// Every input of the corpus: readability sources and expected pages, aeb, gne, Hexo posts.
    static var all: [URL] {
        let dir = root.appendingPathComponent("readability")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        let readability = names.flatMap { n in
            ["source.html", "expected.html"].map { dir.appendingPathComponent(n).appendingPathComponent($0) }
                .filter { FileManager.default.fileExists(atPath: $0.path) }
        }
        return readability + files("aeb", ext: "html") + files("gne", ext: "html") + files("hexo", ext: "md")
            + [root.appendingPathComponent("seed/000_f50aad5d968fa226.txt")]
    }
}

/// The repository's root folder.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The inputs fuzzing found problems with: Tests/OffprintRobustnessTests/Regressions/<target>/.
func regressionInputs(_ target: String) -> [URL] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Regressions").appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { dir.appendingPathComponent($0) }
}
