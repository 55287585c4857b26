/// One candidate of a `srcset` attribute.
public struct SrcsetCandidate: Sendable, Equatable {
    public var url: String
    /// The `w` descriptor (image width in pixels), if given.
    public var width: Int?
    /// The `x` descriptor (pixel density); 1 when nothing is given.
    public var density: Double

    /// Parses a `srcset` value the way the HTML standard does: URLs are runs without white
    /// space (so `c_fill,w_80/a.jpg` keeps its commas), descriptors follow up to a comma
    /// outside parentheses.
    public static func parse(_ srcset: String) -> [SrcsetCandidate] {
        var out: [SrcsetCandidate] = []
        let s = Array(srcset)
        var i = 0
        while i < s.count {
            while i < s.count, s[i].isWhitespace || s[i] == "," { i += 1 }
            guard i < s.count else { break }
            var url = ""
            while i < s.count, !s[i].isWhitespace { url.append(s[i]); i += 1 }
            var descriptors = ""
            if url.hasSuffix(",") {
                while url.hasSuffix(",") { url.removeLast() }
            } else {
                var depth = 0
                while i < s.count {
                    let c = s[i]
                    if c == "(" { depth += 1 } else if c == ")" { depth = max(0, depth - 1) }
                    if c == "," && depth == 0 { i += 1; break }
                    descriptors.append(c)
                    i += 1
                }
            }
            guard !url.isEmpty else { continue }
            var cand = SrcsetCandidate(url: url, width: nil, density: 1)
            for d in descriptors.split(whereSeparator: \.isWhitespace) {
                let value = d.dropLast()
                switch d.last {
                case "w": if let w = Int(value), w > 0 { cand.width = w }
                case "x": if let x = Double(value), x > 0 { cand.density = x }
                default: break
                }
            }
            out.append(cand)
        }
        return out
    }

    /// The best of several candidates: the widest when widths are given, else the densest;
    /// the first on ties.
    public static func best(_ candidates: [SrcsetCandidate]) -> SrcsetCandidate? {
        guard var best = candidates.first else { return nil }
        for c in candidates.dropFirst() {
            switch (c.width, best.width) {
            case let (w?, b?): if w > b { best = c }
            case (_?, nil): best = c
            case (nil, nil): if c.density > best.density { best = c }
            case (nil, _?): break
            }
        }
        return best
    }
}
