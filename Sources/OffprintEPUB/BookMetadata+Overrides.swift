import Foundation
import OffprintSupport

extension BookMetadata {
    /// Metadata that sets nothing: an empty title and creator list, every optional nil. What
    /// `BundleOptions.metadata` starts as.
    public static let unset = BookMetadata(title: "")

    /// This metadata with every field `other` sets put over it: a non-blank title, a non-empty
    /// creator or subject list, any optional that is not nil. The command line's flags laid
    /// over a collection manifest's metadata, say.
    public func overlaid(with other: BookMetadata) -> BookMetadata {
        var m = self
        if !other.title.trimmingCharacters(in: .whitespaces).isEmpty { m.title = other.title }
        if let v = other.subtitle { m.subtitle = v }
        if !other.creators.isEmpty { m.creators = other.creators }
        if let v = other.language { m.language = v }
        if let v = other.publisher { m.publisher = v }
        if let v = other.description { m.description = v }
        if let v = other.date { m.date = v }
        if let v = other.series { m.series = v }
        if let v = other.seriesIndex { m.seriesIndex = v }
        if let v = other.subjects, !v.isEmpty { m.subjects = v }
        if let v = other.coverImage { m.coverImage = v }
        if let v = other.identifier { m.identifier = v }
        return m
    }
}
