import Foundation
import OffprintSupport
import TOMLKit

/// The `[send]` table of `~/.config/offprint/config.toml` (or `$XDG_CONFIG_HOME/offprint/config.toml`,
/// or the file `$OFFPRINT_CONFIG` names):
///
/// ```toml
/// [send]
/// to = "name_123@kindle.com"
/// from = "me@example.com"
/// smtp = "smtp://me%40example.com@smtp.example.com:587"
/// # password = "…"        # or OFFPRINT_SMTP_PASSWORD; keep the file chmod 600
/// # ca = "/etc/ssl/my-relay-ca.pem"
/// # timeout = 60
/// ```
public struct SendConfig: Sendable, Equatable {
    public var to: String?
    public var from: String?
    public var smtp: String?
    public var user: String?
    public var password: String?
    public var ca: String?
    public var timeout: Double?
    /// The file it came from (nil when there is none).
    public var file: URL?
    /// Set when the file holds a password and others may read it.
    public var warning: String?

    public init() {}

    /// The config file's place for `environment`.
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit = environment["OFFPRINT_CONFIG"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("offprint/config.toml")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".config/offprint/config.toml")
    }

    /// Reads the `[send]` table; a missing file is an empty config, a broken one an error with its line.
    public static func load(_ file: URL) throws -> SendConfig {
        var config = SendConfig()
        guard FileManager.default.fileExists(atPath: file.path) else { return config }
        config.file = file
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw OffprintError(.delivery, path: file.path, error.localizedDescription, underlying: error)
        }
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw OffprintError(.delivery, path: file.path, line: e.source.begin.line, e.description,
                                hint: "fix the file (the [send] table takes to, from, smtp, user, password, ca, timeout)", underlying: e)
        } catch {
            throw OffprintError(.delivery, path: file.path, "\(error)", underlying: error)
        }
        guard let send = table["send"] else { return config }
        guard let t = send.table else { throw OffprintError(.delivery, path: file.path, "`send` must be a table ([send])") }
        func string(_ key: String) throws -> String? {
            guard let v = t[key] else { return nil }
            guard let s = v.string else { throw OffprintError(.delivery, path: file.path, "[send] \(key) must be a string") }
            return s
        }
        let known: Set<String> = ["to", "from", "smtp", "user", "password", "ca", "timeout"]
        if let unknown = t.keys.first(where: { !known.contains($0) }) {
            throw OffprintError(.delivery, path: file.path, "[send] has no setting '\(unknown)' (it takes \(known.sorted().joined(separator: ", ")))")
        }
        config.to = try string("to")
        config.from = try string("from")
        config.smtp = try string("smtp")
        config.user = try string("user")
        config.password = try string("password")
        config.ca = try string("ca")
        if let v = t["timeout"] {
            guard let n = v.double ?? v.int.map(Double.init), n > 0 else {
                throw OffprintError(.delivery, path: file.path, "[send] timeout must be a positive number of seconds")
            }
            config.timeout = n
        }
        if config.password != nil,
           let mode = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.posixPermissions] as? NSNumber,
           mode.intValue & 0o077 != 0 {
            config.warning = "warning: \(file.path) holds a password and other users may read it; chmod 600 it (or use OFFPRINT_SMTP_PASSWORD)"
        }
        return config
    }
}

/// Everything one Send-to-Kindle delivery needs, settled from flags, config and environment.
public struct MailSettings: Sendable {
    public var to: MailAddress
    public var from: MailAddress
    public var server: SMTPServerURL?
    public var options: SMTPOptions

    public init(to: MailAddress, from: MailAddress, server: SMTPServerURL?, options: SMTPOptions) {
        self.to = to
        self.from = from
        self.server = server
        self.options = options
    }

