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

/// One point's neighbours from an earlier search, by stable key (the audit uses file checksums).
public struct NeighborList: Sendable, Equatable {
    public var keys: [UInt64]
    /// Exact distances, ascending, matching `keys`.
    public var distances: [Double]
}

/// Neighbour lists of an earlier search, for updating it when a few points are added or removed.
public struct NeighborMemory: Sendable {
    public var k: Int
    public var lists: [UInt64: NeighborList]

    public init(k: Int, lists: [UInt64: NeighborList]) {
        self.k = k
        self.lists = lists
    }
}

extension NeighborTable {
    /// Returns the lists of this table keyed by `keys[i]`, the key of the i-th point.
    public func memory(keys: [UInt64]) -> NeighborMemory {
        var lists: [UInt64: NeighborList] = [:]
        for i in 0..<count {
            let row = (0..<k).map { neighbors[i * k + $0] }
            lists[keys[i]] = NeighborList(keys: row.map { keys[$0] }, distances: Array(distances[(i * k)..<((i + 1) * k)]))
        }
        return NeighborMemory(k: k, lists: lists)
    }
}

/// Finds, for every row listed in `points`, its k nearest other rows of `points` by exact
/// `Double` distance, skipping rows at distance zero (identical vectors).
///
/// Method: one SGEMM of the screening projections gives lower bounds ℓ(i, j) ≤ ‖x_i − x_j‖
/// for all pairs. For each point the other points are visited in ascending order of bound and
/// measured exactly. The visit stops once k distances above zero are known and the next bound
/// reaches the k-th of them. The result is therefore identical to a brute-force exact search
/// (ties between equal distances are broken by position).
///
/// Update: `keys` gives a stable key per point and `prior` the memory of an earlier search with
/// the same k. A point whose earlier k neighbours are all still present keeps them and is
/// compared only with the points that are new. Every other point is searched in full. Because
/// the earlier neighbours were the k nearest among a set that contained every point still
/// present except the new ones, the merged list equals a full search. Only the new comparisons
/// are screened and counted.
///
/// `cache`, when given, supplies and keeps exact distances across calls on the same matrix.
///
/// Cost: 2 · n_full · n · p flops for the screening of rows searched in full, plus
/// 2 · n_kept · n_new · p for the kept rows, then about k + pruned extras exact distances per
/// row searched in full, spread over `threads` threads.
public func exactNearestNeighbors(
    points: [Int], k: Int,
    features: any FeatureRows,
    screening: ScreeningProjection,
    threads: Int = 2,
    cache: PairDistanceCache? = nil,
    keys: [UInt64]? = nil,
    prior: NeighborMemory? = nil
) throws(NeighborSearchError) -> NeighborTable {
    precondition(k >= 1, "k must be at least 1")
    precondition(keys == nil || keys!.count == points.count, "one key per point")
    let n = points.count
    guard n > k else {
        throw .tooFewDistinctNeighbors(point: 0, found: max(0, n - 1), k: k)
    }

    // Which points keep their earlier lists, and which points are new.
    var kept = [NeighborList?](repeating: nil, count: n)
    var newPositions: [Int] = []
    var positionOfKey: [UInt64: Int] = [:]
    if let keys, let prior, prior.k == k {
        for (position, key) in keys.enumerated() { positionOfKey[key] = position }
        for position in 0..<n {
            guard let list = prior.lists[keys[position]] else {
                newPositions.append(position)
                continue
            }
            if list.keys.count == k && list.keys.allSatisfy({ positionOfKey[$0] != nil }) {
                kept[position] = list
            }
        }
    }
    let fullPositions = (0..<n).filter { kept[$0] == nil }
    let keptPositions = (0..<n).filter { kept[$0] != nil }
    let fullGram = screening.gram(rows: fullPositions.map { points[$0] }, columns: points)
    let keptGram = newPositions.isEmpty ? [] : screening.gram(rows: keptPositions.map { points[$0] }, columns: newPositions.map { points[$0] })
    let fullIndex = Dictionary(uniqueKeysWithValues: fullPositions.enumerated().map { ($1, $0) })
    let keptIndex = Dictionary(uniqueKeysWithValues: keptPositions.enumerated().map { ($1, $0) })
    let positionMap = positionOfKey
    let newList = newPositions
    let keptLists = kept

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
            bestDistances.removeAll(keepingCapacity: true)
            bestNeighbors.removeAll(keepingCapacity: true)
            var candidates = 0
            if let list = keptLists[i] {
                // Start from the earlier list; only new points are candidates.
                for (key, distance) in zip(list.keys, list.distances) {
                    bestDistances.append(distance)
                    bestNeighbors.append(positionMap[key]!)
                }
                let row = keptIndex[i]!
                for (offset, j) in newList.enumerated() {
                    let bound = roundedDown(screening.lowerBoundSquared(points[i], points[j], gram: keptGram[row * newList.count + offset]))
                    bounds[j] = bound
                    order[offset] = UInt64(bound.bitPattern) << 32 | UInt64(j)
                }
                candidates = newList.count
            } else {
                // Bounds to every other point, rounded down to Float so they stay lower bounds.
                // The bit pattern of a non-negative Float orders like its value, so sorting the
                // keys (bound bits << 32 | position) sorts by bound, then by position.
                let row = fullIndex[i]!
                for j in 0..<n {
                    let bound = j == i ? Float.infinity : roundedDown(screening.lowerBoundSquared(points[i], points[j], gram: fullGram[row * n + j]))
                    bounds[j] = bound
                    order[j] = UInt64(bound.bitPattern) << 32 | UInt64(j)
                }
                candidates = n
            }
            // Visit candidates in ascending key order. Usually only a few times k are visited,
            // so sort a leading block chosen by partial selection, and sort the rest only if
            // the walk reaches it.
            var sortedEnd = min(candidates, 8 * k + 8)
            selectSmallest(&order, count: sortedEnd, in: 0..<candidates)
            order[0..<sortedEnd].sort()

            // Keep the k smallest exact distances above zero, ascending.
            var identical = 0
            var evaluations = 0
            var next = 0
            while next < candidates {
                if next == sortedEnd {
                    order[sortedEnd..<candidates].sort()
                    sortedEnd = candidates
                }
                let key = order[next]
                next += 1
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

/// Rearranges `values[range]` so that its `count` smallest elements come first (in no particular
/// order) and every later element is at least as large: Hoare quickselect, expected O(n).
func selectSmallest(_ values: inout [UInt64], count: Int, in range: Range<Int>) {
    var low = range.lowerBound
    var high = range.upperBound - 1
    let target = range.lowerBound + count - 1
    guard count > 0, count < range.count else { return }
    while low < high {
        let pivot = values[low + (high - low) / 2]
        var i = low
        var j = high
        while i <= j {
            while values[i] < pivot { i += 1 }
            while values[j] > pivot { j -= 1 }
            if i <= j {
                values.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if target <= j {
            high = j
        } else if target >= i {
            low = i
        } else {
            return
        }
    }
}
