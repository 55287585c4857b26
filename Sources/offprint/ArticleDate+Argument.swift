import ArgumentParser
import OffprintSupport

extension ArticleDate {
    /// `--date`: any form an article's date may take, or a year or month alone (`2022`,
    /// `2022-01`), as a collection manifest's `date`.
    static func argument(_ text: String) throws -> ArticleDate {
        guard let d = ArticleDate(text, allowingYearOrMonth: true) else {
            throw ValidationError("--date takes a date such as 2022-01-31 or 2022-01-31T09:30:00Z (got '\(text)')")
        }
        return d
    }
}
