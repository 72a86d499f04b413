/// An intrinsic-dimension estimate with its bootstrap interval, or the reason it is undefined.
///
/// Invariant: `value`, `ciLow` and `ciHigh` are finite and positive whenever present. An
/// estimator that would produce 0, NaN or ∞ returns `value == nil` with a `reason` instead.
public struct DimensionEstimate: Sendable, Equatable, Codable {
    public var value: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    /// Reason `value` is nil; nil when the estimate is defined.
    public var reason: String?
    /// Number of points the estimate used.
    public var points: Int

    public static func undefined(_ reason: String, points: Int) -> DimensionEstimate {
        DimensionEstimate(value: nil, ciLow: nil, ciHigh: nil, reason: reason, points: points)
    }

    /// Wraps a computed value, turning 0, negative, NaN and ∞ into an undefined estimate.
    static func checked(_ value: Double, interval: (Double, Double)?, points: Int, what: String) -> DimensionEstimate {
        guard value.isFinite, value > 0 else {
            return .undefined("\(what) came out as \(value), which is not a dimension; the sample is degenerate (too many identical or collinear images)", points: points)
        }
        var estimate = DimensionEstimate(value: value, ciLow: nil, ciHigh: nil, reason: nil, points: points)
        if let (low, high) = interval, low.isFinite, high.isFinite, low > 0 {
            estimate.ciLow = low
            estimate.ciHigh = high
        }
        return estimate
    }
}

/// Percentile bootstrap: resamples `count` items with replacement `replicates` times, applies
/// `statistic` to the multiset of indices (in ascending order), and returns the 2.5th and 97.5th percentiles of the
/// finite results (Efron & Tibshirani 1993, ch. 13). Returns nil when fewer than half of the
/// replicates are finite or `replicates` is 0.
func percentileBootstrap(
    count: Int, replicates: Int, seed: UInt64,
    statistic: ([Int]) -> Double
) -> (Double, Double)? {
    guard replicates > 0, count > 1 else { return nil }
    var generator = SplitMix64(seed: seed)
    var results: [Double] = []
    results.reserveCapacity(replicates)
    var indices = [Int](repeating: 0, count: count)
    var multiplicity = [Int](repeating: 0, count: count)
    for _ in 0..<replicates {
        // Draw n indices with replacement and hand them over in ascending order (a counting
        // sort, O(n)), so a statistic on values sorted by index needs no sort of its own.
        for index in 0..<count { multiplicity[index] = 0 }
        for _ in 0..<count {
            multiplicity[Int(generator.next() % UInt64(count))] += 1
        }
        var position = 0
        for index in 0..<count {
            for _ in 0..<multiplicity[index] {
                indices[position] = index
                position += 1
            }
        }
        let value = statistic(indices)
        if value.isFinite { results.append(value) }
    }
    guard results.count * 2 >= replicates else { return nil }
    results.sort()
    return (percentile(results, 0.025), percentile(results, 0.975))
}

/// Linear-interpolation percentile of sorted values (the "linear" rule of Hyndman & Fan type 7).
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    let position = p * Double(sorted.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(sorted.count - 1, lower + 1)
    let fraction = position - Double(lower)
    return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
}
