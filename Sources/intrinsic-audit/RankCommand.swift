import Audit
import Foundation
import Scaling
import Store

/// `intrinsic-audit rank`: ranks every audited task by K_F with its predicted loss ratio to the easiest task, and
/// compares that order with the observed test losses where observations exist (Kendall's τ).
enum RankCommand {
    static let usage = "intrinsic-audit rank [--dataset FOLDER] [--model NAME] [--format text|json] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "only tasks of this dataset folder (or imported dataset name); default: every audited dataset"),
        OptionSpec(name: "model", valueName: "NAME", help: "network of the verdict (default: every network with observations)"),
        .textOrJSON,
        .database,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            let summary = "Rank audited tasks by K_F, predict each task's loss relative to the easiest one, and test "
                + "whether observed test losses at a common N follow that order (Kendall's τ)."
            print(helpText(summary: summary, usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.isEmpty else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[0])'; name the dataset with --dataset FOLDER", usage: usage)
        }
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"

        let store = try openStore(parsed.string("db"))
        let dataset = parsed.string("dataset").map(resolveDataset)
        let ranking = try AuditRanking.load(store: store, dataset: dataset, model: parsed.string("model"))
        for verdict in ranking.verdicts {
            _ = try store.insertScalingResult(ScalingResultRecord(
                kind: .verdict, model: verdict.model, auditFingerprint: nil, dataset: dataset,
                resultJSON: try encodeJSON(verdict), softwareVersion: SoftwareVersion.current
            ))
        }

