import Audit
import Foundation

/// Inline SVG for the K_F column of the task table: one strip per task on a common linear axis,
/// an axis strip for the table footer and a legend.
///
/// The axis covers the smallest to the largest value drawn (rounded out to ticks), not 0: task
/// K_F values often differ by a few percent, which an axis from 0 would flatten. The table's
/// "× easiest" column gives the ratios.
///
/// Each strip draws the minimum-to-maximum range over runs as a thin grey line, the 95%
/// interval as a sky-blue bar and the mean as a black dot. A task with label conflicts (K_F of
/// the labels as given is +∞) gets a vermillion "+∞" at the right end, and its dot and bar show
/// the finite value without the conflicting pairs.
struct SVGLabelSharpnessStrip {
    static let width = 240.0
    static let height = 22.0
    static let axisHeight = 46.0
    /// Horizontal padding inside every strip, so bars, grid lines and ticks line up.
    static let padding = 14.0

    let axis: LinearAxis

    /// Builds the common axis over every task's mean, interval bounds and run extremes.
    init(tasks: [TaskReport]) {
        var values: [Double] = []
        for task in tasks {
            let sharpness = task.labelSharpness
            values += [sharpness.mean, sharpness.min, sharpness.max].compactMap { $0 } + (sharpness.ci95 ?? [])
        }
        values = values.filter(\.isFinite)
        axis = LinearAxis(covering: values.min() ?? 0, values.max() ?? 1, targetTickCount: 4)
    }

    private var pixels: ClosedRange<Double> {
        Self.padding...(Self.width - Self.padding)
    }

    private func x(_ value: Double) -> String {
        Markup.number(axis.position(of: value, in: pixels))
    }

    /// Draws the strip of one task, or the text "undefined" when K_F has no value.
    func strip(for task: TaskReport) -> String {
        let sharpness = task.labelSharpness
        let middle = Self.height / 2
        var parts: [String] = []
        let description = Self.describe(task)
        parts.append(Markup.text("title", [], description))

        for tick in axis.ticks {
            parts.append(Markup.empty("line", [("x1", x(tick)), ("x2", x(tick)), ("y1", "0"), ("y2", Markup.number(Self.height)),
                                               ("stroke", SVGPalette.grid), ("stroke-width", "1")]))
        }

        guard let mean = sharpness.mean else {
            parts.append(Markup.text("text", [("x", x(0)), ("y", Markup.number(middle + 4)), ("font-size", "11"),
                                              ("fill", SVGPalette.axis)], "undefined"))
            return svg(parts, label: description)
        }

        if let low = sharpness.min, let high = sharpness.max {
            parts.append(Markup.empty("line", [("class", "mark kf-range"), ("x1", x(low)), ("x2", x(high)),
                                               ("y1", Markup.number(middle)), ("y2", Markup.number(middle)),
                                               ("stroke", SVGPalette.range), ("stroke-width", "1.5")]))
        }
        if let interval = sharpness.ci95, interval.count == 2 {
            let left = axis.position(of: interval[0], in: pixels)
            let right = axis.position(of: interval[1], in: pixels)
            parts.append(Markup.empty("rect", [("class", "mark kf-interval"), ("x", Markup.number(left)), ("y", Markup.number(middle - 4)),
                                               ("width", Markup.number(Swift.max(1.5, right - left))), ("height", "8"),
                                               ("fill", SVGPalette.skyBlue), ("stroke", SVGPalette.blue), ("stroke-width", "1")]))
        }
        parts.append(Markup.empty("circle", [("class", "mark kf-mean"), ("cx", x(mean)), ("cy", Markup.number(middle)), ("r", "3.5"),
                                             ("fill", SVGPalette.black)]))
        if sharpness.infinite {
            parts.append(Markup.text("text", [("x", Markup.number(Self.width - 1)), ("y", Markup.number(middle + 4)),
                                              ("text-anchor", "end"), ("font-size", "12"), ("font-weight", "bold"),
                                              ("fill", SVGPalette.vermillion)], "+∞"))
        }
        return svg(parts, label: description)
    }

