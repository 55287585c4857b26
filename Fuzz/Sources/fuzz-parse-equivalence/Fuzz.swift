@testable import OffprintDocument

/// The SAX tree builder against libxml2's own tree (ReferenceParser.swift, shared with the
/// tests): the same nodes, node for node, for any input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParseEquivalence(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let sax = structureDump(HTMLParser.parse(bytes))
    let ref = structureDump(referenceParse(bytes))
    if sax != ref {
        let i = (0..<min(sax.count, ref.count)).first { sax[$0] != ref[$0] } ?? min(sax.count, ref.count)
        fatalError("trees differ at node \(i): SAX \(i < sax.count ? sax[i] : "(end)") vs libxml2 \(i < ref.count ? ref[i] : "(end)")")
    }
    return 0
}
