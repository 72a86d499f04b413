import Audit
import Foundation

/// Renders an audit report as a terminal table: the ranked tasks first, then the dataset
/// findings a user should act on (conflicts, unreadable files, duplicates, label issues).
public enum TextReport {
    public static func render(_ report: AuditReport) -> String {
        var lines: [String] = []
        let dataset = report.dataset
        lines.append("IntrinsicAudit \(report.softwareVersion): \(dataset.root)")
        lines.append("labels: \(dataset.labelSource); \(dataset.images) images, \(dataset.decoded) read (\(dataset.cached) from the cache), "
            + "\(dataset.unreadable.count) unreadable, \(dataset.rejectedPaths.count) rejected, \(dataset.duplicates.imagesRemoved) duplicates removed, "
            + "\(dataset.labelled) labelled, \(dataset.unlabelled) unlabelled")
        let classes = dataset.classes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("classes: \(classes.isEmpty ? "none" : classes)")
        let p = report.preprocessing
        lines.append("preprocessing: \(p.resolution)x\(p.resolution) \(p.channels), \(p.normalize), fingerprint \(p.fingerprint)")
        let parameters = report.parameters
        lines.append("K_F: \(parameters.runs) runs of up to \(parameters.samples) images; d_data: up to \(parameters.idSamples) images, "
            + "k = \(parameters.neighbors), MLE divisor \(parameters.mleDivisor), TwoNN discards \(twoNNDiscardText(report))")
        lines.append("")

        // Leakage first: it invalidates any test result measured on these splits.
        lines.append(contentsOf: leakageLines(dataset))

        // Ranked tasks.
        let header = ["rank", "task", "pos", "neg", "M", "K_F mean", "K_F 95% CI", "x easiest", "MLE d [95% CI]", "TwoNN d [95% CI]"]
        var rows: [[String]] = [header]
        for task in report.tasks {
            let sharpness = task.labelSharpness
            let infinite = sharpness.infinite ? " (inf)" : ""
            rows.append([
                task.rank.map(String.init) ?? "-",
                task.name + (task.sameAs.map { " (= \($0))" } ?? ""),
                String(task.positives), String(task.negatives), String(sharpness.samples),
                sharpness.mean.map { format($0) + infinite } ?? (sharpness.infinite ? "inf" : "undefined"),
                sharpness.ci95.map { "[\(format($0[0])), \(format($0[1]))]" } ?? "-",
                task.ratioToEasiest.map { String(format: "%.3f", $0) } ?? "-",
                dimension(task.intrinsicDimension.mle),
                dimension(task.intrinsicDimension.twonn),
            ])
        }
        lines.append(contentsOf: table(rows))
        lines.append("Rank 1 is the hardest task (largest K_F) among tasks with the same K_F sample size M; tasks whose intervals overlap are not clearly ordered.")
        if report.tasks.contains(where: { $0.labelSharpness.infinite }) {
            lines.append("(inf): identical images carry different labels, so K_F of the labels as given is infinite; the value shown excludes them.")
        }

        // Findings.
        for task in report.tasks where task.sameAs == nil {
            if let pair = task.labelSharpness.closestPair {
                lines.append("closest cross-label pair, \(task.name): \(pair.a) (\(pair.labels[0])) and \(pair.b) (\(pair.labels[1])), distance \(format(pair.distance))")
                if pair.nearDuplicate {
                    lines.append("  this pair is a near-duplicate: K_F of \(task.name) is set by a likely annotation error or copy, not by genuine sharpness")
                }
            }
            if let reason = task.labelSharpness.reason {
                lines.append("K_F undefined for \(task.name): \(reason)")
            }
            if let limited = task.labelSharpness.limitedByClass {
                lines.append("\(task.name): K_F sample limited by the \(limited); compare it only with tasks of the same sample size")
            }
            let reasons = [task.intrinsicDimension.mle.reason, task.intrinsicDimension.twonn.reason].compactMap { $0 }
            for reason in reasons.enumerated().filter({ $0.offset == 0 || $0.element != reasons[0] }).map(\.element) {
                lines.append("d_data undefined for \(task.name): \(reason)")
            }
        }
        let conflictTasks = report.tasks.filter { !$0.labelSharpness.conflicts.isEmpty && $0.sameAs == nil }
        for task in conflictTasks {
            lines.append("label conflicts in \(task.name) (identical images, different labels; K_F of the labels as given is infinite):")
            for pair in task.labelSharpness.conflicts.prefix(10) {
                lines.append("  \(pair[0])  <->  \(pair[1])")
            }
            if task.labelSharpness.conflicts.count > 10 {
                lines.append("  ... \(task.labelSharpness.conflicts.count - 10) more in the JSON report")
            }
        }
        if !dataset.unreadable.isEmpty {
            lines.append("unreadable files (skipped):")
            for item in dataset.unreadable.prefix(20) { lines.append("  \(item.path): \(item.reason)") }
            if dataset.unreadable.count > 20 { lines.append("  ... \(dataset.unreadable.count - 20) more in the JSON report") }
        }
        if dataset.duplicates.imagesRemoved > 0 {
            lines.append("exact duplicates: \(dataset.duplicates.groups.count) groups; removed \(dataset.duplicates.identicalPixels) images with identical pixels "
                + "and \(dataset.duplicates.identicalAfterPreprocessing) images identical after preprocessing")
        }
        lines.append(contentsOf: nearDuplicateLines(report))
        if !dataset.constantImages.isEmpty {
            lines.append("constant images (all pixels equal; normalised to zeros): \(dataset.constantImages.prefix(5).joined(separator: ", "))"
                + (dataset.constantImages.count > 5 ? " and \(dataset.constantImages.count - 5) more" : ""))
        }
        if !dataset.rejectedPaths.isEmpty {
            lines.append("rejected paths (not read):")
            for item in dataset.rejectedPaths.prefix(20) { lines.append("  \(item.path): \(item.reason)") }
        }
        if dataset.ignoredFiles > 0 {
            lines.append("\(dataset.ignoredFiles) files ignored (extensions that are not read, or excluded by scan.exclude)")
        }
        if let nanVoxels = dataset.nanVoxels, !nanVoxels.isEmpty {
            lines.append("NaN voxels set to 0:")
            for (path, count) in nanVoxels.sorted(by: { $0.key < $1.key }).prefix(20) { lines.append("  \(path): \(count)") }
        }
        for issue in dataset.labelIssues.prefix(20) {
            lines.append("label table line \(issue.line)\(issue.path.map { " (\($0))" } ?? ""): \(issue.message)")
        }
        if !dataset.ignoredColumns.isEmpty {
            lines.append("ignored label columns: " + dataset.ignoredColumns.map { "\($0.column) (\($0.reason))" }.joined(separator: "; "))
        }
        for task in report.skippedTasks {
            lines.append("task \(task.name) skipped: \(task.reason)")
        }
        if let auditID = report.auditID, let database = report.database {
            lines.append("stored as audit \(auditID) in \(database)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Lines on copies and patients shared between splits, or nothing when there are none.
    static func leakageLines(_ dataset: DatasetSummary) -> [String] {
        var lines: [String] = []
        let leakage = dataset.leakage
        let crossSplit = dataset.duplicates.groups.filter(\.crossSplit)
        let nearCrossSplit = dataset.nearDuplicates.groups.filter(\.crossSplit)
        guard !crossSplit.isEmpty || !nearCrossSplit.isEmpty || !leakage.patientsInSeveralSplits.isEmpty else {
            return []
        }
        lines.append("LEAKAGE between splits (test results on these splits are not trustworthy):")
        for group in crossSplit.prefix(10) {
            lines.append("  identical images across splits: " + describe(group))
        }
        for group in nearCrossSplit.prefix(10) {
            lines.append("  near-duplicates across splits: " + describe(group))
        }
        for leak in leakage.patientsInSeveralSplits.prefix(20) {
            lines.append("  patient \(leak.patient) has \(leak.images) images in splits \(leak.splits.joined(separator: ", "))")
        }
        let more = max(0, crossSplit.count - 10) + max(0, nearCrossSplit.count - 10) + max(0, leakage.patientsInSeveralSplits.count - 20)
        if more > 0 {
            lines.append("  ... \(more) more in the JSON report")
        }
        lines.append("")
        return lines
    }

    /// The near-duplicate rule, threshold and pairs.
    static func nearDuplicateLines(_ report: AuditReport) -> [String] {
        let near = report.dataset.nearDuplicates
        guard let threshold = near.threshold else {
            return near.reason.map { ["near-duplicates: not searched (\($0))"] } ?? []
        }
        var lines = ["near-duplicates: \(near.pairs.count) pairs in \(near.groups.count) groups below distance \(format(threshold)) "
            + "(\(near.rule); median \(format(near.medianNearestNeighborDistance ?? 0)))"]
        for pair in near.pairs.sorted(by: { $0.distance < $1.distance }).prefix(10) {
            let labels = pair.labels.map { $0 ?? "-" }
            lines.append("  \(pair.a) (\(labels[0])) ~ \(pair.b) (\(labels[1])), distance \(format(pair.distance))")
        }
        if near.pairs.count > 10 {
            lines.append("  ... \(near.pairs.count - 10) more in the JSON report")
        }
        if near.imagesReduced == 0 {
            lines.append("  d_data with near-duplicate groups reduced equals the values above (no image to reduce)")
        } else {
            for task in report.tasks where task.sameAs == nil {
                guard let mle = task.intrinsicDimension.mleNearDedup, let twoNN = task.intrinsicDimension.twonnNearDedup else { continue }
                lines.append("  \(task.name) with near-duplicates reduced: MLE \(dimension(mle)), TwoNN \(dimension(twoNN))")
            }
        }
        return lines
    }

    static func describe(_ group: ImageGroupReport) -> String {
        zip(group.paths, group.splits).map { "\($0) [\($1 ?? "no split")]" }.joined(separator: ", ")
    }

    /// "the largest 10% of ratios" or "the largest ratio", from the first task's TwoNN setting.
    static func twoNNDiscardText(_ report: AuditReport) -> String {
        if report.parameters.twonnDiscard == "largest" { return "the largest ratio" }
        let fraction = report.tasks.lazy.compactMap(\.intrinsicDimension.twonn.discardFraction).first ?? 0.1
        return "the largest \(String(format: "%g", fraction * 100))% of ratios"
    }

    static func format(_ value: Double) -> String {
        if value != 0 && (abs(value) < 1e-3 || abs(value) >= 1e5) {
            return String(format: "%.4e", value)
        }
        return String(format: "%.5g", value)
    }

    static func dimension(_ report: DimensionReport) -> String {
        guard let value = report.value else { return "undefined" }
        guard let interval = report.ci95 else { return String(format: "%.2f", value) }
        return String(format: "%.2f [%.2f, %.2f]", value, interval[0], interval[1])
    }

    static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 ? cell + padding : padding + cell
            }.joined(separator: "  ")
        }
    }
}
