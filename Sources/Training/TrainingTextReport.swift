import Foundation

/// Plain-text rendering of a training ladder: a header with the pairing and the sets, then one
/// table per N with a row per seed.
public enum TrainingTextReport {
    public static func render(_ report: TrainingReport) -> String {
        var lines: [String] = []
        lines.append("Confirmation training of \(report.task) on \(report.dataset)")
        lines.append("Model \(report.model) (\(grouped(report.parameters)) parameters), input \(report.inputSide)×\(report.inputSide), \(report.threads) threads, at most \(report.maxEpochs) epochs")
        lines.append("Test set: \(report.testImages) images (\(report.testSource)); training sizes: \(report.sizes.map(String.init).joined(separator: ", ")); seeds: \(report.seeds.map(String.init).joined(separator: ", "))")
        if let paired = report.paired {
            let kF = paired.kFInfinite ? "infinite (label conflicts)" : paired.kF.map { format($0) } ?? "undefined"
            let mle = paired.dDataMLE.map { format($0) } ?? "undefined"
            let twoNN = paired.dDataTwoNN.map { format($0) } ?? "undefined"
            lines.append("Paired with audit \(paired.auditID) (task \(paired.measuredAs)): K_F \(kF), d_data MLE \(mle), TwoNN \(twoNN)")
        } else if let note = report.pairingNote {
            lines.append("Not paired with an audit: \(note)")
        }
        for note in report.notes {
            lines.append("Note: \(note)")
        }

        for size in report.sizes {
            let runs = report.runs.filter { $0.n == size }
            guard !runs.isEmpty else { continue }
            lines.append("")
            lines.append("N = \(size)")
            lines.append(row(["seed", "epochs", "100%", "test loss", "accuracy", "AUC", "FGSM 1/255", "FGSM 2/255", "FGSM 8/255", "d_repr TwoNN", "d_repr MLE", "img/s"]))
            for run in runs {
                lines.append(row([
                    String(run.seed), String(run.epochs), run.reachedFullAccuracy ? "yes" : "no",
                    format(run.testLoss), format(run.testAccuracy), run.testAUC.map { format($0) } ?? "n/a",
                    run.fgsmPenalty["1/255"].map { format($0) } ?? "n/a",
                    run.fgsmPenalty["2/255"].map { format($0) } ?? "n/a",
                    run.fgsmPenalty["8/255"].map { format($0) } ?? "n/a",
                    (run.dRepr["twonn"] ?? nil).map { format($0) } ?? "n/a",
                    (run.dRepr["mle"] ?? nil).map { format($0) } ?? "n/a",
                    String(format: "%.0f", run.imagesPerSecond),
                ]))
            }
        }
        lines.append("")
        lines.append("\(report.runs.count) observation\(report.runs.count == 1 ? "" : "s") stored in \(report.database); weights in \(report.weightsDirectory).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes an integer with thousands separators: 77169 → "77,169".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.4g", value)
    }

    private static func row(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            let width = index == 0 ? 6 : 12
            return cell.count >= width ? cell : String(repeating: " ", count: width - cell.count) + cell
        }.joined(separator: " ")
    }
}
