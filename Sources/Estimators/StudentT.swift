import Foundation

/// Student's t distribution: the quantiles behind the confidence intervals over runs.
public enum StudentT {
    /// Cumulative distribution function P(T ≤ t) with ν degrees of freedom.
    ///
    /// P(T ≤ t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, by symmetry for t < 0, with I the
    /// regularized incomplete beta function (Abramowitz & Stegun 1964, 26.7.1).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "degrees of freedom must be positive")
        // x and 1 − x are both formed directly, so neither loses digits to cancellation near t = 0.
        let x = nu / (nu + t * t)
        let complement = t * t / (nu + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, complement: complement, a: nu / 2, b: 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// Quantile t_p with ν degrees of freedom, 0 < p < 1, by bisection on `cdf` to 1e-12.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "probability must be in (0, 1)")
        var low = -1.0
        var high = 1.0
        while cdf(low, degreesOfFreedom: nu) > p { low *= 2 }
        while cdf(high, degreesOfFreedom: nu) < p { high *= 2 }
        for _ in 0..<200 {
            let middle = 0.5 * (low + high)
            if cdf(middle, degreesOfFreedom: nu) < p { low = middle } else { high = middle }
            if high - low < 1e-12 * max(1, abs(middle)) { break }
        }
        return 0.5 * (low + high)
    }

    /// Regularized incomplete beta I_x(a, b), by the continued fraction of Abramowitz & Stegun
    /// 26.5.8 evaluated with the modified Lentz method, using the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a) where the fraction converges slowly.
    /// `complement` must equal 1 − x; passing it separately keeps its precision.
    static func regularizedIncompleteBeta(_ x: Double, complement: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if complement <= 0 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(complement)
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(complement, a: b, b: a) / b
    }

    private static func betaContinuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        // Smallest magnitude allowed for a Lentz denominator, to avoid division by zero.
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var fraction = d
        for m in 1...300 {
            let mm = Double(m)
            let evenTerm = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
            d = 1 + evenTerm * d
            if abs(d) < tiny { d = tiny }
            c = 1 + evenTerm / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            fraction *= d * c
            let oddTerm = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
            d = 1 + oddTerm * d
            if abs(d) < tiny { d = tiny }
            c = 1 + oddTerm / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            fraction *= step
            if abs(step - 1) < 1e-15 { break }
        }
        return fraction
    }
}

/// Mean with a two-sided 95% Student-t confidence interval.
public struct MeanInterval: Sendable, Equatable, Codable {
    public var mean: Double
    public var low: Double
    public var high: Double
    /// Sample standard deviation (divisor n − 1); 0 for a single value.
    public var standardDeviation: Double
    public var count: Int

    /// Computes mean ± t_{0.975, n−1} · s / √n for finite `values`; a single value gives a
    /// zero-width interval.
    public init(values: [Double]) {
        precondition(!values.isEmpty, "a mean needs at least one value")
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        count = values.count
        self.mean = mean
        guard values.count > 1 else {
            standardDeviation = 0
            low = mean
            high = mean
            return
        }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        standardDeviation = variance.squareRoot()
        let halfWidth = StudentT.quantile(0.975, degreesOfFreedom: n - 1) * standardDeviation / n.squareRoot()
        low = mean - halfWidth
        high = mean + halfWidth
    }
}
