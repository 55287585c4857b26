import Foundation
import OffprintSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mounted e-reader (or a plain folder), recognised by its marker files.
public struct Device: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// `.kobo/` at the root (Nickel; KEPUB as `*.kepub.epub`).
        case kobo
        /// `koreader/` or `.adds/koreader/` (KOReader reads EPUB from any folder).
        case koreader
        /// `documents/` + `system/`: reads no EPUB over USB.
        case kindle
        /// `system/config/` or `system/profiles/` (PocketBook's settings folders).
        case pocketbook
        /// `.tolino/` or `tolino/` (Tolino's own folder).
        case tolino
        /// None of the above: the book is copied into the folder as it is.
        case folder
    }

    public var root: URL
    public var kind: Kind
    /// KOReader installed on a Kobo (`.adds/koreader/` next to `.kobo/`).
    public var hasKOReader: Bool
    /// KOReader on a Kindle (`koreader/` next to `documents/` + `system/`).
    public var isKindleWithKOReader: Bool

    public var summary: String {
        switch kind {
        case .kobo: return hasKOReader ? "Kobo (with KOReader)" : "Kobo"
        case .koreader: return isKindleWithKOReader ? "Kindle with KOReader" : "KOReader"
        case .kindle: return "Kindle"
        case .pocketbook: return "PocketBook"
        case .tolino: return "Tolino"
        case .folder: return "folder"
        }
    }

    /// Recognises the reader mounted at `root`.
    public static func detect(_ root: URL) -> Device {
        let fm = FileManager.default
        func dir(_ p: String) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: root.appendingPathComponent(p).path, isDirectory: &isDir) && isDir.boolValue
        }
        let koreader = dir("koreader") || dir(".adds/koreader")
        let kindle = dir("documents") && dir("system")
        if dir(".kobo") { return Device(root: root, kind: .kobo, hasKOReader: koreader, isKindleWithKOReader: false) }
        if koreader { return Device(root: root, kind: .koreader, hasKOReader: true, isKindleWithKOReader: kindle) }
        if kindle { return Device(root: root, kind: .kindle, hasKOReader: false, isKindleWithKOReader: false) }
        if dir("system/config") || dir("system/profiles") { return Device(root: root, kind: .pocketbook, hasKOReader: false, isKindleWithKOReader: false) }
        if dir(".tolino") || dir("tolino") { return Device(root: root, kind: .tolino, hasKOReader: false, isKindleWithKOReader: false) }
        return Device(root: root, kind: .folder, hasKOReader: false, isKindleWithKOReader: false)
    }

    /// The usual mount roots: `/media/$USER/*`, `/run/media/$USER/*`, `/media/*`, `/Volumes/*`
    /// (`OFFPRINT_MOUNT_ROOTS`, colon-separated, replaces the list).
    public static func mountRoots(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        if let custom = environment["OFFPRINT_MOUNT_ROOTS"], !custom.isEmpty {
            return custom.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        }
        let user = environment["USER"] ?? environment["LOGNAME"] ?? NSUserName()
        return ["/media/\(user)", "/run/media/\(user)", "/media", "/Volumes"].map { URL(fileURLWithPath: $0) }
    }

    /// `--device auto`: the one reader mounted under the mount roots.
    public static func findMounted(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Device {
        let roots = mountRoots(environment: environment)
        var found: [Device] = []
        var seen = Set<String>()
        for root in roots {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: root.path) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") {
                let url = root.appendingPathComponent(name)
                let real = url.resolvingSymlinksInPath().path
                guard !seen.contains(real) else { continue }
                seen.insert(real)
                let d = detect(url)
                if d.kind != .folder { found.append(d) }
            }
        }
        if found.isEmpty {
            throw OffprintError(.delivery, "send --device auto: no mounted e-reader found under \(roots.map(\.path).joined(separator: ", ")); connect and mount it, or give --device PATH (its mount folder)")
        }
        if found.count > 1 {
            throw OffprintError(.delivery, "send --device auto: several e-readers are mounted (\(found.map { "\($0.summary) at \($0.root.path)" }.joined(separator: "; "))); choose one with --device PATH")
        }
        return found[0]
    }
}

/// Copies books onto a `Device`.
public enum DeviceCopy {
    public struct Options: Sendable {
        /// A folder under the device root (default: the reader's usual place).
        public var folder: String?
        /// Replace a different book of the same name.
        public var force: Bool
        public init(folder: String? = nil, force: Bool = false) {
            self.folder = folder
            self.force = force
        }
    }

    public enum Outcome: Sendable, Equatable {
        case copied
        case replacedSameBook
        case replacedForced
        case alreadyThere
    }

    public struct Placed: Sendable {
        public var destination: URL
        public var outcome: Outcome
        /// Advice worth printing (a plain EPUB on a Kobo, say).
        public var note: String?
    }

