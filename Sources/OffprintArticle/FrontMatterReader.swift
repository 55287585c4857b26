import Foundation
import TOMLKit
import Yams
import OffprintSupport

/// Why front matter text could not be parsed strictly.
public struct FrontMatterError: Error, Sendable, CustomStringConvertible {
    /// 1-based line within the front matter text, when the parser said.
    public var line: Int?
    public var problem: String
    public var description: String { (line.map { "line \($0): " } ?? "") + problem }
}

extension FrontMatter {
    /// Parses front matter text (without its `---` / `+++` delimiters) strictly: keys in
    /// order, values typed (strings, integers, floats, booleans, null, timestamps, lists,
    /// tables). Throws `FrontMatterError` for text that is not valid YAML/TOML or whose top
    /// level is not a key/value mapping.
    public static func parse(_ text: String, format: Format) throws -> FrontMatter {
        switch format {
        case .yaml: return try FrontMatterReader.parseYAML(text)
        case .toml: return try FrontMatterReader.parseTOML(text)
        }
    }
}

/// Reads front matter leniently: valid text is parsed as a whole; broken text is read key by
/// key so one bad line costs one key, with a diagnostic naming the line.
enum FrontMatterReader {
    static func read(_ split: FrontMatterSplit, origin: String) -> (FrontMatter, [Diagnostic]) {
        var diags: [Diagnostic] = []
        if !split.closed {
            diags.append(Diagnostic(origin: origin, location: "line \(split.firstLine - 1)",
                                    "front matter opened with \(split.format == .yaml ? "---" : "+++") but never closed; read it up to the first markup line (close it with a \(split.format == .yaml ? "---" : "+++") line)"))
        }
        do {
            return (try FrontMatter.parse(split.text, format: split.format), diags)
        } catch let e as FrontMatterError {
            let fileLine = e.line.map { "line \(split.firstLine + $0 - 1)" } ?? "front matter"
            diags.append(Diagnostic(origin: origin, location: fileLine,
                                    "front matter is not valid \(split.format == .yaml ? "YAML" : "TOML") (\(e.problem)); kept the keys that could be read, fix the line to keep the rest"))
            let (fm, more) = salvage(split, origin: origin)
            return (fm, diags + more)
        } catch {
            diags.append(Diagnostic(origin: origin, location: "front matter", "front matter could not be read (\(error))"))
            return (FrontMatter(format: split.format), diags)
        }
    }

    // MARK: YAML

    static func parseYAML(_ text: String) throws -> FrontMatter {
        let node: Yams.Node?
        do {
            // Tags are resolved by YAMLTags (value(_:budget:)), not by Yams' regular
            // expressions: compose with no rules, where every plain scalar is a string. Keys
            // equal as strings but typed apart (`1` and `"1"`) only look like duplicates that
            // way: that rare error is checked again with Yams' own rules.
            do {
                node = try Yams.compose(yaml: text, .basic)
            } catch YamlError.duplicatedKeysInMapping(let duplicates, _) where duplicates.contains(where: YAMLTags.mayBeTyped) {
                node = try Yams.compose(yaml: text)
            }
        } catch let e as YamlError {
            throw FrontMatterError(line: yamlLine(e), problem: yamlProblem(e))
        }
        guard let node else { return FrontMatter(format: .yaml) }  // empty front matter
        guard case let .mapping(m) = node else {
            throw FrontMatterError(line: node.mark?.line, problem: "the top level is not a list of `key: value` lines")
        }
        var fm = FrontMatter(format: .yaml)
        var budget = maxValues
        for (k, v) in m {
            fm.entries.append((try keyString(k, budget: &budget), try value(v, budget: &budget)))
        }
        return fm
    }

    /// The most values (scalars, lists, tables) front matter may hold once YAML aliases are
    /// expanded: a few lines of aliases to aliases (a "billion laughs") expand to billions.
    static let maxValues = 200_000

    static func aliasBomb(_ node: Yams.Node) -> FrontMatterError {
        FrontMatterError(line: node.mark?.line,
                         problem: "more than \(maxValues) values once its aliases (*name) are expanded; remove the aliases that repeat whole lists")
    }

