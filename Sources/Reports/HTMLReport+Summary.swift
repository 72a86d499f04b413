import Audit
import Foundation

extension HTMLReport {
    /// Most rows of one list in the summary (unreadable files, label issues, ...) before the rest
    /// is counted and left to the JSON report.
    static let maximumListRows = 200

    /// Dataset counts, leakage, unreadable files, constant images, label issues, skipped tasks,
    /// preprocessing settings with the fingerprint, and the audit parameters.
    static func summarySection(_ context: HTMLReportContext) -> String {
        let report = context.report
        let dataset = report.dataset
        let redaction = context.redaction
        var content: [String] = []

        content.append(contentsOf: leakageWarning(context))

        // Counts.
        let classes = dataset.classes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let splits = dataset.splits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let duplicates = dataset.duplicates
        var facts: [(String, String)] = [
            ("dataset root", redaction.rootText),
            ("labels from", redaction.text(dataset.labelSource)),
            ("images indexed", "\(dataset.images) image files (\(dataset.ignoredFiles) other files ignored)"),
            ("decoded", "\(dataset.decoded) (\(dataset.cached) from the cache)"),
            ("unreadable", "\(dataset.unreadable.count) files, skipped"),
            ("labelled", "\(dataset.labelled) (\(dataset.unlabelled) without a label)"),
            ("classes", classes.isEmpty ? "none" : classes),
            ("splits", splits.isEmpty ? "none" : splits),
            ("exact duplicates", "\(duplicates.groups.count) groups, \(duplicates.imagesRemoved) images removed "
                + "(\(duplicates.identicalPixels) with identical pixels, \(duplicates.identicalAfterPreprocessing) identical only after preprocessing); "
                + "\(duplicates.crossSplitGroups) groups span several splits"),
            ("near-duplicates", nearDuplicateFact(dataset.nearDuplicates)),
            ("constant images", "\(dataset.constantImages.count) (all pixels equal; normalised to zeros)"),
            ("label issues", "\(dataset.labelIssues.count) label-table rows"),
        ]
        if !dataset.rejectedPaths.isEmpty {
            facts.append(("rejected paths", "\(dataset.rejectedPaths.count)"))
        }
        content.append(factTable(facts))

        // Lists a user should act on.
        content.append(contentsOf: list("Unreadable files (skipped)", dataset.unreadable.map {
            (redaction.path($0.path), redaction.text($0.reason))
        }))
        content.append(contentsOf: list("Rejected paths", dataset.rejectedPaths.map { (redaction.path($0.path), redaction.text($0.reason)) }))
        content.append(contentsOf: list("Constant images", dataset.constantImages.map { (redaction.path($0), "all pixels equal") }))
        content.append(contentsOf: list("Label issues", dataset.labelIssues.map { issue in
            ("line \(issue.line)" + (issue.path.map { " (\(redaction.path($0)))" } ?? ""), redaction.text(issue.message))
        }))
        content.append(contentsOf: list("Ignored label columns", dataset.ignoredColumns.map { ($0.column, redaction.text($0.reason)) }))
        content.append(contentsOf: list("Skipped tasks", report.skippedTasks.map { ($0.name, redaction.text($0.reason)) }))

        // Settings that make numbers comparable.
        let preprocessing = report.preprocessing
        let scales = preprocessing.jpegScaleDenominators.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            .map { "1/\($0.key): \($0.value)" }.joined(separator: ", ")
        content.append(Markup.text("h3", [], "Preprocessing"))
        content.append(factTable([
            ("size", "\(preprocessing.resolution) × \(preprocessing.resolution) pixels, \(preprocessing.channels)"),
            ("intensity", preprocessing.normalize),
            ("scaled JPEG decoding", preprocessing.scaledJPEGDecoding ? "on" + (scales.isEmpty ? "" : " (\(scales))") : "off"),
            ("fingerprint", preprocessing.fingerprint),
            ("rules", preprocessing.description),
        ], codeRows: ["fingerprint", "rules"]))
        content.append(Markup.text("p", [("class", "note")],
                                   "K_F depends on resolution and intensity range: compare values only between reports with the same fingerprint."))

        let parameters = report.parameters
        content.append(Markup.text("h3", [], "Parameters"))
        content.append(factTable([
            ("K_F", "\(parameters.runs) runs of up to \(parameters.samples) images, half from each class"),
            ("d_data", "up to \(parameters.idSamples) images, k = \(parameters.neighbors) neighbours, MLE divisor \(parameters.mleDivisor), "
                + "TwoNN discard \(parameters.twonnDiscard), \(parameters.bootstrap) bootstrap replicates"),
            ("seed", String(parameters.seed)),
            ("threads", String(parameters.threads)),
        ]))
        return section("summary", content)
    }

