/// libFuzzer entry: FuzzChecks.parseEquivalence (FuzzChecks.swift, shared with the regression tests).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let problem = FuzzChecks.parseEquivalence(Array(UnsafeBufferPointer(start: data, count: size))) { fatalError(problem) }
    return 0
}
