// swift-tools-version:6.0
// Offprint: article HTML → clean Markdown, article sets → EPUB books.
//
// The pipeline, one module per stage:
//   OffprintDocument  HTML bytes → Swift value tree (libxml2, freed inside the parse call)
//   OffprintArticle   input file → Article (metadata + Document)
//   OffprintCleanup   clean-up passes over the tree (lazy images, proxies, URLs, junk)
//   OffprintMarkdown  Document → Markdown text
//   OffprintImages    content-addressed image cache + downloader (serves both writers)
//   OffprintEPUB      articles → EPUB 3 (libzip, Mustache templates from templates/)
//   Offprint          the facade the CLI (and library users) call
//   offprint          the command-line tool (thin)
import PackageDescription

let package = Package(
    name: "Offprint",
    platforms: [.macOS(.v13)],
    products: [
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
        .systemLibrary(name: "CLibZip", pkgConfig: "libzip",
                       providers: [.apt(["libzip-dev"]), .brew(["libzip"])]),
        .target(name: "OffprintDocument", dependencies: ["CLibXML2"]),
        .target(name: "OffprintArticle", dependencies: ["OffprintDocument"]),
        .target(name: "OffprintImages", dependencies: []),
        .testTarget(name: "OffprintDocumentTests", dependencies: ["OffprintDocument"]),
        .target(name: "OffprintTemplates", path: "templates", exclude: ["README.md"], sources: ["Templates.swift"],
                resources: [.embedInCode("epub/package.opf.mustache"), .embedInCode("epub/nav.xhtml.mustache"),
                            .embedInCode("epub/toc.ncx.mustache"), .embedInCode("epub/chapter.xhtml.mustache"),
                            .embedInCode("epub/titlepage.xhtml.mustache"), .embedInCode("epub/cover.xhtml.mustache"),
                            .embedInCode("epub/style.css")]),
        .target(name: "OffprintEPUB", dependencies: ["CLibZip", "CLibXML2", "OffprintDocument", "OffprintArticle", "OffprintImages", "OffprintTemplates",
                                                     .product(name: "Mustache", package: "swift-mustache"),
                                                     .product(name: "Yams", package: "Yams"),
                                                     .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "OffprintEPUBTests", dependencies: ["OffprintEPUB", "OffprintDocument", "OffprintArticle", "OffprintImages",
                                                              "OffprintTemplates", "CLibZip",
                                                              .product(name: "Crypto", package: "swift-crypto"),
                                                              .product(name: "Yams", package: "Yams")]),
    ]
)
