import Foundation

/// The closest pair between two sets of rows, by exact distance.
public struct ClosestPair: Sendable, Equatable {
    /// Exact Euclidean distance of the closest pair at a distance above zero; +∞ when every
    /// cross pair is at distance zero or a set is empty.
    public var distance: Double
    /// Row indices of the pair in the feature matrix (first from set A, then from set B); -1 when none.
    public var rowA: Int
    public var rowB: Int
    /// Cross pairs at exact distance zero (identical vectors), which are skipped.
    public var identicalPairs: Int
    /// Cross pairs whose exact distance was computed; the rest were excluded by the screening bound.
    public var exactEvaluations: Int
    /// All cross pairs, |A| · |B|.
    public var pairs: Int
}

/// Finds the cross pair (a ∈ A, b ∈ B) with the smallest exact distance above zero, over ALL
/// |A| · |B| pairs, without computing most of them at full resolution.
///
/// Method: one SGEMM of the screening projections gives a lower bound ℓ(a, b) ≤ ‖x_a − x_b‖ for
/// every pair (see `ScreeningProjection`). The pair with the smallest bound is measured exactly
/// first; then every pair whose bound is below the best exact distance found so far is measured,
/// in ascending order of bound, stopping at the first bound that reaches the best distance.
/// Pairs at exact distance zero are counted in `identicalPairs` and skipped; because their
/// bound is 0 they are always measured, so the count is exact.
///
/// Guarantee: the result equals the minimum over all pairs of the exact `Double` distance,
/// because a skipped pair's true distance is at least its bound, which is at least the best.
///
/// Cost: 2 · |A| · |B| · p flops for the screening (p projected columns), plus n · (number of
/// measured pairs) for the exact distances, n = full row length.
public func closestCrossPair(
    _ setA: [Int], _ setB: [Int],
    features: any FeatureRows,
    screening: ScreeningProjection
) -> ClosestPair {
    var result = ClosestPair(
        distance: .infinity, rowA: -1, rowB: -1,
        identicalPairs: 0, exactEvaluations: 0, pairs: setA.count * setB.count
    )
    guard !setA.isEmpty, !setB.isEmpty else { return result }

    // Screening bounds for all pairs, row-major over (a, b).
    let gram = screening.gram(rows: setA, columns: setB)
    let columns = setB.count
    var bounds = [Double](repeating: 0, count: gram.count)
    for a in 0..<setA.count {
        for b in 0..<columns {
            bounds[a * columns + b] = screening.lowerBoundSquared(setA[a], setB[b], gram: gram[a * columns + b])
        }
    }

    func measure(_ flatIndex: Int) {
        let rowA = setA[flatIndex / columns]
        let rowB = setB[flatIndex % columns]
        let squared = features.squaredDistance(rowA, rowB)
        result.exactEvaluations += 1
        if squared == 0 {
            result.identicalPairs += 1
            return
        }
        let distance = squared.squareRoot()
        if distance < result.distance || (distance == result.distance && (rowA, rowB) < (result.rowA, result.rowB)) {
            result.distance = distance
            result.rowA = rowA
            result.rowB = rowB
        }
    }

    // Phase 1: every pair whose bound is 0, in one pass. Identical vectors always land here,
    // because the rounding margin covers the SGEMM error of their zero distance, so phase 2
    // never meets them and the identical-pair count is exact.
    var measured = Set<Int>()
    for index in bounds.indices where bounds[index] == 0 {
        measured.insert(index)
        measure(index)
    }

    // Then pairs in order of smallest bound until one is at a distance above zero.
    while result.distance == .infinity && measured.count < bounds.count {
        var smallest = -1
        var smallestBound = Double.infinity
        for index in bounds.indices where bounds[index] < smallestBound && !measured.contains(index) {
            smallest = index
            smallestBound = bounds[index]
        }
        guard smallest >= 0 else { break }
        measured.insert(smallest)
        measure(smallest)
    }

    // Phase 2: every pair whose bound is below the best squared distance, in ascending bound order.
    guard result.distance.isFinite else { return result }
    var candidates: [Int] = []
    let threshold = result.distance * result.distance
    for index in bounds.indices where bounds[index] < threshold && !measured.contains(index) {
        candidates.append(index)
    }
    candidates.sort { bounds[$0] < bounds[$1] || (bounds[$0] == bounds[$1] && $0 < $1) }
    for index in candidates {
        if bounds[index] >= result.distance * result.distance { break }
        measure(index)
    }
    return result
}
