import Audit
import Foundation

/// One row of the intrinsic-dimension chart: a task and its estimates.
struct DimensionChartRow {
    var task: String
    var mle: DimensionReport
    var twonn: DimensionReport
}

/// Inline SVG dot plot of d_data per task: the MLE estimate as an orange circle and the TwoNN
/// estimate as a blue square, each with whiskers to its 95% bootstrap interval, on a common
/// linear axis from 0. Undefined estimates are written as text in the row.
///
/// d_data is a dimension, not a power law, so the axis is linear.
struct SVGDimensionChart {
    static let width = 900.0
    static let rowHeight = 30.0
    static let top = 34.0
    static let bottom = 46.0
    static let right = 24.0
    /// Longest task name shown in full; longer names are cut with "…" (the full name is in the row's title).
    static let maximumNameCharacters = 40

    let rows: [DimensionChartRow]
    let axis: LinearAxis
    let left: Double

    init(rows: [DimensionChartRow]) {
        self.rows = rows
        var largest = 0.0
        for row in rows {
            for estimate in [row.mle, row.twonn] {
                let values = [estimate.value, estimate.ci95?.last].compactMap { $0 }.filter(\.isFinite)
                largest = Swift.max(largest, values.max() ?? 0)
            }
        }
        axis = LinearAxis(covering: 0, largest > 0 ? largest : 1, targetTickCount: 8)
        let longestName = rows.map { Swift.min($0.task.count, Self.maximumNameCharacters) }.max() ?? 10
        left = Swift.min(320, 16 + Double(longestName) * 7)
    }

    private var height: Double {
        Self.top + Double(Swift.max(1, rows.count)) * Self.rowHeight + Self.bottom
    }

    private var pixels: ClosedRange<Double> {
        left...(Self.width - Self.right)
    }

    private func x(_ value: Double) -> Double {
        axis.position(of: value, in: pixels)
    }

    /// The whole chart as one `<svg>` element.
    func render() -> String {
        let summary = "Intrinsic dimension d_data per task: MLE and TwoNN estimates with 95% bootstrap intervals"
        var parts = [Markup.text("title", [], summary)]
        parts.append(legend())

        // Grid, axis, ticks and the axis label.
        let plotBottom = height - Self.bottom
        for tick in axis.ticks {
            let position = Markup.number(x(tick))
            parts.append(Markup.empty("line", [("x1", position), ("x2", position), ("y1", Markup.number(Self.top)),
                                               ("y2", Markup.number(plotBottom)), ("stroke", SVGPalette.grid)]))
            parts.append(Markup.empty("line", [("x1", position), ("x2", position), ("y1", Markup.number(plotBottom)),
                                               ("y2", Markup.number(plotBottom + 5)), ("stroke", SVGPalette.axis)]))
            parts.append(Markup.text("text", [("x", position), ("y", Markup.number(plotBottom + 18)), ("text-anchor", "middle"),
                                              ("font-size", "11"), ("fill", SVGPalette.axis)], axis.label(tick)))
        }
        parts.append(Markup.empty("line", [("x1", Markup.number(left)), ("x2", Markup.number(Self.width - Self.right)),
                                           ("y1", Markup.number(plotBottom)), ("y2", Markup.number(plotBottom)), ("stroke", SVGPalette.axis)]))
        parts.append(Markup.text("text", [("x", Markup.number((left + Self.width - Self.right) / 2)), ("y", Markup.number(plotBottom + 38)),
                                          ("text-anchor", "middle"), ("font-size", "12"), ("fill", SVGPalette.axis)],
                                 "intrinsic dimension d_data (number of dimensions)"))

        for (index, row) in rows.enumerated() {
            parts.append(rowMarkup(row, centre: Self.top + (Double(index) + 0.5) * Self.rowHeight))
        }

        return Markup.element("svg", [("class", "chart"), ("width", Markup.number(Self.width)), ("height", Markup.number(height)),
                                      ("viewBox", "0 0 \(Markup.number(Self.width)) \(Markup.number(height))"),
                                      ("role", "img"), ("aria-label", summary)],
                              parts.joined())
    }

