import Foundation
import OffprintSupport
import NIOCore
import NIOPosix
import NIOSSL

/// Where messages go: `smtp://[user@]host[:port]` (STARTTLS when the server offers it; port 587
/// by default) or `smtps://[user@]host[:port]` (TLS from the first byte; port 465).
public struct SMTPServerURL: Sendable, Equatable, CustomStringConvertible {
    public enum Security: Sendable, Equatable { case startTLSWhenOffered, implicitTLS }
    public var host: String
    public var port: Int
    public var user: String?
    public var security: Security

    public init(_ text: String) throws {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(),
              let host = c.host, !host.isEmpty else {
            throw OffprintError(.delivery, "--smtp '\(text)' is not an SMTP URL: write smtp://host:587 (STARTTLS) or smtps://host:465 (TLS)")
        }
        switch scheme {
        case "smtp": security = .startTLSWhenOffered
        case "smtps": security = .implicitTLS
        default: throw OffprintError(.delivery, "--smtp '\(text)': the scheme must be smtp:// (STARTTLS when offered) or smtps:// (TLS), not \(scheme)://")
        }
        if c.password != nil {
            throw OffprintError(.delivery, "--smtp '\(text)' carries a password: passwords never go on the command line; set OFFPRINT_SMTP_PASSWORD or `password` under [send] in the config file")
        }
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = c.port ?? (security == .implicitTLS ? 465 : 587)
        user = c.percentEncodedUser.flatMap { $0.removingPercentEncoding }
    }

    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(security == .implicitTLS ? "smtps" : "smtp")://\(user.map { $0 + "@" } ?? "")\(h):\(port)"
    }

    var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host.lowercased() == "localhost" }
}

/// How to talk to the server: credentials and trust.
public struct SMTPOptions: Sendable {
    /// Never from the command line: `OFFPRINT_SMTP_PASSWORD` or the config file.
    public var password: String?
    /// The user name for AUTH (default: the URL's user, else the sender address).
    public var user: String?
    /// Seconds without progress (connect, any reply) before giving up.
    public var timeout: Double = 60
    /// A PEM file of certificate authorities to trust besides the system's (a private relay's own CA).
    public var extraCA: String?
    public init(password: String? = nil, user: String? = nil, timeout: Double = 60, extraCA: String? = nil) {
        self.password = password
        self.user = user
        self.timeout = timeout
        self.extraCA = extraCA
    }
}

/// What happened, for the report line.
public struct SMTPTranscriptSummary: Sendable {
    public var tls: Bool
    public var authenticated: String?
    public var finalReply: String
}