    /// Draws the axis under the K_F column: tick marks, tick labels and the quantity with its unit.
    func axisStrip() -> String {
        var parts: [String] = []
        let label = "K_F axis from \(axis.label(axis.domain.lowerBound)) to \(axis.label(axis.domain.upperBound)), in 1 / distance"
        parts.append(Markup.text("title", [], label))
        parts.append(Markup.empty("line", [("x1", x(axis.domain.lowerBound)), ("x2", x(axis.domain.upperBound)), ("y1", "1"), ("y2", "1"),
                                           ("stroke", SVGPalette.axis), ("stroke-width", "1")]))
        for tick in axis.ticks {
            parts.append(Markup.empty("line", [("x1", x(tick)), ("x2", x(tick)), ("y1", "1"), ("y2", "6"),
                                               ("stroke", SVGPalette.axis), ("stroke-width", "1")]))
            parts.append(Markup.text("text", [("x", x(tick)), ("y", "18"), ("text-anchor", "middle"), ("font-size", "10"),
                                              ("fill", SVGPalette.axis)], axis.label(tick)))
        }
        parts.append(Markup.text("text", [("x", Markup.number(Self.width / 2)), ("y", "36"), ("text-anchor", "middle"),
                                          ("font-size", "11"), ("fill", SVGPalette.axis)],
                                 "K_F (1 / distance, pixels in [0, 1])"))
        return svg(parts, label: label, height: Self.axisHeight)
    }

    /// Draws the legend of the K_F strips.
    static func legend() -> String {
        let items: [(String, String)] = [
            (Markup.empty("circle", [("cx", "8"), ("cy", "10"), ("r", "3.5"), ("fill", SVGPalette.black)]), "mean over runs"),
            (Markup.empty("rect", [("x", "0"), ("y", "6"), ("width", "16"), ("height", "8"), ("fill", SVGPalette.skyBlue),
                                   ("stroke", SVGPalette.blue)]), "95% interval of the mean"),
            (Markup.empty("line", [("x1", "0"), ("x2", "16"), ("y1", "10"), ("y2", "10"), ("stroke", SVGPalette.range),
                                   ("stroke-width", "1.5")]), "smallest to largest run"),
            (Markup.text("text", [("x", "0"), ("y", "14"), ("font-size", "12"), ("font-weight", "bold"), ("fill", SVGPalette.vermillion)], "+∞"),
             "label conflicts: identical images with different labels"),
        ]
        var parts = [Markup.text("title", [], "Legend of the K_F column")]
        var offset = 0.0
        for (symbol, text) in items {
            parts.append(Markup.element("g", [("transform", "translate(\(Markup.number(offset)),0)")], symbol))
            parts.append(Markup.text("text", [("x", Markup.number(offset + 24)), ("y", "14"), ("font-size", "12"), ("fill", SVGPalette.axis)], text))
            offset += 36 + Double(text.count) * 7
        }
        return Markup.element("svg", [("class", "legend"), ("width", Markup.number(offset)), ("height", "20"),
                                      ("viewBox", "0 0 \(Markup.number(offset)) 20"), ("role", "img"),
                                      ("aria-label", "Legend: dot mean over runs, bar 95% interval, line smallest to largest run, +∞ label conflicts")],
                              parts.joined())
    }

    /// Text alternative of one strip, for example "K_F 0.081 (95% interval 0.079 to 0.083; runs 0.075 to 0.09)".
    static func describe(_ task: TaskReport) -> String {
        let sharpness = task.labelSharpness
        guard let mean = sharpness.mean else {
            return "\(task.name): K_F undefined" + (sharpness.reason.map { " (\($0))" } ?? "")
        }
        var text = "\(task.name): K_F \(TextReport.format(mean))"
        var details: [String] = []
        if let interval = sharpness.ci95, interval.count == 2 {
            details.append("95% interval \(TextReport.format(interval[0])) to \(TextReport.format(interval[1]))")
        }
        if let low = sharpness.min, let high = sharpness.max {
            details.append("runs \(TextReport.format(low)) to \(TextReport.format(high))")
        }
        if !details.isEmpty {
            text += " (" + details.joined(separator: "; ") + ")"
        }
        if sharpness.infinite {
            text += "; +∞ with the label conflicts included"
        }
        return text
    }

    private func svg(_ parts: [String], label: String, height: Double = SVGLabelSharpnessStrip.height) -> String {
        Markup.element("svg", [("class", "strip"), ("width", Markup.number(Self.width)), ("height", Markup.number(height)),
                               ("viewBox", "0 0 \(Markup.number(Self.width)) \(Markup.number(height))"),
                               ("role", "img"), ("aria-label", label)],
                       parts.joined())
    }
}
