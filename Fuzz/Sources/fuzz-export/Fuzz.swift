import Offprint

/// The whole export of any input: a post or a page, with options taken from the last byte
/// (flavor, front matter style, main-content extraction, hidden elements), so one corpus
/// covers them all. Failing = crashing, hanging or an output with a NUL byte in it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExport(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var options = ExportOptions()
    if let last = bytes.last {
        options.markdown.flavor = last & 1 == 0 ? .gfm : .commonmark
        options.frontMatter = [.yaml, .toml, .none][Int(last >> 1) % 3]
        options.cleanup.extractMainContent = last & 0x10 != 0
        options.cleanup.removeHidden = last & 0x20 != 0
    }
    if let result = try? Exporter(options: options).export(bytes, origin: "fuzz") {
        precondition(!result.markdown.utf8.contains(0), "NUL byte in the Markdown")
    }
    return 0
}
