import Foundation
import Scaling
import Store

/// `intrinsic-audit observations import FILE.csv`: stores training results computed elsewhere.
enum ObservationsCommand {
    static let usage = "intrinsic-audit observations import FILE.csv [--db FILE]"

    static let options: [OptionSpec] = [
        .database,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            let summary = "Import observations from a CSV file with columns task, n, test_loss, model, seed and optionally "
                + "dataset, accuracy, k_f (inf for a label conflict), d_data and fingerprint. For rows without k_f, d_data "
                + "and fingerprint, fit, rank and budget read them from the latest audit when dataset is the audited folder's canonical path."
            print(helpText(summary: summary, usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.first == "import" else {
            throw UsageError(message: "expected the subcommand 'import'", usage: usage)
        }
        guard parsed.positionals.count == 2 else {
            throw UsageError(message: "expected one CSV file after 'import', got \(parsed.positionals.count - 1)", usage: usage)
        }

        let path = parsed.positionals[1]
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CommandFailure("could not read \(path) as UTF-8 text (\(error.localizedDescription)); check the path")
        }
        let records: [ObservationRecord]
        do {
            records = try ObservationImport.parse(text, path: path)
        } catch {
            throw CommandFailure("\(error)\nNothing was imported: fix the row and run the import again.")
        }
        guard !records.isEmpty else {
            throw CommandFailure("\(path) has a header but no data rows; add one row per training")
        }

        let store = try openStore(parsed.string("db"))
        let replaced = try store.matchingObservationCount(records)
        let ids = try store.insertObservations(records)
        var summary = "imported \(counted(ids.count, "observation")) from \(path) into \(store.path)"
        if replaced > 0 {
            summary += "; \(replaced) earlier with the same dataset, task, model, seed and N replaced"
        }
        print(summary)
        return 0
    }
}