/// An SMTP client on SwiftNIO (no maintained Swift SMTP library resolves here): EHLO, STARTTLS
/// (swift-nio-ssl), AUTH PLAIN/LOGIN, SIZE, MAIL/RCPT/DATA with dot-stuffing, QUIT. One message
/// per connection. Every failure is a `OffprintError` saying which step failed and what to change.
public enum SMTPClient {
    public static func send(_ message: [UInt8], from: MailAddress, to: [MailAddress],
                            via server: SMTPServerURL, options: SMTPOptions) async throws -> SMTPTranscriptSummary {
        let tlsContext = try makeTLSContext(options)
        let sniHost: String? = isIPAddress(server.host) ? nil : server.host
        let timeout = TimeAmount.milliseconds(Int64(max(options.timeout, 0.1) * 1000))
        let recorder = SMTPErrorRecorder()
        let connection: (NIOAsyncChannel<SMTPReply, ByteBuffer>, Channel)
        do {
            connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .connect(host: server.host, port: server.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let sync = channel.pipeline.syncOperations
                        if server.security == .implicitTLS {
                            try sync.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: sniHost))
                        }
                        try sync.addHandler(IdleStateHandler(allTimeout: timeout))
                        try sync.addHandler(SMTPIdleTimeoutHandler())
                        try sync.addHandler(recorder)
                        try sync.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        return (try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel), channel)
                    }
                }
        } catch {
            throw describeConnectError(error, server: server, timeout: options.timeout)
        }
        let (asyncChannel, channel) = connection
        let session = SMTPSession(server: server, options: options, channel: channel, tlsContext: tlsContext, sniHost: sniHost, recorder: recorder)
        do {
            return try await asyncChannel.executeThenClose { inbound, outbound in
                var replies = inbound.makeAsyncIterator()
                return try await session.run(message, from: from, to: to, replies: &replies, outbound: outbound)
            }
        } catch let e as OffprintError {
            throw e
        } catch {
            throw session.describe(error)
        }
    }

    static func makeTLSContext(_ options: SMTPOptions) throws -> NIOSSLContext {
        var config = TLSConfiguration.makeClientConfiguration()
        config.minimumTLSVersion = .tlsv12
        if let ca = options.extraCA {
            guard FileManager.default.isReadableFile(atPath: ca) else {
                throw OffprintError(.delivery, path: ca, "no such readable file", hint: "give --smtp-ca a PEM file of the relay's certificate authority")
            }
            do {
                config.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(ca))]
            } catch {
                throw OffprintError(.delivery, path: ca, "not a PEM certificate file (\(error))", hint: "give --smtp-ca a PEM file of the relay's certificate authority", underlying: error)
            }
        }
        do { return try NIOSSLContext(configuration: config) } catch {
            throw OffprintError(.delivery, "setting up TLS: \(error)")
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    static func describeConnectError(_ error: Error, server: SMTPServerURL, timeout: Double) -> OffprintError {
        let at = "\(server.host) port \(server.port)"
        if let e = error as? NIOConnectionError {
            if e.connectionErrors.isEmpty, e.dnsAError != nil || e.dnsAAAAError != nil {
                return OffprintError(.delivery, "sending: cannot resolve the SMTP host '\(server.host)' (DNS lookup failed); check the host in --smtp or `smtp` under [send] in the config file")
            }
            if e.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return OffprintError(.delivery, "sending: connection to \(at) refused (nothing listens there); check the host and port in --smtp (smtp://HOST:587 for STARTTLS, smtps://HOST:465 for TLS)")
            }
            if let first = e.connectionErrors.first {
                return OffprintError(.delivery, "sending: cannot connect to \(at): \(first.error); check --smtp")
            }
        }
        if let e = error as? ChannelError, case .connectTimeout = e {
            return OffprintError(.delivery, "sending: connecting to \(at) timed out after \(Int(timeout)) s; check --smtp (a firewall may drop the port), or raise --smtp-timeout")
        }
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED {
            return OffprintError(.delivery, "sending: connection to \(at) refused (nothing listens there); check the host and port in --smtp")
        }
        if error is SocketAddressError {
            return OffprintError(.delivery, "sending: cannot resolve the SMTP host '\(server.host)' (DNS lookup failed); check --smtp")
        }
        return OffprintError(.delivery, "sending: cannot connect to \(at): \(error)")
    }
}

/// One reply: its code and its text lines (a multi-line reply is one value).
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
    var text: String { lines.joined(separator: " / ") }
    var isPositive: Bool { (200..<400).contains(code) }
}

/// Bytes → replies. `250-first` lines continue until `250 last`.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var pending: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let nl = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 64 * 1024 { throw OffprintError(.delivery, "sending: the SMTP server sent a line over 64 KB; is it an SMTP server?") }
            return .needMoreData
        }
        let length = nl - buffer.readerIndex + 1
        var bytes = buffer.readBytes(length: length) ?? []
        // Byte-wise: in a Swift String "\r\n" is one Character, so hasSuffix("\n") misses it.
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            throw OffprintError(.delivery, "sending: the server's reply '\(line.prefix(80))' is not SMTP; is --smtp pointing at a mail server (and smtp:// vs smtps:// right)?")
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        pending.append(text)
        if bytes.count > 3 && bytes[3] == UInt8(ascii: "-") { return .continue }
        let reply = SMTPReply(code: code, lines: pending)
        pending = []
        context.fireChannelRead(wrapInboundOut(reply))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue, buffer.readableBytes > 0 {}
        return .needMoreData
    }
}

