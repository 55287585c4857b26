// swift-tools-version:6.0
// Offprint: article HTML → clean Markdown, article sets → EPUB books.
//
// The pipeline, one module per stage:
//   OffprintSupport   shared small pieces: URLs, hex/SHA-256, atomic files, escaping
//   OffprintDocument  HTML bytes → Swift value tree; the only user of libxml2 (HTML parse, XML
//                     stream reader, well-formedness check, XML rewrite), freed inside each call
//   OffprintArticle   input file → Article (metadata + Document); CleanedArticle, the value
//                     clean-up makes and every writer takes; ArticleStore keeps those
//   OffprintFeeds     RSS/Atom/JSON Feed/OPML → entries (streamed), entries → Articles
//   OffprintExtract   whole page → the article (Readability/trafilatura-style scoring)
//   OffprintCleanup   Article → CleanedArticle: passes over the tree (lazy images, proxies,
//                     URLs, junk), then the one element policy (ElementPolicy)
//   OffprintMarkdown  Document → Markdown text (a cleaned article's, through Exporter.render)
//   OffprintHTTP      the one HTTP client (AsyncHTTPClient): pages, feeds and images; retries,
//                     per-host circuit breaker, proxies
//   OffprintImages    content-addressed image cache + downloader (serves both writers)
//   OffprintEPUB      cleaned articles → EPUB 3 (Mustache templates from templates/); the zip writer and
//                     reader, the only users of libzip
//   OffprintProfiles  e-reader profiles: images converted with libvips, KEPUB, budgets
//   OffprintDelivery  books to readers: Send to Kindle (SMTP on SwiftNIO), mounted devices, OPDS server
//   Offprint          the facade the CLI (and library users) call
//   offprint          the command-line tool (thin)
import PackageDescription

