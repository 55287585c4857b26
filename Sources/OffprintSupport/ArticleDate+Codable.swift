/// Encoded as its ISO 8601 text (`"2021-07-14T05:08:05Z"`), what records and files held
/// before the type existed; decoding reads any text `ArticleDate` reads.
extension ArticleDate: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = ArticleDate(s, allowingYearOrMonth: true) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a date: \(s)")
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso8601)
    }
}
