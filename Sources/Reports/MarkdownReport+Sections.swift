import Audit
import Foundation

/// The sections of `MarkdownReport`, each a list of lines ending with a blank line.
enum MarkdownSections {
    private static let maximumRows = MarkdownReport.maximumRows

    private static func escape(_ text: String) -> String {
        MarkdownReport.escape(text)
    }

    private static func code(_ text: String) -> String {
        MarkdownReport.code(text)
    }

    static func summary(_ report: AuditReport, redaction: PathRedaction) -> [String] {
        let dataset = report.dataset
        let duplicates = dataset.duplicates
        let classes = dataset.classes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let splits = dataset.splits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let preprocessing = report.preprocessing
        let parameters = report.parameters
        var lines = ["## Dataset summary", ""]

        let leakage = dataset.leakage
        if leakage.crossSplitDuplicateGroups > 0 || leakage.crossSplitNearDuplicateGroups > 0 || !leakage.patientsInSeveralSplits.isEmpty {
            lines.append("> **Leakage between splits**: \(leakage.crossSplitDuplicateGroups) groups of identical images and "
                + "\(leakage.crossSplitNearDuplicateGroups) groups of near-duplicates span several splits; "
                + "\(leakage.patientsInSeveralSplits.count) patients have images in several splits. Test results on these splits are not trustworthy.")
            for leak in leakage.patientsInSeveralSplits.prefix(maximumRows) {
                lines.append("> - patient \(code(redaction.patient(leak.patient))): \(leak.images) images in splits \(escape(leak.splits.joined(separator: ", ")))")
            }
            lines.append("")
        }

        let facts: [(String, String)] = [
            ("dataset root", code(redaction.rootText)),
            ("labels from", escape(redaction.text(dataset.labelSource))),
            ("images indexed", "\(dataset.images) (\(dataset.ignoredFiles) other files ignored)"),
            ("decoded", "\(dataset.decoded) (\(dataset.cached) from the cache)"),
            ("unreadable", "\(dataset.unreadable.count)"),
            ("labelled", "\(dataset.labelled) (\(dataset.unlabelled) without a label)"),
            ("classes", escape(classes.isEmpty ? "none" : classes)),
            ("splits", escape(splits.isEmpty ? "none" : splits)),
            ("exact duplicates", "\(duplicates.groups.count) groups, \(duplicates.imagesRemoved) images removed, \(duplicates.crossSplitGroups) groups across splits"),
            ("near-duplicates", escape(HTMLReport.nearDuplicateFact(dataset.nearDuplicates))),
            ("constant images", "\(dataset.constantImages.count)"),
            ("label issues", "\(dataset.labelIssues.count)"),
            ("preprocessing", escape("\(preprocessing.resolution) × \(preprocessing.resolution) \(preprocessing.channels), \(preprocessing.normalize), "
                + "scaled JPEG decoding \(preprocessing.scaledJPEGDecoding ? "on" : "off")")),
            ("fingerprint", "\(code(preprocessing.fingerprint)) (\(code(preprocessing.description)))"),
            ("K_F parameters", "\(parameters.runs) runs of up to \(parameters.samples) images, seed \(parameters.seed)"),
            ("d_data parameters", escape("up to \(parameters.idSamples) images, k = \(parameters.neighbors), MLE divisor \(parameters.mleDivisor), "
                + "TwoNN discard \(parameters.twonnDiscard), \(parameters.bootstrap) bootstrap replicates")),
        ]
        lines.append(contentsOf: MarkdownReport.table(["item", "value"], facts.map { [$0.0, $0.1] }))
        lines.append("")

        lines.append(contentsOf: list("Unreadable files (skipped)", dataset.unreadable.map { (code(redaction.path($0.path)), escape(redaction.text($0.reason))) }))
        lines.append(contentsOf: list("Rejected paths", dataset.rejectedPaths.map { (code(redaction.path($0.path)), escape(redaction.text($0.reason))) }))
        lines.append(contentsOf: list("Constant images", dataset.constantImages.map { (code(redaction.path($0)), "all pixels equal") }))
        lines.append(contentsOf: list("Label issues", dataset.labelIssues.map { issue in
            ("line \(issue.line)" + (issue.path.map { " " + code(redaction.path($0)) } ?? ""), escape(redaction.text(issue.message)))
        }))
        lines.append(contentsOf: list("Ignored label columns", dataset.ignoredColumns.map { (code($0.column), escape(redaction.text($0.reason))) }))
        lines.append(contentsOf: list("Skipped tasks", report.skippedTasks.map { (escape($0.name), escape(redaction.text($0.reason))) }))
        return lines
    }