        if format == "json" {
            print(try encodeJSON(ranking))
        } else {
            print(render(ranking), terminator: "")
        }
        return 0
    }

    /// Returns the canonical path of an existing folder, or the argument unchanged (an imported dataset name).
    static func resolveDataset(_ argument: String) -> String {
        guard let resolved = realpath(argument, nil) else { return argument }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func render(_ ranking: AuditRanking) -> String {
        var lines: [String] = []
        var footnotes = Footnotes()
        let severalDatasets = Set(ranking.rows.map(\.dataset)).count > 1

        // Audited tasks, one block per audit fingerprint, with the name column as wide as the longest name.
        func displayName(_ row: AuditRankingRow) -> String {
            severalDatasets ? "\((row.dataset as NSString).lastPathComponent) / \(row.task)" : row.task
        }
        let nameWidth = max(30, (ranking.rows.map { displayName($0).count }.max() ?? 0) + 2)
        var fingerprint: String?
        for row in ranking.rows {
            if row.auditFingerprint != fingerprint {
                fingerprint = row.auditFingerprint
                if !lines.isEmpty {
                    lines.append("")
                }
                lines.append("Audited tasks (preprocessing fingerprint \(row.auditFingerprint)), easiest (lowest K_F) first:")
                lines.append("  reference: \(row.reference ?? "none (no finite positive K_F)")")
                lines.append("  " + pad("task", nameWidth) + pad("K_F [95 % interval]", 28) + pad("d_data MLE / TwoNN", 20)
                    + pad("L/L_ref predicted", 26) + "observations")
            }
            lines.append("  " + pad(displayName(row), nameWidth) + pad(sharpness(row, &footnotes), 28)
                + pad(dimensions(row.values), 20) + pad(relative(row.relativeDifficulty, &footnotes), 26)
                + observed(row))
        }
        if ranking.rows.isEmpty {
            lines.append("No finished audit in the selection; K_F predictions need 'intrinsic-audit audit FOLDER'.")
        }
        if !ranking.observedWithoutAudit.isEmpty {
            lines.append("  observed but not audited: " + ranking.observedWithoutAudit.joined(separator: ", "))
        }
        lines += footnotes.lines.map { "  " + $0 }

        // Verdicts from observations.
        for verdict in ranking.verdicts {
            lines.append("")
            lines += renderVerdict(verdict)
        }
        for (model, reason) in ranking.verdictsUnavailable.sorted(by: { $0.key < $1.key }) {
            lines.append("")
            lines.append("No verdict for network \(model): \(reason)")
        }
        if ranking.verdicts.isEmpty && ranking.verdictsUnavailable.isEmpty {
            lines.append("")
            lines.append("No verdict: no task has observations; run 'intrinsic-audit train' or 'intrinsic-audit "
                + "observations import FILE.csv' to compare K_F with test losses.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func renderVerdict(_ verdict: RankingVerdict) -> [String] {
        let scope = verdict.dataset.map { " on \($0)" } ?? ""
        var lines = ["Verdict for network \(verdict.model)\(scope) at N = \(verdict.matchedN), easiest task (lowest K_F) first:"]
        let nameWidth = max(30, (verdict.tasks.map(\.task.count).max() ?? 0) + 2)
        lines.append("  " + pad("task", nameWidth) + pad("K_F", 12) + pad("L/L_easiest predicted", 24) + "mean test loss (seeds)")
        for task in verdict.tasks {
            let predicted = task.relativeDifficulty.ratio.map(number) ?? "not available"
            lines.append("  " + pad(task.task, nameWidth) + pad(number(task.kF), 12) + pad(predicted, 24)
                + "\(number(task.meanLoss)) (\(task.seeds))")
        }
        for (task, reason) in verdict.excluded.sorted(by: { $0.key < $1.key }) {
            lines.append("  left out: \(task): \(reason)")
        }
        let kendall = verdict.kendall
        lines.append("  Kendall τ_b = \(number(kendall.tau)), p = \(number(kendall.pValue)) (\(kendall.method.rawValue), \(kendall.count) tasks)")
        lines.append("  verdict: \(verdict.verdict)")
        return lines
    }

    // MARK: - Cells

    private static func sharpness(_ row: AuditRankingRow, _ footnotes: inout Footnotes) -> String {
        if row.kFInfinite {
            return "∞ " + footnotes.mark("∞: identical images carry different labels; fix them and audit again")
        }
        guard let value = row.values.kF else {
            return "unknown " + footnotes.mark("unknown: the audit could not measure K_F (see its report)")
        }
        guard let low = row.values.kFLow, let high = row.values.kFHigh else {
            return number(value) + " " + footnotes.mark("no interval: the audit gives a K_F interval only with 2 or more runs")
        }
        return "\(number(value)) [\(number(low)), \(number(high))]"
    }

    private static func dimensions(_ values: TaskAuditValues) -> String {
        let mle = values.dDataMLE.map(number) ?? "–"
        let twoNN = values.dDataTwoNN.map(number) ?? "–"
        return "\(mle) / \(twoNN)"
    }

    private static func relative(_ difficulty: RelativeDifficulty, _ footnotes: inout Footnotes) -> String {
        guard let ratio = difficulty.ratio else {
            return "not available " + footnotes.mark("not available: " + (difficulty.reason ?? "K_F is missing"))
        }
        guard let low = difficulty.low, let high = difficulty.high else {
            return number(ratio) + " " + footnotes.mark("no ratio interval: a K_F interval is missing")
        }
        return "\(number(ratio)) [\(number(low)), \(number(high))]"
    }

    private static func observed(_ row: AuditRankingRow) -> String {
        row.observationCount == 0 ? "none" : "\(row.observationCount) (\(row.models.joined(separator: ", ")))"
    }
}

/// Numbered explanations printed once below a table, so a missing value is explained without repeating the reason
/// on every row.
struct Footnotes {
    private(set) var texts: [String] = []

    /// Returns the marker `(n)` of `text`, adding it on first use.
    mutating func mark(_ text: String) -> String {
        if let index = texts.firstIndex(of: text) {
            return "(\(index + 1))"
        }
        texts.append(text)
        return "(\(texts.count))"
    }

    var lines: [String] {
        texts.enumerated().map { "(\($0.offset + 1)) \($0.element)" }
    }
}

/// Pads or keeps `text` to at least `width` characters, with one space after overlong text.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
