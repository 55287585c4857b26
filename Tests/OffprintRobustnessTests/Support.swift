import Foundation
import Testing

/// The inputs fuzzing found problems with: Tests/OffprintRobustnessTests/Regressions/<target>/.
func regressionInputs(_ target: String) -> [URL] {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Regressions").appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { dir.appendingPathComponent($0) }
}
