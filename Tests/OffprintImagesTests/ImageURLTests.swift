import Foundation
import OffprintTestSupport
import Testing
@testable import OffprintImages

@Suite struct ImageURLTests {
    @Test(arguments: [
        ("  https://Example.COM/a.png \n", "https://example.com/a.png"),
        ("HTTP://example.com:80/x/../a.png#top", "http://example.com/a.png"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/a.png", "https://example.com:8443/a.png"),
        ("//img.example.com/a b.png", "https://img.example.com/a%20b.png"),
        ("https://example.com/图片/猫.jpg?w=1&名=值", "https://example.com/%E5%9B%BE%E7%89%87/%E7%8C%AB.jpg?w=1&%E5%90%8D=%E5%80%BC"),
        ("https://example.com/a%2fb%zz.png", "https://example.com/a%2Fb%25zz.png"),
        ("https://example.com/./a/./b/../c.png", "https://example.com/a/c.png"),
        ("https://example.com/a/%2e%2E/b.png", "https://example.com/b.png"),
        ("https:\\\\example.com\\dir\\a.png", "https://example.com/dir/a.png"),
        ("https://exa\tmple.com/a\n.png", "https://example.com/a.png"),
        ("https://user:pa ss@example.com/a.png", "https://user:pa%20ss@example.com/a.png"),
        ("https://[2001:DB8::1]:8080/a.png", "https://[2001:db8::1]:8080/a.png"),
        ("https://bücher.de/a.png", "https://xn--bcher-kva.de/a.png"),
        ("https://例え.テスト/画像.png", "https://xn--r8jz45g.xn--zckzah/%E7%94%BB%E5%83%8F.png"),
        ("https://example.com/a.png?x=\"<1>\"|{2}", "https://example.com/a.png?x=%22%3C1%3E%22%7C%7B2%7D"),
        ("https://example.com?q", "https://example.com/?q"),
        ("data:image/gif;base64,R0lG ", "data:image/gif;base64,R0lG"),
        ("FILE:///etc/passwd", "file:///etc/passwd"),
    ])
    func normalises(_ input: String, _ expected: String) {
        #expect(ImageURL.normalize(input) == expected)
    }

    @Test(arguments: ["", "   ", "images/a.png", "/a.png", "?x", "https://", "https://:80/a", "https://example.com:99999/a.png",
                      "https://example.com:8x/a.png", "1http://x/"])
    func rejects(_ input: String) {
        #expect(ImageURL.normalize(input) == nil)
    }

    @Test func punycodeRFC3492Samples() {
        #expect(Punycode.encode("bücher") == "bcher-kva")
        #expect(Punycode.encode("münchen") == "mnchen-3ya")
        // RFC 3492 7.1 (B) Chinese (simplified).
        #expect(Punycode.encode("他们为什么不说中文") == "ihqwcrb4cv8a8dqg056pqjye")
        // (L) 3年B組金八先生
        #expect(Punycode.encode("3年b組金八先生") == "3b-ww4c5e180e575a65lsy2b")
    }

    @Test func hostForLimits() {
        #expect(ImageURL.host(ofNormalized: "https://u@img.example.com:8080/a?b") == "img.example.com:8080")
        #expect(ImageURL.host(ofNormalized: "http://[::1]/a") == "[::1]")
    }

    /// Every absolute or protocol-relative image address in the real corpus (src,
    /// data-src, data-original, srcset candidates, Hexo front matter) normalises to an
    /// ASCII URL that Foundation accepts, and normalising again changes nothing.
    @Test(.enabled(if: Corpus.available, "needs ../shared/corpus next to the repository")) func corpusImageURLs() throws {
        guard Corpus.available else {
            Issue.record("incomplete corpus: corpus not found at \(Corpus.folder.path)")
            return
        }
        let attr = try NSRegularExpression(pattern: #"(?:src|data-src|data-original|data-actualsrc|srcset|headimg|thumbnail)\s*[=:]\s*["']?([^"'>]+)"#,
                                           options: [.caseInsensitive])
        var candidates = Set<String>()
        for file in Corpus.everyFile(extensions: ["html", "md"]) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            let ns = text as NSString
            for m in attr.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                let value = ns.substring(with: m.range(at: 1))
                // srcset: "url 2x, url 640w"
                for part in value.split(separator: ",") {
                    guard let u = part.split(separator: " ").first.map(String.init) else { continue }
                    let t = u.trimmingCharacters(in: .whitespacesAndNewlines)
                    if t.hasPrefix("http://") || t.hasPrefix("https://") || t.hasPrefix("//") { candidates.insert(t) }
                }
            }
        }
        #expect(candidates.count > 300, "found \(candidates.count) image URLs in the corpus")
        var changed = 0
        for raw in candidates.sorted() {
            let afterSlashes = raw.components(separatedBy: "//").dropFirst().joined(separator: "//")
            if afterSlashes.isEmpty || afterSlashes.hasPrefix("/") {
                #expect(ImageURL.normalize(raw) == nil, "no host, yet normalised: \(raw)")
                continue
            }
            guard let n = ImageURL.normalize(raw) else {
                Issue.record("does not normalise: \(raw)")
                continue
            }
            if n != raw {
                changed += 1
                if ProcessInfo.processInfo.environment["SHOW_URLS"] != nil { print("\(raw)\n  → \(n)") }
            }
            #expect(ImageURL.normalize(n) == n, "not idempotent: \(raw) → \(n)")
            #expect(n.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 }, "not ASCII: \(n)")
            #expect(!n.contains("#"))
            let url = URL(string: n)
            #expect(url != nil, "Foundation rejects \(n)")
            if let url {
                #expect(url.scheme == "http" || url.scheme == "https")
                #expect(url.host == url.host?.lowercased())
            }
        }
        print("corpus image URLs: \(candidates.count) distinct, \(changed) changed by normalisation")
    }
}