    static func tasks(_ report: AuditReport, redaction: PathRedaction) -> [String] {
        var lines = ["## Tasks ranked by label sharpness", ""]
        guard !report.tasks.isEmpty else {
            return lines + ["No task was measured.", ""]
        }

        let showNearDedup = TaskCells.showsNearDedup(report)
        var header = ["rank", "task", "positives", "negatives", "K_F mean", "K_F 95% interval", "K_F min–max", "× easiest", "MLE d [95%]", "TwoNN d [95%]"]
        if showNearDedup {
            header += ["MLE d, near-dups reduced", "TwoNN d, near-dups reduced"]
        }
        let rows = report.tasks.map { task -> [String] in
            let sharpness = task.labelSharpness
            var name = escape(task.name)
            if let same = task.sameAs {
                name += " (= \(escape(same)))"
            }
            if sharpness.infinite {
                name += " **\(sharpness.conflicts.count) label conflicts**"
            }
            var row = [
                TaskCells.rank(task),
                name,
                String(task.positives),
                String(task.negatives),
                TaskCells.mean(sharpness),
                TaskCells.interval(sharpness),
                TaskCells.range(sharpness),
                TaskCells.ratio(task),
                TaskCells.dimension(task.intrinsicDimension.mle),
                TaskCells.dimension(task.intrinsicDimension.twonn),
            ]
            if showNearDedup {
                row.append(TaskCells.dimension(task.intrinsicDimension.mleNearDedup))
                row.append(TaskCells.dimension(task.intrinsicDimension.twonnNearDedup))
            }
            return row
        }

        let textColumns: Set<Int> = [1]
        let numericColumns = Set(header.indices).subtracting(textColumns)
        lines.append(contentsOf: MarkdownReport.table(header, rows, numeric: numericColumns))
        lines.append("")
        lines.append("Rank 1 is the hardest task (largest K_F) among tasks measured with the same sample size; "
            + "K_F is in 1 / distance on the [0, 1] pixel scale, with its 95% Student-t interval over runs; "
            + "d is the intrinsic dimension with its 95% bootstrap interval.")
        lines.append("")

        // Undefined values, with their reasons.
        for task in report.tasks where task.sameAs == nil {
            if let reason = task.labelSharpness.reason {
                lines.append("- \(escape(task.name)): K_F undefined (\(escape(redaction.text(reason))))")
            }
            for (estimator, estimate) in [("MLE", task.intrinsicDimension.mle), ("TwoNN", task.intrinsicDimension.twonn)] {
                if let reason = estimate.reason {
                    lines.append("- \(escape(task.name)): \(estimator) undefined (\(escape(redaction.text(reason))))")
                }
            }
        }
        if lines.last != "" {
            lines.append("")
        }
        return lines
    }

    static func closestPairs(_ report: AuditReport, redaction: PathRedaction) -> [String] {
        let rows = report.tasks.filter { $0.sameAs == nil }.compactMap { task -> [String]? in
            guard let pair = task.labelSharpness.closestPair else {
                return nil
            }
            let labels = pair.labels.count == 2 ? pair.labels : ["?", "?"]
            return [escape(task.name), code(redaction.path(pair.a)), escape(labels[0]), code(redaction.path(pair.b)), escape(labels[1]),
                    TextReport.format(pair.distance), pair.nearDuplicate ? "yes" : "no"]
        }
        guard !rows.isEmpty else {
            return ["## Closest cross-label pairs", "", "No task has a closest cross-label pair.", ""]
        }
        return ["## Closest cross-label pairs", ""]
            + MarkdownReport.table(["task", "image a", "class a", "image b", "class b", "distance", "near-duplicate"], rows, numeric: [5]) + [""]
    }

