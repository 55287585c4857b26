import Foundation
import OffprintSupport
import Testing

@Suite("One error type: step, path, line, message, hint, underlying")
struct OffprintErrorTests {
    @Test("The printed line is path:line: message; hint, with the parts that are known")
    func description() {
        #expect(OffprintError(.feed, path: "feed.xml", line: 11, "not well-formed XML", hint: "fix the feed").description
                == "feed.xml:11: not well-formed XML; fix the feed")
        #expect(OffprintError(.read, path: "post.md", "empty input").description == "post.md: empty input")
        #expect(OffprintError(.frontMatter, line: 3, "a table header must start with a key").description
                == "line 3: a table header must start with a key")
        #expect(OffprintError(.epub, "no articles to put in book.epub").description == "no articles to put in book.epub")
        // Line 0 is "unknown", as libxml2 and the feed reader say it.
        let unknown = OffprintError(.xml, path: "a.xml", line: 0, "cannot be opened")
        #expect(unknown.line == nil && unknown.description == "a.xml: cannot be opened")
        #expect(unknown.localizedDescription == unknown.description)
    }

    @Test("Wrapping keeps an OffprintError as it is and prints any other error as before")
    func wrapping() {
        let inner = OffprintError(.fetch, path: "https://ex.com/f.xml", "HTTP 404 Not Found", kind: .httpStatus(404))
        let same = OffprintError.wrapping(inner, step: .feed)
        #expect(same == inner && same.step == .fetch && same.kind == .httpStatus(404))

        struct Other: Error, CustomStringConvertible { var description: String { "disk on fire" } }
        let wrapped = OffprintError.wrapping(Other(), step: .write)
        #expect(wrapped.step == .write && wrapped.kind == .other && wrapped.path == nil)
        #expect(wrapped.description == "disk on fire")
        #expect(wrapped.underlying is Other)
    }

    @Test("Equal errors say the same thing; the underlying error is not compared")
    func equality() {
        struct Cause: Error {}
        let a = OffprintError(.read, path: "x", "cannot be read", kind: .unreadable, underlying: Cause())
        #expect(a == OffprintError(.read, path: "x", "cannot be read", kind: .unreadable))
        #expect(a != OffprintError(.write, path: "x", "cannot be read", kind: .unreadable))
        #expect(a != OffprintError(.read, path: "x", "cannot be read", kind: .notText))
        #expect(a != OffprintError(.read, path: "x", "cannot be read", hint: "check the path", kind: .unreadable))
    }
}
