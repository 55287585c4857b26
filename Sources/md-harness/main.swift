// Dev tool: md-harness IN.html OUT.md [--commonmark] [--repeat N] — the Markdown writer on one file.
import Foundation
import OffprintDocument
import OffprintMarkdown

var args = Array(CommandLine.arguments.dropFirst())
var options = MarkdownOptions()
var repeats = 1
if let i = args.firstIndex(of: "--commonmark") { options = .commonmark; args.remove(at: i) }
if let i = args.firstIndex(of: "--repeat"), i + 1 < args.count { repeats = Int(args[i + 1]) ?? 1; args.removeSubrange(i...(i + 1)) }
guard args.count == 2, let data = FileManager.default.contents(atPath: args[0]) else {
    FileHandle.standardError.write(Data("usage: md-harness IN.html OUT.md [--commonmark] [--repeat N]\n".utf8))
    exit(2)
}
let doc = HTMLParser.parse([UInt8](data))
var md = ""
let clock = ContinuousClock()
let t = clock.measure {
    for _ in 0..<repeats { md = MarkdownWriter(options: options).markdown(for: doc, from: doc.body!) }
}
if repeats > 1 { FileHandle.standardError.write(Data("\(t / repeats) per run\n".utf8)) }
if args[1] == "-" { FileHandle.standardOutput.write(Data(md.utf8)) } else { try Data(md.utf8).write(to: URL(fileURLWithPath: args[1])) }
