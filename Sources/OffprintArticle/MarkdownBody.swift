import OffprintSupport
import CCmarkGFM
import Foundation
import OffprintDocument

/// Markdown post bodies: CommonMark + GitHub Flavored Markdown (tables, strikethrough,
/// autolinks, task lists, the tag filter, footnotes) rendered by libcmark-gfm into HTML,
/// which `HTMLParser` then parses like any HTML body, so every later stage works unchanged.
///
/// Before rendering, the static-site conventions: `<!-- more -->` excerpt markers dropped,
/// Hexo's `{% asset_img file title %}` turned into an image of the post's asset folder,
/// other Hugo shortcodes (`{{< … >}}`, `{{% … %}}`) and Jekyll/Liquid tags (`{% … %}`,
/// `{{ … }}`) left visible, each with a warning (they are never executed).
public enum MarkdownBody {
    /// Whether a post body is HTML (the Hexo RSS pipelines write HTML under `.md` names)
    /// rather than Markdown: it starts with a tag or comment and no line is Markdown-only
    /// block syntax (an ATX heading, a code fence).
    public static func looksLikeHTML(_ body: Substring) -> Bool {
        guard let first = body.first(where: { !$0.isWhitespace }), first == "<" else { return false }
        guard let i = body.firstIndex(of: "<") else { return false }
        let next = body.index(after: i)
        guard next < body.endIndex, body[next].isLetter || body[next] == "!" else { return false }
        // A leading `<!-- more -->` or a lone `<img>` before Markdown text: look further.
        var inPre = false
        for line in body.split(separator: "\n", omittingEmptySubsequences: true) {
            let t = line.drop(while: { $0 == " " })
            let lower = t.prefix(5).lowercased()
            if lower.hasPrefix("<pre") || lower.hasPrefix("<code") || lower.hasPrefix("<scri") { inPre = true }
            if t.contains("</pre>") || t.contains("</script>") { inPre = false; continue }
            if inPre { continue }
            if t.hasPrefix("```") || t.hasPrefix("~~~") { return false }
            if t.first == "#" {
                let hashes = t.prefix(while: { $0 == "#" }).count
                if hashes <= 6, t.dropFirst(hashes).first == " " { return false }
            }
        }
        return true
    }

    /// HTML for a Markdown body. `firstLine`: the body's first line in the file (for the
    /// warnings' line numbers). `assetFolder`: Hexo's post asset folder (`_posts/name/`).
    public static func html(_ markdown: String, origin: String, firstLine: Int = 1, assetFolder: String? = nil) -> (String, [Diagnostic]) {
        let (text, diagnostics) = preprocess(markdown, origin: origin, firstLine: firstLine, assetFolder: assetFolder)
        return (render(text), diagnostics)
    }

    /// libcmark-gfm's HTML for `markdown` (the C strings stay inside this call).
    public static func render(_ markdown: String) -> String {
        var md = markdown
        return md.withUTF8 { buf -> String in
            if buf.isEmpty { return "" }
            let p: UnsafeMutablePointer<CChar>? = buf.withMemoryRebound(to: CChar.self) { chars in
                offprint_cmark_gfm_html(chars.baseAddress, chars.count, 0)
            }
            guard let p else { return "" }
            defer { offprint_cmark_free(p) }
            return String(cString: p)
        }
    }

