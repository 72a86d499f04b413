import Foundation
import Scaling
import Store

/// `intrinsic-audit budget TASK`: predicts the training-set size that reaches a target loss or accuracy.
enum BudgetCommand {
    static let usage = "intrinsic-audit budget TASK (--target-loss L | --target-accuracy A) [--dataset FOLDER] [--model NAME] [--format text|json] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "target-loss", valueName: "L", help: "target mean test loss (nats per image, > 0)"),
        OptionSpec(name: "target-accuracy", valueName: "A", help: "target test accuracy, a fraction in (0, 1)"),
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "dataset folder (or imported dataset name) of the task"),
        OptionSpec(name: "model", valueName: "NAME", help: "network name (default: the network with the most observations of TASK)"),
        OptionSpec(name: "format", valueName: "FORMAT", help: "text (default) or json"),
        OptionSpec(name: "db", valueName: "FILE", help: "SQLite database (default $XDG_DATA_HOME/intrinsic-audit/audit.sqlite)"),
        OptionSpec(name: "help", valueName: nil, help: "show this help"),
    ]

    /// The command's JSON output.
    struct Output: Codable {
        var task: String
        var model: String
        var prediction: BudgetPrediction
        var curve: LearningCurve?
        /// Data factor for a 10 % lower loss under model A, with the d_data spread (zero-shot only).
        var tenPercentLowerLoss: DataMultiplier?
    }

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Predict how many training images TASK needs to reach a target loss or accuracy.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.count == 1 else {
            throw UsageError(message: "expected one TASK name, got \(parsed.positionals.count)", usage: usage)
        }
        let task = parsed.positionals[0]
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"
        let (quantity, target) = try parseTarget(parsed)

        let store = try openStore(parsed.string("db"))
        let dataset = parsed.string("dataset").map(RankCommand.resolveDataset)
        let ofTask = try store.observations(dataset: dataset, task: task)
        guard !ofTask.isEmpty else {
            throw CommandFailure("no observations of task \(task)\(dataset.map { " in \($0)" } ?? "") in \(store.path); train or import some first")
        }
        let model = parsed.string("model") ?? mostObserved(ofTask)
        let observations = ofTask.filter { $0.model == model }
        guard !observations.isEmpty else {
            throw CommandFailure("no observations of task \(task) with network \(model); pass --model with one of: \(Set(ofTask.map(\.model)).sorted().joined(separator: ", "))")
        }

        var output = Output(task: task, model: model, prediction: .unavailable(.notAvailable, quantity: quantity, target: target, method: "none", reason: "no method applied"))
        let points = LearningCurves.points(observations, quantity: quantity)
        if points.count >= LearningCurves.minimumSizes {
            let curve = try LearningCurves.fit(points, quantity: quantity)
            output.curve = curve
            output.prediction = Budget.fromCurve(curve, target: target)
        } else if quantity == .errorRate {
            output.prediction = .unavailable(.notAvailable, quantity: quantity, target: target, method: "zero-shot model A", reason: "the task has observations at \(points.count) sizes, fewer than \(LearningCurves.minimumSizes) for its own curve, and model A predicts loss only; pass --target-loss or train more sizes")
        } else {
            let latest = observations.last!
            let group = try store.observations(model: model, auditFingerprint: latest.auditFingerprint)
            let fit = try ScalingLaw.fit(group)
            let values = TaskAuditValues(
                kF: latest.kF, kFLow: latest.kFLow, kFHigh: latest.kFHigh, dDataMLE: latest.dDataMLE,
                dDataTwoNN: latest.dDataTwoNN, dDataLow: latest.dDataLow, dDataHigh: latest.dDataHigh
            )
            output.prediction = Budget.zeroShot(fit, task: values, targetLoss: target)
            if let d = latest.dDataMLE, fit.modelA.b.value > 0 {
                output.tenPercentLowerLoss = try? Budget.dataMultiplier(
                    lossRatio: 0.9, b: fit.modelA.b.value, d: d, dLow: latest.dDataLow ?? d, dHigh: latest.dDataHigh ?? d
                )
            }
        }

        print(format == "json" ? try encodeJSON(output) : render(output), terminator: format == "json" ? "\n" : "")
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

    static func mostObserved(_ observations: [ObservationRecord]) -> String {
        let counts = Dictionary(grouping: observations, by: \.model).mapValues(\.count)
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
    }

    static func render(_ output: Output) -> String {
        let prediction = output.prediction
        let goal = prediction.quantity == .loss ? "test loss \(number(prediction.target))" : "accuracy \(number(1 - prediction.target))"
        var lines = ["Budget for task \(output.task), network \(output.model), target \(goal), method: \(prediction.method)"]
        if let curve = output.curve {
            let asymptote = curve.asymptote.map { " + \(describe($0))" } ?? ""
            lines.append("  curve: c = \(describe(curve.c)), β = \(describe(curve.beta))\(asymptote); weights: \(curve.weighting)")
        }
        switch prediction.status {
        case .available:
            let high = prediction.upperUnbounded ? "not reachable at the upper end" : (prediction.high.map(number) ?? "n/a")
            lines.append("  N ≈ \(number(prediction.n!)) [\(prediction.low.map(number) ?? "n/a"), \(high)]")
            if let interval = prediction.interval {
                lines.append("  interval: \(interval)")
            }
        case .notReachable, .notAvailable:
            lines.append("  \(prediction.status.rawValue): \(prediction.reason ?? "")")
        }
        for (name, n) in prediction.dimensionSpread.sorted(by: { $0.value < $1.value }) {
            lines.append("  with d_data \(name): N ≈ \(number(n))")
        }
        if let factor = output.tenPercentLowerLoss {
            lines.append("  a 10 % lower loss needs \(number(factor.estimate))× the data (\(number(factor.low))× to \(number(factor.high))× over the d_data interval)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
