import Foundation
import OffprintEPUB

/// Kobo's KEPUB conventions, as kepubify writes them, applied to one XHTML content document:
///
/// - every sentence of the body's text in `<span class="koboSpan" id="kobo.P.S">` (P counts
///   paragraphs — `p`, lists, tables, images — and S the sentences in each), so the Kobo
///   engine can keep reading positions, highlights and statistics;
/// - every image in a span of its own;
/// - the body's content wrapped in `<div id="book-columns"><div id="book-inner">`;
/// - kepubify's `kobostylehacks` style in the head.
///
/// The document is streamed as XML (no tree, no recursion): everything but the inserted
/// tags is copied byte for byte, so the text a reader sees is unchanged. No spans inside
/// `script`, `style`, `pre`, `audio`, `video` (as kepubify), nor where a span would make the
/// XHTML invalid (`svg`, `math`, `select`, `option`, `textarea`, `rp`, `head`). Sentences end
/// after `.`, `!`, `?` or `:` (runs of them), an optional closing quote and white space, as
/// kepubify splits them, and after the CJK full stops `。！？` (kepubify leaves Chinese
/// and Japanese paragraphs as one span). A document that has `koboSpan`s already is left as it is.
public enum KEPUB {
    public static let styleHack = #"<style type="text/css" class="kobostylehacks">div#book-inner { margin-top: 0; margin-bottom: 0;}</style>"#

    /// Elements whose content gets no spans.
    static let noSpans: Set<String> = ["script", "style", "pre", "audio", "video", "svg", "math", "select", "option",
                                       "optgroup", "datalist", "textarea", "rp", "head", "title", "template", "noscript",
                                       "object", "iframe", "canvas", "map"]
    /// Elements starting a new paragraph number.
    static let paragraphs: Set<String> = ["p", "ol", "ul", "table"]
    /// Elements in which a span may not stand (an image there keeps no span).
    static let noPhrasing: Set<String> = ["ul", "ol", "table", "thead", "tbody", "tfoot", "tr", "colgroup", "dl", "picture",
                                          "hgroup", "menu", "html", "head"]

