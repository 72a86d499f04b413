import Estimators
import Foundation
import Store

// The scaling law of Konz and Mazurowski (ICLR 2024, arXiv 2401.08865): test loss L ≲ C · K_F · N^(−1/d_data),
// fitted over every observation that shares an audit fingerprint and a network.

/// The intrinsic-dimension estimator whose d_data enters the fit.
public enum DimensionEstimator: String, Sendable, Codable, CaseIterable {
    /// Levina and Bickel (2004) maximum likelihood, with MacKay and Ghahramani's (2005) averaging.
    case mle
    /// Facco et al. (2017) two-nearest-neighbour estimator.
    case twonn
}

/// Settings of `ScalingLaw.fit`.
public struct ScalingLawOptions: Sendable, Equatable {
    public var dimension: DimensionEstimator
    /// Coverage of every interval, in (0, 1).
    public var confidence: Double
    /// Bootstrap replicates; 0 skips the bootstrap.
    public var bootstrapReplicates: Int
    public var bootstrapSeed: UInt64

    public init(
        dimension: DimensionEstimator = .mle, confidence: Double = 0.95, bootstrapReplicates: Int = 1000,
        bootstrapSeed: UInt64 = 1
    ) {
        self.dimension = dimension
        self.confidence = confidence
        self.bootstrapReplicates = bootstrapReplicates
        self.bootstrapSeed = bootstrapSeed
    }
}

/// One model fitted by least squares on ln L: parameters `a` (prefactor) and `b` (exponent numerator).
public struct PowerLawModelFit: Sendable, Codable, Equatable {
    public var a: ParameterEstimate
    public var b: ParameterEstimate
    /// Residual sum of squares on ln L.
    public var residualSumOfSquares: Double
}

/// Models A (with K_F) and B (without) fitted to the same observations, and their comparison.
public struct ScalingLawFit: Sendable, Codable, Equatable {
    /// Network name.
    public var model: String
    public var auditFingerprint: String?
    public var dimension: DimensionEstimator
    public var confidence: Double
    /// Observations, datasets and (dataset, task) pairs that entered the fit.
    public var observationCount: Int
    public var datasetCount: Int
    public var taskCount: Int
    public var distinctSizes: Int
    /// Observations left out, counted by reason.
    public var excluded: [String: Int]
    /// L = a · K_F · N^(−b/d_data).
    public var modelA: PowerLawModelFit
    /// L = a · N^(−b/d_data).
    public var modelB: PowerLawModelFit
    /// (n/2) · ln(RSS_B / RSS_A) under Gaussian errors on ln L; positive favours model A. Nil when one model fits
    /// exactly, which `note` then states.
    public var logLikelihoodRatio: Double?
    /// `A`, `B` or `neither`.
    public var favouredModel: String
    public var bootstrapReplicates: Int
    /// Bootstrap replicates skipped because the resample had a single value of ln N / d_data.
    public var bootstrapSkipped: Int
    public var bootstrapSeed: UInt64
    public var note: String?
}

/// The two scaling-law models and their fit.
public enum ScalingLaw {
    /// Fits models A and B to `observations` by MINPACK Levenberg–Marquardt on ln L:
    ///
    ///     A: ln L = ln a + ln K_F − b · ln N / d_data        B: ln L = ln a − b · ln N / d_data
    ///
    /// The caller passes observations of one network and audit fingerprint (see `groups`). Rows without a
    /// positive loss, a finite positive K_F or a positive d_data of `options.dimension` are left out and counted
    /// in `excluded`, so both models see the same rows. Both models have two parameters, so the log likelihood
    /// ratio needs no penalty.
    ///
    /// Throws `.insufficientData` with fewer than 3 usable rows or a single value of ln N / d_data.
    public static func fit(
        _ observations: [ObservationRecord], options: ScalingLawOptions = ScalingLawOptions()
    ) throws(ScalingError) -> ScalingLawFit {
        guard options.confidence > 0, options.confidence < 1 else {
            throw .invalidArgument("confidence \(options.confidence) is outside (0, 1)")
        }

        var excluded: [String: Int] = [:]
        var points: [ScalingPoint] = []
        for observation in observations {
            switch ScalingPoint.make(observation, dimension: options.dimension) {
            case .success(let point): points.append(point)
            case .failure(let reason): excluded[reason.text, default: 0] += 1
            }
        }
        try checkVariation(points, excluded: excluded)

        // Point estimates and Jacobian intervals.
        let solutionA = try solve(points, withSharpness: true)
        let solutionB = try solve(points, withSharpness: false)
        var modelA = summary(solutionA, confidence: options.confidence)
        var modelB = summary(solutionB, confidence: options.confidence)

        // Bootstrap over observations.
        var generator = SplitMix64(seed: options.bootstrapSeed)
        var replicates: (aA: [Double], bA: [Double], aB: [Double], bB: [Double]) = ([], [], [], [])
        var skipped = 0
        for _ in 0..<max(0, options.bootstrapReplicates) {
            let sample = (0..<points.count).map { _ in points[Int.random(in: 0..<points.count, using: &generator)] }
            guard Set(sample.map(\.x)).count >= 2,
                  let refitA = try? solve(sample, withSharpness: true),
                  let refitB = try? solve(sample, withSharpness: false)
            else {
                skipped += 1
                continue
            }
            replicates.aA.append(exp(refitA.parameters[0]))
            replicates.bA.append(refitA.parameters[1])
            replicates.aB.append(exp(refitB.parameters[0]))
            replicates.bB.append(refitB.parameters[1])
        }
        modelA.a.setBootstrap(replicates.aA, confidence: options.confidence)
        modelA.b.setBootstrap(replicates.bA, confidence: options.confidence)
        modelB.a.setBootstrap(replicates.aB, confidence: options.confidence)
        modelB.b.setBootstrap(replicates.bB, confidence: options.confidence)

        // Comparison.
        let comparison = compare(
            rssA: solutionA.residualSumOfSquares, rssB: solutionB.residualSumOfSquares, count: points.count,
            scale: points.reduce(0) { $0 + $1.logLoss * $1.logLoss }
        )

        let first = observations.first
        return ScalingLawFit(
            model: first?.model ?? "", auditFingerprint: first?.auditFingerprint, dimension: options.dimension,
            confidence: options.confidence, observationCount: points.count,
            datasetCount: Set(points.map(\.dataset)).count,
            taskCount: Set(points.map { [$0.dataset, $0.task] }).count, distinctSizes: Set(points.map(\.n)).count,
            excluded: excluded, modelA: modelA, modelB: modelB, logLikelihoodRatio: comparison.ratio,
            favouredModel: comparison.favoured, bootstrapReplicates: replicates.aA.count, bootstrapSkipped: skipped,
            bootstrapSeed: options.bootstrapSeed, note: comparison.note
        )
    }

