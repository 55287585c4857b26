import CLibXML2
import Offprint
@testable import OffprintEPUB

/// Whether `xml` is well-formed XML (libxml2's XML parser, no recovery, no network).
func isWellFormed(_ xml: String) -> Bool {
    var text = xml
    return text.withUTF8 { buf -> Bool in
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_HUGE.rawValue)
        guard let doc = buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count, {
            xmlReadMemory($0, Int32(buf.count), nil, "UTF-8", options)
        }) else { return false }
        xmlFreeDoc(doc)
        return true
    }
}

let namespaces = #"xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops""#

/// Any bytes, parsed, written as XHTML two ways: the serializer on the whole tree, and an
/// EPUB chapter (sanitised, split into parts) part by part. Each must be well-formed XML.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXHTML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let doc = HTMLParser.parse(bytes)
    let whole = Serializer(syntax: .xhtml, keepComments: true).serialize(doc)
    precondition(isWellFormed("<root \(namespaces)>" + whole + "</root>"), "serializer wrote XHTML that is not well-formed:\n\(whole)")

    guard let loaded = try? ArticleLoader.load(bytes, origin: "fuzz.html") else { return 0 }
    var options = EPUBOptions()
    options.maxChapterBytes = 2_000  // small, so that the splitter runs too
    let chapter = Chapter(article: loaded.0, title: "T", language: "en", rtl: false, fileStem: "ch001", options: options)
    for p in chapter.parts.indices {
        let body = chapter.body(part: p)
        precondition(isWellFormed("<body \(namespaces)>" + body + "</body>"), "chapter part \(p) is not well-formed:\n\(body)")
    }
    return 0
}
