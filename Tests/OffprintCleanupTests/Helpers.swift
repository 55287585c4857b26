import Foundation
import OffprintArticle
import OffprintDocument
@testable import OffprintCleanup

/// Loads an HTML snippet as a page.
func page(_ html: String, baseURL: String? = nil) throws -> Article {
    try ArticleLoader.load(Array(html.utf8), origin: "t.html", options: LoadOptions(baseURL: baseURL)).0
}

/// Runs one pass (or the whole clean-up) and returns the body's inner HTML.
@discardableResult
func clean(_ a: inout Article, _ pass: (any CleanupPass)? = nil, options: CleanupOptions = .init()) -> [Diagnostic] {
    if let pass { return pass.run(on: &a, options: options) }
    return Cleanup.run(&a, options: options)
}

func html(_ a: Article) -> String {
    Serializer().serializeChildren(a.document, of: a.content)
}

func imgSrcs(_ a: Article) -> [String] {
    a.document.elements(named: "img", under: a.content).map { a.document[$0].attribute("src") ?? "<none>" }
}

func hrefs(_ a: Article) -> [String] {
    a.document.elements(named: "a", under: a.content).compactMap { a.document[$0].attribute("href") }
}