    /// A mapping key as text: a scalar's text, or a complex key (a list or mapping used as
    /// a key, rare but valid YAML) written in YAML flow style, in document order.
    /// (Not Yams' `node.any`: it traps on a mapping key that is itself a mapping.)
    static func keyString(_ node: Yams.Node, budget: inout Int) throws -> String {
        if let s = node.scalar?.string { return s }
        return flow(try value(node, budget: &budget))
    }

    static func flow(_ v: FrontMatter.Value) -> String {
        switch v {
        case let .array(items): return "[" + items.map(flow).joined(separator: ", ") + "]"
        case let .table(pairs): return "{" + pairs.map { YAMLWriter.scalar($0.0) + ": " + flow($0.1) }.joined(separator: ", ") + "}"
        default: return YAMLWriter.inline(v)
        }
    }

    /// A Yams node as a typed value, counting against `budget` (aliases share nodes, so a
    /// small document can stand for a huge value). The recursion is bounded: libyaml refuses
    /// nesting deeper than 1,000 levels.
    static func value(_ node: Yams.Node, budget: inout Int) throws -> FrontMatter.Value {
        budget -= 1
        if budget < 0 { throw aliasBomb(node) }
        switch node {
        case let .scalar(s):
            // The tag as written: implicit (plain scalars) is resolved here, `!` is a string.
            var tag = s.tag.description
            if tag == Tag.Name.implicit.rawValue {
                tag = YAMLTags.resolve(s.string).rawValue
            } else if tag == Tag.Name.nonSpecific.rawValue {
                tag = Tag.Name.str.rawValue
            }
            switch tag {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(FrontMatter.Value.bool) ?? .string(s.string)
            case Tag.Name.int.rawValue:
                // Integers too big for Int keep their digits as text.
                return node.int.map(FrontMatter.Value.int) ?? .string(s.string)
            case Tag.Name.float.rawValue: return node.float.map(FrontMatter.Value.double) ?? .string(s.string)
            case Tag.Name.timestamp.rawValue: return .date(original: s.string, date: ArticleDate(s.string))
            default: return .string(s.string)
            }
        case let .mapping(m):
            return .table(try m.map { (try keyString($0.key, budget: &budget), try value($0.value, budget: &budget)) })
        case let .sequence(seq):
            return .array(try seq.map { try value($0, budget: &budget) })
        case .alias:
            return .null
        }
    }

    private static func yamlLine(_ e: YamlError) -> Int? {
        switch e {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        case let .duplicatedKeysInMapping(_, context):
            return context.mark.line
        default:
            return nil
        }
    }

    private static func yamlProblem(_ e: YamlError) -> String {
        switch e {
        case let .scanner(context, problem, _, _), let .parser(context, problem, _, _), let .composer(context, problem, _, _):
            return context.map { "\($0.text), \(problem)" } ?? problem
        case let .duplicatedKeysInMapping(duplicates, _):
            return "duplicate key\(duplicates.count > 1 ? "s" : "") \(duplicates.joined(separator: ", "))"
        case let .reader(problem, _, _, _):
            return problem
        default:
            return String(describing: e)
        }
    }

    // MARK: TOML

