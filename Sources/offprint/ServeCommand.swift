import ArgumentParser
import Foundation
import OffprintDelivery

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a folder of books as an OPDS catalog (for KOReader and other reading apps) and a plain web page.",
        discussion: """
        Every *.epub and *.kepub.epub under DIR, newest first: the OPDS 1.2 catalog at /opds \
        (search by title or author; 50 books a page), a plain page with download links at / \
        (for the Kindle's and Kobo's browsers). New files show up without a restart.

        It listens on 127.0.0.1 only (this machine) unless --host says otherwise: to reach it \
        from a reader on your Wi-Fi, give --host 0.0.0.0 and open http://THIS-MACHINE'S-ADDRESS:8080/opds; \
        anyone on that network can then download the books. Only book files inside DIR are \
        served. Stop it with Ctrl-C.

          offprint serve ~/books
          offprint serve ~/books --host 0.0.0.0 --port 8080
        """
    )

    @Argument(help: ArgumentHelp("The folder of books.", valueName: "dir"), completion: .directory)
    var dir: String

    @Option(help: ArgumentHelp("Address to listen on: 127.0.0.1 (default, this machine only), 0.0.0.0 (every network), ::1, ::.", valueName: "ip"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("Port (default 8080; 0 picks a free one).", valueName: "port"))
    var port: Int = 8080

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535 (got \(port))") }
    }

    func run() async throws {
        let server = try CatalogServer(folder: URL(fileURLWithPath: dir), host: host, port: UInt16(port))
        server.shelf.warn = { line in warn(line) }
        let quiet = self.quiet
        let host = self.host
        let dir = self.dir
        try await server.run { port in
            let count = server.shelf.books().count
            let shown = host.contains(":") ? "[\(host)]" : host
            if !quiet {
                say("Serving \(count) book\(count == 1 ? "" : "s") from \(dir) at http://\(shown):\(port)/ (OPDS catalog: http://\(shown):\(port)/opds)")
                if host != "127.0.0.1" && host != "::1" && host.lowercased() != "localhost" {
                    warn("note: listening on \(host): anyone who can reach this machine can download these books")
                }
            }
        }
    }
}