    static func conflicts(_ report: AuditReport, redaction: PathRedaction) -> [String] {
        var order: [[String]] = []
        var tasksByPair: [[String]: [String]] = [:]
        for task in report.tasks where task.sameAs == nil {
            for pair in task.labelSharpness.conflicts where !pair.isEmpty {
                if tasksByPair[pair] == nil {
                    order.append(pair)
                }
                tasksByPair[pair, default: []].append(task.name)
            }
        }
        guard !order.isEmpty else {
            return ["## Label conflicts", "", "No label conflicts: no identical images carry different labels.", ""]
        }
        let rows = order.prefix(maximumRows).map { pair in
            [pair.map { code(redaction.path($0)) }.joined(separator: ", "), escape(tasksByPair[pair]!.joined(separator: ", "))]
        }
        return ["## Label conflicts", "", "Identical images with different labels; K_F of the labels as given is infinite.", ""]
            + MarkdownReport.table(["images", "tasks"], rows) + more(order.count) + [""]
    }

    static func duplicates(_ dataset: DatasetSummary, redaction: PathRedaction) -> [String] {
        let groups = dataset.duplicates.groups
        guard !groups.isEmpty else {
            return ["## Exact duplicates", "", "No exact duplicates.", ""]
        }
        return ["## Exact duplicates", "", "The first image of each group was kept; the others were removed before any estimate.", ""]
            + MarkdownReport.table(["images (class, split)", "across splits", "different labels"], groups.prefix(maximumRows).map { group in
                [describe(group, redaction: redaction), group.crossSplit ? "**yes**" : "no", group.crossLabel ? "**yes**" : "no"]
            }) + more(groups.count) + [""]
    }

    static func nearDuplicates(_ dataset: DatasetSummary, redaction: PathRedaction) -> [String] {
        let near = dataset.nearDuplicates
        var lines = ["## Near-duplicates", "", escape(HTMLReport.nearDuplicateFact(near)) + ".", ""]
        guard near.threshold != nil, !near.pairs.isEmpty else {
            return lines
        }
        let pairs = near.pairs.sorted { $0.distance < $1.distance }
        lines += MarkdownReport.table(["image a", "image b", "classes", "splits", "distance"], pairs.prefix(maximumRows).map { pair in
            [code(redaction.path(pair.a)), code(redaction.path(pair.b)),
             escape(pair.labels.map { $0 ?? "–" }.joined(separator: " / ")), escape(pair.splits.map { $0 ?? "–" }.joined(separator: " / ")),
             TextReport.format(pair.distance)]
        }, numeric: [4])
        return lines + more(pairs.count) + [""]
    }

    private static func describe(_ group: ImageGroupReport, redaction: PathRedaction) -> String {
        group.paths.enumerated().map { index, path in
            let label = index < group.labels.count ? group.labels[index] : nil
            let split = index < group.splits.count ? group.splits[index] : nil
            return code(redaction.path(path)) + " (" + escape([label ?? "–", split ?? "–"].joined(separator: ", ")) + ")"
        }.joined(separator: ", ")
    }

    private static func list(_ title: String, _ rows: [(String, String)]) -> [String] {
        guard !rows.isEmpty else {
            return []
        }
        return ["### \(title) (\(rows.count))", ""] + MarkdownReport.table(["item", "reason"], rows.prefix(maximumRows).map { [$0.0, $0.1] })
            + more(rows.count) + [""]
    }

    private static func more(_ count: Int) -> [String] {
        count > maximumRows ? ["", "\(count - maximumRows) more in the JSON report."] : []
    }
}
