import OffprintSupport
import Foundation

/// Reading inputs and writing outputs safely: clear errors, atomic writes, inputs never
/// overwritten.
public enum Files {
    /// The bytes of `path` ("-" reads standard input), with a one-line error for a missing
    /// file, a folder, or an unreadable file.
    public static func read(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw OffprintError(.read, path: path, "no such file (check the path)", kind: .unreadable)
        }
        if isDir.boolValue {
            throw OffprintError(.read, path: path, "is a folder, not a file (give the files inside it, e.g. \(path)/*.md)", kind: .isDirectory)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw OffprintError(.read, path: path, "cannot be read (permission denied)", kind: .unreadable)
        }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
        } catch {
            throw OffprintError(.read, path: path, "cannot be read (\(error.localizedDescription))", kind: .unreadable, underlying: error)
        }
    }

    /// Writes `data` to `url` atomically: a temporary file in the same folder, flushed, then
    /// renamed over the target. A failed or killed run leaves the old file (or none).
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            switch error.step {
            case .createFolder: throw OffprintError(.write, path: error.path, "cannot create the output folder (\(error.reason))", underlying: error)
            case .createTemporary: throw OffprintError(.write, path: url.path, "cannot write here (\(error.reason); check that the folder is writable)", underlying: error)
            case .rename: throw OffprintError(.write, path: url.path, "cannot replace the file (\(error.reason))", underlying: error)
            default: throw OffprintError(.write, path: url.path, "cannot write (\(error.reason))", underlying: error)
            }
        }
    }

    /// The canonical path of a file that may not exist yet (its folder resolved).
    public static func canonicalPath(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let dir = url.deletingLastPathComponent().resolvingSymlinksInPath()
        let file = dir.appendingPathComponent(url.lastPathComponent)
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: file.path)).map {
            URL(fileURLWithPath: $0, relativeTo: dir).standardizedFileURL.path
        } ?? file.path
    }

    /// Refuses to write `output` when it is one of `inputs`.
    public static func checkNotAnInput(_ output: String, inputs: [String]) throws {
        let out = canonicalPath(output)
        for i in inputs where i != "-" && canonicalPath(i) == out {
            throw OffprintError(.write, path: output, "is also an input; offprint never overwrites its input (choose another -o)")
        }
    }

    /// A safe file name from a title or path stem: no folders, no `..`, no control or
    /// reserved characters, at most 120 bytes.
    public static func safeFileName(_ stem: String, fallback: String = "article") -> String {
        var out = ""
        for c in stem.unicodeScalars {
            if c.value < 0x20 || "/\\:*?\"<>|".unicodeScalars.contains(c) { out += "_" } else { out.unicodeScalars.append(c) }
        }
        out = out.trimmingCharacters(in: .whitespaces)
        while out.hasPrefix(".") { out.removeFirst() }
        while out.utf8.count > 120 { out.removeLast() }
        return out.isEmpty ? fallback : out
    }
}
