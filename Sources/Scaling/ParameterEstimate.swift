import Estimators
import Foundation

/// A fitted parameter with a Student-t interval from the Jacobian and a bootstrap percentile interval.
///
/// Every number is finite; an interval that could not be formed is nil.
public struct ParameterEstimate: Sendable, Codable, Equatable {
    public var value: Double
    /// √ of the diagonal entry of s² (JᵀJ)⁻¹, in the fitted parametrisation (ln a for the prefactor `a`).
    public var standardError: Double?
    /// Two-sided interval value ± t_{(1+level)/2, m−p} · standardError, mapped through exp for `a`.
    public var low: Double?
    public var high: Double?
    /// Percentile interval over bootstrap replicates that resample observations with replacement.
    public var bootstrapLow: Double?
    public var bootstrapHigh: Double?

    public init(
        value: Double, standardError: Double? = nil, low: Double? = nil, high: Double? = nil,
        bootstrapLow: Double? = nil, bootstrapHigh: Double? = nil
    ) {
        self.value = value
        self.standardError = standardError
        self.low = low
        self.high = high
        self.bootstrapLow = bootstrapLow
        self.bootstrapHigh = bootstrapHigh
    }

    /// Builds the estimate of a parameter fitted directly, or, with `exponentiate`, of exp(θ) for a parameter
    /// fitted on the log scale (the interval is then asymmetric and positive).
    static func fromFit(
        _ solution: LeastSquaresSolution, index: Int, confidence: Double, exponentiate: Bool
    ) -> ParameterEstimate {
        let fitted = solution.parameters[index]
        let transform: (Double) -> Double = exponentiate ? { Foundation.exp($0) } : { $0 }
        var estimate = ParameterEstimate(value: transform(fitted))

        let degreesOfFreedom = solution.residuals.count - solution.parameters.count
        if let covariance = solution.covariance, degreesOfFreedom > 0 {
            let variance = covariance[index][index]
            if variance.isFinite, variance >= 0 {
                let standardError = variance.squareRoot()
                let quantile = StudentT.quantile((1 + confidence) / 2, degreesOfFreedom: Double(degreesOfFreedom))
                estimate.standardError = standardError
                estimate.low = finiteOrNil(transform(fitted - quantile * standardError))
                estimate.high = finiteOrNil(transform(fitted + quantile * standardError))
            }
        }
        return estimate
    }

    /// Sets the bootstrap interval from replicate values (already on the reported scale).
    mutating func setBootstrap(_ replicates: [Double], confidence: Double) {
        guard replicates.count >= 2 else { return }
        let sorted = replicates.sorted()
        bootstrapLow = percentile(sorted, (1 - confidence) / 2)
        bootstrapHigh = percentile(sorted, (1 + confidence) / 2)
    }
}

/// Linear interpolation between order statistics (numpy's default "linear" method), `sorted` ascending.
func percentile(_ sorted: [Double], _ probability: Double) -> Double {
    let position = probability * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let fraction = position - Double(lower)
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
}

func finiteOrNil(_ value: Double) -> Double? {
    value.isFinite ? value : nil
}
