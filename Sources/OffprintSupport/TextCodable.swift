/// A value stored as its text: encoded as one string (`description`), decoded by reading that
/// text again (`init?(_:)`), so files and records hold what a person would write (`"zh-CN"`,
/// `"image/png"`) and older files, which held plain strings, still read.
public protocol TextCodable: Codable, LosslessStringConvertible {
    /// What the text should have been, for the error when it is not (`a media type`).
    static var textKind: String { get }
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let v = Self(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not \(Self.textKind): \(s)")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
