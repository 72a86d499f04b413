import Datasets
import Estimators
import Foundation
import LinearAlgebra

/// Parameters of the per-task estimators, resolved from the configuration and the command line.
struct EstimatorParameters: Sendable {
    var samples: Int
    var runs: Int
    var seed: Int
    var neighbors: Int
    var idSamples: Int
    var mleDivisor: Estimators.MLEDivisor
    var twonnDiscard: Estimators.TwoNNDiscard
    var twonnDiscardLabel: String
    var bootstrap: Int
    var threads: Int
    var nearDuplicateFactor: Double
    var nearDuplicateSamples: Int
}

/// The images of one task after exact duplicates are removed: feature-matrix rows per side
/// (side 0 negative, side 1 positive), ascending.
struct TaskPools {
    var negatives: [Int]
    var positives: [Int]
}

/// Measures K_F and d_data for one task.
///
/// K_F: R runs (default 25); run r draws min(M/2, |negatives|, |positives|) images from each side
/// with the stable sampler (stream "KF", run r) and takes the exact closest cross-label pair of
/// all pairs. d_data: one balanced sample of up to N images (stream "ID", run 0), exact k-NN,
/// MLE and TwoNN with percentile bootstrap intervals.
struct TaskMeasurer {
    let features: any FeatureRows
    let screening: ScreeningProjection
    let checksums: [UInt64]
    let paths: [String]
    let classNames: [String?]
    let parameters: EstimatorParameters
    /// Near-duplicate threshold; a closest pair below it is flagged. Nil when no search ran.
    let nearDuplicateThreshold: Double?
    /// Exact distances shared by the neighbour searches of all tasks of this audit.
    let distanceCache: PairDistanceCache
    /// What an earlier audit of the same images and parameters measured, when a session kept it.
    let prior: AuditMemory?
    /// Receives this audit's memory when a session will keep it; nil otherwise.
    let recorder: AuditMemoryRecorder?

    func measureLabelSharpness(_ pools: TaskPools, taskName: String, conflicts: [[String]]) -> (LabelSharpnessReport, LabelSharpnessSummary?) {
        let key = { (run: Int) in StableSampler.streamKey(seed: UInt64(truncatingIfNeeded: parameters.seed), stream: .labelSharpness, run: run) }
        var runs: [LabelSharpnessRun] = []
        var limitedBy: Int?
        var perSide = 0
        for run in 0..<parameters.runs {
            let sample = StableSampler.balancedSample(
                sides: [pools.negatives, pools.positives], perSide: parameters.samples / 2,
                key: key(run), checksum: { checksums[$0] }
            )
            limitedBy = sample.limitedBy
            perSide = sample.perSide
            guard sample.perSide > 0 else { break }
            // Without an earlier run this is a full measurement; the memory is kept only in a session.
            let (result, memory) = labelSharpnessRun(
                run: run, negatives: sample.sides[0], positives: sample.sides[1],
                features: features, screening: screening,
                keys: checksums, prior: prior?.labelSharpness[taskName]?[run]
            )
            runs.append(result)
            recorder?.record(task: taskName, run: run, memory)
        }

        var report = LabelSharpnessReport(
            mean: nil, ci95: nil, min: nil, max: nil, runs: runs.count, samples: 2 * perSide,
            limitedByClass: limitedBy.map { $0 == 0 ? "negative side (\(pools.negatives.count) images)" : "positive side (\(pools.positives.count) images)" },
            closestPair: nil, conflicts: conflicts, infinite: !conflicts.isEmpty, reason: nil,
            pairs: runs.reduce(0) { $0 + $1.negatives * $1.positives },
            exactEvaluations: runs.reduce(0) { $0 + $1.exactEvaluations },
            perRun: runs.map(\.value)
        )
        guard !runs.isEmpty else {
            report.reason = "degenerate dataset: after removing unreadable files and exact duplicates, the \(pools.negatives.isEmpty ? "negative" : "positive") side has no image"
            return (report, nil)
        }
        let summary = LabelSharpnessSummary(runs: runs)
        guard let interval = summary.interval, let closest = summary.closest else {
            report.reason = "degenerate dataset: every cross-label pair in every run is identical, so no finite K_F exists"
            return (report, summary)
        }
        report.mean = interval.mean
        // A 95% interval over runs needs at least two runs.
        report.ci95 = runs.count > 1 ? [interval.low, interval.high] : nil
        report.min = summary.minimum
        report.max = summary.maximum
        report.closestPair = ClosestPairReport(
            a: paths[closest.rowNegative], b: paths[closest.rowPositive],
            labels: [classNames[closest.rowNegative] ?? "negative", classNames[closest.rowPositive] ?? "positive"],
            distance: closest.distance,
            nearDuplicate: nearDuplicateThreshold.map { closest.distance < $0 } ?? false
        )
        return (report, summary)
    }