    /// The KEPUB form of `xhtml` (UTF-8).
    public static func transform(_ xhtml: [UInt8]) -> [UInt8] {
        let b = xhtml
        if contains(b, Array("koboSpan".utf8)) { return b }
        let hasWrappers = contains(b, Array("\"book-columns\"".utf8))
        let existingIDs = koboIDs(b)
        var out: [UInt8] = []
        out.reserveCapacity(b.count + b.count / 2)
        var stack: [String] = []
        var skipUntil = -1          // stack depth at which a no-span element was opened
        var inBody = false
        var para = 0, seg = 0
        var incParaNext = false
        var i = 0
        let n = b.count

        func nextID() -> [UInt8] {
            var id = "kobo.\(para).\(seg)"
            while existingIDs.contains(id) { seg += 1; id = "kobo.\(para).\(seg)" }
            return Array(id.utf8)
        }
        func openSpan() {
            out += Array(#"<span class="koboSpan" id=""#.utf8)
            out += nextID()
            out += Array("\">".utf8)
        }

        while i < n {
            if b[i] != 0x3C {  // text
                var j = i
                while j < n && b[j] != 0x3C { j += 1 }
                if inBody && skipUntil < 0 {
                    let parent = stack.last ?? ""
                    for (s, e) in sentences(b, i, j) {
                        if isSpace(b, s, e) && parent != "p" {
                            out += b[s..<e]
                        } else {
                            if incParaNext { para += 1; seg = 0; incParaNext = false }
                            seg += 1
                            openSpan()
                            out += b[s..<e]
                            out += Array("</span>".utf8)
                        }
                    }
                } else {
                    out += b[i..<j]
                }
                i = j
                continue
            }
            // Markup.
            if starts(b, i, "<!--") {
                let e = find(b, from: i + 4, "-->").map { $0 + 3 } ?? n
                out += b[i..<e]; i = e; continue
            }
            if starts(b, i, "<![CDATA[") {
                let e = find(b, from: i + 9, "]]>").map { $0 + 3 } ?? n
                out += b[i..<e]; i = e; continue
            }
            if starts(b, i, "<?") {
                let e = find(b, from: i + 2, "?>").map { $0 + 2 } ?? n
                out += b[i..<e]; i = e; continue
            }
            if starts(b, i, "<!") {
                // DOCTYPE, possibly with an internal subset in brackets.
                var j = i + 2, depth = 0
                while j < n {
                    if b[j] == 0x5B { depth += 1 } else if b[j] == 0x5D { depth -= 1 } else if b[j] == 0x3E && depth <= 0 { break }
                    j += 1
                }
                let e = min(n, j + 1)
                out += b[i..<e]; i = e; continue
            }
            // A tag: find its end outside quotes.
            var j = i + 1
            var quote: UInt8 = 0
            while j < n {
                let c = b[j]
                if quote != 0 { if c == quote { quote = 0 } } else if c == 0x22 || c == 0x27 { quote = c } else if c == 0x3E { break }
                j += 1
            }
            let end = min(n, j + 1)
            let isEnd = i + 1 < n && b[i + 1] == 0x2F
            let selfClosing = end >= 2 && b[end - 2] == 0x2F
            let name = tagName(b, isEnd ? i + 2 : i + 1, end)
            if isEnd {
                if name == "body" && inBody {
                    if !hasWrappers { out += Array("</div></div>".utf8) }
                    inBody = false
                }
                if name == "head" { out += Array(styleHack.utf8) }
                out += b[i..<end]
                if let k = stack.lastIndex(of: name) {
                    stack.removeSubrange(k...)
                    if skipUntil >= 0 && stack.count <= skipUntil { skipUntil = -1 }
                }
                i = end
                continue
            }
            if name == "img" && inBody && skipUntil < 0 && !noPhrasing.contains(stack.last ?? "") {
                para += 1; seg = 1; incParaNext = false
                openSpan()
                out += b[i..<end]
                out += Array("</span>".utf8)
                i = end
                continue
            }
            out += b[i..<end]
            i = end
            if selfClosing { continue }
            if name == "body" {
                inBody = true
                if !hasWrappers { out += Array(#"<div id="book-columns"><div id="book-inner">"#.utf8) }
            }
            if skipUntil < 0 && inBody {
                if noSpans.contains(name) { skipUntil = stack.count }
                else if paragraphs.contains(name) { incParaNext = true }
            }
            stack.append(name)
        }
        return out
    }

    /// The sentence ranges of text `b[start..<end]` (they cover it exactly).
    static func sentences(_ b: [UInt8], _ start: Int, _ end: Int) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        var s = start
        var i = start
        while i < end {
            var j: Int
            var cjk = false
            let c = b[i]
            if c == 0x2E || c == 0x21 || c == 0x3F || c == 0x3A {  // . ! ? :
                j = i + 1
                while j < end && (b[j] == 0x2E || b[j] == 0x21 || b[j] == 0x3F || b[j] == 0x3A) { j += 1 }
            } else if c == 0xE3 && i + 2 < end && b[i + 1] == 0x80 && b[i + 2] == 0x82 {  // 。
                j = i + 3
                cjk = true
            } else if c == 0xEF && i + 2 < end && b[i + 1] == 0xBC && (b[i + 2] == 0x81 || b[i + 2] == 0x9F) {  // ！？
                j = i + 3
                while j + 2 < end && b[j] == 0xEF && b[j + 1] == 0xBC && (b[j + 2] == 0x81 || b[j + 2] == 0x9F) { j += 3 }
                cjk = true
            } else {
                i += 1
                continue
            }
            // One closing quote or bracket (kepubify's list; for CJK stops, closing marks only).
            if !cjk && j < end && (b[j] == 0x22 || b[j] == 0x27) {
                j += 1
            } else if j + 3 <= end {
                let t = (b[j], b[j + 1], b[j + 2])
                if (cjk ? cjkClosers : closers).contains(where: { $0 == t }) { j += 3 }
            }
            while j < end && (b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D || b[j] == 0x0C) { j += 1 }
            out.append((s, j))
            s = j
            i = j
        }
        if s < end { out.append((s, end)) }
        return out
    }

    /// ” ’ “ … 」 』 ） 》 in UTF-8.
    static let closers: [(UInt8, UInt8, UInt8)] = [(0xE2, 0x80, 0x9D), (0xE2, 0x80, 0x99), (0xE2, 0x80, 0x9C), (0xE2, 0x80, 0xA6),
                                                   (0xE3, 0x80, 0x8D), (0xE3, 0x80, 0x8F), (0xEF, 0xBC, 0x89), (0xE3, 0x80, 0x8B)]

    /// ” ’ 」 』 ） 》 in UTF-8.
    static let cjkClosers: [(UInt8, UInt8, UInt8)] = [(0xE2, 0x80, 0x9D), (0xE2, 0x80, 0x99), (0xE3, 0x80, 0x8D), (0xE3, 0x80, 0x8F),
                                                      (0xEF, 0xBC, 0x89), (0xE3, 0x80, 0x8B)]

    static func isSpace(_ b: [UInt8], _ s: Int, _ e: Int) -> Bool {
        var k = s
        while k < e {
            let c = b[k]
            if !(c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C) { return false }
            k += 1
        }
        return true
    }

    static func tagName(_ b: [UInt8], _ start: Int, _ end: Int) -> String {
        var k = start
        while k < end, !(b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A || b[k] == 0x0D || b[k] == 0x2F || b[k] == 0x3E) { k += 1 }
        var name = b[start..<k]
        if let colon = name.lastIndex(of: 0x3A) { name = name[(colon + 1)...] }
        return String(decoding: name, as: UTF8.self).lowercased()
    }

    static func starts(_ b: [UInt8], _ i: Int, _ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        return s.withUTF8Buffer { p in
            var k = 0
            while k < n { if b[i + k] != p[k] { return false }; k += 1 }
            return true
        }
    }

    static func find(_ b: [UInt8], from: Int, _ s: StaticString) -> Int? {
        var i = from
        while i < b.count {
            if starts(b, i, s) { return i }
            i += 1
        }
        return nil
    }

    static func contains(_ b: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, b.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = b.count - needle.count
        while i <= last {
            if b[i] == first && b[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// `id` values starting with `kobo.` already in the document.
    static func koboIDs(_ b: [UInt8]) -> Set<String> {
        var out = Set<String>()
        let needle = Array("id=\"kobo.".utf8)
        guard b.count >= needle.count else { return out }
        var i = 0
        while i <= b.count - needle.count {
            if b[i] == 0x69 && b[i..<(i + needle.count)].elementsEqual(needle) {
                var j = i + 4
                while j < b.count && b[j] != 0x22 { j += 1 }
                out.insert(String(decoding: b[(i + 4)..<j], as: UTF8.self))
                i = j
            }
            i += 1
        }
        return out
    }
}
