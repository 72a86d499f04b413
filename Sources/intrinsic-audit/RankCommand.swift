import Audit
import Foundation
import Scaling
import Store

/// `intrinsic-audit rank`: compares the K_F ranking of trained tasks with their observed test-loss ranking.
enum RankCommand {
    static let usage = "intrinsic-audit rank [--dataset FOLDER] [--model NAME] [--format text|json] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "only tasks of this dataset folder (or imported dataset name)"),
        OptionSpec(name: "model", valueName: "NAME", help: "network name (default: every network with observations)"),
        OptionSpec(name: "format", valueName: "FORMAT", help: "text (default) or json"),
        OptionSpec(name: "db", valueName: "FILE", help: "SQLite database (default $XDG_DATA_HOME/intrinsic-audit/audit.sqlite)"),
        OptionSpec(name: "help", valueName: nil, help: "show this help"),
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Rank tasks by K_F and test whether their test losses at a common N follow that order (Kendall's τ).", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.isEmpty else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[0])'; name the dataset with --dataset FOLDER", usage: usage)
        }
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"

        let store = try openStore(parsed.string("db"))
        let dataset = parsed.string("dataset").map(resolveDataset)
        let observations = try store.observations(model: parsed.string("model"), dataset: dataset)
        guard !observations.isEmpty else {
            throw CommandFailure("no observations\(dataset.map { " of \($0)" } ?? "") in \(store.path); run 'intrinsic-audit train' or 'intrinsic-audit observations import FILE.csv' first")
        }

        var verdicts: [RankingVerdict] = []
        var failures: [String] = []
        for model in Array(Set(observations.map(\.model))).sorted() {
            do {
                let verdict = try RankingVerdict(observations, model: model)
                verdicts.append(verdict)
                _ = try store.insertScalingResult(ScalingResultRecord(
                    kind: .verdict, model: model, auditFingerprint: nil, dataset: dataset,
                    resultJSON: try encodeJSON(verdict), softwareVersion: SoftwareVersion.current
                ))
            } catch let error as ScalingError {
                failures.append("network \(model): \(error)")
            }
        }
        guard !verdicts.isEmpty else {
            throw CommandFailure(failures.joined(separator: "\n"))
        }

        if format == "json" {
            print(try encodeJSON(verdicts))
        } else {
            print(verdicts.map(render).joined(separator: "\n"), terminator: "")
        }
        for failure in failures {
            FileHandle.standardError.write(Data("warning: skipped \(failure)\n".utf8))
        }
        return 0
    }

    /// Returns the canonical path of an existing folder, or the argument unchanged (an imported dataset name).
    static func resolveDataset(_ argument: String) -> String {
        guard let resolved = realpath(argument, nil) else { return argument }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func render(_ verdict: RankingVerdict) -> String {
        var lines = ["Ranking of network \(verdict.model) at N = \(verdict.matchedN), easiest task (lowest K_F) first:"]
        lines.append("  task                          K_F [interval]              L/L_easiest predicted   mean test loss (seeds)")
        for task in verdict.tasks {
            let interval = "[\(task.kFLow.map(number) ?? "n/a"), \(task.kFHigh.map(number) ?? "n/a")]"
            let relative = task.relativeDifficulty
            let predicted = relative.ratio.map { "\(number($0)) [\(relative.low.map(number) ?? "n/a"), \(relative.high.map(number) ?? "n/a")]" } ?? "not available"
            let name = (task.task as NSString).padding(toLength: 28, withPad: " ", startingAt: 0)
            lines.append("  \(name)  \(number(task.kF)) \(interval.padding(toLength: 20, withPad: " ", startingAt: 0))  \(predicted.padding(toLength: 22, withPad: " ", startingAt: 0))  \(number(task.meanLoss)) (\(task.seeds))")
        }
        for (task, reason) in verdict.excluded.sorted(by: { $0.key < $1.key }) {
            lines.append("  left out: \(task): \(reason)")
        }
        let kendall = verdict.kendall
        lines.append("  Kendall τ_b = \(number(kendall.tau)), p = \(number(kendall.pValue)) (\(kendall.method.rawValue), \(kendall.count) tasks)")
        lines.append("  verdict: \(verdict.verdict)")
        return lines.joined(separator: "\n") + "\n"
    }
}