let package = Package(
    name: "Offprint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "offprint", targets: ["offprint"]),
        .library(name: "Offprint", targets: ["Offprint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .systemLibrary(name: "CLibZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"]), .brew(["libzip"])]),
        .systemLibrary(name: "CLibVips"),  // libvips is loaded at run time (dlopen), only by profiles
        .systemLibrary(name: "CCmarkGFM", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"]), .brew(["cmark-gfm"])]),
        .target(name: "OffprintSupport", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "OffprintDocument", dependencies: ["CLibXML2", "OffprintSupport"]),
        .target(name: "OffprintArticle", dependencies: ["OffprintDocument", "OffprintSupport", "CCmarkGFM", .product(name: "Yams", package: "Yams"), .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "OffprintFeeds", dependencies: ["OffprintDocument", "OffprintArticle", "OffprintSupport"]),
        .target(name: "OffprintExtract", dependencies: ["OffprintDocument", "OffprintArticle", "OffprintSupport"]),
        .target(name: "OffprintCleanup", dependencies: ["OffprintDocument", "OffprintArticle", "OffprintSupport"]),
        .target(name: "OffprintHTTP", dependencies: ["OffprintSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                                                     .product(name: "NIOCore", package: "swift-nio"),
                                                     .product(name: "NIOPosix", package: "swift-nio"),
                                                     .product(name: "NIOHTTP1", package: "swift-nio"),
                                                     .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]),
        .target(name: "OffprintImages", dependencies: ["OffprintSupport", "OffprintHTTP", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "OffprintMarkdown", dependencies: ["OffprintDocument", "OffprintSupport"]),
        .executableTarget(name: "md-harness", dependencies: ["OffprintDocument", "OffprintMarkdown"]),
        .target(name: "Offprint", dependencies: ["OffprintSupport", "OffprintDocument", "OffprintArticle", "OffprintFeeds", "OffprintExtract", "OffprintCleanup", "OffprintMarkdown", "OffprintHTTP", "OffprintImages", "OffprintEPUB", "OffprintProfiles"]),
        .target(name: "OffprintDelivery", dependencies: ["OffprintSupport", "OffprintDocument", "OffprintEPUB",
                                                         .product(name: "NIOCore", package: "swift-nio"),
                                                         .product(name: "NIOPosix", package: "swift-nio"),
                                                         .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                         .product(name: "FlyingFox", package: "FlyingFox"),
                                                         .product(name: "FlyingSocks", package: "FlyingFox"),
                                                         .product(name: "TOMLKit", package: "TOMLKit")]),
        .executableTarget(name: "offprint", dependencies: ["Offprint", "OffprintDelivery", "OffprintSupport", "OffprintDocument", "OffprintArticle", "OffprintCleanup", "OffprintImages", "OffprintEPUB", "OffprintProfiles", "OffprintHTTP", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "offprint-images-bench", dependencies: ["OffprintImages", "OffprintHTTP", .product(name: "FlyingFox", package: "FlyingFox")]),
        .executableTarget(name: "offprint-bench", dependencies: ["Offprint", "OffprintSupport", "OffprintDocument", "OffprintArticle", "OffprintCleanup", .product(name: "FlyingFox", package: "FlyingFox")]),

        .target(name: "OffprintTemplates", path: "templates", exclude: ["README.md"], sources: ["Templates.swift"],
                resources: [.embedInCode("epub/package.opf.mustache"), .embedInCode("epub/nav.xhtml.mustache"),
                            .embedInCode("epub/toc.ncx.mustache"), .embedInCode("epub/chapter.xhtml.mustache"),
                            .embedInCode("epub/titlepage.xhtml.mustache"), .embedInCode("epub/cover.xhtml.mustache"),
                            .embedInCode("epub/style.css")]),
        .target(name: "OffprintEPUB", dependencies: ["CLibZip", "OffprintSupport", "OffprintDocument", "OffprintArticle", "OffprintCleanup", "OffprintImages", "OffprintTemplates",
                                                     .product(name: "Mustache", package: "swift-mustache"),
                                                     .product(name: "Yams", package: "Yams"),
                                                     .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "OffprintProfiles", dependencies: ["CLibVips", "OffprintSupport", "OffprintEPUB", "OffprintImages", "OffprintArticle", "OffprintDocument",
                                                         .product(name: "Crypto", package: "swift-crypto"),
                                                         .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "OffprintTestSupport", dependencies: ["OffprintSupport", "OffprintArticle", "OffprintDocument", "OffprintImages", "OffprintEPUB",
                                                            .product(name: "Crypto", package: "swift-crypto"),
                                                            .product(name: "Yams", package: "Yams"),
                                                            .product(name: "FlyingFox", package: "FlyingFox"),
                                                            .product(name: "FlyingSocks", package: "FlyingFox")],
                path: "Tests/OffprintTestSupport"),

        .testTarget(name: "OffprintSupportTests", dependencies: ["OffprintSupport"]),
        .testTarget(name: "OffprintDocumentTests", dependencies: ["OffprintDocument", "OffprintTestSupport"], exclude: ["Charsets"]),
        .testTarget(name: "OffprintArticleTests", dependencies: ["OffprintArticle", "OffprintDocument", "OffprintSupport", "OffprintTestSupport"]),
        .testTarget(name: "OffprintExtractTests", dependencies: ["OffprintExtract", "OffprintArticle", "OffprintDocument", "OffprintTestSupport"]),
        .testTarget(name: "OffprintCleanupTests", dependencies: ["OffprintCleanup", "OffprintArticle", "OffprintDocument", "OffprintSupport", "OffprintTestSupport"]),
        .testTarget(name: "OffprintMarkdownTests", dependencies: ["OffprintMarkdown", "OffprintDocument", "OffprintTestSupport"], resources: [.copy("Golden")]),
        .testTarget(name: "OffprintCLITests", dependencies: ["OffprintTestSupport"]),
        .testTarget(name: "OffprintDeliveryTests", dependencies: ["OffprintDelivery", "OffprintEPUB", "OffprintSupport", "OffprintTestSupport"]),
        .testTarget(name: "OffprintRobustnessTests", dependencies: ["Offprint", "OffprintDocument", "OffprintArticle", "OffprintEPUB", "OffprintSupport", "OffprintTestSupport", .product(name: "Yams", package: "Yams")], exclude: ["Regressions"]),
        .testTarget(name: "OffprintFeedsTests", dependencies: ["Offprint", "OffprintFeeds", "OffprintEPUB", "OffprintImages", "OffprintDocument", "OffprintArticle", "OffprintSupport", "OffprintTestSupport",
                                                           "OffprintHTTP", .product(name: "FlyingFox", package: "FlyingFox")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "OffprintImagesTests", dependencies: ["OffprintImages", "OffprintHTTP", "OffprintSupport", "OffprintTestSupport", .product(name: "FlyingFox", package: "FlyingFox"),
                                                          .product(name: "FlyingSocks", package: "FlyingFox")],
                    exclude: ["Fixtures"]),
        .testTarget(name: "OffprintEPUBTests", dependencies: ["OffprintEPUB", "OffprintSupport", "OffprintDocument", "OffprintArticle", "OffprintCleanup", "OffprintImages",
                                                              "OffprintTemplates", "OffprintTestSupport",
                                                              .product(name: "Crypto", package: "swift-crypto"),
                                                              .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "OffprintProfilesTests", dependencies: ["OffprintProfiles", "OffprintSupport", "OffprintEPUB", "OffprintImages", "OffprintArticle", "OffprintCleanup",
                                                                  "OffprintDocument", "OffprintTestSupport", "OffprintTemplates", "CLibVips",
                                                                  .product(name: "Crypto", package: "swift-crypto")]),
    ]
)
