import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that appear whole or not at all: written to a temporary file in the destination's
/// folder (or a given one on the same file system), flushed, then renamed over the
/// destination. A failed or killed run leaves the old file (or none), never half of one.
/// The one implementation of write-temp-then-rename (outputs, the image cache, converted
/// images, asset folders, books).
public enum AtomicFile {
    /// What went wrong, with the file it concerns.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public enum Step: String, Sendable { case createFolder = "create the folder", createTemporary = "create a temporary file",
                                                    write = "write", flush = "flush to disk", rename = "move into place", copy = "copy" }
        public var step: Step
        /// The file (or folder) the step failed on.
        public var path: String
        public var reason: String
        public var description: String { "\(path): cannot \(step.rawValue) (\(reason))" }
    }

    /// A temporary name next to `destination`, unique to this process and call:
    /// `.<name>.<tag>-<pid>-<random>.tmp`.
    public static func temporaryURL(for destination: URL, tag: String = "offprint") -> URL {
        destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp")
    }

    /// Writes `data` to `destination` atomically (creating its folder). `temporary` names the
    /// temporary file (default: next to the destination); `sync` flushes it before the rename.
    public static func write<D: DataProtocol>(_ data: D, to destination: URL, temporary: URL? = nil, sync: Bool = true) throws(Failure) {
        try makeFolder(of: destination)
        let temp = temporary ?? temporaryURL(for: destination)
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(step: .createTemporary, path: temp.path, reason: errnoReason()) }
        var ok = true
        var failedStep = Failure.Step.write
        var failure = ""
        for region in data.regions {
            let written = region.withUnsafeBytes { buf -> Bool in
                var off = 0
                while off < buf.count {
                    let n = Glibc_write(fd, buf.baseAddress! + off, buf.count - off)
                    if n < 0 { if errno == EINTR { continue }; return false }
                    off += n
                }
                return true
            }
            if !written { ok = false; failure = errnoReason(); break }
        }
        if ok && sync && fsync(fd) != 0 { ok = false; failedStep = .flush; failure = errnoReason() }
        if close(fd) != 0 && ok { ok = false; failure = errnoReason() }
        guard ok else {
            unlink(temp.path)
            throw Failure(step: failedStep, path: temp.path, reason: failure)
        }
        try moveIntoPlace(temp, destination)
    }

    /// Copies the file `source` to `destination` atomically (a temporary copy, then a rename;
    /// the folder is made when missing). `sync` flushes the copy before the rename and the
    /// folder after it (for removable devices, which may be unplugged right after).
    public static func copy(_ source: URL, to destination: URL, temporary: URL? = nil, sync: Bool = false) throws(Failure) {
        let dir = try makeFolder(of: destination)
        let temp = temporary ?? temporaryURL(for: destination)
        do {
            try FileManager.default.copyItem(at: source, to: temp)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw Failure(step: .copy, path: source.path, reason: reason(error))
        }
        if sync {
            do throws(Failure) { try flush(temp) } catch {
                unlink(temp.path)
                throw error
            }
        }
        try moveIntoPlace(temp, destination)
        if sync {
            let fd = open(dir.path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                _ = fsync(fd)
                close(fd)
            }
        }
    }

    /// Renames a finished temporary file over `destination`. When the folder is missing (a
    /// fan-out folder pruned meanwhile) it is made and the rename tried again. On failure the
    /// temporary file is removed.
    public static func moveIntoPlace(_ temp: URL, _ destination: URL) throws(Failure) {
        if rename(temp.path, destination.path) == 0 { return }
        try? FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard rename(temp.path, destination.path) == 0 else {
            let why = errnoReason()
            unlink(temp.path)
            throw Failure(step: .rename, path: destination.path, reason: why)
        }
    }

    /// Flushes a finished file to disk (before `moveIntoPlace`, for files written elsewhere).
    public static func flush(_ file: URL) throws(Failure) {
        let fd = open(file.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0, fsync(fd) == 0 else {
            let why = errnoReason()
            if fd >= 0 { close(fd) }
            throw Failure(step: .flush, path: file.path, reason: why)
        }
        close(fd)
    }

    /// Makes the folder `destination` goes in (and its parents) when missing; returns it.
    @discardableResult
    private static func makeFolder(of destination: URL) throws(Failure) -> URL {
        let dir = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        } catch {
            throw Failure(step: .createFolder, path: dir.path, reason: reason(error))
        }
        return dir
    }

    private static func errnoReason() -> String { String(cString: strerror(errno)) }

    private static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }
}

#if canImport(Glibc)
@inline(__always) private func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Glibc.write(fd, p, n) }
#else
@inline(__always) private func Glibc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { Darwin.write(fd, p, n) }
#endif
