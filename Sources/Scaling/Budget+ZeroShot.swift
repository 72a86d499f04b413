import Foundation

/// A task's audit values used by zero-shot predictions.
public struct TaskAuditValues: Sendable, Codable, Equatable {
    /// Label sharpness K_F, nil when infinite (a label conflict) or unknown.
    public var kF: Double?
    public var kFLow: Double?
    public var kFHigh: Double?
    public var dDataMLE: Double?
    public var dDataTwoNN: Double?
    /// Widest interval over both estimators.
    public var dDataLow: Double?
    public var dDataHigh: Double?

    public init(
        kF: Double?, kFLow: Double? = nil, kFHigh: Double? = nil, dDataMLE: Double?, dDataTwoNN: Double? = nil,
        dDataLow: Double? = nil, dDataHigh: Double? = nil
    ) {
        self.kF = kF
        self.kFLow = kFLow
        self.kFHigh = kFHigh
        self.dDataMLE = dDataMLE
        self.dDataTwoNN = dDataTwoNN
        self.dDataLow = dDataLow
        self.dDataHigh = dDataHigh
    }
}

extension Budget {
    /// Predicts N for a target loss from model A of a global fit: N = (a · K_F / L)^(d / b).
    ///
    /// The estimate uses d_data of `fit.dimension`. The interval is the smallest and largest N over every
    /// combination of a and b at their Jacobian interval ends, K_F at its interval ends, and d_data at the ends of
    /// its interval and at both estimators' values, so it includes the spread of d_data. `dimensionSpread` lists
    /// N at each d_data with the other values at their estimates. Loss only: model A does not describe accuracy.
    public static func zeroShot(_ fit: ScalingLawFit, task: TaskAuditValues, targetLoss: Double) -> BudgetPrediction {
        let method = "zero-shot model A"
        func unavailable(_ reason: String) -> BudgetPrediction {
            .unavailable(.notAvailable, quantity: .loss, target: targetLoss, method: method, reason: reason)
        }

        guard targetLoss > 0, targetLoss.isFinite else {
            return unavailable("the target loss \(targetLoss) must be positive")
        }
        guard let sharpness = task.kF else {
            return unavailable("the task's K_F is infinite or unknown (identical images with different labels make "
                + "it infinite), so model A predicts no finite loss; fix the label conflicts and audit again")
        }
        guard sharpness > 0 else {
            return unavailable("the task's K_F is \(sharpness); model A needs a positive value")
        }
        let chosen = fit.dimension == .mle ? task.dDataMLE : task.dDataTwoNN
        guard let dimension = chosen, dimension > 0 else {
            return unavailable("the task has no positive d_data (\(fit.dimension.rawValue)); audit the dataset first")
        }
        let a = fit.modelA.a.value
        let b = fit.modelA.b.value
        guard b > 0 else {
            return .unavailable(.notReachable, quantity: .loss, target: targetLoss, method: method,
                                reason: "model A's exponent b = \(format(b)) is not positive, so the loss does not fall with N")
        }

        let size = { (a: Double, b: Double, k: Double, d: Double) -> Double in pow(a * k / targetLoss, d / b) }

        var spread: [String: Double] = [:]
        let dimensions: [(String, Double?)] = [
            ("low", task.dDataLow), ("mle", task.dDataMLE), ("twonn", task.dDataTwoNN), ("high", task.dDataHigh),
        ]
        for (name, value) in dimensions {
            if let value, value > 0, let n = finiteOrNil(size(a, b, sharpness, value)) {
                spread[name] = n
            }
        }

        let aValues = [fit.modelA.a.low, a, fit.modelA.a.high].compactMap { $0 }
        let bValues = [fit.modelA.b.low, b, fit.modelA.b.high].compactMap { $0 }
        let kValues = [task.kFLow, sharpness, task.kFHigh].compactMap { $0 }.filter { $0 > 0 }
        let dValues = dimensions.compactMap(\.1).filter { $0 > 0 }
        var corners: [Double] = []
        var unbounded = false
        for aValue in aValues {
            for bValue in bValues {
                guard bValue > 0 else {
                    unbounded = true
                    continue
                }
                for kValue in kValues {
                    for dValue in dValues {
                        let n = size(aValue, bValue, kValue, dValue)
                        if n.isFinite {
                            corners.append(n)
                        } else {
                            unbounded = true
                        }
                    }
                }
            }
        }

        guard let estimate = finiteOrNil(size(a, b, sharpness, dimension)) else {
            return unavailable("N overflows a double for a = \(format(a)), b = \(format(b)), d = \(format(dimension))")
        }
        return BudgetPrediction(
            quantity: .loss, target: targetLoss, method: method, status: .available, n: estimate,
            low: corners.min(), high: unbounded ? nil : corners.max(), upperUnbounded: unbounded,
            interval: "range over a, b (Jacobian intervals), K_F (interval) and d_data (interval, MLE and TwoNN)",
            dimensionSpread: spread, reason: nil
        )
    }
}

/// Predicted relative difficulty of two tasks under the same network and N: L₁ / L₂ ≈ K_F₁ / K_F₂.
public struct RelativeDifficulty: Sendable, Codable, Equatable {
    public var ratio: Double?
    /// K_F₁,low / K_F₂,high and K_F₁,high / K_F₂,low; nil when an interval end is missing or K_F₂,low ≤ 0.
    public var low: Double?
    public var high: Double?
    public var status: PredictionStatus
    public var reason: String?

    /// Computes the ratio of two tasks' K_F with an interval from their K_F intervals. Unavailable when either
    /// K_F is nil (infinite or unknown) or the second is not positive.
    public init(_ first: TaskAuditValues, relativeTo second: TaskAuditValues) {
        guard let k1 = first.kF, let k2 = second.kF else {
            self.init(ratio: nil, low: nil, high: nil, status: .notAvailable,
                      reason: "a K_F is infinite or unknown (label conflict), so the ratio is undefined")
            return
        }
        guard k2 > 0 else {
            self.init(ratio: nil, low: nil, high: nil, status: .notAvailable,
                      reason: "the reference task's K_F is \(k2); the ratio needs a positive value")
            return
        }

        var low: Double?
        var high: Double?
        if let low1 = first.kFLow, let high2 = second.kFHigh, high2 > 0 {
            low = low1 / high2
        }
        if let high1 = first.kFHigh, let low2 = second.kFLow, low2 > 0 {
            high = high1 / low2
        }
        self.init(ratio: k1 / k2, low: low, high: high, status: .available, reason: nil)
    }

    init(ratio: Double?, low: Double?, high: Double?, status: PredictionStatus, reason: String?) {
        self.ratio = ratio
        self.low = low
        self.high = high
        self.status = status
        self.reason = reason
    }
}
