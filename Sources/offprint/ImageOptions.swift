import ArgumentParser
import Foundation
import OffprintHTTP
import OffprintProfiles
import OffprintImages
import Offprint

/// The image-cache flags shared by `export` and `bundle`.
struct CacheFlags: ParsableArguments {
    @Flag(help: "Use the image cache only; never touch the network (missing images stay remote, with a warning).")
    var offline = false

    @Flag(help: "Revalidate cached images with conditional requests (If-None-Match / If-Modified-Since).")
    var refresh = false

    @Option(name: .customLong("cache-dir"), help: ArgumentHelp("The image cache folder (default: $OFFPRINT_CACHE_DIR, else $XDG_CACHE_HOME/offprint, else ~/.cache/offprint).", valueName: "dir"),
            completion: .directory)
    var cacheDir: String?

    @Option(name: .customLong("image-jobs"), help: "Image downloads at once (default 8; at most 4 per host).")
    var imageJobs: Int = 8

    @Option(name: .customLong("user-agent"), help: ArgumentHelp("User-Agent for image requests.", valueName: "text"))
    var userAgent: String?

    @Option(name: .customLong("max-download-size"), help: ArgumentHelp("Largest image to download, like 25MB (the default) or 800KB; larger images are left out with a warning.", valueName: "size"))
    var maxDownloadSize: String?

    @Option(help: ArgumentHelp("Referer sent with image requests: none (default), origin (the image's own site) or a fixed URL.", valueName: "policy"))
    var referer: String = "none"

    @Flag(name: .customLong("retry-failed"), help: "Request images again that failed recently (failures are remembered for a day, 404/410 for a week).")
    var retryFailed = false

    func validate() throws {
        guard !Validation.skipped else { return }
        if offline && refresh { throw ValidationError("--offline and --refresh cannot be used together") }
        if imageJobs < 1 { throw ValidationError("--image-jobs must be at least 1") }
        if let m = maxDownloadSize, DeviceProfile.parseByteSize(m) == nil {
            throw ValidationError("--max-download-size takes a size like 25MB or 800KB (got '\(m)')")
        }
    }

    /// The HTTP settings these flags give: concurrency, User-Agent, size cap, Referer policy
    /// (the rest, proxies included, as HTTPOptions' defaults and the environment say).
    func httpOptions() -> HTTPOptions {
        var h = HTTPOptions()
        h.concurrency = imageJobs
        h.perHostConcurrency = min(4, imageJobs)
        if let ua = userAgent { h.userAgent = ua }
        if let m = maxDownloadSize.flatMap(DeviceProfile.parseByteSize) { h.maxBytes = m }
        switch referer {
        case "none": h.referer = .none
        case "origin": h.referer = .origin
        default: h.referer = .fixed(referer)
        }
        return h
    }

    func cacheOptions(progress: (@Sendable (ImageProgress) -> Void)? = nil) -> ImageCacheOptions {
        ImageCacheOptions(directory: cacheDir.map { URL(fileURLWithPath: $0, isDirectory: true) },
                          policy: offline ? .offline : (refresh ? .refresh : .normal),
                          http: httpOptions(), retryFailed: retryFailed, progress: progress)
    }

    /// The process's one HTTP client (pages and images), with these flags' User-Agent,
    /// Referer policy and concurrency, and the proxies of the environment.
    func makeHTTP() -> HTTPFetcher {
        HTTPFetcher(options: httpOptions())
    }

    func makeCache(quiet: Bool, http: HTTPFetcher? = nil) throws -> ImageCacheHandle {
        let tty = isatty(STDERR_FILENO) == 1 && !quiet
        var progress: (@Sendable (ImageProgress) -> Void)? = nil
        if tty {
            progress = { (p: ImageProgress) in
                let tenths = p.bytesReceived * 10 / 1_048_576
                var line = "\r\u{1B}[Kimages \(p.completed)/\(p.total)  \(tenths / 10).\(tenths % 10) MB"
                if p.failed > 0 { line += "  (\(p.failed) failed)" }
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        do {
            return ImageCacheHandle(cache: try ImageCache(options: cacheOptions(progress: progress), http: http), tty: tty)
        } catch {
            throw OffprintError(.images, "image cache: \(error)", underlying: error)
        }
    }
}

/// The CLI's handle on the cache: the provider, copying assets, the end-of-run summary.
struct ImageCacheHandle: Sendable {
    let cache: ImageCache
    let tty: Bool

    var provider: ImageProvider { cache }

    func summary() async -> FetchSummary {
        if tty { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        return cache.summary
    }

    /// One warning per unreachable host, and the skipped count; returns how many warnings.
    @discardableResult
    func reportHosts(_ s: FetchSummary, quiet: Bool) -> Int {
        let groups = s.hostGroups
        if !quiet {
            for g in groups { warn("offprint: warning: \(g)") }
        }
        return groups.count
    }
}



struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Inspect and tidy the image cache shared by every export and bundle.",
        subcommands: [Stats.self, Prune.self, Verify.self]
    )

    struct Location: ParsableArguments {
        @Option(name: .customLong("cache-dir"), help: ArgumentHelp("The image cache folder (default: $OFFPRINT_CACHE_DIR, else $XDG_CACHE_HOME/offprint, else ~/.cache/offprint).", valueName: "dir"),
                completion: .directory)
        var cacheDir: String?

        /// The cache folder, or nil (after saying so) when it does not exist: looking at a
        /// cache never creates one.
        func existing() -> URL? {
            let dir = cacheDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? ImageCacheOptions.defaultDirectory()
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue { return dir }
            print("cache: \(dir.path)\nno such folder: nothing cached there yet\(cacheDir == nil ? "" : " (check --cache-dir)")")
            return nil
        }

        func open() throws -> ImageCache {
            do {
                return try ImageCache(options: ImageCacheOptions(directory: cacheDir.map { URL(fileURLWithPath: $0, isDirectory: true) }, policy: .offline))
            } catch {
                throw OffprintError(.images, "image cache: \(error)", underlying: error)
            }
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many images, how many bytes, how old.")
        @OptionGroup var location: Location
        func run() async throws {
            guard location.existing() != nil else { return }
            print(try location.open().stats())
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove images not used for a while (and leftovers of killed runs).")
        @OptionGroup var location: Location
        @Option(name: .customLong("older-than"), help: ArgumentHelp("Age: 90d, 12h, 30m, 2w, or seconds.", valueName: "age"))
        var olderThan: String

        func validate() throws {
            guard !Validation.skipped else { return }
            if ImageCacheOptions.parseAge(olderThan) == nil {
                throw ValidationError("--older-than takes an age such as 90d, 12h, 30m, 2w (got '\(olderThan)')")
            }
        }

        func run() async throws {
            guard location.existing() != nil else { return }
            let cache = try location.open()
            let age = ImageCacheOptions.parseAge(olderThan)!
            print(cache.prune(olderThan: age))
            let derived = ConvertingImageProvider.prune(directory: cache.directory.appendingPathComponent("derived"), olderThan: age)
            if derived.filesRemoved > 0 { print("derived: \(derived)") }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every cached image against its hash; drop damaged ones.")
        @OptionGroup var location: Location
        func run() async throws {
            guard location.existing() != nil else { return }
            let r = try location.open().verify()
            print(r)
            if !r.isClean { throw ExitCode.failure }
        }
    }
}
