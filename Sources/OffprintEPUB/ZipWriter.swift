import CLibZip
import Foundation
import OffprintSupport

/// Writes an OCF container with libzip: entries in the order added, fixed timestamps and
/// attributes, no extra fields, so the same entries give the same bytes.
///
/// libzip reads every source at `zip_close`, so buffers are handed over as malloc'ed copies
/// that libzip frees (`zip_source_buffer` with `freep = 1`); large content can come from
/// files instead (`zip_source_file`), which costs no memory until then.
final class ZipWriter {
    private var archive: OpaquePointer?
    let path: String
    private let dosTime: UInt16
    private let dosDate: UInt16

    /// Opens a new archive at `path` (replacing any file there when closed).
    init(path: String, modified: Date) throws {
        self.path = path
        var err: Int32 = 0
        guard let za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err) else {
            var ze = zip_error_t()
            zip_error_init_with_code(&ze, err)
            defer { zip_error_fini(&ze) }
            throw OffprintError(.epub, path: path, "cannot create the book: \(String(cString: zip_error_strerror(&ze)))",
                                hint: "check that the folder exists and is writable")
        }
        archive = za
        (dosTime, dosDate) = Dates.dos(modified)
    }

    deinit { discard() }

    /// Adds `bytes` as `name`, stored (no compression) or deflated.
    func add(_ name: String, bytes: [UInt8], compress: Bool = true) throws {
        guard let za = archive else { throw OffprintError(.epub, path: path, "internal: the zip archive is already closed") }
        let buffer = malloc(max(bytes.count, 1))!
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { buffer.copyMemory(from: base, byteCount: bytes.count) }
        }
        guard let src = zip_source_buffer(za, buffer, zip_uint64_t(bytes.count), 1) else {
            free(buffer)
            throw error("cannot add \(name)")
        }
        try addSource(src, name: name, compress: compress)
    }

    func add(_ name: String, string: String, compress: Bool = true) throws {
        try add(name, bytes: Array(string.utf8), compress: compress)
    }

    /// Adds the file at `file` as `name` (read when the archive is closed).
    func add(_ name: String, file: String, compress: Bool) throws {
        guard let za = archive else { throw OffprintError(.epub, path: path, "internal: the zip archive is already closed") }
        guard let src = zip_source_file(za, file, 0, -1) else {
            throw error("cannot read \(file) for \(name)")
        }
        try addSource(src, name: name, compress: compress)
    }

    private func addSource(_ src: OpaquePointer, name: String, compress: Bool) throws {
        guard let za = archive else { return }
        let idx = zip_file_add(za, name, src, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard idx >= 0 else {
            zip_source_free(src)
            throw error("cannot add \(name)")
        }
        let i = zip_uint64_t(idx)
        guard zip_set_file_compression(za, i, compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0) == 0,
              zip_file_set_dostime(za, i, dosTime, dosDate, 0) == 0,
              zip_file_set_external_attributes(za, i, 0, UInt8(ZIP_OPSYS_UNIX), UInt32(0o100644) << 16) == 0
        else { throw error("cannot set the attributes of \(name)") }
        _ = zip_file_extra_field_delete(za, i, zip_uint16_t(ZIP_EXTRA_FIELD_ALL), zip_flags_t(ZIP_FL_CENTRAL | ZIP_FL_LOCAL))
    }

    /// Writes the archive (this is when libzip reads the sources).
    func close() throws {
        guard let za = archive else { return }
        if zip_close(za) != 0 {
            let e = error("cannot write the archive")
            zip_discard(za)
            archive = nil
            throw e
        }
        archive = nil
    }

    /// Abandons the archive: nothing is written.
    func discard() {
        if let za = archive {
            zip_discard(za)
            archive = nil
        }
    }

    private func error(_ what: String) -> OffprintError {
        guard let za = archive, let ze = zip_get_error(za) else { return OffprintError(.epub, path: path, what) }
        return OffprintError(.epub, path: path, "\(what): \(String(cString: zip_error_strerror(ze)))")
    }
}
