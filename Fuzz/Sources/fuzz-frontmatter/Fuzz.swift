import Offprint
@testable import OffprintArticle
import Yams

/// Front matter text, strictly (FrontMatter.parse) and leniently (a post with it); its first
/// 48 characters as a scalar, typed by YAMLTags and by Yams' resolver alike. Whatever
/// parses must render to YAML and TOML that parse back to the same entries (TOML drops
/// nulls, and both may type a value differently only where the writers document it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrontMatter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // The hand-written YAML 1.1 tag resolver against Yams' regular expressions.
    let scalar = String(text.prefix(48))
    let mine = YAMLTags.resolve(scalar), theirs = Resolver.default.resolveTag(of: Node(scalar))
    precondition(mine == theirs, "YAMLTags says \(mine.rawValue), Yams \(theirs.rawValue) for \(scalar.debugDescription)")
    for format in [FrontMatter.Format.yaml, .toml] {
        guard let fm = try? FrontMatter.parse(text, format: format) else { continue }
        let yaml = fm.render(as: .yaml, delimited: false)
        guard let back = try? FrontMatter.parse(yaml, format: .yaml) else {
            fatalError("rendered YAML does not parse:\n\(yaml)")
        }
        precondition(back.entries.map(\.key) == fm.entries.map(\.key), "keys changed in the YAML round trip:\n\(yaml)")
        let toml = fm.render(as: .toml, delimited: false)
        guard (try? FrontMatter.parse(toml, format: .toml)) != nil else {
            fatalError("rendered TOML does not parse:\n\(toml)")
        }
    }
    // The lenient loader: a post with this front matter.
    let post = Array(("---\n" + text + "\n---\n<p>body</p>\n").utf8)
    _ = try? ArticleLoader.load(post, origin: "fuzz.md")
    let toml = Array(("+++\n" + text + "\n+++\n<p>body</p>\n").utf8)
    _ = try? ArticleLoader.load(toml, origin: "fuzz.md")
    return 0
}
