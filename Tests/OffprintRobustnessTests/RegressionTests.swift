import Foundation
import OffprintTestSupport
import Testing

/// Every input the fuzzers found a problem with (Regressions/<target>/), through the same
/// check as its fuzz target.
@Suite struct RegressionTests {
    static let cases: [(target: String, file: URL)] = FuzzChecks.all.keys.sorted().flatMap { t in
        regressionInputs(t).map { (t, $0) }
    }

    @Test func everyFuzzTargetHasItsCheck() {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Tests/OffprintRobustnessTests/Regressions").path)) ?? []
        for f in folders where !f.hasSuffix(".md") && !f.hasPrefix(".") {
            #expect(FuzzChecks.all[f] != nil, "Regressions/\(f) has no fuzz target of that name")
        }
    }

    @Test(arguments: cases.map { "\($0.target)/\($0.file.lastPathComponent)" })
    func findingStaysFixed(_ name: String) throws {
        let (target, file) = Self.cases.first { "\($0.target)/\($0.file.lastPathComponent)" == name }!
        let bytes = [UInt8](try Data(contentsOf: file))
        let problem = FuzzChecks.all[target]!(bytes)
        #expect(problem == nil, "\(name): \(problem ?? "")")
    }
}