    /// Splits observations by (network, audit fingerprint), the unit `fit` expects, in a stable order.
    public static func groups(_ observations: [ObservationRecord]) -> [[ObservationRecord]] {
        var order: [String] = []
        var byKey: [String: [ObservationRecord]] = [:]
        for observation in observations {
            let key = observation.model + "\u{0}" + (observation.auditFingerprint ?? "")
            if byKey[key] == nil {
                order.append(key)
            }
            byKey[key, default: []].append(observation)
        }
        return order.map { byKey[$0]! }
    }

    // MARK: - Steps

    private static func checkVariation(_ points: [ScalingPoint], excluded: [String: Int]) throws(ScalingError) {
        let reasons = excluded.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let left = reasons.isEmpty ? "" : " (left out: \(reasons))"
        guard points.count >= 3 else {
            throw .insufficientData(
                "the scaling-law fit needs at least 3 observations with a loss, K_F and d_data, got "
                    + "\(points.count)\(left); train or import more sizes N"
            )
        }
        guard Set(points.map(\.x)).count >= 2 else {
            throw .insufficientData(
                "all \(points.count) observations share one value of ln N / d_data, so the exponent b is not "
                    + "identifiable; add observations at another training-set size"
            )
        }
    }

    /// Fits ln L = α + offset − b·x with θ = (α, b), offset = ln K_F for model A and 0 for model B.
    static func solve(_ points: [ScalingPoint], withSharpness: Bool) throws(ScalingError) -> LeastSquaresSolution {
        let offsets = points.map { withSharpness ? $0.logSharpness : 0 }
        let problem = LeastSquaresProblem(
            residualCount: points.count,
            residuals: { theta in
                points.indices.map { i in theta[0] + offsets[i] - theta[1] * points[i].x - points[i].logLoss }
            },
            jacobian: { _ in points.map { [1, -$0.x] } }
        )
        let start = [points.indices.reduce(0) { $0 + points[$1].logLoss - offsets[$1] } / Double(points.count), 0]
        return try LevenbergMarquardt.solve(problem, start: start)
    }

    private static func summary(_ solution: LeastSquaresSolution, confidence: Double) -> PowerLawModelFit {
        PowerLawModelFit(
            a: .fromFit(solution, index: 0, confidence: confidence, exponentiate: true),
            b: .fromFit(solution, index: 1, confidence: confidence, exponentiate: false),
            residualSumOfSquares: solution.residualSumOfSquares
        )
    }

    /// A residual sum of squares below this fraction of Σ (ln L)² counts as an exact fit, where the log
    /// likelihood ratio is undefined (a division by zero).
    static let exactFitFraction = 1e-20

    private static func compare(
        rssA: Double, rssB: Double, count: Int, scale: Double
    ) -> (ratio: Double?, favoured: String, note: String?) {
        let threshold = exactFitFraction * max(scale, 1)
        switch (rssA <= threshold, rssB <= threshold) {
        case (true, true):
            return (0, "neither", "both models fit the observations exactly, so they cannot be told apart")
        case (true, false):
            return (nil, "A", "model A fits the observations exactly; the log likelihood ratio is unbounded")
        case (false, true):
            return (nil, "B", "model B fits the observations exactly; the log likelihood ratio is unbounded")
        case (false, false):
            let ratio = Double(count) / 2 * log(rssB / rssA)
            return (ratio, ratio > 0 ? "A" : (ratio < 0 ? "B" : "neither"), nil)
        }
    }
}

/// One observation on the log scale: x = ln N / d_data, ln L and ln K_F.
struct ScalingPoint {
    var dataset: String
    var task: String
    var n: Int
    var x: Double
    var logLoss: Double
    var logSharpness: Double

    struct Exclusion: Error {
        var text: String
    }

    static func make(_ observation: ObservationRecord, dimension: DimensionEstimator) -> Result<ScalingPoint, Exclusion> {
        guard observation.testLoss > 0 else {
            return .failure(Exclusion(text: "with zero test loss"))
        }
        guard let sharpness = observation.kF else {
            return .failure(Exclusion(text: "without a finite K_F"))
        }
        guard sharpness > 0 else {
            return .failure(Exclusion(text: "with K_F ≤ 0"))
        }
        let dimensionValue = dimension == .mle ? observation.dDataMLE : observation.dDataTwoNN
        guard let dData = dimensionValue, dData > 0 else {
            return .failure(Exclusion(text: "without a positive d_data (\(dimension.rawValue))"))
        }

        return .success(ScalingPoint(
            dataset: observation.dataset, task: observation.task, n: observation.n,
            x: log(Double(observation.n)) / dData, logLoss: log(observation.testLoss), logSharpness: log(sharpness)
        ))
    }
}
