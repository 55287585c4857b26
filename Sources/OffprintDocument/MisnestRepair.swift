#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Repairs what libxml2 should not see: misnested inline formatting, and start tags with
/// more attributes than anyone writes.
///
/// For `<b><i>x</b>y</i>` libxml2 2.9 closes both elements at `</b>` and drops the stray
/// `</i>`, so "y" loses its italics. HTML5's adoption agency algorithm gives
/// `<b><i>x</i></b><i>y</i>`. This pass does the same for the common case, formatting
/// elements misnested with each other: at an end tag whose element still has formatting
/// elements open inside it, it closes those explicitly and reopens them (with their
/// attributes) after the end tag. Anything else passes through byte for byte; block tags
/// reset the tracking, since libxml2's own rules govern there. Like browsers it bounds the
/// work: at most `maxOpen` formatting elements are tracked, and once the reopened tags add
/// more bytes than the input had, repairs stop (a few kilobytes of `<b>`s and `<i>`s could
/// otherwise ask for gigabytes of reopened tags).
///
/// libxml2 checks each attribute of a tag against all the earlier ones, so a tag with a
/// million attributes parses for hours: attributes past the first `maxAttributes` of a tag
/// are dropped here.
///
/// It runs over every byte of every page, so it works on raw bytes: tags are found with
/// `memchr` and classified through a `NameTable`, without making strings.
enum MisnestRepair {
    /// Per name: formatting (1), block (2), raw text (4), and the name itself.
    private static let formatting: UInt8 = 1, block: UInt8 = 2, rawText: UInt8 = 4
    private static let kinds: NameTable<(UInt8, String)> = {
        var flags: [String: UInt8] = [:]
        for n in HTMLElements.formatting { flags[n, default: 0] |= formatting }
        for n in HTMLElements.block { flags[n, default: 0] |= block }
        for n in ["script", "style", "textarea", "title", "xmp", "plaintext", "noembed", "noframes", "iframe"] {
            flags[n, default: 0] |= rawText
        }
        return NameTable(flags.map { ($0.key, ($0.value, $0.key)) })
    }()

    /// The most attributes a start tag keeps.
    static let maxAttributes = 256
    /// The most open formatting elements tracked.
    static let maxOpen = 64

    /// `input` repaired; `misnesting: false` only caps attributes.
    static func repair(_ input: [UInt8], misnesting: Bool = true) -> [UInt8] {
        input.withUnsafeBufferPointer { buf in
            guard let p = buf.baseAddress else { return nil }
            return repair(p, buf.count, misnesting: misnesting)
        } ?? input
    }