struct SMTPTimeout: Error {}

/// Keeps the first error the pipeline reports, for when the reply stream just ends.
final class SMTPErrorRecorder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let lock = NSLock()
    private var first: Error?
    var error: Error? { lock.lock(); defer { lock.unlock() }; return first }
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        lock.lock()
        if first == nil { first = error }
        lock.unlock()
        context.fireErrorCaught(error)
    }
}

/// Turns the idle-state event into an error that ends the reply stream.
final class SMTPIdleTimeoutHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.fireErrorCaught(SMTPTimeout())
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// The conversation, step by step; `step` names what was happening when a failure comes.
final class SMTPSession: @unchecked Sendable {
    let server: SMTPServerURL
    let options: SMTPOptions
    let channel: Channel
    let tlsContext: NIOSSLContext
    let sniHost: String?
    var step = "waiting for the server's greeting"
    var tls: Bool

    let recorder: SMTPErrorRecorder

    init(server: SMTPServerURL, options: SMTPOptions, channel: Channel, tlsContext: NIOSSLContext, sniHost: String?, recorder: SMTPErrorRecorder) {
        self.recorder = recorder
        self.server = server
        self.options = options
        self.channel = channel
        self.tlsContext = tlsContext
        self.sniHost = sniHost
        tls = server.security == .implicitTLS
    }

    typealias Replies = NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator

