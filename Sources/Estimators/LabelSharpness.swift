import LinearAlgebra

/// One K_F run: the closest cross-label pair of one class-balanced sample.
public struct LabelSharpnessRun: Sendable, Equatable {
    public var run: Int
    /// K_F = 1 / (smallest cross-label distance above zero); nil when every cross pair is identical.
    public var value: Double?
    /// Exact distance of the closest cross-label pair above zero (+∞ when none).
    public var distance: Double
    /// Feature-matrix rows of the closest pair (negative side, positive side).
    public var rowNegative: Int
    public var rowPositive: Int
    /// Cross-label pairs at distance zero: identical images with different labels.
    public var identicalPairs: Int
    public var negatives: Int
    public var positives: Int
    /// Pairs measured at full resolution out of all negatives × positives pairs.
    public var exactEvaluations: Int
}

/// Label sharpness K_F of one sample (Konz & Mazurowski, ICLR 2024, arXiv 2401.08865, Eq. 1).
///
/// K_F = max_{j,k} |y_j − y_k| / ‖x_j − x_k‖₂ over all pairs of the sample. For binary labels
/// only cross-label pairs have a non-zero numerator, so K_F = 1 / min over cross-label pairs of
/// the Euclidean distance; same-label distances never enter. Units: 1 / (distance in the
/// preprocessed intensity scale), so values are comparable only at the same preprocessing
/// fingerprint and the same sample size (K_F is a maximum and grows with the sample).
/// Identical cross-label images (distance 0) make K_F infinite; they are counted in
/// `identicalPairs` and the finite value is computed without them.
/// The minimum is exact over ALL pairs (see `closestCrossPair` for the screening guarantee).
public func labelSharpnessRun(
    run: Int,
    negatives: [Int], positives: [Int],
    features: any FeatureRows,
    screening: ScreeningProjection
) -> LabelSharpnessRun {
    let pair = closestCrossPair(negatives, positives, features: features, screening: screening)
    return LabelSharpnessRun(
        run: run,
        value: pair.distance.isFinite ? 1 / pair.distance : nil,
        distance: pair.distance,
        rowNegative: pair.rowA, rowPositive: pair.rowB,
        identicalPairs: pair.identicalPairs,
        negatives: negatives.count, positives: positives.count,
        exactEvaluations: pair.exactEvaluations
    )
}

/// K_F over R runs: mean with a 95% Student-t interval over runs, the smallest and largest
/// run, and the closest pair over all runs.
public struct LabelSharpnessSummary: Sendable {
    public var runs: [LabelSharpnessRun]
    /// Over the runs with a finite K_F; nil when no run has one.
    public var interval: MeanInterval?
    public var minimum: Double?
    public var maximum: Double?
    /// The run holding the smallest cross-label distance over all runs.
    public var closest: LabelSharpnessRun?

    public init(runs: [LabelSharpnessRun]) {
        self.runs = runs
        let values = runs.compactMap(\.value)
        interval = values.isEmpty ? nil : MeanInterval(values: values)
        minimum = values.min()
        maximum = values.max()
        closest = runs.filter { $0.value != nil }.min { $0.distance < $1.distance }
    }
}