    nonisolated(unsafe) private static let moreMarker = try! Regex(#"^\s*<!--\s*more\s*-->\s*$"#).ignoresCase()
    nonisolated(unsafe) private static let assetImg = try! Regex(#"\{%\s*asset_(img|image)\s+(\S+)(?:\s+(.*?))?\s*%\}"#)
    nonisolated(unsafe) private static let template = try! Regex(#"\{\{[<%].*?[%>]\}\}|\{%.*?%\}|\{\{.*?\}\}"#)

    static func preprocess(_ markdown: String, origin: String, firstLine: Int, assetFolder: String?) -> (String, [Diagnostic]) {
        var out: [Substring] = []
        var diags: [Diagnostic] = []
        var fence: Substring?
        var lineNumber = firstLine - 1
        var rewritten: [String] = []
        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.drop(while: { $0 == " " })
            if let f = fence {
                if trimmed.hasPrefix(f) { fence = nil }
                out.append(line)
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix(while: { $0 == trimmed.first })
                out.append(line)
                continue
            }
            if line.wholeMatch(of: moreMarker) != nil { continue }
            var l = String(line)
            // {% asset_img file.jpg Title %} → ![Title](folder/file.jpg)
            if l.contains("asset_im") {
                l = l.replacing(assetImg) { m in
                    let file = String(m.output[2].substring ?? "")
                    var title = m.output[3].substring.map(String.init) ?? ""
                    if title.hasPrefix("\""), title.hasSuffix("\""), title.count >= 2 { title = String(title.dropFirst().dropLast()) }
                    let path = assetFolder.map { $0 + "/" + file } ?? file
                    return "![\(escapeAlt(title))](<\(path)>)"
                }
            }
            if l.contains("{%") || l.contains("{{") {
                for m in l.matches(of: template) {
                    let tag = String(l[m.range])
                    let kind = tag.hasPrefix("{{<") || tag.hasPrefix("{{%") ? "Hugo shortcode" : "Liquid tag"
                    diags.append(Diagnostic(origin: origin, location: "line \(lineNumber)",
                                            "\(kind) \(tag.count > 60 ? String(tag.prefix(57)) + "…" : tag) left as text (offprint does not run templates; replace it with its output, or remove it)"))
                }
            }
            rewritten.append(l)
            out.append(Substring(rewritten[rewritten.count - 1]))
        }
        return (out.joined(separator: "\n"), diags)
    }

    private static func escapeAlt(_ s: String) -> String {
        s.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
    }
}

/// Local images of posts: relative paths resolved against the post's folder, root-relative
/// ones (`/images/a.png`) against the site's `source/` (Hexo) or `static/` (Hugo) folder
/// (or the site folder itself, as Jekyll keeps them). Found files become `data:` URIs, so the
/// image cache, the EPUB builder and `--images download` take them like any image.
public enum LocalImages {
    static let maxBytes = 25 << 20
    /// The image types a post's local images may be (a browser shows them all).
    static let types: Set<MediaType> = [.jpeg, .png, .gif, .svg, .webp, .avif, .bmp]

    static func inline(_ article: inout Article) -> [Diagnostic] {
        let postFile = URL(fileURLWithPath: article.origin)
        guard FileManager.default.fileExists(atPath: postFile.path) else { return [] }
        return inline(&article, folder: postFile.deletingLastPathComponent())
    }

    /// Makes the article's local images (paths relative to `folder`, or root-relative under
    /// a site folder above it) `data:` URIs; reports the ones not found.
    public static func inline(_ article: inout Article, folder: URL) -> [Diagnostic] {
        var diags: [Diagnostic] = []
        var found: [String: String] = [:]
        var missing: Set<String> = []
        for img in article.document.elements(named: "img", under: article.content) {
            guard let src = article.document[img].attribute("src")?.trimmingCharacters(in: .whitespaces), isLocal(src),
                  !missing.contains(src) else { continue }
            if found[src] == nil {
                guard let uri = dataURI(for: src, folder: folder) else { missing.insert(src); continue }
                found[src] = uri
            }
            article.document.setAttribute("src", found[src]!, on: img)
        }
        for src in missing.sorted() {
            diags.append(Diagnostic(origin: article.origin, location: "<img src=\"\(src)\">",
                                    "local image not found next to the post or in the site's source/ or static/ folder (check the path)"))
        }
        return diags
    }

    static func isLocal(_ src: String) -> Bool {
        if src.isEmpty || src.hasPrefix("//") || src.hasPrefix("#") { return false }
        if let colon = src.firstIndex(of: ":"), let slash = src.firstIndex(of: "/"), colon < slash { return false }
        if src.contains(":") && !src.contains("/") { return false }
        return true
    }

    static func dataURI(for src: String, folder: URL) -> String? {
        var path = src
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        path = path.removingPercentEncoding ?? path
        var candidates: [URL] = []
        if path.hasPrefix("/") {
            var dir = folder
            for _ in 0..<8 {
                for sub in ["source", "static", ""] {
                    candidates.append((sub.isEmpty ? dir : dir.appendingPathComponent(sub)).appendingPathComponent(String(path.dropFirst())))
                }
                let parent = dir.deletingLastPathComponent()
                if parent.path == dir.path { break }
                dir = parent
            }
        } else {
            candidates.append(folder.appendingPathComponent(path))
        }
        for c in candidates {
            guard let type = MediaType(fileExtension: c.pathExtension), types.contains(type) else { continue }
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: c.path),
                  (attrs[.type] as? FileAttributeType) == .typeRegular,
                  let size = attrs[.size] as? Int, size <= maxBytes,
                  let data = FileManager.default.contents(atPath: c.path) else { continue }
            return "data:\(type);base64," + data.base64EncodedString()
        }
        return nil
    }
}

extension Article {
    /// The post is a draft: front matter `draft: true` (Hugo, Hexo) or `published: false`
    /// (Jekyll). Books leave drafts out.
    public var isDraft: Bool {
        guard let fm = frontMatter else { return false }
        func truth(_ v: FrontMatter.Value?) -> Bool? {
            switch v {
            case .bool(let b)?: return b
            case .string(let s)?: return ["true", "yes"].contains(s.lowercased()) ? true : (["false", "no"].contains(s.lowercased()) ? false : nil)
            default: return nil
            }
        }
        for e in fm.entries {
            if FrontMatterKeys.matches(e.key, "draft"), truth(e.value) == true { return true }
            if FrontMatterKeys.matches(e.key, "published"), truth(e.value) == false { return true }
        }
        return false
    }
}
