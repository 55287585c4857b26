import ArgumentParser
import Foundation
import Offprint

/// `offprint profiles`: what each device profile does.
struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "List the device profiles of offprint bundle --profile, and what each one does.",
        discussion: """
          offprint profiles                      all built-in profiles
          offprint profiles kobo                 one of them
          offprint profiles kindle --toml > my.toml   a profile file to edit (then --profile my.toml)
        """
    )

    @Argument(help: ArgumentHelp("A built-in profile name or a profile file (.toml).", valueName: "name|file"),
              completion: .custom { _ in DeviceProfile.builtIn.map(\.name) + profileFiles() })
    var name: String?

    @Flag(help: "Print the profile as a TOML file (to copy and edit).")
    var toml = false

    func validate() throws {
        guard !Validation.skipped else { return }
        if toml && name == nil { throw ValidationError("--toml prints one profile: give its name (offprint profiles kindle --toml)") }
        if let name, DeviceProfile.named(name) == nil, !name.lowercased().hasSuffix(".toml") {
            throw ValidationError("no profile named '\(name)': the profiles are \(DeviceProfile.builtIn.map(\.name).joined(separator: ", ")), or give a .toml file")
        }
    }

    func run() throws {
        guard let name else {
            print(DeviceProfile.builtIn.map(\.details).joined(separator: "\n\n"))
            return
        }
        let p: DeviceProfile
        if let b = DeviceProfile.named(name) {
            p = b
        } else if name.lowercased().hasSuffix(".toml") {
            p = try DeviceProfile.load(from: URL(fileURLWithPath: name))
        } else {
            throw OffprintError(.profile, "no profile named \(name): the profiles are \(DeviceProfile.builtIn.map(\.name).joined(separator: ", ")), or give a .toml file")
        }
        print(toml ? p.toml : p.details, terminator: toml ? "" : "\n")
    }
}
