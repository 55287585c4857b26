import Foundation
import OffprintTestSupport

/// A real SMTP server on loopback: Python's aiosmtpd (installed by .ci/run), started per test.
/// Each message it accepts is parsed with Python's `email` package (an independent MIME reader)
/// and recorded as `N.json` (envelope, TLS, AUTH, subject, attachment type and file name) plus
/// `N.bin` (the attachment's decoded bytes) in its folder.
final class LoopbackSMTP: @unchecked Sendable {
    struct Received: Decodable {
        var mail_from: String
        var rcpt_tos: [String]
        var tls: Bool
        var auth_login: String?
        var subject: String
        var attachment_type: String?
        var attachment_filename: String?
        var text_part: String?
    }

    static let available: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import aiosmtpd"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    static let opensslAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")

    let folder: URL
    let port: UInt16
    private let server: BackgroundProcess

    enum Mode: String { case plain, starttls, tls }

    /// `user`/`password`: the one login the server accepts (AUTH is then required).
    init(mode: Mode = .plain, cert: (cert: URL, key: URL)? = nil, user: String? = nil, password: String? = nil,
         loginOnly: Bool = false, maxSize: Int? = nil, rejectRecipient: Bool = false, rejectData: Bool = false) throws {
        folder = try CLI.tempDir()
        let script = folder.appendingPathComponent("server.py")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        var args = [script.path, "--out", folder.path, "--mode", mode.rawValue]
        if let cert { args += ["--cert", cert.cert.path, "--key", cert.key.path] }
        if let user, let password { args += ["--user", user, "--password", password] }
        if loginOnly { args += ["--login-only"] }
        if let maxSize { args += ["--max-size", String(maxSize)] }
        if rejectRecipient { args += ["--reject-rcpt"] }
        if rejectData { args += ["--reject-data"] }
        server = try BackgroundProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + args)
        let line = try server.waitForLine(containing: "PORT ", seconds: 60)
        guard let p = UInt16(line.split(separator: " ").last ?? "") else { throw TestError("bad server line \(line)") }
        port = p
    }

    func stop() { server.stop() }
    deinit { server.stop() }

    var serverLog: String { server.stderr }

    func received() throws -> [(Received, Data?)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { n in
            let r = try JSONDecoder().decode(Received.self, from: Data(contentsOf: folder.appendingPathComponent(n)))
            let bin = try? Data(contentsOf: folder.appendingPathComponent(n.replacingOccurrences(of: ".json", with: ".bin")))
            return (r, bin)
        }
    }

    /// A self-signed certificate for 127.0.0.1 / localhost, made with openssl now.
    static func makeCertificate(in dir: URL) throws -> (cert: URL, key: URL) {
        let cert = dir.appendingPathComponent("cert.pem"), key = dir.appendingPathComponent("key.pem")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.path, "-out", cert.path,
                       "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw TestError("openssl req failed") }
        return (cert, key)
    }

    static let script = #"""
    import argparse, asyncio, json, os, socket, ssl, sys, email, email.policy
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

    ap = argparse.ArgumentParser()
    ap.add_argument("--out"); ap.add_argument("--mode", default="plain")
    ap.add_argument("--cert"); ap.add_argument("--key")
    ap.add_argument("--user"); ap.add_argument("--password")
    ap.add_argument("--login-only", action="store_true")
    ap.add_argument("--max-size", type=int, default=0)
    ap.add_argument("--reject-rcpt", action="store_true")
    ap.add_argument("--reject-data", action="store_true")
    a = ap.parse_args()
    count = 0

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if a.reject_rcpt:
                return "550 5.1.1 No such user here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            global count
            if a.reject_data:
                return "552 5.3.4 Message too big for system"
            count += 1
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            rec = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                   "tls": server.transport.get_extra_info("ssl_object") is not None,
                   "auth_login": (str(session.auth_data) if session.authenticated else None),
                   "subject": str(msg["subject"]), "attachment_type": None, "attachment_filename": None, "text_part": None}
            for part in msg.walk():
                if part.get_content_disposition() == "attachment":
                    rec["attachment_type"] = part.get_content_type()
                    rec["attachment_filename"] = part.get_filename()
                    with open(os.path.join(a.out, "%03d.bin" % count), "wb") as f:
                        f.write(part.get_payload(decode=True))
                elif part.get_content_type() == "text/plain":
                    rec["text_part"] = part.get_content()
            with open(os.path.join(a.out, "%03d.json.tmp" % count), "w") as f:
                json.dump(rec, f)
            os.rename(os.path.join(a.out, "%03d.json.tmp" % count), os.path.join(a.out, "%03d.json" % count))
            return "250 OK queued"

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == a.user and auth_data.password.decode() == a.password:
            return AuthResult(success=True, auth_data=auth_data.login.decode())
        return AuthResult(success=False, handled=False)

    ctx = None
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)

    def factory():
        kw = dict(hostname="offprint-test", enable_SMTPUTF8=True)
        if a.max_size: kw["data_size_limit"] = a.max_size
        if a.mode == "starttls": kw["tls_context"] = ctx; kw["require_starttls"] = True
        if a.user:
            kw["authenticator"] = authenticator; kw["auth_required"] = True
            # Implicit TLS: aiosmtpd cannot tell the transport is TLS, so it must not insist.
            kw["auth_require_tls"] = a.mode == "starttls"
            if a.login_only: kw["auth_exclude_mechanism"] = ["PLAIN"]
        return SMTP(Handler(), **kw)

    async def main():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0)); sock.listen(16)
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, sock=sock, ssl=ctx if a.mode == "tls" else None)
        print("PORT", sock.getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())
    """#
}