    static func parseTOML(_ text: String) throws -> FrontMatter {
        let table: TOMLTable
        if let line = TOMLGuard.badTableHeader(in: text) {
            throw FrontMatterError(line: line, problem: "a table header must start with a key after its [ (bare, or in quotes)")
        }
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw FrontMatterError(line: e.source.begin.line, problem: e.description)
        }
        var entries: [(key: String, value: FrontMatter.Value)] = []
        for (k, v) in table { entries.append((k, value(v))) }
        // TOMLKit hands keys back sorted; restore the order of the text.
        let order = tomlKeyOrder(text)
        entries = stableSorted(entries) { order[$0.key] ?? Int.max }
        return FrontMatter(format: .toml, entries: entries)
    }

    static func value(_ v: TOMLValueConvertible) -> FrontMatter.Value {
        switch v.type {
        case .string: return .string(v.string ?? "")
        case .int: return v.int.map(FrontMatter.Value.int) ?? .null
        case .double: return v.double.map(FrontMatter.Value.double) ?? .null
        case .bool: return v.bool.map(FrontMatter.Value.bool) ?? .null
        case .date:
            guard let d = v.date else { return .null }
            let s = pad(d.year, 4) + "-" + pad(d.month, 2) + "-" + pad(d.day, 2)
            return .date(original: s, date: ArticleDate(s))
        case .time:
            guard let t = v.time else { return .null }
            return .string(timeString(t))
        case .dateTime:
            guard let dt = v.dateTime else { return .null }
            var s = pad(dt.date.year, 4) + "-" + pad(dt.date.month, 2) + "-" + pad(dt.date.day, 2) + "T" + timeString(dt.time)
            if let off = dt.offset?.offset {
                if off == 0 { s += "Z" } else {
                    let a = abs(off)
                    s += (off < 0 ? "-" : "+") + pad(a / 60, 2) + ":" + pad(a % 60, 2)
                }
            }
            return .date(original: s, date: ArticleDate(s))
        case .array:
            guard let a = v.array else { return .array([]) }
            return .array(a.map { value($0) })
        case .table:
            guard let t = v.table else { return .table([]) }
            var out: [(String, FrontMatter.Value)] = []
            for (k, vv) in t { out.append((k, value(vv))) }
            return .table(out)
        }
    }

    private static func timeString(_ t: TOMLTime) -> String {
        var s = pad(t.hour, 2) + ":" + pad(t.minute, 2) + ":" + pad(t.second, 2)
        if t.nanoSecond > 0 {
            var f = pad(t.nanoSecond, 9)
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s
    }

    /// The position of each top-level key in TOML text: `key = …` lines before the first
    /// table header, then the first component of each `[table]` / `[[array]]` header. Lines
    /// inside multi-line strings and arrays are skipped.
    static func tomlKeyOrder(_ text: String) -> [String: Int] {
        var order: [String: Int] = [:]
        var inHeaderTable = false
        var inMultiline: String? = nil  // the closing quote run
        var bracketDepth = 0
        var cursor = LineCursor(text)
        while let raw = cursor.next() {
            let line = raw.trimmingSpaces
            if let close = inMultiline {
                if line.contains(close) { inMultiline = nil }
                continue
            }
            if bracketDepth > 0 {
                bracketDepth += depthChange(line)
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                inHeaderTable = true
                let inner = line.drop(while: { $0 == "[" })
                let key = firstKeyComponent(inner)
                if !key.isEmpty, order[key] == nil { order[key] = order.count }
                continue
            }
            guard !inHeaderTable, let eq = line.firstIndex(of: "=") else { continue }
            let key = firstKeyComponent(line[..<eq])
            if !key.isEmpty, order[key] == nil { order[key] = order.count }
            let rhs = line[line.index(after: eq)...].trimmingSpaces
            for q in ["\"\"\"", "'''"] where rhs.hasPrefix(q) {
                let after = rhs.dropFirst(3)
                if !after.contains(q) { inMultiline = q }
            }
            if inMultiline == nil { bracketDepth = max(0, depthChange(rhs)) }
        }
        return order
    }

    private static func firstKeyComponent(_ s: Substring) -> String {
        let t = s.trimmingSpaces
        if let q = t.first, q == "\"" || q == "'" {
            let rest = t.dropFirst()
            if let end = rest.firstIndex(of: q) { return String(rest[..<end]) }
            return String(rest)
        }
        let end = t.firstIndex(where: { $0 == "." || $0 == "]" || $0 == " " || $0 == "=" }) ?? t.endIndex
        return String(t[..<end])
    }

    /// Net `[` minus `]` outside strings on a line.
    private static func depthChange(_ s: Substring) -> Int {
        var d = 0
        var quote: Character? = nil
        var escaped = false
        for c in s {
            if let q = quote {
                if escaped { escaped = false; continue }
                if c == "\\" && q == "\"" { escaped = true; continue }
                if c == q { quote = nil }
                continue
            }
            switch c {
            case "\"", "'": quote = c
            case "#": return d
            case "[": d += 1
            case "]": d -= 1
            default: break
            }
        }
        return d
    }

    private static func stableSorted<T>(_ a: [T], by key: (T) -> Int) -> [T] {
        a.enumerated().sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(\.element)
    }

    // MARK: Salvage

    /// Reads broken front matter one top-level entry at a time. An entry is a line starting
    /// at column 0 with its indented (or `- item`) continuation lines; each is parsed on its
    /// own, and one that still fails is read as `key: text` with the quotes taken off.
    /// The most entries salvage reads one by one (each is parsed on its own).
    static let maxSalvagedEntries = 10_000

    static func salvage(_ split: FrontMatterSplit, origin: String) -> (FrontMatter, [Diagnostic]) {
        var fm = FrontMatter(format: split.format)
        var diags: [Diagnostic] = []
        var blocks: [(line: Int, lines: [Substring])] = []
        var cursor = LineCursor(split.text)
        while let line = cursor.next() {
            let isContinuation = line.first == " " || line.first == "\t" || line.hasPrefix("-") || line.trimmingSpaces.isEmpty
                || line.hasPrefix("#")
            if isContinuation, !blocks.isEmpty, split.format == .yaml {
                blocks[blocks.count - 1].lines.append(line)
            } else if !line.trimmingSpaces.isEmpty, !line.hasPrefix("#") {
                if blocks.count == maxSalvagedEntries {
                    diags.append(Diagnostic(origin: origin, location: "line \(split.firstLine + cursor.lineNumber - 1)",
                                            "broken front matter with more than \(maxSalvagedEntries) entries: the rest is left out (fix the YAML/TOML to keep it)"))
                    break
                }
                blocks.append((cursor.lineNumber, [line]))
            }
        }
        var index: [String: Int] = [:]  // key → entry, so that repeated keys cost no search
        var repeated = 0, plain = 0  // (the first ten of each are reported one by one)
        func set(_ key: String, _ v: FrontMatter.Value, line: Int) {
            if let i = index[key] {
                repeated += 1
                if repeated <= 10 {
                    diags.append(Diagnostic(origin: origin, location: "line \(line)", "front matter key `\(key)` given twice; the last one is kept"))
                }
                fm.entries[i].value = v
            } else {
                index[key] = fm.entries.count
                fm.entries.append((key, v))
            }
        }
        for block in blocks {
            let text = block.lines.joined(separator: "\n")
            let fileLine = split.firstLine + block.line - 1
            if let part = try? FrontMatter.parse(text, format: split.format), !part.entries.isEmpty {
                for e in part.entries { set(e.key, e.value, line: fileLine) }
                continue
            }
            let first = block.lines[0]
            let sep: Character = split.format == .yaml ? ":" : "="
            guard let i = first.firstIndex(of: sep) else {
                diags.append(Diagnostic(origin: origin, location: "line \(fileLine)", "front matter line is not `key\(sep == ":" ? ":" : " =") value`; left out"))
                continue
            }
            let key = unquote(first[..<i].trimmingSpaces)
            var raw = first[first.index(after: i)...].trimmingSpaces
            if split.format == .yaml, block.lines.count > 1 {
                // Continuation lines of a broken plain scalar: fold them in.
                raw = Substring(([raw] + block.lines.dropFirst().map { $0.trimmingSpaces }).filter { !$0.isEmpty }.joined(separator: " "))
            }
            let v = salvageScalar(raw, format: split.format)
            set(key, v, line: fileLine)
            plain += 1
            if plain <= 10 {
                diags.append(Diagnostic(origin: origin, location: "line \(fileLine)", "front matter key `\(key)` read as plain text"))
            }
        }
        if plain > 10 {
            diags.append(Diagnostic(origin: origin, location: "front matter", "\(plain - 10) more keys read as plain text"))
        }
        if repeated > 10 {
            diags.append(Diagnostic(origin: origin, location: "front matter", "\(repeated - 10) more keys given twice (the last of each is kept)"))
        }
        return (fm, diags)
    }

    private static func salvageScalar(_ raw: Substring, format: FrontMatter.Format) -> FrontMatter.Value {
        if raw.isEmpty { return format == .yaml ? .null : .string("") }
        if let q = raw.first, q == "'" || q == "\"" {
            var inner = raw.dropFirst()
            if inner.last == q { inner = inner.dropLast() }
            if q == "'" { return .string(String(inner).replacingOccurrences(of: "''", with: "'")) }
            return .string(String(inner).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\"))
        }
        // Drop a trailing comment.
        var text = raw
        if let hash = text.range(of: " #") { text = text[..<hash.lowerBound].trimmingSpaces }
        return .string(String(text))
    }

    private static func unquote(_ s: Substring) -> String {
        if let q = s.first, q == "'" || q == "\"", s.count >= 2, s.last == q { return String(s.dropFirst().dropLast()) }
        return String(s)
    }

    private static func pad(_ n: Int, _ w: Int) -> String {
        let s = String(n)
        return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }
}
