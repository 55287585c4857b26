import Foundation
import OffprintTestSupport
import OffprintSupport
import OffprintDelivery
import Testing

/// `offprint send --to`: real messages through a real SMTP server (aiosmtpd) on 127.0.0.1.
@Suite(.serialized, .enabled(if: LoopbackSMTP.available, "needs python3 -m pip install aiosmtpd (as .ci/run does)"))
struct SendMailTests {
    func book(_ dir: URL, name: String = "Wöche 47 – news.epub", title: String = "Wöche 47: Ünïcode & more") throws -> (URL, Data) {
        let url = dir.appendingPathComponent(name)
        let data = try TestBook(title: title, authors: ["Zoë Writer"], cover: Array(repeating: 7, count: 3000)).write(to: url)
        return (url, data)
    }

    @Test func plainRelayGetsTheBookAsAttachment() throws {
        let dir = try CLI.tempDir()
        let server = try LoopbackSMTP()
        defer { server.stop() }
        let (url, data) = try book(dir)
        let r = try CLI.run(["send", url.path, "--to", "reader_1@kindle.com", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(server.port)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("sent"))
        let got = try server.received()
        try #require(got.count == 1)
        let (msg, bytes) = got[0]
        #expect(msg.rcpt_tos == ["reader_1@kindle.com"])
        #expect(msg.mail_from == "me@example.com")
        #expect(msg.attachment_type == "application/epub+zip")
        #expect(msg.attachment_filename == "Wöche 47 – news.epub")
        #expect(msg.subject == "Wöche 47: Ünïcode & more")
        #expect(msg.text_part?.contains("Zoë Writer") == true)
        #expect(msg.tls == false)
        #expect(bytes == data)
    }

    @Test(.enabled(if: LoopbackSMTP.opensslAvailable, "needs openssl")) func startTLSWithAuthPlain() throws {
        let dir = try CLI.tempDir()
        let cert = try LoopbackSMTP.makeCertificate(in: dir)
        let server = try LoopbackSMTP(mode: .starttls, cert: cert, user: "me@example.com", password: "s3cret pass")
        defer { server.stop() }
        let (url, data) = try book(dir, name: "plain.epub", title: "Plain")
        let r = try CLI.run(["send", url.path, "--to", "reader_1@kindle.com", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(server.port)", "--smtp-ca", cert.cert.path],
                            env: ["OFFPRINT_SMTP_PASSWORD": "s3cret pass"])
        #expect(r.status == 0, "\(r.stderr)\n\(server.serverLog)")
        #expect(r.stdout.contains("(TLS)"))
        let got = try server.received()
        try #require(got.count == 1)
        #expect(got[0].0.tls)
        #expect(got[0].0.auth_login == "me@example.com")
        #expect(got[0].0.attachment_filename == "plain.epub")
        #expect(got[0].1 == data)
    }

    @Test(.enabled(if: LoopbackSMTP.opensslAvailable, "needs openssl")) func implicitTLSWithAuthLoginAndUserFromURL() throws {
        let dir = try CLI.tempDir()
        let cert = try LoopbackSMTP.makeCertificate(in: dir)
        let server = try LoopbackSMTP(mode: .tls, cert: cert, user: "relay-user", password: "pw", loginOnly: true)
        defer { server.stop() }
        let (url, data) = try book(dir, name: "b.epub")
        let r = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                             "--smtp", "smtps://relay-user@127.0.0.1:\(server.port)", "--smtp-ca", cert.cert.path],
                            env: ["OFFPRINT_SMTP_PASSWORD": "pw"])
        #expect(r.status == 0, "\(r.stderr)\n\(server.serverLog)")
        let got = try server.received()
        try #require(got.count == 1)
        #expect(got[0].0.tls)
        #expect(got[0].0.auth_login == "relay-user")
        #expect(got[0].1 == data)
    }

