import Audit
import Foundation
import Reports
import Store

enum ReportCommand {
    static let usage = "intrinsic-audit report [--dataset FOLDER] [--db FILE] [--format text|json]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "dataset folder (default: the most recently audited dataset)"),
        OptionSpec(name: "db", valueName: "FILE", help: "SQLite database (default $XDG_DATA_HOME/intrinsic-audit/audit.sqlite)"),
        OptionSpec(name: "format", valueName: "FORMAT", help: "text (default) or json"),
        OptionSpec(name: "help", valueName: nil, help: "show this help"),
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Print the stored report of the latest completed audit of a dataset.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.isEmpty else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[0])'; name the dataset with --dataset FOLDER", usage: usage)
        }
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"
        let store = try openStore(parsed.string("db"))

        let dataset: DatasetRecord?
        if let folder = parsed.string("dataset") {
            guard let resolved = realpath(folder, nil) else {
                throw CommandFailure("dataset folder not found: \(folder)")
            }
            defer { free(resolved) }
            dataset = try store.dataset(root: String(cString: resolved))
            guard dataset != nil else {
                throw CommandFailure("no audit of \(String(cString: resolved)) in \(store.path); run 'intrinsic-audit audit \(folder)' first")
            }
        } else {
            dataset = try store.mostRecentlyAuditedDataset()
            guard dataset != nil else {
                throw CommandFailure("no completed audit in \(store.path); run 'intrinsic-audit audit FOLDER' first")
            }
        }
        guard let audit = try store.latestAudit(datasetID: dataset!.id), let json = audit.reportJSON else {
            throw CommandFailure("no completed audit of \(dataset!.root) in \(store.path); run 'intrinsic-audit audit \(dataset!.root)'")
        }
        let report = try JSONReport.decode(json)
        print(format == "json" ? try JSONReport.render(report) : TextReport.render(report), terminator: "")
        return 0
    }
}

/// A failure of a command that is not a usage error; exits with 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
