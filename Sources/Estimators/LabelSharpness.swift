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

/// Result of an earlier K_F run, by stable image keys, for updating the run after a change.
public struct LabelSharpnessRunMemory: Sendable {
    public var negatives: Set<UInt64>
    public var positives: Set<UInt64>
    /// Keys of the closest pair above zero; nil when the run had none.
    public var closestNegative: UInt64?
    public var closestPositive: UInt64?
    public var distance: Double
    public var identicalPairs: Int
}

/// K_F of one run, reusing an earlier run on a sample that differs by a few images.
///
/// Suppose the earlier run found no identical cross-label pair and both images of its closest
/// pair are still in the sample. Then every cross pair of retained images was already compared.
/// The new minimum is the smaller of the earlier distance and the closest pair that involves a
/// new image: new negatives against all positives, and the other negatives against new positives.
/// Otherwise the run is measured in full. Either way the result equals a full measurement (ties
/// between equal distances are broken by row, as in `closestCrossPair`); `exactEvaluations`
/// counts only the pairs measured now. `keys[row]` must identify an image's content.
public func labelSharpnessRun(
    run: Int,
    negatives: [Int], positives: [Int],
    features: any FeatureRows,
    screening: ScreeningProjection,
    keys: [UInt64],
    prior: LabelSharpnessRunMemory?
) -> (LabelSharpnessRun, LabelSharpnessRunMemory) {
    func remember(_ result: LabelSharpnessRun) -> LabelSharpnessRunMemory {
        LabelSharpnessRunMemory(
            negatives: Set(negatives.map { keys[$0] }), positives: Set(positives.map { keys[$0] }),
            closestNegative: result.rowNegative >= 0 ? keys[result.rowNegative] : nil,
            closestPositive: result.rowPositive >= 0 ? keys[result.rowPositive] : nil,
            distance: result.distance, identicalPairs: result.identicalPairs
        )
    }

    // Reusable only when the earlier closest pair is still in both sides of the sample.
    let rowOfKey = Dictionary(negatives.map { (keys[$0], $0) } + positives.map { (keys[$0], $0) }, uniquingKeysWith: { first, _ in first })
    guard let prior, prior.identicalPairs == 0, prior.distance.isFinite,
          let negativeKey = prior.closestNegative, let positiveKey = prior.closestPositive,
          let rowNegative = rowOfKey[negativeKey], let rowPositive = rowOfKey[positiveKey],
          negatives.contains(rowNegative), positives.contains(rowPositive)
    else {
        let result = labelSharpnessRun(run: run, negatives: negatives, positives: positives, features: features, screening: screening)
        return (result, remember(result))
    }

    // Pairs that involve a new image: new negatives × all positives, old negatives × new positives.
    let newNegatives = negatives.filter { !prior.negatives.contains(keys[$0]) }
    let oldNegatives = negatives.filter { prior.negatives.contains(keys[$0]) }
    let newPositives = positives.filter { !prior.positives.contains(keys[$0]) }
    var distance = prior.distance
    var bestRows = (rowNegative, rowPositive)
    var identicalPairs = 0
    var exactEvaluations = 0
    for (sideA, sideB) in [(newNegatives, positives), (oldNegatives, newPositives)] where !sideA.isEmpty && !sideB.isEmpty {
        let pair = closestCrossPair(sideA, sideB, features: features, screening: screening)
        identicalPairs += pair.identicalPairs
        exactEvaluations += pair.exactEvaluations
        if pair.distance < distance || (pair.distance == distance && (pair.rowA, pair.rowB) < bestRows) {
            distance = pair.distance
            bestRows = (pair.rowA, pair.rowB)
        }
    }

    let result = LabelSharpnessRun(
        run: run,
        value: distance.isFinite ? 1 / distance : nil,
        distance: distance,
        rowNegative: bestRows.0, rowPositive: bestRows.1,
        identicalPairs: identicalPairs,
        negatives: negatives.count, positives: positives.count,
        exactEvaluations: exactEvaluations
    )
    return (result, remember(result))
}
