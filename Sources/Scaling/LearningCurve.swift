import Foundation
import Store

// Per-task learning curves: the inverse power law y(N) = c · N^(−β) (+ y∞), fitted by weighted nonlinear least
// squares to the mean over seeds at each training-set size, as Figueroa et al. (2012, BMC Medical Informatics and
// Decision Making 12:8, doi:10.1186/1472-6947-12-8) fit classifier learning curves to predict sample sizes.

/// The quantity a learning curve describes.
public enum CurveQuantity: String, Sendable, Codable, CaseIterable {
    /// Mean test loss.
    case loss
    /// Test error rate 1 − accuracy.
    case errorRate = "error_rate"
}

/// The mean of one quantity over the seeds trained at one training-set size.
public struct CurvePoint: Sendable, Codable, Equatable {
    public var n: Int
    public var mean: Double
    /// Sample standard deviation over seeds (divisor k − 1); nil for a single seed.
    public var standardDeviation: Double?
    public var seeds: Int

    public init(n: Int, mean: Double, standardDeviation: Double?, seeds: Int) {
        self.n = n
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.seeds = seeds
    }
}

/// Whether a curve may include the asymptote y∞.
public enum AsymptoteMode: String, Sendable, Codable {
    /// Fit y = c · N^(−β) only.
    case never
    /// Also fit y∞ when there are at least 4 sizes, and keep it only when 0 ≤ y∞ < the smallest mean and the
    /// covariance exists; otherwise fall back to the pure power law.
    case automatic
}

/// A fitted learning curve of one task and network.
public struct LearningCurve: Sendable, Codable, Equatable {
    public var quantity: CurveQuantity
    public var points: [CurvePoint]
    public var c: ParameterEstimate
    public var beta: ParameterEstimate
    /// y∞, or nil for the pure power law.
    public var asymptote: ParameterEstimate?
    /// Weighting of the sizes, in words.
    public var weighting: String
    /// Weighted residual sum of squares.
    public var residualSumOfSquares: Double
    /// Fitted parameters θ = (ln c, β[, y∞]) and their covariance s² (JᵀJ)⁻¹, for prediction intervals.
    public var parameters: [Double]
    public var covariance: [[Double]]?

    /// Returns y(N) = c · N^(−β) + y∞.
    public func predict(_ n: Double) -> Double {
        LearningCurves.evaluate(parameters, n: n)
    }
}

/// Fitting of learning curves.
public enum LearningCurves {
    /// Minimum number of distinct training-set sizes for a curve.
    public static let minimumSizes = 3

    /// A variance below this fraction of the median variance over sizes is raised to it, so one size whose seeds
    /// happen to agree does not take all the weight.
    static let varianceFloorFraction = 0.01

    /// Groups observations by N and returns the mean of `quantity` per size, ascending in N. Observations
    /// without an accuracy are skipped for `.errorRate`.
    public static func points(_ observations: [ObservationRecord], quantity: CurveQuantity) -> [CurvePoint] {
        var valuesBySize: [Int: [Double]] = [:]
        for observation in observations {
            switch quantity {
            case .loss:
                valuesBySize[observation.n, default: []].append(observation.testLoss)
            case .errorRate:
                if let accuracy = observation.testAccuracy {
                    valuesBySize[observation.n, default: []].append(1 - accuracy)
                }
            }
        }

        return valuesBySize.keys.sorted().map { n in
            let values = valuesBySize[n]!
            let mean = values.reduce(0, +) / Double(values.count)
            var deviation: Double?
            if values.count > 1 {
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
                deviation = variance.squareRoot()
            }
            return CurvePoint(n: n, mean: mean, standardDeviation: deviation, seeds: values.count)
        }
    }

    /// Fits y(N) = c · N^(−β) (+ y∞) to `points` by MINPACK Levenberg–Marquardt with θ = (ln c, β[, y∞]).
    ///
    /// Weights: when every size has at least 2 seeds and some spread, size i gets wᵢ = kᵢ / sᵢ², the inverse
    /// variance of its mean (sᵢ² floored at `varianceFloorFraction` of the median). Otherwise all sizes weigh the
    /// same and `weighting` gives the reason. Intervals use s² (JᵀJ)⁻¹ with s² = weighted RSS / (m − p), as
    /// scipy.optimize.curve_fit does with absolute_sigma=False.
    ///
    /// Throws `.insufficientData` with fewer than `minimumSizes` distinct sizes or a non-positive mean.
    public static func fit(
        _ points: [CurvePoint], quantity: CurveQuantity, asymptote: AsymptoteMode = .automatic,
        confidence: Double = 0.95
    ) throws(ScalingError) -> LearningCurve {
        guard points.count >= minimumSizes else {
            throw .insufficientData(
                "a learning curve needs observations at \(minimumSizes) or more distinct training-set sizes N, got "
                    + "\(points.count)" + (points.isEmpty ? "" : " (\(points.map { String($0.n) }.joined(separator: ", ")))")
            )
        }
        if let bad = points.first(where: { !($0.mean > 0) }) {
            throw .insufficientData(
                "the mean \(quantity.rawValue) at N = \(bad.n) is \(bad.mean); a power law needs positive values"
            )
        }

        let (weights, weighting) = weights(for: points)

        if asymptote == .automatic, points.count >= minimumSizes + 1,
           let withAsymptote = try? solve(points, weights: weights, withAsymptote: true),
           withAsymptote.covariance != nil,
           withAsymptote.parameters[2] >= 0,
           withAsymptote.parameters[2] < points.map(\.mean).min()!
        {
            return curve(withAsymptote, points: points, quantity: quantity, weighting: weighting, confidence: confidence)
        }

        let solution = try solve(points, weights: weights, withAsymptote: false)
        return curve(solution, points: points, quantity: quantity, weighting: weighting, confidence: confidence)
    }

