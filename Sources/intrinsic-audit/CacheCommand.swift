import Foundation
import Store

enum CacheCommand {
    static let usage = "intrinsic-audit cache clear [--dataset FOLDER] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "clear only this dataset's cached images (default: all datasets)"),
        .database,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Delete cached preprocessed images; measurements and reports are kept.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.first == "clear" else {
            throw UsageError(message: "expected the action 'clear'", usage: usage)
        }
        guard parsed.positionals.count == 1 else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[1])' after 'clear'", usage: usage)
        }
        let store = try openStore(parsed.string("db"))
        var datasetID: Int64?
        if let folder = parsed.string("dataset") {
            guard let resolved = realpath(folder, nil) else { throw CommandFailure("dataset folder not found: \(folder)") }
            defer { free(resolved) }
            guard let dataset = try store.dataset(root: String(cString: resolved)) else {
                throw CommandFailure("no dataset \(String(cString: resolved)) in \(store.path)")
            }
            datasetID = dataset.id
        }
        let removed = try store.clearFeatureCache(datasetID: datasetID)
        try store.compact()
        print("removed \(removed) cached images from \(store.path) and returned their space to the file system")
        return 0
    }
}
