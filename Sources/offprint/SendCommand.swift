import ArgumentParser
import Foundation
import OffprintDelivery

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Deliver books: e-mail them to a Kindle (Send to Kindle), or copy them onto a mounted e-reader.",
        discussion: """
        By e-mail (one message per book, the EPUB attached; Send to Kindle takes up to 50 MB):

          offprint send week.epub --to name_123@kindle.com --from me@example.com \\
              --smtp smtp://me%40example.com@smtp.example.com:587
          offprint send week.epub            (to/from/smtp from the config file)
          offprint send week.epub --dry-run  (writes week.eml instead of sending)

        The password comes from OFFPRINT_SMTP_PASSWORD, else `password` under [send] in \
        ~/.config/offprint/config.toml (or $XDG_CONFIG_HOME/offprint/config.toml, or the file \
        $OFFPRINT_CONFIG names); never from the command line. smtp:// uses STARTTLS when the \
        server offers it (and the password is never sent without TLS, except to a relay on this \
        machine), smtps:// is TLS from the start. The sender must be on the approved list in \
        Amazon's Personal Document Settings.

        To a mounted reader (recognised by its files: Kobo .kobo/, KOReader koreader/ or \
        .adds/koreader/, Kindle documents/ + system/, PocketBook system/config/, Tolino .tolino/; \
        anything else is a plain folder):

          offprint send week.kepub.epub --device /media/me/KOBOeReader
          offprint send week.epub --device auto   (the one reader mounted under
              /media/$USER, /run/media/$USER, /media or /Volumes)

        Copies are atomic (temporary file, fsync, rename). A different book of the same name is \
        not replaced without --force (a newer build of the same book, same identifier, is). \
        A Kindle reads no EPUB over USB: send it by e-mail (--to).
        """
    )

    @Argument(help: ArgumentHelp("EPUB (or KEPUB) files.", valueName: "book"), completion: .file(extensions: ["epub"]))
    var books: [String] = []

    @Option(help: ArgumentHelp("Recipient: your Send-to-Kindle address (default: `to` under [send] in the config file).", valueName: "address"))
    var to: String?

    @Option(help: ArgumentHelp("Sender: an address Amazon approved for your Kindle (default: `from` under [send]).", valueName: "address"))
    var from: String?

    @Option(help: ArgumentHelp("SMTP server: smtp://[user@]host[:587] (STARTTLS) or smtps://[user@]host[:465] (default: `smtp` under [send]).", valueName: "url"))
    var smtp: String?

    @Option(name: .customLong("smtp-ca"), help: ArgumentHelp("Also trust this PEM certificate authority (a private relay's own CA).", valueName: "file"), completion: .file(extensions: ["pem", "crt"]))
    var smtpCA: String?

    @Option(name: .customLong("smtp-timeout"), help: ArgumentHelp("Seconds without an answer before giving up (default 60).", valueName: "seconds"))
    var smtpTimeout: Double?

    @Flag(name: .customLong("dry-run"), help: "Write each message to NAME.eml (next to the book, or in --eml-dir) instead of sending it.")
    var dryRun = false

    @Option(name: .customLong("eml-dir"), help: ArgumentHelp("With --dry-run: the folder for the .eml files.", valueName: "dir"), completion: .directory)
    var emlDir: String?

    @Option(help: ArgumentHelp("Copy to the e-reader mounted at PATH, or `auto` to find it.", valueName: "path|auto"), completion: .directory)
    var device: String?

    @Option(help: ArgumentHelp("With --device: a folder on the reader (default: its usual place: the root, or documents/ on a Kindle with KOReader).", valueName: "folder"))
    var folder: String?

    @Flag(help: "With --device: replace a different book of the same name.")
    var force = false

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if books.isEmpty { throw ValidationError("give the EPUB files to send") }
        if device != nil && (to != nil || smtp != nil || dryRun) {
            throw ValidationError("--device copies to a mounted reader; --to/--smtp/--dry-run send e-mail: use one or the other")
        }
        if device == nil && (folder != nil || force) {
            throw ValidationError("--folder and --force go with --device")
        }
        if emlDir != nil && !dryRun { throw ValidationError("--eml-dir goes with --dry-run") }
        if let t = smtpTimeout, !(t > 0) { throw ValidationError("--smtp-timeout must be a positive number of seconds") }
    }

    func run() async throws {
        var failed = 0
        if let device {
            let target: Device
            if device == "auto" {
                target = try Device.findMounted()
            } else {
                let url = URL(fileURLWithPath: device)
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
                    throw ValidationError("--device \(device): no such folder (the reader's mount point, or `auto`)")
                }
                target = Device.detect(url)
            }
            if !quiet { say("\(target.summary) at \(target.root.path)") }
            for book in books {
                do {
                    let placed = try DeviceCopy.copy(URL(fileURLWithPath: book), to: target,
                                                     options: DeviceCopy.Options(folder: folder, force: force))
                    if !quiet {
                        let how: String
                        switch placed.outcome {
                        case .copied: how = "copied"
                        case .replacedSameBook: how = "updated"
                        case .replacedForced: how = "replaced (--force)"
                        case .alreadyThere: how = "already there"
                        }
                        say("\(how): \(book) → \(placed.destination.path)")
                        if let note = placed.note { warn("note: \(note)") }
                    }
                } catch {
                    warn("offprint: \(error)")
                    failed += 1
                }
            }
        } else {
            let env = ProcessInfo.processInfo.environment
            let config = try SendConfig.load(SendConfig.defaultFile(environment: env))
            if let w = config.warning, !quiet { warn(w) }
            let settings = try MailSettings.resolve(to: to, from: from, smtp: smtp, ca: smtpCA, timeout: smtpTimeout,
                                                    config: config, environment: env, needServer: !dryRun)
            for book in books {
                let url = URL(fileURLWithPath: book)
                do {
                    if dryRun {
                        let sent = try KindleMail.writeEML(url, settings: settings, into: emlDir.map { URL(fileURLWithPath: $0) })
                        if !quiet { say("wrote \(sent.destination): “\(sent.book.title)” to \(settings.to) (\(sent.messageBytes) bytes)") }
                    } else {
                        let sent = try await KindleMail.send(url, settings: settings)
                        if !quiet { say("sent \(book): “\(sent.book.title)” to \(settings.to) via \(sent.destination)\(sent.tls ? " (TLS)" : "")") }
                    }
                } catch {
                    warn("offprint: \(error)")
                    failed += 1
                }
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}

/// One line to standard output, flushed at once (progress a caller may read from a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