    /// A warning box listing copies and patients shared between splits; empty when there are none.
    static func leakageWarning(_ context: HTMLReportContext) -> [String] {
        let dataset = context.report.dataset
        let leakage = dataset.leakage
        let patients = leakage.patientsInSeveralSplits
        guard leakage.crossSplitDuplicateGroups > 0 || leakage.crossSplitNearDuplicateGroups > 0 || !patients.isEmpty else {
            return []
        }
        var items: [String] = []
        if leakage.crossSplitDuplicateGroups > 0 {
            items.append(Markup.element("li", [], Markup.escape("\(leakage.crossSplitDuplicateGroups) groups of identical images span several splits ")
                + Markup.text("a", [("href", "#duplicates")], "(see exact duplicates)")))
        }
        if leakage.crossSplitNearDuplicateGroups > 0 {
            items.append(Markup.element("li", [], Markup.escape("\(leakage.crossSplitNearDuplicateGroups) groups of near-duplicates span several splits ")
                + Markup.text("a", [("href", "#near-duplicates")], "(see near-duplicates)")))
        }
        for leak in patients.prefix(maximumListRows) {
            items.append(Markup.text("li", [], "patient \(context.redaction.patient(leak.patient)): \(leak.images) images in splits \(leak.splits.joined(separator: ", "))"))
        }
        if patients.count > maximumListRows {
            items.append(Markup.text("li", [], "\(patients.count - maximumListRows) more patients in the JSON report"))
        }
        return [Markup.element("div", [("class", "warning"), ("role", "alert")],
                               Markup.text("strong", [], "Leakage between splits: test results measured on these splits are not trustworthy.")
                                   + Markup.element("ul", [("class", "compact")], items.joined()))]
    }

    static func nearDuplicateFact(_ near: NearDuplicateSummary) -> String {
        guard let threshold = near.threshold else {
            return "not searched" + (near.reason.map { " (\($0))" } ?? "")
        }
        return "\(near.pairs.count) pairs in \(near.groups.count) groups closer than \(TextReport.format(threshold)) "
            + "(\(near.rule)); \(near.crossSplitGroups) groups span several splits, \(near.crossLabelPairs) pairs have different labels"
    }

    /// A two-column table of facts; values of `codeRows` are set in a monospace font.
    static func factTable(_ facts: [(String, String)], codeRows: Set<String> = []) -> String {
        let rows = facts.map { name, value in
            let cell = codeRows.contains(name) ? Markup.text("code", [], value) : Markup.escape(value)
            return Markup.element("tr", [], Markup.text("th", [("scope", "row")], name) + Markup.element("td", [], cell))
        }
        return Markup.element("table", [("class", "facts")], Markup.element("tbody", [], rows.joined()))
    }

    /// A heading and a table of (item, reason) rows, folded when long; nothing when `rows` is empty.
    static func list(_ title: String, _ rows: [(String, String)]) -> [String] {
        guard !rows.isEmpty else {
            return []
        }
        var cells = rows.prefix(maximumListRows).map { item, reason in
            Markup.element("tr", [], Markup.element("td", [], Markup.text("span", [("class", "path")], item)) + Markup.text("td", [], reason))
        }
        if rows.count > maximumListRows {
            cells.append(Markup.element("tr", [], Markup.text("td", [("colspan", "2")], "\(rows.count - maximumListRows) more in the JSON report")))
        }
        let table = Markup.element("table", [], Markup.element("tbody", [], cells.joined()))
        let summary = Markup.text("summary", [], "\(title) (\(rows.count))")
        let attributes: [(String, String)] = rows.count <= 10 ? [("open", "open")] : []
        return [Markup.element("details", attributes, summary + table)]
    }
}