    /// Returns c · N^(−β) + y∞ for θ = (ln c, β[, y∞]).
    static func evaluate(_ theta: [Double], n: Double) -> Double {
        exp(theta[0] - theta[1] * log(n)) + (theta.count > 2 ? theta[2] : 0)
    }

    // MARK: - Steps

    private static func weights(for points: [CurvePoint]) -> ([Double], String) {
        let variances = points.compactMap { point in point.standardDeviation.map { $0 * $0 } }
        guard variances.count == points.count else {
            return (points.map { _ in 1 }, "equal weights: some sizes have a single seed")
        }

        let median = variances.sorted()[variances.count / 2]
        guard median > 0 else {
            return (points.map { _ in 1 }, "equal weights: the seeds agree exactly at most sizes")
        }

        let floor = varianceFloorFraction * median
        let raw = zip(points, variances).map { Double($0.seeds) / max($1, floor) }
        let mean = raw.reduce(0, +) / Double(raw.count)
        return (raw.map { $0 / mean }, "inverse variance of the mean over seeds (k / s²)")
    }

    static func solve(
        _ points: [CurvePoint], weights: [Double], withAsymptote: Bool
    ) throws(ScalingError) -> LeastSquaresSolution {
        let roots = weights.map { $0.squareRoot() }
        let logSizes = points.map { log(Double($0.n)) }

        let problem = LeastSquaresProblem(
            residualCount: points.count,
            residuals: { theta in
                points.indices.map { i in roots[i] * (evaluate(theta, n: Double(points[i].n)) - points[i].mean) }
            },
            jacobian: { theta in
                points.indices.map { i in
                    let power = exp(theta[0] - theta[1] * logSizes[i])
                    var row = [roots[i] * power, -roots[i] * power * logSizes[i]]
                    if withAsymptote {
                        row.append(roots[i])
                    }
                    return row
                }
            }
        )

        // Start values: a straight line through ln(y − y∞₀) against ln N, with y∞₀ half the smallest mean.
        let offset = withAsymptote ? 0.5 * points.map(\.mean).min()! : 0
        let line = leastSquaresLine(x: logSizes, y: points.map { log($0.mean - offset) })
        var start = [line.intercept, -line.slope]
        if withAsymptote {
            start.append(offset)
        }
        return try LevenbergMarquardt.solve(problem, start: start)
    }

    private static func curve(
        _ solution: LeastSquaresSolution, points: [CurvePoint], quantity: CurveQuantity, weighting: String,
        confidence: Double
    ) -> LearningCurve {
        let hasAsymptote = solution.parameters.count > 2
        return LearningCurve(
            quantity: quantity, points: points,
            c: .fromFit(solution, index: 0, confidence: confidence, exponentiate: true),
            beta: .fromFit(solution, index: 1, confidence: confidence, exponentiate: false),
            asymptote: hasAsymptote ? .fromFit(solution, index: 2, confidence: confidence, exponentiate: false) : nil,
            weighting: weighting, residualSumOfSquares: solution.residualSumOfSquares,
            parameters: solution.parameters, covariance: solution.covariance
        )
    }
}

/// Ordinary least-squares line y = intercept + slope · x; slope 0 when x is constant.
func leastSquaresLine(x: [Double], y: [Double]) -> (intercept: Double, slope: Double) {
    let n = Double(x.count)
    let meanX = x.reduce(0, +) / n
    let meanY = y.reduce(0, +) / n
    var covariance = 0.0
    var varianceX = 0.0
    for i in x.indices {
        covariance += (x[i] - meanX) * (y[i] - meanY)
        varianceX += (x[i] - meanX) * (x[i] - meanX)
    }
    let slope = varianceX > 0 ? covariance / varianceX : 0
    return (meanY - slope * meanX, slope)
}
