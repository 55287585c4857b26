// swift-tools-version:6.0
// libFuzzer targets for Offprint, in a package of their own so that the main package's
// `swift build` and `swift test` never build them. Run them with ../scripts/fuzz.sh.
//
//   fuzz-export             any bytes → the whole export (load, clean-up, Markdown + front matter)
//   fuzz-frontmatter        YAML/TOML front matter text → FrontMatter; what it renders parses back
//   fuzz-manifest           YAML → CollectionManifest (the book manifest)
//   fuzz-xhtml              any bytes → parse → XHTML (the serializer, and an EPUB chapter's
//                           sanitised body): always well-formed XML
//   fuzz-parse-equivalence  any bytes → the SAX tree builder's tree equals libxml2's own tree
import PackageDescription

// -parse-as-library: libFuzzer supplies main(); the targets only define LLVMFuzzerTestOneInput.
let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "OffprintFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "Offprint", path: "..")],
    targets: [
        .executableTarget(name: "fuzz-export", dependencies: [.product(name: "Offprint", package: "Offprint")], swiftSettings: fuzzer),
        .executableTarget(name: "fuzz-frontmatter", dependencies: [.product(name: "Offprint", package: "Offprint")], swiftSettings: fuzzer),
        .executableTarget(name: "fuzz-manifest", dependencies: [.product(name: "Offprint", package: "Offprint")], swiftSettings: fuzzer),
        .executableTarget(name: "fuzz-xhtml", dependencies: [.product(name: "Offprint", package: "Offprint")], swiftSettings: fuzzer),
        .executableTarget(name: "fuzz-parse-equivalence", dependencies: [.product(name: "Offprint", package: "Offprint")], swiftSettings: fuzzer),
    ]
)
