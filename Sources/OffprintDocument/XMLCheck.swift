import CLibXML2

/// Well-formedness of XML text (what book templates produce), checked with libxml2 inside
/// this module: no C pointer leaves it.
public enum XMLCheck {
    /// Nil when `xml` is well-formed XML; else libxml2's complaint with its line
    /// (`line 3: Opening and ending tag mismatch: p line 2 and body`).
    public static func wellFormednessProblem(_ xml: String) -> String? {
        var bytes = Array(xml.utf8)
        if bytes.isEmpty { return "empty output" }
        let flags = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
        let doc = bytes.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                xmlReadMemory($0, Int32(clamping: buf.count), "template.xml", "UTF-8", flags)
            }
        }
        if let doc {
            xmlFreeDoc(doc)
            return nil
        }
        guard let err = xmlGetLastError() else { return "unknown error" }
        var message = err.pointee.message.map { String(cString: $0) } ?? "unknown error"
        while let l = message.last, l == "\n" || l == " " || l == "\t" || l == "\r" { message.removeLast() }
        while let f = message.first, f == " " || f == "\t" { message.removeFirst() }
        return "line \(err.pointee.line): \(message.isEmpty ? "unknown error" : message)"
    }
}