    /// Flags win over the config file; the password comes from `OFFPRINT_SMTP_PASSWORD`, else the file.
    /// `needServer` is false for `--dry-run`, which needs no SMTP server.
    public static func resolve(to: String?, from: String?, smtp: String?, ca: String?, timeout: Double?,
                               config: SendConfig, environment: [String: String], needServer: Bool) throws -> MailSettings {
        let where_ = config.file.map { " or in \($0.path)" } ?? " or in \(SendConfig.defaultFile(environment: environment).path)"
        guard let toText = to ?? config.to else {
            throw OffprintError(.delivery, "send: no recipient; give --to ADDRESS (your Send-to-Kindle address, like name_123@kindle.com), or `to` under [send]\(where_)")
        }
        guard let fromText = from ?? config.from else {
            throw OffprintError(.delivery, "send: no sender; give --from ADDRESS (an address approved in Amazon's Personal Document Settings), or `from` under [send]\(where_)")
        }
        let toAddress: MailAddress, fromAddress: MailAddress
        do { toAddress = try MailAddress(toText) } catch { throw OffprintError(.delivery, "send: --to \(error)") }
        do { fromAddress = try MailAddress(fromText) } catch { throw OffprintError(.delivery, "send: --from \(error)") }
        var server: SMTPServerURL?
        if let s = smtp ?? config.smtp { server = try SMTPServerURL(s) }
        if needServer && server == nil {
            throw OffprintError(.delivery, "send: no SMTP server; give --smtp smtp://HOST:587 (or smtps://HOST:465), or `smtp` under [send]\(where_); --dry-run writes the message to a .eml file instead")
        }
        let envPassword = environment["OFFPRINT_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        let options = SMTPOptions(password: envPassword ?? config.password, user: config.user,
                                  timeout: timeout ?? config.timeout ?? 60, extraCA: ca ?? config.ca)
        return MailSettings(to: toAddress, from: fromAddress, server: server, options: options)
    }
}

/// Send to Kindle: one message per book, by SMTP or into a .eml file.
public enum KindleMail {
    /// Amazon's limit for a document e-mailed to a Kindle (the kindle profile's book budget).
    public static let sendToKindleLimit: Int64 = 50_000_000

    public struct Sent: Sendable {
        public var book: BookInfo
        public var messageBytes: Int
        /// Where the message went: `smtp://…` or the .eml file.
        public var destination: String
        public var tls: Bool
    }

    /// Reads the book, checks what Send to Kindle takes, and renders the message.
    public static func prepare(_ file: URL, settings: MailSettings) throws -> (BookInfo, [UInt8]) {
        let name = file.lastPathComponent.lowercased()
        guard name.hasSuffix(".epub") else {
            throw OffprintError(.delivery, path: file.path, "only EPUB books are sent", hint: "make one with offprint bundle … -o book.epub")
        }
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: file.path) else {
            throw OffprintError(.delivery, path: file.path, "no such file")
        }
        let size = (attrs[.size] as? NSNumber)?.int64Value ?? 0
        if settings.to.isKindle && size > sendToKindleLimit {
            throw OffprintError(.delivery, path: file.path, "the book is \(String(format: "%.1f", Double(size) / 1_000_000)) MB and Send to Kindle takes at most 50 MB",
                                hint: "rebuild it smaller: offprint bundle … --profile kindle --max-book-size 50MB --split-volumes (volumes of at most 50 MB), or fewer articles")
        }
        let book = try BookInfo.read(file)
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: file)) } catch {
            throw OffprintError(.delivery, path: file.path, "cannot read it: \(error.localizedDescription)", underlying: error)
        }
        let message = MailMessage(from: settings.from, to: settings.to, book: book)
        return (book, message.rendered(attachment: bytes))
    }

    /// Sends `file` to `settings.to` through `settings.server`.
    public static func send(_ file: URL, settings: MailSettings) async throws -> Sent {
        guard let server = settings.server else { throw OffprintError(.delivery, "send: no SMTP server (--smtp)") }
        let (book, message) = try prepare(file, settings: settings)
        let summary: SMTPTranscriptSummary
        do {
            summary = try await SMTPClient.send(message, from: settings.from, to: [settings.to], via: server, options: settings.options)
        } catch let e as OffprintError {
            throw OffprintError(.delivery, "send \(file.lastPathComponent) → \(settings.to): " + e.description.replacingOccurrences(of: "sending: ", with: ""), underlying: e)
        }
        return Sent(book: book, messageBytes: message.count, destination: server.description, tls: summary.tls)
    }

    /// `--dry-run`: writes the message `send` would send into `folder` (default: next to the book)
    /// as `NAME.eml`, atomically.
    public static func writeEML(_ file: URL, settings: MailSettings, into folder: URL? = nil) throws -> Sent {
        let (book, message) = try prepare(file, settings: settings)
        let dir = folder ?? file.deletingLastPathComponent()
        var base = file.lastPathComponent
        for suffix in [".epub", ".kepub"] where base.lowercased().hasSuffix(suffix) { base = String(base.dropLast(suffix.count)) }
        let out = dir.appendingPathComponent(base + ".eml")
        do { try AtomicFile.write(message, to: out) } catch {
            throw OffprintError(.delivery, path: out.path, "--dry-run cannot write the message: \(error)", underlying: error)
        }
        return Sent(book: book, messageBytes: message.count, destination: out.path, tls: false)
    }
}
