import Foundation
import OffprintSupport

/// One Send-to-Kindle message: a short text part and the book attached (RFC 5322 + MIME).
///
/// The attachment is `application/epub+zip` (base64, 76-character lines) with its file name in
/// both `filename=` (RFC 2047 encoded-word for non-ASCII names, which Amazon's and most
/// clients read) and `filename*=` (RFC 2231), and the subject is the book's title.
public struct MailMessage: Sendable {
    public var from: MailAddress
    public var to: MailAddress
    public var subject: String
    public var attachmentName: String
    public var attachmentType: String
    public var date: Date
    public var messageID: String

    public init(from: MailAddress, to: MailAddress, book: BookInfo, date: Date = Date(), messageID: String? = nil) {
        self.from = from
        self.to = to
        subject = book.title
        attachmentName = book.file.lastPathComponent
        // Send to Kindle takes EPUB; a KEPUB is still an EPUB archive, so it goes as EPUB too.
        attachmentType = "application/epub+zip"
        self.date = date
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(from.domain)>"
        bodyText = "\(book.title)" + (book.authors.isEmpty ? "" : " by \(book.authors.joined(separator: ", "))")
            + "\r\n\r\nSent by offprint (\(book.file.lastPathComponent)).\r\n"
    }

    private var bodyText: String

    /// The whole message, CRLF line ends, with `attachment` base64-encoded in it.
    public func rendered(attachment: [UInt8]) -> [UInt8] {
        let boundary = "offprint-" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        var h = ""
        h += "From: \(from.address)\r\n"
        h += "To: \(to.address)\r\n"
        h += Self.foldedHeader("Subject", Self.encodedWordIfNeeded(subject))
        h += "Date: \(Self.rfc5322Date(date))\r\n"
        h += "Message-ID: \(messageID)\r\n"
        h += "MIME-Version: 1.0\r\n"
        h += "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n"
        h += "\r\n"
        h += "This is a MIME message: the book is attached.\r\n"
        h += "--\(boundary)\r\n"
        let textIsASCII = bodyText.utf8.allSatisfy { $0 < 0x80 }
        h += "Content-Type: text/plain; charset=utf-8\r\n"
        if textIsASCII {
            h += "Content-Transfer-Encoding: 7bit\r\n\r\n" + bodyText
        } else {
            h += "Content-Transfer-Encoding: base64\r\n\r\n" + Self.base64Lines(Array(bodyText.utf8))
        }
        h += "--\(boundary)\r\n"
        h += "Content-Type: \(attachmentType);" + Self.nameParameters("name", attachmentName) + "\r\n"
        h += "Content-Disposition: attachment;" + Self.nameParameters("filename", attachmentName) + "\r\n"
        h += "Content-Transfer-Encoding: base64\r\n\r\n"
        var out = Array(h.utf8)
        out.reserveCapacity(out.count + attachment.count * 4 / 3 + attachment.count / 38 + 256)
        out += Self.base64Lines(attachment).utf8
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    // MARK: - encodings

    static func base64Lines(_ bytes: [UInt8]) -> String {
        let b64 = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return b64.isEmpty ? "" : b64 + "\r\n"
    }

    /// `text`, or RFC 2047 `=?UTF-8?B?…?=` words (each under 75 characters) when it is not printable ASCII.
    static func encodedWordIfNeeded(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !text.contains("=?") { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 39 bytes of UTF-8 → 52 base64 characters, + 12 for =?UTF-8?B??=: lines stay under 78 even
        // after `filename="`. Never split a character.
        for ch in text {
            let bytes = Array(String(ch).utf8)
            if chunk.count + bytes.count > 39, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    static func foldedHeader(_ name: String, _ value: String) -> String {
        if value.contains("\r\n ") || name.count + value.count < 76 { return "\(name): \(value)\r\n" }
        // Fold plain ASCII at spaces.
        var lines: [String] = []
        var line = "\(name):"
        for word in value.split(separator: " ", omittingEmptySubsequences: false) {
            if line.count + 1 + word.count > 76, line.count > name.count + 1 {
                lines.append(line)
                line = ""
            }
            line += " " + word
        }
        lines.append(line)
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `; name="file.epub"`, or for a non-ASCII name the RFC 2231 form (`name*=UTF-8''…`)
    /// plus an RFC 2047 quoted form for the readers that only know that.
    static func nameParameters(_ key: String, _ value: String) -> String {
        let ascii = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        if ascii {
            let quoted = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\r\n \(key)=\"\(quoted)\""
        }
        // Folded between encoded words (RFC 2047 allows that inside a quoted parameter in practice:
        // mail readers unfold first), so no line passes 78 characters.
        let encodedWord = encodedWordIfNeeded(value)
        let attrChars = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~".utf8)
        // Tokens: one safe character, or one %XX triplet (never cut in two).
        let tokens: [String] = value.utf8.map { b in
            if attrChars.contains(b) { return String(UnicodeScalar(b)) }
            var triplet: [UInt8] = []
            Hex.appendPercent(b, to: &triplet)
            return String(decoding: triplet, as: UTF8.self)
        }
        var pieces: [String] = []
        var current = ""
        for t in tokens {
            if current.count + t.count > 56 {
                pieces.append(current)
                current = ""
            }
            current += t
        }
        if !current.isEmpty { pieces.append(current) }
        var out = "\r\n \(key)=\"\(encodedWord)\";"
        if pieces.count == 1 {
            out += "\r\n \(key)*=UTF-8''\(pieces[0])"
        } else {
            // RFC 2231 continuations keep each line short.
            out += pieces.enumerated().map { i, p in
                "\r\n \(key)*\(i)*=" + (i == 0 ? "UTF-8''" : "") + p
            }.joined(separator: ";")
        }
        return out
    }

    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return f.string(from: date)
    }
}

/// An e-mail address (`local@domain`), checked once where it enters.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    public let address: String
    public init(_ text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !t.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == "\r" || $0 == "\n" }),
              t.utf8.allSatisfy({ $0 >= 0x21 && $0 < 0x7F }) else {
            throw OffprintError(.delivery, "'\(text)' is not an e-mail address (local@domain)")
        }
        address = t
    }
    public var domain: String { String(address.split(separator: "@").last ?? "localhost") }
    /// Amazon's Send-to-Kindle addresses (`…@kindle.com`, `…@free.kindle.com`).
    public var isKindle: Bool {
        let d = domain.lowercased()
        return d == "kindle.com" || d.hasSuffix(".kindle.com")
    }
    public var description: String { address }
}