    func run(_ message: [UInt8], from: MailAddress, to: [MailAddress], replies: inout Replies,
                      outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws -> SMTPTranscriptSummary {
        func next(_ replies: inout Replies) async throws -> SMTPReply {
            guard let r = try await replies.next() else {
                // The stream may end without the error that ended it (a failed TLS handshake).
                if let e = recorder.error { throw describe(e) }
                throw OffprintError(.delivery, "sending: \(server.host) closed the connection while \(step)")
            }
            return r
        }
        func command(_ line: String, _ replies: inout Replies) async throws -> SMTPReply {
            try await outbound.write(ByteBuffer(string: line + "\r\n"))
            return try await next(&replies)
        }

        let greeting = try await next(&replies)
        guard greeting.code == 220 else {
            throw OffprintError(.delivery, "sending: \(server.host) refused the session: \(greeting.code) \(greeting.text)")
        }
        let clientName = Self.clientName(channel)
        step = "greeting the server (EHLO)"
        var ehlo = try await command("EHLO \(clientName)", &replies)
        guard ehlo.code == 250 else {
            throw OffprintError(.delivery, "sending: \(server.host) rejected EHLO: \(ehlo.code) \(ehlo.text)")
        }
        var ext = Self.extensions(ehlo)
        let password = options.password
        if !tls && server.security == .startTLSWhenOffered {
            if ext["STARTTLS"] != nil {
                step = "starting TLS (STARTTLS)"
                let r = try await command("STARTTLS", &replies)
                guard r.code == 220 else {
                    throw OffprintError(.delivery, "sending: \(server.host) refused STARTTLS: \(r.code) \(r.text)")
                }
                step = "the TLS handshake after STARTTLS"
                let (channel, context, sni) = (channel, tlsContext, sniHost)
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: sni), position: .first)
                }.get()
                tls = true
                step = "greeting the server again over TLS (EHLO)"
                ehlo = try await command("EHLO \(clientName)", &replies)
                guard ehlo.code == 250 else {
                    throw OffprintError(.delivery, "sending: \(server.host) rejected EHLO after STARTTLS: \(ehlo.code) \(ehlo.text)")
                }
                ext = Self.extensions(ehlo)
            } else if password != nil && !server.isLoopback {
                throw OffprintError(.delivery, "sending: \(server.host) port \(server.port) offers no STARTTLS, and the password is not sent in clear text; use smtps://\(server.host):465 (TLS) in --smtp, or the provider's submission port 587")
            }
        }
        var authenticated: String?
        if let password {
            let user = options.user ?? server.user ?? from.address
            guard let mechs = ext["AUTH"]?.uppercased().split(separator: " ").map(String.init) else {
                throw OffprintError(.delivery, "sending: \(server.host) offers no AUTH\(tls ? "" : " before TLS"), but a password is set (OFFPRINT_SMTP_PASSWORD or the config file); unset it for a relay that needs none")
            }
            step = "authenticating as \(user)"
            let reply: SMTPReply
            if mechs.contains("PLAIN") {
                let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8)) as [UInt8]).base64EncodedString()
                reply = try await command("AUTH PLAIN \(token)", &replies)
                authenticated = "PLAIN"
            } else if mechs.contains("LOGIN") {
                var r = try await command("AUTH LOGIN", &replies)
                if r.code == 334 { r = try await command(Data(user.utf8).base64EncodedString(), &replies) }
                if r.code == 334 { r = try await command(Data(password.utf8).base64EncodedString(), &replies) }
                reply = r
                authenticated = "LOGIN"
            } else {
                throw OffprintError(.delivery, "sending: \(server.host) offers AUTH \(mechs.joined(separator: " ")), and offprint speaks PLAIN and LOGIN only; use the provider's submission server (port 587 or 465)")
            }
            guard reply.code == 235 else {
                throw OffprintError(.delivery, "sending: authentication as '\(user)' at \(server.host) failed: \(reply.code) \(reply.text); check the password (OFFPRINT_SMTP_PASSWORD or `password` under [send]) and the user (smtp://USER@host in --smtp); many providers want an app password")
            }
        }
        if let limitText = ext["SIZE"], let limit = Int(limitText.split(separator: " ").first ?? ""), limit > 0, message.count > limit {
            throw OffprintError(.delivery, "sending: the message is \(Self.mb(message.count)) and \(server.host) accepts at most \(Self.mb(limit)) (its SIZE); make the book smaller: offprint bundle --max-book-size, or --split-volumes")
        }
        step = "giving the sender (MAIL FROM)"
        let sizeParam = ext["SIZE"] != nil ? " SIZE=\(message.count)" : ""
        let mail = try await command("MAIL FROM:<\(from.address)>\(sizeParam)", &replies)
        guard mail.code == 250 else { throw refusal(mail, what: "the sender \(from.address)") }
        for rcpt in to {
            step = "giving the recipient \(rcpt.address) (RCPT TO)"
            let r = try await command("RCPT TO:<\(rcpt.address)>", &replies)
            guard r.code == 250 || r.code == 251 else { throw refusal(r, what: "the recipient \(rcpt.address)") }
        }
        step = "starting the message (DATA)"
        let data = try await command("DATA", &replies)
        guard data.code == 354 else { throw refusal(data, what: "the message (DATA)") }
        step = "sending the message"
        var chunk = ByteBuffer()
        chunk.reserveCapacity(70_000)
        var atLineStart = true
        for b in message {
            if atLineStart && b == UInt8(ascii: ".") { chunk.writeInteger(UInt8(ascii: ".")) }
            chunk.writeInteger(b)
            atLineStart = b == UInt8(ascii: "\n")
            if chunk.readableBytes >= 65_536 {
                try await outbound.write(chunk)
                chunk = ByteBuffer()
                chunk.reserveCapacity(70_000)
            }
        }
        if !atLineStart { chunk.writeString("\r\n") }
        chunk.writeString(".\r\n")
        try await outbound.write(chunk)
        step = "waiting for the server to accept the message"
        let accepted = try await next(&replies)
        guard accepted.code == 250 else { throw refusal(accepted, what: "the message") }
        step = "closing (QUIT)"
        _ = try? await command("QUIT", &replies)
        return SMTPTranscriptSummary(tls: tls, authenticated: authenticated, finalReply: "\(accepted.code) \(accepted.text)")
    }

    func refusal(_ r: SMTPReply, what: String) -> OffprintError {
        if r.code == 552 || r.code == 523 {
            return OffprintError(.delivery, "sending: \(server.host) refused \(what) as too large: \(r.code) \(r.text); make the book smaller: offprint bundle --max-book-size, or --split-volumes")
        }
        if r.code == 530 {
            return OffprintError(.delivery, "sending: \(server.host) requires authentication: \(r.code) \(r.text); set OFFPRINT_SMTP_PASSWORD (or `password` under [send] in the config file) and the user in --smtp smtp://USER@host")
        }
        if [550, 551, 553, 554].contains(r.code) && what.contains("recipient") {
            return OffprintError(.delivery, "sending: \(server.host) refused \(what): \(r.code) \(r.text); check --to")
        }
        if [550, 551, 553, 554].contains(r.code) && what.contains("sender") {
            return OffprintError(.delivery, "sending: \(server.host) refused \(what): \(r.code) \(r.text); check --from (the relay may allow only your own address)")
        }
        return OffprintError(.delivery, "sending: \(server.host) refused \(what): \(r.code) \(r.text)")
    }

    func describe(_ error: Error) -> OffprintError {
        // A write on a channel that a failed TLS handshake (or a timeout) closed: the cause is the recorded error.
        if error is ChannelError || error is IOError, let cause = recorder.error, !(cause is ChannelError) {
            return describe(cause)
        }
        if error is SMTPTimeout {
            return OffprintError(.delivery, "sending: no answer from \(server.host) for \(Int(options.timeout)) s while \(step); raise --smtp-timeout, or check --smtp")
        }
        if let e = error as? NIOSSLError {
            return OffprintError(.delivery, "sending: TLS with \(server.host) failed while \(step): \(e); a relay with its own certificate authority needs --smtp-ca FILE (or `ca` under [send])")
        }
        if let e = error as? BoringSSLError {
            return OffprintError(.delivery, "sending: TLS with \(server.host) failed while \(step): \(e); a relay with its own certificate authority needs --smtp-ca FILE (or `ca` under [send])")
        }
        if let e = error as? NIOSSLExtraError {
            return OffprintError(.delivery, "sending: TLS with \(server.host) failed while \(step): \(e); check the host name in --smtp")
        }
        if let e = error as? IOError {
            return OffprintError(.delivery, "sending: the connection to \(server.host) failed while \(step): \(e)")
        }
        if let e = error as? ChannelError, e == .ioOnClosedChannel || e == .outputClosed || e == .eof {
            return OffprintError(.delivery, "sending: \(server.host) closed the connection while \(step)")
        }
        return OffprintError(.delivery, "sending: \(server.host), while \(step): \(error)")
    }

    /// EHLO keywords → their parameters (`SIZE` → `"35882577"`, `AUTH` → `"PLAIN LOGIN"`).
    static func extensions(_ ehlo: SMTPReply) -> [String: String] {
        var out: [String: String] = [:]
        for line in ehlo.lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let k = parts.first else { continue }
            let key = k.uppercased()
            let value = parts.count > 1 ? String(parts[1]) : ""
            if key.hasPrefix("AUTH=") {  // old servers
                out["AUTH", default: ""] += " " + key.dropFirst(5)
            } else {
                out[key] = out[key].map { $0 + " " + value } ?? value
            }
        }
        return out
    }

    /// The EHLO argument: the local address as an address literal (RFC 5321 4.1.3).
    static func clientName(_ channel: Channel) -> String {
        guard let local = channel.localAddress, let ip = local.ipAddress else { return "localhost" }
        if case .v6 = local { return "[IPv6:\(ip)]" }
        return "[\(ip)]"
    }

    static func mb(_ n: Int) -> String { String(format: "%.1f MB", Double(n) / 1_000_000) }
}
