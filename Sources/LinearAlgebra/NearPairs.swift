import Foundation

/// A pair of distinct rows closer than a threshold.
public struct NearPair: Sendable, Equatable {
    public var rowA: Int
    public var rowB: Int
    /// Exact Euclidean distance, above zero.
    public var distance: Double
}

/// Finds every pair of `rows` whose exact distance lies in (0, `threshold`), without a
/// full-resolution product over all pairs.
///
/// The screening projection bounds every pair from below (see `ScreeningProjection`); it is
/// computed for blocks of `blockRows` rows against all later rows with one SGEMM per block, so
/// memory stays at blockRows × n values. Only pairs whose bound is below threshold² are
/// measured exactly. Guarantee: the result equals a brute-force exact search for pairs with
/// 0 < d < threshold, listed with rowA before rowB in the order of `rows`.
///
/// Cost: n² · p flops of screening (p projected columns) plus n_full per candidate pair.
public func nearPairs(
    _ rows: [Int], threshold: Double,
    features: any FeatureRows, screening: ScreeningProjection,
    blockRows: Int = 256, threads: Int = 2
) -> (pairs: [NearPair], candidates: Int) {
    guard threshold > 0, rows.count > 1 else { return ([], 0) }
    let thresholdSquared = threshold * threshold
    var pairs: [NearPair] = []
    var candidates = 0

    var start = 0
    while start < rows.count - 1 {
        let end = min(rows.count, start + blockRows)
        let blockIndices = Array(rows[start..<end])
        let laterIndices = Array(rows[start...])
        let gram = screening.gram(rows: blockIndices, columns: laterIndices)

        // Candidates: pairs (a, b) with b after a whose bound is below the threshold.
        var blockCandidates: [(Int, Int)] = []
        for a in 0..<blockIndices.count {
            for b in (a + 1)..<laterIndices.count {
                let bound = screening.lowerBoundSquared(blockIndices[a], laterIndices[b], gram: gram[a * laterIndices.count + b])
                if bound < thresholdSquared {
                    blockCandidates.append((blockIndices[a], laterIndices[b]))
                }
            }
        }
        candidates += blockCandidates.count

        // Exact distances of the candidates, in parallel.
        let distances = SharedBuffer<Double>(repeating: 0, count: blockCandidates.count)
        let candidateList = blockCandidates
        let workers = max(1, min(threads, candidateList.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < candidateList.count {
                let (rowA, rowB) = candidateList[index]
                distances[index] = features.squaredDistance(rowA, rowB).squareRoot()
                index += workers
            }
        }
        for (index, (rowA, rowB)) in candidateList.enumerated() {
            let distance = distances[index]
            if distance > 0 && distance < threshold {
                pairs.append(NearPair(rowA: rowA, rowB: rowB, distance: distance))
            }
        }
        start = end
    }
    return (pairs, candidates)
}

/// Groups rows connected through pairs (connected components, union–find with path halving).
/// Each group lists its rows ascending; groups are ordered by their smallest row.
public func connectedGroups(_ pairs: [NearPair]) -> [[Int]] {
    var parent: [Int: Int] = [:]
    func find(_ row: Int) -> Int {
        var current = row
        while let next = parent[current], next != current {
            let grandparent = parent[next] ?? next
            parent[current] = grandparent
            current = grandparent
        }
        return current
    }
    for pair in pairs {
        if parent[pair.rowA] == nil { parent[pair.rowA] = pair.rowA }
        if parent[pair.rowB] == nil { parent[pair.rowB] = pair.rowB }
        let rootA = find(pair.rowA)
        let rootB = find(pair.rowB)
        if rootA != rootB {
            parent[max(rootA, rootB)] = min(rootA, rootB)
        }
    }
    var groups: [Int: [Int]] = [:]
    for row in parent.keys {
        groups[find(row), default: []].append(row)
    }
    return groups.values.map { $0.sorted() }.sorted { $0[0] < $1[0] }
}
