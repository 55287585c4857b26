import Foundation
import Offprint

/// A folder with two articles for manifests to list.
let folder: URL = {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-fuzz-manifest-\(getpid())")
    try? FileManager.default.createDirectory(at: dir.appendingPathComponent("posts"), withIntermediateDirectories: true)
    try? Data("---\ntitle: A\n---\n<p>a</p>\n".utf8).write(to: dir.appendingPathComponent("posts/a.md"))
    try? Data("<p>b</p>".utf8).write(to: dir.appendingPathComponent("b.html"))
    return dir
}()

/// Any YAML as a book manifest: an error is fine, a crash or a hang is not; what loads lists
/// only files that exist.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let m = try? CollectionManifest(yaml: text, baseDirectory: folder, origin: "fuzz.yml") {
        for e in m.entries {
            precondition(FileManager.default.fileExists(atPath: e.file.path), "manifest lists a missing file: \(e.file.path)")
        }
    }
    return 0
}
