import Foundation
import Offprint

/// One stage on one file, single-threaded, for callgrind.
enum Profile {
    static func run(file: String, arguments: [String]) {
        func value(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let stage = value("--stage") ?? "export"
        let repeats = Int(value("--repeat") ?? "") ?? 1
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("offprint-bench: cannot read \(file)\n".utf8))
            exit(1)
        }
        let bytes = [UInt8](data)
        let exporter = Exporter()
        var sink = 0
        do {
            for _ in 0..<max(repeats, 1) {
                switch stage {
                case "parse": sink &+= HTMLParser.parse(bytes).count
                case "load": sink &+= try ArticleLoader.load(bytes, origin: file).0.document.count
                case "cleanup", "prepare": sink &+= try exporter.prepare(bytes, origin: file).0.document.count
                case "export": sink &+= try exporter.export(bytes, origin: file).markdown.utf8.count
                default:
                    FileHandle.standardError.write(Data("offprint-bench: --stage is parse, load, cleanup or export\n".utf8))
                    exit(2)
                }
            }
        } catch {
            FileHandle.standardError.write(Data("offprint-bench: \(error)\n".utf8))
            exit(1)
        }
        print("\(stage) ×\(repeats): \(sink)")
    }
}
