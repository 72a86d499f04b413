import Audit
import Foundation
import Scaling
import Store

/// `intrinsic-audit fit`: fits scaling-law models A and B to the stored observations and stores the fits.
enum FitCommand {
    static let usage = "intrinsic-audit fit [--model NAME] [--dimension mle|twonn] [--format text|json] [--db FILE]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "model", valueName: "NAME", help: "network name, for example resnet or vgg (default: every network)"),
        OptionSpec(name: "dimension", valueName: "ESTIMATOR", help: "d_data estimator: mle (default) or twonn"),
        .textOrJSON,
        .database,
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Fit L = a·K_F·N^(−b/d) (model A) and L = a·N^(−b/d) (model B) to stored observations.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.isEmpty else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[0])'", usage: usage)
        }
        let format = try parsed.choice("format", ["text", "json"], usage: usage) ?? "text"
        let dimension = try parsed.choice("dimension", ["mle", "twonn"], usage: usage).flatMap(DimensionEstimator.init) ?? .mle

        let store = try openStore(parsed.string("db"))
        // Imported rows without K_F, d_data and fingerprint take them from the latest audit of their dataset.
        let stored = try store.observations(model: parsed.string("model"))
        let observations = AuditedTasks.fillingAuditValues(stored, from: try AuditedTasks.all(store: store))
        guard !observations.isEmpty else {
            throw CommandFailure("no observations\(parsed.string("model").map { " of network \($0)" } ?? "") in \(store.path); run 'intrinsic-audit train' or 'intrinsic-audit observations import FILE.csv' first")
        }

        var fits: [ScalingLawFit] = []
        var failures: [String] = []
        for group in ScalingLaw.groups(observations) {
            let label = "network \(group[0].model), audit fingerprint \(group[0].auditFingerprint ?? "none")"
            do {
                let fit = try ScalingLaw.fit(group, options: ScalingLawOptions(dimension: dimension))
                fits.append(fit)
                _ = try store.insertScalingResult(ScalingResultRecord(
                    kind: .fit, model: fit.model, auditFingerprint: fit.auditFingerprint, dataset: nil,
                    resultJSON: try encodeJSON(fit), softwareVersion: SoftwareVersion.current
                ))
            } catch let error as ScalingError {
                failures.append("\(label): \(error)")
            }
        }
        guard !fits.isEmpty else {
            throw CommandFailure(failures.joined(separator: "\n"))
        }

        if format == "json" {
            print(try encodeJSON(fits))
        } else {
            print(fits.map(renderFit).joined(separator: "\n"), terminator: "")
        }
        for failure in failures {
            FileHandle.standardError.write(Data("warning: skipped \(failure)\n".utf8))
        }
        return 0
    }

    static func renderFit(_ fit: ScalingLawFit) -> String {
        var lines = [
            "Scaling-law fit: network \(fit.model), audit fingerprint \(fit.auditFingerprint ?? "none"), d_data by \(fit.dimension.rawValue)",
            "  \(counted(fit.observationCount, "observation")) from \(counted(fit.taskCount, "task")) in \(counted(fit.datasetCount, "dataset")), \(fit.distinctSizes) distinct N",
        ]
        for (reason, count) in fit.excluded.sorted(by: { $0.key < $1.key }) {
            lines.append("  left out: \(counted(count, "observation")) \(reason)")
        }
        for (name, model) in [("A  L = a·K_F·N^(−b/d)", fit.modelA), ("B  L = a·N^(−b/d)    ", fit.modelB)] {
            lines.append("  model \(name): a = \(describe(model.a)), b = \(describe(model.b)), RSS = \(number(model.residualSumOfSquares))")
        }
        let ratio = fit.logLikelihoodRatio.map(number) ?? "not available"
        lines.append("  log likelihood ratio (n/2)·ln(RSS_B/RSS_A) = \(ratio) (positive favours A): favours \(fit.favouredModel)")
        if let note = fit.note {
            lines.append("  note: \(note)")
        }
        if fit.modelA.b.value <= 0 || fit.modelB.b.value <= 0 {
            lines.append("  warning: an exponent b is not positive, so in these observations the test loss does not fall "
                + "as N grows; the fit supports no budget, and more sizes N or seeds are needed before it means anything")
        }
        if fit.distinctSizes < 3 {
            lines.append("  warning: only \(fit.distinctSizes) distinct N; a power law needs at least 3 to be checked at all")
        }
        lines.append("  intervals: " + intervalNote(fit))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Names the interval methods and states once why an interval is missing.
    static func intervalNote(_ fit: ScalingLawFit) -> String {
        let percent = "\(number(fit.confidence * 100)) %"
        let estimates = [fit.modelA.a, fit.modelA.b, fit.modelB.a, fit.modelB.b]
        var parts = ["\(percent) Student-t from the Jacobian"]
        if estimates.contains(where: { $0.low == nil || $0.high == nil }) {
            parts[0] += " (missing where the covariance from MINPACK is singular)"
        }
        if fit.bootstrapReplicates >= 2 {
            var bootstrap = "bootstrap over \(fit.bootstrapReplicates) resamples (seed \(fit.bootstrapSeed))"
            if fit.bootstrapSkipped > 0 {
                bootstrap += ", \(fit.bootstrapSkipped) resamples skipped because they had a single value of ln N / d_data"
            }
            parts.append(bootstrap)
        } else {
            parts.append("no bootstrap interval: \(fit.bootstrapReplicates) of \(fit.bootstrapReplicates + fit.bootstrapSkipped) "
                + "resamples could be refitted, fewer than the 2 a percentile interval needs")
        }
        return parts.joined(separator: "; ")
    }
}

/// Formats an estimate as `value [low, high] (bootstrap [low, high])`. A missing interval is left out, so the
/// caller states once why it is missing.
func describe(_ estimate: ParameterEstimate) -> String {
    var text = number(estimate.value)
    if let low = estimate.low, let high = estimate.high {
        text += " [\(number(low)), \(number(high))]"
    }
    if let low = estimate.bootstrapLow, let high = estimate.bootstrapHigh {
        text += " (bootstrap [\(number(low)), \(number(high))])"
    }
    return text
}

/// Formats a number with 4 significant digits.
func number(_ value: Double) -> String {
    String(format: "%.4g", value)
}

/// Encodes a value as pretty-printed JSON with sorted keys. Non-finite numbers make the encoder throw.
func encodeJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Writes a count with its noun, plural unless the count is 1: "1 dataset", "3 tasks".
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
