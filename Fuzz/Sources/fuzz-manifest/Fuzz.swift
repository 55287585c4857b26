/// libFuzzer entry: FuzzChecks.manifest (FuzzChecks.swift, shared with the regression tests).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if let problem = FuzzChecks.manifest(Array(UnsafeBufferPointer(start: data, count: size))) { fatalError(problem) }
    return 0
}
