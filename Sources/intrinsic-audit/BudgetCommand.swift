import Foundation
import Scaling
import Store

/// `intrinsic-audit budget TASK`: predicts the training-set size that reaches a target loss or accuracy, from the
/// task's own learning curve or, for a task without one, zero-shot from model A and the task's audit values.
enum BudgetCommand {
    static let usage = "intrinsic-audit budget TASK (--target-loss L | --target-accuracy A) [--dataset FOLDER] [--model NAME] [--format text|json] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "target-loss", valueName: "L", help: "target mean test loss (nats per image, > 0)"),
        OptionSpec(name: "target-accuracy", valueName: "A", help: "target test accuracy, a fraction in (0, 1)"),
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "dataset folder (or imported dataset name) of the task; needed when several datasets have a task of this name"),
        OptionSpec(name: "model", valueName: "NAME", help: "network name (default: the network with the most observations of TASK, or of tasks with its audit fingerprint)"),
        .textOrJSON,
        .database,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Predict how many training images TASK needs to reach a target loss or accuracy.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.count == 1 else {
            throw UsageError(message: "expected one TASK name, got \(parsed.positionals.count)", usage: usage)
        }
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"
        let (quantity, target) = try parseTarget(parsed)

        let store = try openStore(parsed.string("db"))
        let request = BudgetRequest(
            task: parsed.positionals[0], dataset: parsed.string("dataset").map(RankCommand.resolveDataset),
            model: parsed.string("model"), quantity: quantity, target: target
        )
        let estimate = try BudgetPlanner.estimate(request, store: store)

        print(format == "json" ? try encodeJSON(estimate) : render(estimate), terminator: format == "json" ? "\n" : "")
        return 0
    }

    static func parseTarget(_ parsed: ParsedArguments) throws -> (CurveQuantity, Double) {
        switch (parsed.string("target-loss"), parsed.string("target-accuracy")) {
        case (let loss?, nil):
            guard let value = Double(loss), value > 0, value.isFinite else {
                throw UsageError(message: "invalid value '\(loss)' for --target-loss; expected a positive number", usage: usage)
            }
            return (.loss, value)
        case (nil, let accuracy?):
            guard let value = Double(accuracy), value > 0, value < 1 else {
                throw UsageError(message: "invalid value '\(accuracy)' for --target-accuracy; expected a fraction between 0 and 1, for example 0.9", usage: usage)
            }
            return (.errorRate, 1 - value)
        case (nil, nil):
            throw UsageError(message: "missing target; pass --target-loss L or --target-accuracy A", usage: usage)
        default:
            throw UsageError(message: "--target-loss and --target-accuracy set the target in two ways; pass one of them", usage: usage)
        }
    }

    static func render(_ estimate: BudgetEstimate) -> String {
        let prediction = estimate.prediction
        let goal = prediction.quantity == .loss ? "test loss \(number(prediction.target))" : "accuracy \(number(1 - prediction.target))"
        var lines = ["Budget for task \(estimate.task) (\(estimate.dataset)), network \(estimate.model), target \(goal)"]
        lines.append("  basis: \(estimate.basis)")
        if let note = estimate.note {
            lines.append("  note: \(note)")
        }
        if let audit = estimate.audit {
            lines.append("  audit \(audit.auditID): " + auditValues(audit))
        }
        if let curve = estimate.curve {
            let asymptote = curve.asymptote.map { " + \(describe($0))" } ?? ""
            lines.append("  curve: c = \(describe(curve.c)), β = \(describe(curve.beta))\(asymptote); weights: \(curve.weighting)")
        }
        if let fit = estimate.fit {
            lines.append("  model A (d_data by \(fit.dimension.rawValue)): a = \(describe(fit.modelA.a)), b = \(describe(fit.modelA.b))")
        }

        switch prediction.status {
        case .available:
            lines.append("  N ≈ \(number(prediction.n!))\(interval(prediction))")
            if let interval = prediction.interval {
                lines.append("  interval: \(interval)")
            }
        case .notReachable, .notAvailable:
            lines.append("  \(prediction.status.rawValue): \(prediction.reason ?? "")")
        }
        for (name, n) in prediction.dimensionSpread.sorted(by: { $0.value < $1.value }) {
            lines.append("  with d_data \(name): N ≈ \(number(n))")
        }
        for warning in prediction.warnings {
            lines.append("  warning: \(warning)")
        }
        if let factor = estimate.tenPercentLowerLoss {
            lines.append("  a 10 % lower loss needs \(number(factor.estimate))× the data (\(number(factor.low))× to \(number(factor.high))× over the d_data range)")
        }
        if estimate.curve != nil || estimate.fit != nil {
            lines.append("  parameter intervals: 95 % Student-t from the Jacobian; no bootstrap is run for budgets")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ` [low, high]`, with each missing end explained once instead of printed as a placeholder.
    private static func interval(_ prediction: BudgetPrediction) -> String {
        let high = prediction.upperUnbounded ? "unbounded" : prediction.high.map(number)
        // A lower end below one image only means that the target is reached at any size.
        let low = prediction.low.map { $0 < 1 ? "< 1" : number($0) }
        switch (low, high) {
        case let (low?, high?):
            let note = prediction.upperUnbounded
                ? " (the upper end is unbounded: part of the interval does not reach the target within 10^9 images)"
                : ""
            return " [\(low), \(high)]\(note)"
        case (nil, nil):
            return " (no interval)"
        case let (low?, nil):
            return " [\(low), upper end not available]"
        case let (nil, high?):
            return " [lower end not available, \(high)]"
        }
    }

    private static func auditValues(_ audit: AuditedTask) -> String {
        let values = audit.values
        var parts: [String] = []
        if audit.kFInfinite {
            parts.append("K_F = ∞ (identical images with different labels)")
        } else if let kF = values.kF {
            let range = both(values.kFLow, values.kFHigh).map { " [\(number($0)), \(number($1))]" } ?? " (no interval: a single run)"
            parts.append("K_F = \(number(kF))\(range)")
        }
        if let mle = values.dDataMLE {
            parts.append("d_data MLE = \(number(mle))")
        }
        if let twoNN = values.dDataTwoNN {
            parts.append("TwoNN = \(number(twoNN))")
        }
        if let low = values.dDataLow, let high = values.dDataHigh {
            parts.append("range [\(number(low)), \(number(high))]")
        }
        return parts.joined(separator: ", ")
    }
}

/// Both values, or nil when either is missing.
private func both<A, B>(_ first: A?, _ second: B?) -> (A, B)? {
    guard let first, let second else { return nil }
    return (first, second)
}
