import Audit
import Foundation

/// Cell texts of the task table, shared by the HTML and Markdown reports so both print the
/// same numbers the same way. "–" marks a value that does not exist.
enum TaskCells {
    /// Mean K_F, with " (+∞)" when label conflicts make K_F of the labels as given infinite.
    static func mean(_ sharpness: LabelSharpnessReport) -> String {
        guard let mean = sharpness.mean else {
            return "undefined"
        }
        return TextReport.format(mean) + (sharpness.infinite ? " (+∞)" : "")
    }

    /// "[low, high]" of the 95% interval of the mean K_F.
    static func interval(_ sharpness: LabelSharpnessReport) -> String {
        guard let interval = sharpness.ci95, interval.count == 2 else {
            return "–"
        }
        return "[\(TextReport.format(interval[0])), \(TextReport.format(interval[1]))]"
    }

    /// "min – max" of K_F over runs.
    static func range(_ sharpness: LabelSharpnessReport) -> String {
        guard let low = sharpness.min, let high = sharpness.max else {
            return "–"
        }
        return "\(TextReport.format(low)) – \(TextReport.format(high))"
    }

    /// K_F divided by the smallest K_F of the task's rank group, three decimals.
    static func ratio(_ task: TaskReport) -> String {
        guard let ratio = task.ratioToEasiest else {
            return "–"
        }
        return String(format: "%.3f", ratio)
    }

    static func rank(_ task: TaskReport) -> String {
        task.rank.map(String.init) ?? "–"
    }

    /// "12.34 [11.90, 12.80]", "undefined", or "–" when the estimate was not made.
    static func dimension(_ estimate: DimensionReport?) -> String {
        guard let estimate else {
            return "–"
        }
        return TextReport.dimension(estimate)
    }

    /// Returns whether to show the near-deduplicated dimension estimates: some task has them and
    /// the reduction left out at least one image, because otherwise they repeat the others.
    static func showsNearDedup(_ report: AuditReport) -> Bool {
        guard report.dataset.nearDuplicates.imagesReduced > 0 else {
            return false
        }
        return report.tasks.contains { $0.intrinsicDimension.mleNearDedup != nil || $0.intrinsicDimension.twonnNearDedup != nil }
    }
}