    /// Returns the report and the sampled rows, so a caller can tell whether a second call on
    /// reduced pools drew the same sample.
    func measureIntrinsicDimension(_ pools: TaskPools, memoryKey: String) -> (IntrinsicDimensionReport, [Int]) {
        let key = StableSampler.streamKey(seed: UInt64(truncatingIfNeeded: parameters.seed), stream: .intrinsicDimension, run: 0)
        let sample = StableSampler.balancedSample(
            sides: [pools.negatives, pools.positives], perSide: parameters.idSamples / 2,
            key: key, checksum: { checksums[$0] }
        )
        let points = (sample.sides[0] + sample.sides[1]).sorted()
        let k = parameters.neighbors
        let limited = sample.limitedBy.map { $0 == 0 ? "negative side (\(pools.negatives.count) images)" : "positive side (\(pools.positives.count) images)" }

        func undefined(_ reason: String) -> (IntrinsicDimensionReport, [Int]) {
            let report = IntrinsicDimensionReport(
                mle: DimensionReport(value: nil, ci95: nil, points: points.count, reason: reason, k: k, divisor: parameters.mleDivisor.rawValue),
                twonn: DimensionReport(value: nil, ci95: nil, points: points.count, reason: reason,
                                       discardFraction: discardFraction, discard: parameters.twonnDiscardLabel),
                samples: points.count, limitedByClass: limited, exactEvaluations: 0
            )
            return (report, points)
        }
        guard points.count > k else {
            return undefined("degenerate dataset: only \(points.count) distinct images in the sample, and k = \(k) neighbours need at least \(k + 1)")
        }

        let table: NeighborTable
        do {
            let keys = points.map { checksums[$0] }
            table = try exactNearestNeighbors(
                points: points, k: k, features: features, screening: screening, threads: parameters.threads,
                cache: distanceCache, keys: keys, prior: prior?.neighbors[memoryKey]
            )
            recorder?.record(neighbors: memoryKey, table.memory(keys: keys))
        } catch {
            return undefined("degenerate dataset: \(error)")
        }
        let seed = UInt64(truncatingIfNeeded: parameters.seed)
        let mle = maximumLikelihoodDimension(neighbors: table, divisor: parameters.mleDivisor, bootstrapReplicates: parameters.bootstrap, seed: seed)
        let twoNN = twoNNDimension(neighbors: table, discard: parameters.twonnDiscard, bootstrapReplicates: parameters.bootstrap, seed: seed)
        let report = IntrinsicDimensionReport(
            mle: DimensionReport(value: mle.value, ci95: interval(mle), points: mle.points, reason: mle.reason,
                                 k: k, divisor: parameters.mleDivisor.rawValue),
            twonn: DimensionReport(value: twoNN.value, ci95: interval(twoNN), points: twoNN.points, reason: twoNN.reason,
                                   discardFraction: discardFraction, discard: parameters.twonnDiscardLabel),
            samples: points.count, limitedByClass: limited, exactEvaluations: table.exactEvaluations
        )
        return (report, points)
    }

    private var discardFraction: Double? {
        if case let .fraction(value) = parameters.twonnDiscard { return value }
        return nil
    }

    private func interval(_ estimate: DimensionEstimate) -> [Double]? {
        guard let low = estimate.ciLow, let high = estimate.ciHigh else { return nil }
        return [low, high]
    }
}