    private func rowMarkup(_ row: DimensionChartRow, centre: Double) -> String {
        var parts: [String] = []
        let name = row.task.count > Self.maximumNameCharacters ? String(row.task.prefix(Self.maximumNameCharacters - 1)) + "…" : row.task
        parts.append(Markup.text("title", [], "\(row.task): MLE \(Self.describe(row.mle)); TwoNN \(Self.describe(row.twonn))"))
        parts.append(Markup.text("text", [("x", Markup.number(left - 8)), ("y", Markup.number(centre + 4)), ("text-anchor", "end"),
                                          ("font-size", "12"), ("fill", SVGPalette.axis)], name))

        var undefined: [String] = []
        for (estimate, isMLE) in [(row.mle, true), (row.twonn, false)] {
            let y = centre + (isMLE ? -5 : 5)
            let colour = isMLE ? SVGPalette.orange : SVGPalette.blue
            guard let value = estimate.value, value.isFinite else {
                undefined.append(isMLE ? "MLE undefined" : "TwoNN undefined")
                continue
            }
            if let interval = estimate.ci95, interval.count == 2 {
                let low = Markup.number(x(interval[0]))
                let high = Markup.number(x(interval[1]))
                parts.append(Markup.empty("line", [("x1", low), ("x2", high), ("y1", Markup.number(y)), ("y2", Markup.number(y)),
                                                   ("stroke", colour), ("stroke-width", "2")]))
                for end in [low, high] {
                    parts.append(Markup.empty("line", [("x1", end), ("x2", end), ("y1", Markup.number(y - 3)), ("y2", Markup.number(y + 3)),
                                                       ("stroke", colour), ("stroke-width", "2")]))
                }
            }
            if isMLE {
                parts.append(Markup.empty("circle", [("class", "mark mle"), ("cx", Markup.number(x(value))), ("cy", Markup.number(y)),
                                                     ("r", "4.5"), ("fill", colour), ("stroke", SVGPalette.black), ("stroke-width", "0.75")]))
            } else {
                parts.append(Markup.empty("rect", [("class", "mark twonn"), ("x", Markup.number(x(value) - 4)), ("y", Markup.number(y - 4)),
                                                   ("width", "8"), ("height", "8"), ("fill", colour), ("stroke", SVGPalette.black),
                                                   ("stroke-width", "0.75")]))
            }
        }
        if !undefined.isEmpty {
            parts.append(Markup.text("text", [("x", Markup.number(left + 4)), ("y", Markup.number(centre + 4)), ("font-size", "11"),
                                              ("font-style", "italic"), ("fill", SVGPalette.vermillion)], undefined.joined(separator: ", ")))
        }
        return Markup.element("g", [("class", "row")], parts.joined())
    }

    private func legend() -> String {
        let y = 14.0
        return Markup.element("g", [("class", "legend")], [
            Markup.empty("circle", [("cx", Markup.number(left + 6)), ("cy", Markup.number(y)), ("r", "4.5"), ("fill", SVGPalette.orange),
                                    ("stroke", SVGPalette.black), ("stroke-width", "0.75")]),
            Markup.text("text", [("x", Markup.number(left + 16)), ("y", Markup.number(y + 4)), ("font-size", "12"), ("fill", SVGPalette.axis)],
                        "MLE (Levina & Bickel), 95% bootstrap interval"),
            Markup.empty("rect", [("x", Markup.number(left + 340)), ("y", Markup.number(y - 4)), ("width", "8"), ("height", "8"),
                                  ("fill", SVGPalette.blue), ("stroke", SVGPalette.black), ("stroke-width", "0.75")]),
            Markup.text("text", [("x", Markup.number(left + 354)), ("y", Markup.number(y + 4)), ("font-size", "12"), ("fill", SVGPalette.axis)],
                        "TwoNN (Facco et al.), 95% bootstrap interval"),
        ].joined())
    }

    /// "12.3 (95% interval 11.9 to 12.8)", or "undefined (reason)".
    static func describe(_ estimate: DimensionReport) -> String {
        guard let value = estimate.value else {
            return "undefined" + (estimate.reason.map { " (\($0))" } ?? "")
        }
        guard let interval = estimate.ci95, interval.count == 2 else {
            return String(format: "%.2f", value)
        }
        return String(format: "%.2f (95%% interval %.2f to %.2f)", value, interval[0], interval[1])
    }
}
