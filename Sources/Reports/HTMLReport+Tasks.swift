import Audit
import Foundation

extension HTMLReport {
    /// Renders the ranked task table. Its K_F column draws each task's mean, 95% interval and run
    /// range on one axis shared by all rows (in the footer), so bar positions compare directly.
    static func taskSection(_ context: HTMLReportContext) -> String {
        let tasks = context.report.tasks
        guard !tasks.isEmpty else {
            return section("tasks", [Markup.text("p", [], "No task was measured.")])
        }
        let strip = SVGLabelSharpnessStrip(tasks: tasks)
        let showNearDedup = TaskCells.showsNearDedup(context.report)

        let header = [
            Markup.text("th", [("class", "num"), ("scope", "col")], "rank"),
            Markup.text("th", [("scope", "col")], "task"),
            Markup.text("th", [("class", "num"), ("scope", "col")], "positives"),
            Markup.text("th", [("class", "num"), ("scope", "col")], "negatives"),
            Markup.element("th", [("class", "num"), ("scope", "col")], "K_F mean" + Markup.empty("br") + "[95% interval]"),
            Markup.text("th", [("class", "strip"), ("scope", "col")], "K_F on a common axis"),
            Markup.text("th", [("class", "num"), ("scope", "col")], "K_F min–max"),
            Markup.text("th", [("class", "num"), ("scope", "col")], "× easiest"),
            Markup.text("th", [("class", "num"), ("scope", "col")], "MLE d [95%]"),
            Markup.text("th", [("class", "num"), ("scope", "col")], "TwoNN d [95%]"),
        ]
        let rows = tasks.map { task in taskRow(task, strip: strip, showNearDedup: showNearDedup) }
        let footerCells = [Markup.element("td", [("colspan", "5")], ""), Markup.element("td", [("class", "strip")], strip.axisStrip()),
                           Markup.element("td", [("colspan", "4")], "")]
        let table = Markup.element("table", [("class", "tasks")],
                                   Markup.element("thead", [], Markup.element("tr", [], header.joined()))
                                       + Markup.element("tbody", [], rows.joined(separator: "\n"))
                                       + Markup.element("tfoot", [], Markup.element("tr", [], footerCells.joined())))

        var notes = [
            "Rank 1 is the hardest task (largest K_F) among tasks measured with the same sample size. "
                + "K_F = 1 / (smallest distance between two images with different labels), mean over runs with its 95% Student-t interval; "
                + "× easiest is K_F divided by the smallest K_F of the same rank group. d: intrinsic dimension with 95% bootstrap intervals"
                + (showNearDedup ? ", and below it the same estimate with each near-duplicate group reduced to one image." : "."),
        ]
        for task in tasks where task.sameAs == nil {
            if let limited = task.labelSharpness.limitedByClass {
                notes.append("\(task.name): the K_F sample is limited by the \(limited); compare it only with tasks of the same sample size.")
            }
            if let reason = task.labelSharpness.reason {
                notes.append("\(task.name): K_F undefined (\(context.redaction.text(reason))).")
            }
        }
        return section("tasks", [SVGLabelSharpnessStrip.legend(), table] + notes.map { Markup.text("p", [("class", "note")], $0) })
    }

    private static func taskRow(_ task: TaskReport, strip: SVGLabelSharpnessStrip, showNearDedup: Bool) -> String {
        let sharpness = task.labelSharpness
        let dimension = task.intrinsicDimension
        var name = Markup.escape(task.name)
        if let same = task.sameAs {
            name += Markup.empty("br") + Markup.text("span", [("class", "note")], "same split of the images as \(same)")
        }
        if sharpness.infinite {
            name += Markup.empty("br") + Markup.text("span", [("class", "badge alert")], "\(sharpness.conflicts.count) label conflicts")
        }
        if sharpness.closestPair?.nearDuplicate == true {
            name += Markup.empty("br") + Markup.text("span", [("class", "badge alert")], "closest pair is a near-duplicate")
        }

        let cells = [
            Markup.text("td", [("class", "num")], TaskCells.rank(task)),
            Markup.element("td", [("class", "task")], name),
            Markup.text("td", [("class", "num")], String(task.positives)),
            Markup.text("td", [("class", "num")], String(task.negatives)),
            Markup.element("td", [("class", "num")], Markup.escape(TaskCells.mean(sharpness)) + Markup.empty("br")
                + Markup.text("span", [("class", "note")], TaskCells.interval(sharpness))),
            Markup.element("td", [("class", "strip")], strip.strip(for: task)),
            Markup.text("td", [("class", "num")], TaskCells.range(sharpness)),
            Markup.text("td", [("class", "num")], TaskCells.ratio(task)),
            dimensionCell(dimension.mle, reduced: showNearDedup ? dimension.mleNearDedup : nil),
            dimensionCell(dimension.twonn, reduced: showNearDedup ? dimension.twonnNearDedup : nil),
        ]
        return Markup.element("tr", [], cells.joined())
    }

    /// Renders a d estimate, with the near-deduplicated estimate on a second line when there is one.
    private static func dimensionCell(_ estimate: DimensionReport, reduced: DimensionReport?) -> String {
        var content = Markup.escape(TaskCells.dimension(estimate))
        if let reduced {
            content += Markup.empty("br") + Markup.text("span", [("class", "note")], "near-dups reduced: " + TaskCells.dimension(reduced))
        }
        return Markup.element("td", [("class", "num")], content)
    }

    /// Renders the d_data chart: MLE and TwoNN with interval whiskers for every task computed on
    /// its own split of the images. Tasks that reuse another task's split would repeat its numbers.
    static func dimensionSection(_ context: HTMLReportContext) -> String {
        let tasks = context.report.tasks.filter { $0.sameAs == nil }
        guard !tasks.isEmpty else {
            return section("dimension", [Markup.text("p", [], "No task was measured.")])
        }
        var rows = tasks.map { DimensionChartRow(task: $0.name, mle: $0.intrinsicDimension.mle, twonn: $0.intrinsicDimension.twonn) }
        for task in tasks where TaskCells.showsNearDedup(context.report) {
            let dimension = task.intrinsicDimension
            guard let mle = dimension.mleNearDedup, let twonn = dimension.twonnNearDedup else {
                continue
            }
            rows.append(DimensionChartRow(task: "\(task.name) (near-dups reduced)", mle: mle, twonn: twonn))
        }
        var content = [SVGDimensionChart(rows: rows).render()]
        for task in tasks {
            for (estimator, estimate) in [("MLE", task.intrinsicDimension.mle), ("TwoNN", task.intrinsicDimension.twonn)] {
                if let reason = estimate.reason {
                    content.append(Markup.text("p", [("class", "note")], "\(task.name): \(estimator) undefined (\(context.redaction.text(reason)))."))
                }
            }
        }
        content.append(Markup.text("p", [("class", "note")],
                                   "d_data is estimated on one class-balanced sample per task of up to \(context.report.parameters.idSamples) images; "
                                       + "by the scaling law L ≲ C · K_F · N^(−1/d), a larger d needs more training images for the same loss."))
        return section("dimension", content)
    }
}
