import Foundation
import LinearAlgebra

/// Groups rows of `features` whose vectors are bit-for-bit identical.
///
/// Rows are bucketed by a 64-bit hash of their bytes and every bucket is verified by a full
/// comparison, so a hash collision never merges distinct vectors. Groups have at least two
/// members, listed in the order of `rows`; groups are ordered by their first member.
/// Cost: one pass over the data plus one comparison per member of each group.
///
/// `hash`, when given, returns each row's `rowHash` from an earlier computation.
public func identicalRowGroups(_ rows: [Int], features: any FeatureRows, hash: ((Int) -> UInt64)? = nil) -> [[Int]] {
    var buckets: [UInt64: [Int]] = [:]
    for row in rows {
        buckets[hash?(row) ?? features.rowHash(row), default: []].append(row)
    }

    var groups: [[Int]] = []
    for (_, members) in buckets where members.count > 1 {
        var remaining = members
        while remaining.count > 1 {
            let head = remaining[0]
            var same = [head]
            var other: [Int] = []
            for row in remaining.dropFirst() {
                if features.rowsEqual(head, row) {
                    same.append(row)
                } else {
                    other.append(row)
                }
            }
            if same.count > 1 { groups.append(same) }
            remaining = other
        }
    }
    let position = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
    return groups
        .map { $0.sorted { position[$0]! < position[$1]! } }
        .sorted { position[$0[0]]! < position[$1[0]]! }
}
