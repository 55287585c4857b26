import ArgumentParser
import Foundation

/// `offprint`: article HTML → clean Markdown; article sets → EPUB books.
struct OffprintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offprint",
        abstract: "Turn article HTML into clean Markdown, and sets of articles into EPUB books.",
        discussion: """
        Exit status: 0 on success, 1 when an input failed (or, with --strict, gave a warning), \
        2 for a usage error. Warnings go to standard error and never into the output.
        """,
        version: "0.1.0",
        subcommands: [ExportCommand.self, BundleCommand.self, CacheCommand.self, ProfilesCommand.self],
        defaultSubcommand: nil
    )
}

@main
enum Main {
    static func main() async {
        do {
            var command = try OffprintCommand.parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch {
            let code = OffprintCommand.exitCode(for: error)
            if code == .success {
                OffprintCommand.exit(withError: error)  // --help, --version
            }
            if let exit = error as? ExitCode {
                Foundation.exit(exit.rawValue)
            }
            var error = error
            if code == .validationFailure {
                // ArgumentParser checks values (validate()) before it looks for unknown
                // options: `export --bogus` said "give at least one input file". Parse again
                // without the checks; a parse error found then is the one to report.
                Validation.skipped = true
                do { _ = try OffprintCommand.parseAsRoot() } catch let parseError {
                    if OffprintCommand.exitCode(for: parseError) == .validationFailure { error = parseError }
                }
                Validation.skipped = false
            }
            let message = OffprintCommand.message(for: error)
            if code == .validationFailure {
                // A usage error: say what is wrong and how to get help.
                let full = OffprintCommand.fullMessage(for: error)
                FileHandle.standardError.write(Data(("offprint: " + full + "\n").utf8))
                Foundation.exit(2)
            }
            FileHandle.standardError.write(Data(("offprint: " + message + "\n").utf8))
            Foundation.exit(1)
        }
    }
}

/// Set while the arguments are parsed a second time to find parse errors hidden by a
/// failed `validate()`: every `validate()` returns at once.
enum Validation {
    nonisolated(unsafe) static var skipped = false
}

/// Writes one line to standard error.
func warn(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
