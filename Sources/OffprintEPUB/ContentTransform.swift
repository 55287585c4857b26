import Foundation

/// A last change to the book's files as they are stored: e-reader profiles use it for
/// KEPUB spans (`OffprintProfiles`) and style sheets older reading engines accept.
/// Set it as `EPUBOptions.contentTransform`; the builder calls it for every XHTML content
/// document (chapters, cover or title page, navigation) and for the style sheet.
public protocol EPUBContentTransform: Sendable {
    /// A content document about to be stored at `path` (`EPUB/text/ch001.xhtml`,
    /// `EPUB/nav.xhtml`, …); the result must stay well-formed XHTML.
    func transformXHTML(_ xhtml: [UInt8], path: String) throws -> [UInt8]
    /// The book's style sheet (`EPUB/styles/book.css`).
    func transformStylesheet(_ css: String) -> String
}
