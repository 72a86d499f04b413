import Estimators
import Foundation

// Predictions for planning: how many training images reach a target, and how much more data a lower loss needs.

/// Whether a prediction could be made.
public enum PredictionStatus: String, Sendable, Codable {
    case available
    /// The target lies at or below the fitted asymptote, or the curve does not decrease.
    case notReachable = "not reachable"
    /// An input is missing or undefined (for example an infinite K_F); `reason` names it.
    case notAvailable = "not available"
}

/// A predicted training-set size N for a target loss or accuracy, with an interval.
public struct BudgetPrediction: Sendable, Codable, Equatable {
    public var quantity: CurveQuantity
    /// Target on the curve's scale: a loss, or an error rate 1 − accuracy.
    public var target: Double
    /// `learning curve` (the task's own fit) or `zero-shot model A` (global fit with the task's K_F and d_data).
    public var method: String
    public var status: PredictionStatus
    public var n: Double?
    public var low: Double?
    /// Nil with `upperUnbounded` when part of the interval cannot reach the target.
    public var high: Double?
    public var upperUnbounded: Bool
    /// Method that formed the interval.
    public var interval: String?
    /// N at each d_data of the spread (zero-shot only), keyed `low`, `mle`, `twonn`, `high`.
    public var dimensionSpread: [String: Double]
    public var reason: String?
    /// Caveats that do not change the status, for example an extrapolation far beyond the observed N.
    public var warnings: [String] = []

    /// Builds a prediction without a size, with the status and the reason.
    public static func unavailable(
        _ status: PredictionStatus, quantity: CurveQuantity, target: Double, method: String, reason: String
    ) -> BudgetPrediction {
        BudgetPrediction(
            quantity: quantity, target: target, method: method, status: status, n: nil, low: nil, high: nil,
            upperUnbounded: false, interval: nil, dimensionSpread: [:], reason: reason
        )
    }
}

/// The factor by which N must grow to multiply the loss by `lossRatio` under L ∝ N^(−b/d): (1 / ratio)^(d/b).
public struct DataMultiplier: Sendable, Codable, Equatable {
    public var lossRatio: Double
    public var estimate: Double
    /// The factor at the lower and upper end of the d_data range.
    public var low: Double
    public var high: Double
}

/// Budget arithmetic.
public enum Budget {
    /// Parameter draws for the learning-curve interval.
    public static let simulationDraws = 4000

    /// Returns (1/r)^(d/b) for d and the ends of [dLow, dHigh]. With b = 1 and d = 20, lowering the loss by 10 %
    /// (r = 0.9) needs 8.2× the data, 6.7× at d = 18 and 10.2× at d = 22.
    public static func dataMultiplier(
        lossRatio: Double, b: Double, d: Double, dLow: Double, dHigh: Double
    ) throws(ScalingError) -> DataMultiplier {
        guard lossRatio > 0, lossRatio.isFinite else {
            throw .invalidArgument("the loss ratio \(lossRatio) must be positive")
        }
        guard b > 0, b.isFinite else {
            throw .invalidArgument("the exponent b = \(b) must be positive for the loss to fall with N")
        }
        guard d > 0, dLow > 0, dHigh >= dLow, d.isFinite, dHigh.isFinite else {
            throw .invalidArgument("d_data = \(d) with range [\(dLow), \(dHigh)] must be positive and ordered")
        }
        let factor = { (dimension: Double) in pow(1 / lossRatio, dimension / b) }
        let ends = [factor(dLow), factor(dHigh)]
        return DataMultiplier(lossRatio: lossRatio, estimate: factor(d), low: ends.min()!, high: ends.max()!)
    }

    /// Predicts N from a task's learning curve: N = ((y − y∞) / c)^(−1/β).
    ///
    /// The interval is the central `confidence` range of N over `simulationDraws` parameter vectors drawn from the
    /// normal distribution N(θ̂, covariance) with a seeded generator (a parametric bootstrap). Draws that cannot
    /// reach the target count as N = ∞, so the upper end is unbounded when more than (1 − confidence)/2 of them
    /// fail.
    public static func fromCurve(
        _ curve: LearningCurve, target: Double, confidence: Double = 0.95, seed: UInt64 = 1
    ) -> BudgetPrediction {
        let method = "learning curve"
        guard target > 0, target.isFinite else {
            return .unavailable(.notAvailable, quantity: curve.quantity, target: target, method: method,
                                reason: "the target \(target) must be positive")
        }
        guard let estimate = size(curve.parameters, target: target) else {
            return .unavailable(.notReachable, quantity: curve.quantity, target: target, method: method,
                                reason: unreachableReason(curve.parameters, target: target))
        }

        var prediction = BudgetPrediction(
            quantity: curve.quantity, target: target, method: method, status: .available, n: estimate, low: nil,
            high: nil, upperUnbounded: false, interval: nil, dimensionSpread: [:], reason: nil
        )
        guard let covariance = curve.covariance, let factor = cholesky(covariance) else {
            prediction.interval = "none: the curve's covariance is not available"
            return prediction
        }

        var generator = SplitMix64(seed: seed)
        var sizes: [Double] = []
        for _ in 0..<simulationDraws {
            let normals = curve.parameters.indices.map { _ in standardNormal(&generator) }
            var theta = curve.parameters
            for row in theta.indices {
                for column in 0...row {
                    theta[row] += factor[row][column] * normals[column]
                }
            }
            sizes.append(size(theta, target: target) ?? .infinity)
        }
        sizes.sort()
        let low = percentile(sizes, (1 - confidence) / 2)
        let high = percentile(sizes, (1 + confidence) / 2)
        prediction.low = finiteOrNil(low)
        prediction.high = finiteOrNil(high)
        prediction.upperUnbounded = !high.isFinite
        prediction.interval = "central \(Int(confidence * 100)) % of \(simulationDraws) parameter draws from the fit's covariance"
        return prediction
    }

    /// N = ((y − y∞) / c)^(−1/β) for θ = (ln c, β[, y∞]), or nil when the target is not reachable.
    static func size(_ theta: [Double], target: Double) -> Double? {
        let asymptote = theta.count > 2 ? theta[2] : 0
        let beta = theta[1]
        guard target > asymptote, beta > 0 else { return nil }
        let n = exp((theta[0] - log(target - asymptote)) / beta)
        return n.isFinite ? n : nil
    }

    private static func unreachableReason(_ theta: [Double], target: Double) -> String {
        if theta.count > 2, target <= theta[2] {
            return "the target \(format(target)) is at or below the fitted asymptote \(format(theta[2])), "
                + "so no training-set size reaches it"
        }
        return "the fitted exponent β = \(format(theta[1])) is not positive, so the curve does not fall with N"
    }

    /// Lower-triangular L with L Lᵀ = matrix, or nil when the matrix is not positive definite.
    static func cholesky(_ matrix: [[Double]]) -> [[Double]]? {
        let n = matrix.count
        var factor = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for row in 0..<n {
            for column in 0...row {
                var sum = matrix[row][column]
                for k in 0..<column {
                    sum -= factor[row][k] * factor[column][k]
                }
                if row == column {
                    guard sum > 0 else { return nil }
                    factor[row][column] = sum.squareRoot()
                } else {
                    factor[row][column] = sum / factor[column][column]
                }
            }
        }
        return factor
    }

    /// Box–Muller transform of two uniform draws.
    static func standardNormal(_ generator: inout SplitMix64) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
        let u2 = Double.random(in: 0..<1, using: &generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

/// Formats a number with 4 significant digits for messages.
func format(_ value: Double) -> String {
    String(format: "%.4g", value)
}