    /// The repaired bytes, or nil when nothing needed repair.
    private static func repair(_ p: UnsafePointer<UInt8>, _ n: Int, misnesting: Bool) -> [UInt8]? {
        let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), slash = UInt8(ascii: "/")
        var out: [UInt8] = []
        var copied = 0  // p[..<copied] is already in out (when out is in use)
        var changed = false
        var repairing = misnesting  // off once the repairs have added as many bytes as the input has
        // Open formatting elements: name, and the start tag as written out (its bytes up to
        // `end`, then `>` when its attributes were cut).
        var open: [(name: String, start: Int, end: Int, cut: Bool)] = []
        func copy(upTo end: Int) {
            if !changed { out.reserveCapacity(n + 64); changed = true }
            out.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: end - copied))
        }
        var i = 0
        while i < n {
            guard let lp = memchr(p + i, Int32(lt), n - i) else { break }
            i = UnsafeRawPointer(lp).assumingMemoryBound(to: UInt8.self) - p
            guard i + 1 < n else { break }
            let c = p[i + 1]
            if c == UInt8(ascii: "!") {
                if i + 3 < n, p[i + 2] == UInt8(ascii: "-"), p[i + 3] == UInt8(ascii: "-") {
                    i = find(p, n, "-->", from: i + 4).map { $0 + 3 } ?? n
                } else {
                    i = (index(of: gt, p, n, from: i + 2) ?? n - 1) + 1
                }
                continue
            }
            if c == UInt8(ascii: "?") {
                i = (index(of: gt, p, n, from: i + 2) ?? n - 1) + 1
                continue
            }
            let isEnd = c == slash
            let nameStart = isEnd ? i + 2 : i + 1
            guard nameStart < n, isLetter(p[nameStart]) else { i += 1; continue }
            var j = nameStart
            while j < n, !isSpace(p[j]), p[j] != gt, p[j] != slash { j += 1 }
            let kind = kinds.lookup(p + nameStart, j - nameStart)
            let tagEnd = endOfTag(p, n, from: j)
            i = tagEnd
            // Too many attributes: keep the tag up to the first one too many, then close it.
            var keptEnd = tagEnd
            var cut = false
            if !isEnd, tagEnd - j > 2 * maxAttributes, let at = attributeCut(p, from: j, to: tagEnd) {
                copy(upTo: at)
                let closed = p[tagEnd - 1] == gt
                if closed { out.append(contentsOf: p[tagEnd - 2] == slash && tagEnd - 2 >= at ? [slash, gt] : [gt]) }
                copied = tagEnd
                keptEnd = at
                cut = closed
            }
            guard repairing, let (k, name) = kind else { continue }
            if isEnd {
                if k & formatting != 0 {
                    guard let at = open.lastIndex(where: { $0.name == name }) else { continue }
                    let inner = open[(at + 1)...]
                    if !inner.isEmpty {
                        // </b> with <i> still open: </i></b><i ...>
                        copy(upTo: nameStart - 2)
                        for e in inner.reversed() { out.append(contentsOf: Array("</\(e.name)>".utf8)) }
                        out.append(contentsOf: UnsafeBufferPointer(start: p + nameStart - 2, count: tagEnd - (nameStart - 2)))
                        for e in inner {
                            out.append(contentsOf: UnsafeBufferPointer(start: p + e.start, count: e.end - e.start))
                            if e.cut { out.append(gt) }
                        }
                        copied = tagEnd
                        if out.count - copied > max(n, 1 << 20) { repairing = false; open.removeAll(); continue }
                    }
                    open.remove(at: at)
                } else if k & block != 0 {
                    open.removeAll()
                }
            } else if k & rawText != 0 {
                // Skip the element's text up to its end tag.
                let close = Array("</\(name)".utf8)
                var q = tagEnd
                i = n
                while let f = find(p, n, close, from: q) {
                    let after = f + close.count
                    if after >= n || !isLetter(p[after]) { i = f; break }
                    q = after
                }
            } else {
                let selfClosing = tagEnd >= 2 && p[tagEnd - 2] == slash
                if k & formatting != 0, !selfClosing {
                    if open.count == maxOpen { open.removeFirst() }
                    open.append((name, nameStart - 1, keptEnd, cut))
                } else if k & block != 0 {
                    open.removeAll()
                }
            }
        }
        guard changed else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(start: p + copied, count: n - copied))
        return out
    }

    @inline(__always) private static func isLetter(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C
    }

    private static func index(of byte: UInt8, _ p: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int? {
        guard from < n, let f = memchr(p + from, Int32(byte), n - from) else { return nil }
        return UnsafeRawPointer(f).assumingMemoryBound(to: UInt8.self) - p
    }

    /// Where the attribute past the first `maxAttributes` of a start tag begins (its
    /// attributes run from `from` to `end`, the `>` included), or nil when there are not
    /// that many. Attributes are read as libxml2 reads them: a name, then optionally `=`
    /// and a quoted or bare value, white space around the `=` allowed.
    private static func attributeCut(_ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        let limit = p[end - 1] == UInt8(ascii: ">") ? end - 1 : end
        var k = from
        var count = 0
        while true {
            while k < limit, isSpace(p[k]) || (p[k] == UInt8(ascii: "/") && k + 1 < limit) { k += 1 }
            if k >= limit || (p[k] == UInt8(ascii: "/") && k + 1 == limit) { return nil }
            count += 1
            if count > maxAttributes { return k }
            while k < limit, !isSpace(p[k]), p[k] != UInt8(ascii: "=") { k += 1 }
            var v = k
            while v < limit, isSpace(p[v]) { v += 1 }
            guard v < limit, p[v] == UInt8(ascii: "=") else { continue }
            k = v + 1
            while k < limit, isSpace(p[k]) { k += 1 }
            if k < limit, p[k] == UInt8(ascii: "\"") || p[k] == UInt8(ascii: "'") {
                let q = p[k]
                k += 1
                while k < limit, p[k] != q { k += 1 }
                k += 1
            } else {
                while k < limit, !isSpace(p[k]) { k += 1 }
            }
        }
    }

    /// The index just past the `>` that ends the tag whose attributes start at `from`
    /// (quoted attribute values may contain `>`).
    private static func endOfTag(_ p: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int {
        var i = from
        var quote: UInt8 = 0
        while i < n {
            let b = p[i]
            if quote != 0 {
                if b == quote { quote = 0 }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                // Only a quote right after '=' (allowing spaces) opens a value.
                var k = i - 1
                while k > from, isSpace(p[k]) { k -= 1 }
                if p[k] == UInt8(ascii: "=") { quote = b }
            } else if b == UInt8(ascii: ">") {
                return i + 1
            }
            i += 1
        }
        return n
    }

    private static func find(_ p: UnsafePointer<UInt8>, _ n: Int, _ needle: String, from: Int) -> Int? {
        find(p, n, Array(needle.utf8), from: from)
    }

    /// Search for an ASCII needle whose first byte is not a letter, the rest compared
    /// case-insensitively (the needle is lower case).
    private static func find(_ p: UnsafePointer<UInt8>, _ n: Int, _ needle: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty else { return nil }
        let last = n - needle.count
        var i = from
        while i <= last {
            guard let f = index(of: needle[0], p, n, from: i), f <= last else { return nil }
            var ok = true
            for k in 1..<needle.count where lower(p[f + k]) != needle[k] { ok = false; break }
            if ok { return f }
            i = f + 1
        }
        return nil
    }

    @inline(__always) private static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b + 32 : b }
}