    /// Copies `file` to its place on `device`: atomically (a temporary file in the destination
    /// folder, written and fsynced, renamed over the final name, then the folder fsynced).
    public static func copy(_ file: URL, to device: Device, options: Options = Options()) throws -> Placed {
        let lower = file.lastPathComponent.lowercased()
        guard FileManager.default.isReadableFile(atPath: file.path) else {
            throw OffprintError(.delivery, path: file.path, "no such readable file")
        }
        let isEPUB = lower.hasSuffix(".epub")
        if device.kind == .kindle && isEPUB {
            throw OffprintError(.delivery, path: file.path, "a Kindle (--device \(device.root.path)) reads no EPUB copied over USB",
                                hint: "e-mail it with Send to Kindle instead: offprint send \(file.lastPathComponent) --to NAME@kindle.com (see README, Sideloading)")
        }
        let info: BookInfo? = isEPUB ? try BookInfo.read(file) : nil
        let folder = try destinationFolder(device, options)
        var note: String?
        var name = file.lastPathComponent
        if (device.kind == .kobo) && isEPUB {
            if info?.isKEPUB == true {
                name = kepubName(name)
            } else {
                note = "\(file.lastPathComponent) is a plain EPUB: the Kobo opens it with its older EPUB engine; offprint bundle --profile kobo makes a KEPUB (*.kepub.epub) for Kobo's own reader"
            }
        }
        name = fatSafeName(name)
        let fm = FileManager.default
        do { try fm.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw OffprintError(.delivery, path: folder.path, "cannot create the folder on the device: \(error.localizedDescription)", underlying: error)
        }
        let dest = folder.appendingPathComponent(name)
        var outcome = Outcome.copied
        if fm.fileExists(atPath: dest.path) {
            if filesEqual(file, dest) {
                return Placed(destination: dest, outcome: .alreadyThere, note: note)
            }
            let existing = try? BookInfo.read(dest)
            if let info, let existing, let a = info.identifier, a == existing.identifier {
                outcome = .replacedSameBook
            } else if options.force {
                outcome = .replacedForced
            } else {
                let what = existing.map { "'\($0.title)'" + ($0.identifier.map { " (\($0))" } ?? "") } ?? "another file"
                throw OffprintError(.delivery, path: dest.path, "already holds \(what), a different book than \(file.lastPathComponent)",
                                    hint: "rename yours, choose --folder, or replace it with --force")
            }
        }
        try atomicCopy(file, to: dest)
        return Placed(destination: dest, outcome: outcome, note: note)
    }

    static func destinationFolder(_ device: Device, _ options: Options) throws -> URL {
        if let f = options.folder {
            let parts = f.split(separator: "/", omittingEmptySubsequences: true)
            if f.hasPrefix("/") || parts.contains(where: { $0 == ".." || $0 == "." }) {
                throw OffprintError(.delivery, "--folder '\(f)' must be a folder inside the device (relative, without '..')")
            }
            return parts.reduce(device.root) { $0.appendingPathComponent(String($1)) }
        }
        switch device.kind {
        case .koreader where device.isKindleWithKOReader: return device.root.appendingPathComponent("documents")
        case .kindle: return device.root.appendingPathComponent("documents")
        case .tolino, .pocketbook:
            // Their libraries scan the whole storage; use the Books folder when the device has one.
            for n in ["Books", "books"] {
                var isDir: ObjCBool = false
                let u = device.root.appendingPathComponent(n)
                if FileManager.default.fileExists(atPath: u.path, isDirectory: &isDir), isDir.boolValue { return u }
            }
            return device.root
        default: return device.root
        }
    }

    /// kepubify's rule: `NAME.epub` → `NAME.kepub.epub` (a name already ending so is kept).
    public static func kepubName(_ name: String) -> String {
        var base = name
        if base.lowercased().hasSuffix(".epub") { base = String(base.dropLast(5)) }
        if base.lowercased().hasSuffix(".kepub") { base = String(base.dropLast(6)) }
        return base + ".kepub.epub"
    }

    /// A name FAT/exFAT (the readers' file systems) takes: no `<>:"/\|?*` or control characters,
    /// no trailing dots or spaces, at most 255 UTF-16 units.
    public static func fatSafeName(_ name: String) -> String {
        var out = String(name.map { ch -> Character in
            if "<>:\"/\\|?*".contains(ch) || ch.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "_" }
            return ch
        })
        while out.hasSuffix(".") || out.hasSuffix(" ") { out.removeLast() }
        if out.utf16.count > 255 {
            let ext = out.lowercased().hasSuffix(".kepub.epub") ? ".kepub.epub" : (out as NSString).pathExtension.isEmpty ? "" : "." + (out as NSString).pathExtension
            var stem = String(out.dropLast(ext.count))
            while stem.utf16.count + ext.utf16.count > 255 { stem.removeLast() }
            out = stem + ext
        }
        return out.isEmpty ? "book.epub" : out
    }

    static func filesEqual(_ a: URL, _ b: URL) -> Bool {
        guard let ha = FileHandle(forReadingAtPath: a.path), let hb = FileHandle(forReadingAtPath: b.path) else { return false }
        defer { try? ha.close(); try? hb.close() }
        let sa = (try? FileManager.default.attributesOfItem(atPath: a.path)[.size] as? NSNumber)?.int64Value
        let sb = (try? FileManager.default.attributesOfItem(atPath: b.path)[.size] as? NSNumber)?.int64Value
        guard sa == sb else { return false }
        while true {
            let x = (try? ha.read(upToCount: 1 << 20)) ?? Data()
            let y = (try? hb.read(upToCount: 1 << 20)) ?? Data()
            if x != y { return false }
            if x.isEmpty { return true }
        }
    }

    /// temp file in the destination folder → copy → fsync → rename → fsync the folder
    /// (`AtomicFile.copy` with `sync`).
    static func atomicCopy(_ source: URL, to dest: URL) throws {
        do {
            try AtomicFile.copy(source, to: dest, sync: true)
        } catch {
            switch error.step {
            case .copy: throw OffprintError(.delivery, path: dest.path, "cannot copy \(source.path) here: \(error.reason)",
                                            hint: "is the device mounted read-only, or full?", underlying: error)
            case .flush: throw OffprintError(.delivery, path: error.path, "fsync failed: \(error.reason)", underlying: error)
            case .rename: throw OffprintError(.delivery, path: dest.path, "cannot move the copy into place: \(error.reason)", underlying: error)
            default: throw OffprintError(.delivery, path: dest.deletingLastPathComponent().path, "cannot write in this folder: \(error.reason)",
                                         hint: "is the device mounted read-only, or full?", underlying: error)
            }
        }
    }
}
