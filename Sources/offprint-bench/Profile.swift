import Foundation
import OffprintArticle
import OffprintDocument
import Offprint

/// One stage on one file (or every file of a folder), single-threaded, for callgrind.
enum Profile {
    static func run(file: String, arguments: [String]) {
        func value(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let stage = value("--stage") ?? "export"
        let repeats = Int(value("--repeat") ?? "") ?? 1
        // A folder: every file in it, in name order.
        let paths: [String]
        if let names = try? FileManager.default.contentsOfDirectory(atPath: file) {
            paths = names.sorted().map { file + "/" + $0 }
        } else {
            paths = [file]
        }
        let inputs: [[UInt8]] = paths.map { p in
            guard let data = FileManager.default.contents(atPath: p) else {
                FileHandle.standardError.write(Data("offprint-bench: cannot read \(p)\n".utf8))
                exit(1)
            }
            return [UInt8](data)
        }
        let exporter = Exporter()
        var sink = 0
        do {
            for _ in 0..<max(repeats, 1) {
              for bytes in inputs {
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
            }
        } catch {
            FileHandle.standardError.write(Data("offprint-bench: \(error)\n".utf8))
            exit(1)
        }
        print("\(stage) ×\(repeats), \(inputs.count) file\(inputs.count == 1 ? "" : "s"): \(sink)")
    }
}