    @Test(.enabled(if: LoopbackSMTP.opensslAvailable, "needs openssl")) func untrustedCertificateIsAClearError() throws {
        let dir = try CLI.tempDir()
        let cert = try LoopbackSMTP.makeCertificate(in: dir)
        let server = try LoopbackSMTP(mode: .starttls, cert: cert)
        defer { server.stop() }
        let (url, _) = try book(dir, name: "b.epub")
        let r = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(server.port)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("TLS"), "\(r.stderr)")
        #expect(r.stderr.contains("--smtp-ca"))
        #expect(try server.received().isEmpty)
    }

    @Test(.enabled(if: LoopbackSMTP.opensslAvailable, "needs openssl")) func authFailureIsAClearError() throws {
        let dir = try CLI.tempDir()
        let cert = try LoopbackSMTP.makeCertificate(in: dir)
        let server = try LoopbackSMTP(mode: .starttls, cert: cert, user: "me@example.com", password: "right")
        defer { server.stop() }
        let (url, _) = try book(dir, name: "b.epub")
        let r = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(server.port)", "--smtp-ca", cert.cert.path],
                            env: ["OFFPRINT_SMTP_PASSWORD": "wrong"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("authentication as 'me@example.com'"), "\(r.stderr)")
        #expect(r.stderr.contains("535"))
        #expect(r.stderr.contains("OFFPRINT_SMTP_PASSWORD"))
        #expect(try server.received().isEmpty)
    }

    @Test(.enabled(if: LoopbackSMTP.opensslAvailable, "needs openssl")) func serverThatWantsAuthWithoutPasswordSaysHowToSetIt() throws {
        let dir = try CLI.tempDir()
        let cert = try LoopbackSMTP.makeCertificate(in: dir)
        let server = try LoopbackSMTP(mode: .starttls, cert: cert, user: "me@example.com", password: "pw")
        defer { server.stop() }
        let (url, _) = try book(dir, name: "b.epub")
        let r = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(server.port)", "--smtp-ca", cert.cert.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("requires authentication"), "\(r.stderr)")
        #expect(r.stderr.contains("OFFPRINT_SMTP_PASSWORD"))
    }

    @Test func refusedConnectionIsAClearError() throws {
        let dir = try CLI.tempDir()
        let (url, _) = try book(dir, name: "b.epub")
        let port = closedPort()
        let r = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(port)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("refused"), "\(r.stderr)")
        #expect(r.stderr.contains("--smtp"))
    }

    @Test func silentServerTimesOut() throws {
        // A listener that accepts and never greets.
        let dir = try CLI.tempDir()
        let script = dir.appendingPathComponent("silent.py")
        try """
        import socket, time
        s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
        print("PORT", s.getsockname()[1], flush=True)
        conns = []
        while True:
            c, _ = s.accept(); conns.append(c)
        """.write(to: script, atomically: true, encoding: .utf8)
        let silent = try BackgroundProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path])
        defer { silent.stop() }
        let port = try silent.waitForLine(containing: "PORT ").split(separator: " ").last.map(String.init) ?? ""
        let (url, _) = try book(dir, name: "b.epub")
        let r = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(port)", "--smtp-timeout", "1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no answer"), "\(r.stderr)")
        #expect(r.stderr.contains("greeting"))
        #expect(r.stderr.contains("--smtp-timeout"))
    }

    @Test func messageOverTheServersSizeIsRefusedBeforeSending() throws {
        let dir = try CLI.tempDir()
        let server = try LoopbackSMTP(maxSize: 4000)
        defer { server.stop() }
        let url = dir.appendingPathComponent("big.epub")
        try TestBook(cover: (0..<20_000).map { _ in UInt8.random(in: 0...255) }).write(to: url)  // incompressible
        let r = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                             "--smtp", "smtp://127.0.0.1:\(server.port)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("accepts at most"), "\(r.stderr)")
        #expect(r.stderr.contains("--max-book-size"))
        #expect(try server.received().isEmpty)
    }

    @Test func oneMessagePerBookAndAFailedBookDoesNotStopTheOthers() throws {
        let dir = try CLI.tempDir()
        let server = try LoopbackSMTP()
        defer { server.stop() }
        let (a, aData) = try book(dir, name: "a.epub", title: "Book A")
        let (b, bData) = try book(dir, name: "b.kepub.epub", title: "Book B")
        let r = try CLI.run(["send", a.path, dir.appendingPathComponent("missing.epub").path, b.path, "--to", "r@kindle.com",
                             "--from", "me@example.com", "--smtp", "smtp://127.0.0.1:\(server.port)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("missing.epub: no such file"), "\(r.stderr)")
        let got = try server.received()
        try #require(got.count == 2)
        #expect(got.map(\.0.subject) == ["Book A", "Book B"])
        #expect(got[1].0.attachment_filename == "b.kepub.epub")
        #expect(got[1].0.attachment_type == "application/epub+zip")
        #expect(got.map(\.1) == [aData, bData])
    }

    @Test func refusedRecipientAndTooLargeAtTheEndOfData() throws {
        let dir = try CLI.tempDir()
        let (url, _) = try book(dir, name: "b.epub")
        let rcpt = try LoopbackSMTP(rejectRecipient: true)
        defer { rcpt.stop() }
        let r1 = try CLI.run(["send", url.path, "--to", "nobody@example.org", "--from", "me@example.com",
                              "--smtp", "smtp://127.0.0.1:\(rcpt.port)"])
        #expect(r1.status == 1)
        #expect(r1.stderr.contains("refused the recipient nobody@example.org: 550"), "\(r1.stderr)")
        #expect(r1.stderr.contains("check --to"))
        let data = try LoopbackSMTP(rejectData: true)
        defer { data.stop() }
        let r2 = try CLI.run(["send", url.path, "--to", "x@example.org", "--from", "me@example.com",
                              "--smtp", "smtp://127.0.0.1:\(data.port)"])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("as too large: 552"), "\(r2.stderr)")
        #expect(r2.stderr.contains("--split-volumes"))
    }

    @Test func settingsFromTheConfigFile() throws {
        let dir = try CLI.tempDir()
        let server = try LoopbackSMTP()
        defer { server.stop() }
        let (url, data) = try book(dir, name: "week.epub")
        let config = dir.appendingPathComponent("xdg/offprint/config.toml")
        try FileManager.default.createDirectory(at: config.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
        [send]
        to = "configured@kindle.com"
        from = "sender@example.com"
        smtp = "smtp://127.0.0.1:\(server.port)"
        """.write(to: config, atomically: true, encoding: .utf8)
        let r = try CLI.run(["send", url.path], env: ["OFFPRINT_CONFIG": nil, "XDG_CONFIG_HOME": dir.appendingPathComponent("xdg").path])
        #expect(r.status == 0, "\(r.stderr)")
        let got = try server.received()
        try #require(got.count == 1)
        #expect(got[0].0.rcpt_tos == ["configured@kindle.com"])
        #expect(got[0].0.mail_from == "sender@example.com")
        #expect(got[0].1 == data)
    }

    @Test func dryRunWritesTheEML() throws {
        let dir = try CLI.tempDir()
        let (url, data) = try book(dir, name: "week.epub", title: "Week 47")
        let r = try CLI.run(["send", url.path, "--dry-run", "--to", "r@kindle.com", "--from", "me@example.com"])
        #expect(r.status == 0, "\(r.stderr)")
        let eml = dir.appendingPathComponent("week.eml")
        let text = try String(contentsOf: eml, encoding: .utf8)
        #expect(text.contains("Subject: Week 47\r\n"))
        #expect(text.contains("To: r@kindle.com\r\n"))
        #expect(text.contains("Content-Type: application/epub+zip;\r\n name=\"week.epub\""))
        // Python's email package reads the attachment back, byte for byte.
        let out = dir.appendingPathComponent("att.bin")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
        import email, email.policy, sys
        m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
        a = [p for p in m.walk() if p.get_content_disposition() == 'attachment'][0]
        assert a.get_filename() == 'week.epub', a.get_filename()
        open(sys.argv[2], 'wb').write(a.get_payload(decode=True))
        """, eml.path, out.path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try Data(contentsOf: out) == data)
    }

    @Test func overFiftyMegabytesForKindleSuggestsSplitting() throws {
        let dir = try CLI.tempDir()
        let url = dir.appendingPathComponent("huge.epub")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let h = try FileHandle(forWritingTo: url)
        try h.truncate(atOffset: 50_000_001)  // sparse: no real 50 MB written
        try h.close()
        let r = try CLI.run(["send", url.path, "--dry-run", "--to", "r@kindle.com", "--from", "me@example.com"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("50 MB"), "\(r.stderr)")
        #expect(r.stderr.contains("--max-book-size"))
        #expect(r.stderr.contains("--split-volumes"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("huge.eml").path))
    }

    @Test func passwordInTheURLIsRefused() throws {
        let dir = try CLI.tempDir()
        let (url, _) = try book(dir, name: "b.epub")
        let r = try CLI.run(["send", url.path, "--to", "r@kindle.com", "--from", "me@example.com",
                             "--smtp", "smtp://me:secret@127.0.0.1:25"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("never go on the command line"), "\(r.stderr)")
    }

    @Test func missingRecipientNamesTheFlagAndTheFile() throws {
        let dir = try CLI.tempDir()
        let (url, _) = try book(dir, name: "b.epub")
        let r = try CLI.run(["send", url.path, "--from", "me@example.com", "--dry-run"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--to"), "\(r.stderr)")
        #expect(r.stderr.contains("[send]"))
    }
}

struct MailMessageTests {
    @Test func longNonASCIIFileNamesUseRFC2231Continuations() throws {
        let name = String(repeating: "Überlange Dateinamen ", count: 4) + ".epub"
        let params = MailMessageProbe.nameParameters(name)
        #expect(params.contains("filename*0*=UTF-8''"))
        #expect(params.contains("filename*1*="))
        for line in params.components(separatedBy: "\r\n") { #expect(line.count <= 78, "\(line)") }
    }

    @Test func smtpURLs() throws {
        let a = try SMTPServerURL("smtp://user%40example.com@mail.example.com")
        #expect(a.port == 587 && a.user == "user@example.com" && a.security == .startTLSWhenOffered)
        let b = try SMTPServerURL("smtps://mail.example.com")
        #expect(b.port == 465 && b.security == .implicitTLS)
        #expect { try SMTPServerURL("http://mail.example.com") } throws: { ($0 as? OffprintError)?.step == .delivery }
    }
}

/// Reaches the encoder through a rendered message (it is internal).
enum MailMessageProbe {
    static func nameParameters(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("offprint-mime-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        _ = try? TestBook().write(to: url)
        guard let book = try? BookInfo.read(url), let from = try? MailAddress("a@example.com"), let to = try? MailAddress("b@kindle.com") else { return "" }
        let msg = MailMessage(from: from, to: to, book: book).rendered(attachment: [1, 2, 3])
        let text = String(decoding: msg, as: UTF8.self)
        guard let start = text.range(of: "Content-Disposition: attachment;"), let end = text.range(of: "Content-Transfer-Encoding: base64", range: start.upperBound..<text.endIndex) else { return "" }
        return String(text[start.lowerBound..<end.lowerBound])
    }
}


struct SendConfigTests {
    func write(_ text: String, mode: Int = 0o600) throws -> URL {
        let url = try CLI.tempDir().appendingPathComponent("config.toml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        return url
    }

    @Test func flagsWinOverTheFileAndTheEnvironmentPasswordOverTheFiles() throws {
        let url = try write("""
        [send]
        to = "file@kindle.com"
        from = "file@example.com"
        smtp = "smtps://relay.example.com"
        password = "from-file"
        timeout = 12
        """)
        let config = try SendConfig.load(url)
        #expect(config.warning == nil)
        let s = try MailSettings.resolve(to: "flag@kindle.com", from: nil, smtp: nil, ca: nil, timeout: nil, config: config,
                                         environment: ["OFFPRINT_SMTP_PASSWORD": "from-env"], needServer: true)
        #expect(s.to.address == "flag@kindle.com" && s.from.address == "file@example.com")
        #expect(s.server?.port == 465 && s.server?.security == .implicitTLS)
        #expect(s.options.password == "from-env" && s.options.timeout == 12)
        let t = try MailSettings.resolve(to: nil, from: nil, smtp: nil, ca: nil, timeout: nil, config: config, environment: [:], needServer: true)
        #expect(t.options.password == "from-file")
    }

    @Test func aReadablePasswordFileIsWarnedAboutAndBadKeysNamed() throws {
        let open = try SendConfig.load(write("[send]\npassword = \"x\"\n", mode: 0o644))
        #expect(open.warning?.contains("chmod 600") == true)
        #expect { try SendConfig.load(write("[send]\npasword = \"x\"\n")) } throws: { ($0 as? OffprintError)?.step == .delivery }
        let broken = try write("[send]\nto = \n")
        let e = #expect(throws: OffprintError.self) { try SendConfig.load(broken) }
        #expect(e?.path == broken.path && e?.line == 2, "\(String(describing: e))")
        #expect(e?.description.hasPrefix(broken.path + ":2: ") == true && e?.hint?.contains("[send]") == true)
    }

    @Test func ipv6AndUserInSMTPURL() throws {
        let u = try SMTPServerURL("smtp://[::1]:2525")
        #expect(u.host == "::1" && u.port == 2525)
        #expect(u.description == "smtp://[::1]:2525")
    }
}
