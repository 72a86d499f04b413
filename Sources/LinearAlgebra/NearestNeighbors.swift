import Foundation

/// Exact k-nearest-neighbour distances within one set of rows.
public struct NeighborTable: Sendable {
    /// Number of neighbours per point.
    public let k: Int
    /// Number of points (rows of the query set).
    public let count: Int
    /// T_j(x) for j = 1…k: exact Euclidean distances, ascending; row-major, `count` × `k`.
    public let distances: [Double]
    /// Positions (into the query set) of the neighbours, matching `distances`.
    public let neighbors: [Int]
    /// Ordered pairs at exact distance zero that were skipped as neighbours.
    public let identicalPairs: Int
    /// Exact distance computations performed; all others were excluded by the screening bound.
    public let exactEvaluations: Int

    /// T_j(x_i) for 1 ≤ j ≤ k.
    public func distance(point i: Int, neighbor j: Int) -> Double {
        distances[i * k + (j - 1)]
    }
}

/// Errors of the neighbour search.
public enum NeighborSearchError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A point has fewer than k other points at a distance above zero.
    case tooFewDistinctNeighbors(point: Int, found: Int, k: Int)

    public var description: String {
        switch self {
        case let .tooFewDistinctNeighbors(point, found, k):
            return "point \(point) has only \(found) distinct neighbours at a distance above zero, but k = \(k) are needed; use more images or a smaller k"
        }
    }
}

/// Finds, for every row listed in `points`, its k nearest other rows of `points` by exact
/// `Double` distance, skipping rows at distance zero (identical vectors).
///
/// Method: one SGEMM of the screening projections gives lower bounds ℓ(i, j) ≤ ‖x_i − x_j‖
/// for all pairs. For each point the other points are visited in ascending order of bound and
/// measured exactly; the visit stops once k distances above zero are known and the next bound
/// reaches the k-th of them. The result is therefore identical to a brute-force exact search
/// (ties between equal distances are broken by position).
///
/// `cache`, when given, supplies and keeps exact distances across calls on the same matrix.
///
/// Cost: 2 · n² · p flops for the screening, then about n · (k + pruned extras) exact distances
/// of n_full multiply-adds each, spread over `threads` threads.
public func exactNearestNeighbors(
    points: [Int], k: Int,
    features: any FeatureRows,
    screening: ScreeningProjection,
    threads: Int = 2,
    cache: PairDistanceCache? = nil
) throws(NeighborSearchError) -> NeighborTable {
    precondition(k >= 1, "k must be at least 1")
    let n = points.count
    guard n > k else {
        throw .tooFewDistinctNeighbors(point: 0, found: max(0, n - 1), k: k)
    }
    let gram = screening.gram(rows: points, columns: points)

    let distances = SharedBuffer<Double>(repeating: .nan, count: n * k)
    let neighbors = SharedBuffer<Int>(repeating: -1, count: n * k)
    let identicalCounts = SharedBuffer<Int>(repeating: 0, count: n)
    let evaluationCounts = SharedBuffer<Int>(repeating: 0, count: n)
    let shortfalls = SharedBuffer<Int>(repeating: 0, count: n)

    let chunk = max(1, n / (8 * max(1, threads)))
    parallelFor((n + chunk - 1) / chunk, threads: threads) { chunkIndex in
        var bounds = [Float](repeating: 0, count: n)
        var order = [UInt64](repeating: 0, count: n)
        var bestDistances = [Double]()
        var bestNeighbors = [Int]()
        bestDistances.reserveCapacity(k + 1)
        bestNeighbors.reserveCapacity(k + 1)

        for i in (chunkIndex * chunk)..<min(n, (chunkIndex + 1) * chunk) {
            // Bounds to every other point, rounded down to Float so they stay lower bounds.
            // The bit pattern of a non-negative Float orders like its value, so sorting the
            // keys (bound bits << 32 | position) sorts by bound, then by position.
            for j in 0..<n {
                let bound = j == i ? Float.infinity : roundedDown(screening.lowerBoundSquared(points[i], points[j], gram: gram[i * n + j]))
                bounds[j] = bound
                order[j] = UInt64(bound.bitPattern) << 32 | UInt64(j)
            }
            order.sort()

            // Keep the k smallest exact distances above zero, ascending.
            bestDistances.removeAll(keepingCapacity: true)
            bestNeighbors.removeAll(keepingCapacity: true)
            var identical = 0
            var evaluations = 0
            for key in order {
                let j = Int(key & 0xFFFF_FFFF)
                if j == i { continue }
                if bestDistances.count == k && Double(bounds[j]) >= bestDistances[k - 1] * bestDistances[k - 1] {
                    break
                }
                let rowA = points[i]
                let rowB = points[j]
                let compute = { features.squaredDistance(rowA, rowB) }
                let squared = cache?.squaredDistance(rowA, rowB, compute: compute) ?? compute()
                evaluations += 1
                if squared == 0 {
                    identical += 1
                    continue
                }
                let distance = squared.squareRoot()
                if bestDistances.count == k && distance >= bestDistances[k - 1] {
                    continue
                }
                var position = bestDistances.count
                while position > 0 && (bestDistances[position - 1] > distance
                    || (bestDistances[position - 1] == distance && bestNeighbors[position - 1] > j)) {
                    position -= 1
                }
                bestDistances.insert(distance, at: position)
                bestNeighbors.insert(j, at: position)
                if bestDistances.count > k {
                    bestDistances.removeLast()
                    bestNeighbors.removeLast()
                }
            }

            for slot in 0..<k {
                distances[i * k + slot] = slot < bestDistances.count ? bestDistances[slot] : .nan
                neighbors[i * k + slot] = slot < bestNeighbors.count ? bestNeighbors[slot] : -1
            }
            identicalCounts[i] = identical
            evaluationCounts[i] = evaluations
            shortfalls[i] = k - bestDistances.count
        }
    }

    var identicalPairs = 0
    var exactEvaluations = 0
    for i in 0..<n {
        if shortfalls[i] > 0 {
            throw .tooFewDistinctNeighbors(point: i, found: k - shortfalls[i], k: k)
        }
        identicalPairs += identicalCounts[i]
        exactEvaluations += evaluationCounts[i]
    }
    return NeighborTable(
        k: k, count: n,
        distances: distances.array, neighbors: neighbors.array,
        identicalPairs: identicalPairs, exactEvaluations: exactEvaluations
    )
}

/// Rounds `value` ≥ 0 down to a `Float`, so a rounded bound stays a lower bound.
@inline(__always)
func roundedDown(_ value: Double) -> Float {
    let rounded = Float(value)
    return Double(rounded) > value ? rounded.nextDown : rounded
}
