import Foundation

/// `offprint bundle` of 50 / 500 / 1000 articles from a warm image cache.
enum BundleBench {
    static func run(corpus: Corpus, config: Config) throws {
        print("## Bundle")
        print("")
        guard let r = try? Spawn.run([config.offprint, "bundle", "--help"]), r.status == 0 else {
            print("skipped: this offprint has no `bundle` command")
            print("")
            return
        }
    }
}
