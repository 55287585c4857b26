import Testing
import OffprintDocument
@testable import OffprintMarkdown

/// Raw-HTML tables (`MinimalHTML`) read the one element policy (`ElementPolicy.tableForm`).
@Suite struct TablePolicyTests {
    @Test("Raw-HTML tables write what the element policy keeps, under the names it gives")
    func tablesFollowThePolicy() {
        let out = md("<table><tr><th>A</th><th>B</th></tr><tr><td><tt>t</tt> <strike>s</strike> <b>b</b> <kbd>k</kbd></td>"
            + "<td><dir><li>x</li></dir><span class=\"c\">plain</span> <video src=\"https://v.example/a.mp4\"></video></td></tr></table>", .commonmark)
        #expect(out.contains("<code>t</code> <del>s</del> <strong>b</strong> <code>k</code>"), "\(out)")
        #expect(out.contains("<ul><li>x</li></ul>plain"), "\(out)")
        // A player is the link clean-up would make, in a table too.
        #expect(out.contains("<a href=\"https://v.example/a.mp4\">Video</a>"), "\(out)")
    }

    @Test("Every element the policy renames is written in a table as the element it becomes")
    func renamesAgree() {
        for (name, rule) in ElementPolicy.rules.sorted(by: { $0.key < $1.key }) {
            guard case .rename(let to) = rule, !BlockWriter.skipped.contains(name), name != "plaintext",
                  let form = ElementPolicy.tableForm(of: to) else { continue }
            let html = "<table><tr><th>A</th><th>B</th></tr><tr><td><\(name)>x</\(name)></td><td>y</td></tr></table>"
            let out = md(html, .commonmark)
            #expect(out.contains("<\(form.name)>") || out.contains("<\(form.name) "), "\(name) → \(to): \(out)")
        }
    }
}
