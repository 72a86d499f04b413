import Foundation
import LinearAlgebra

/// Groups rows of `features` whose vectors are bit-for-bit identical.
///
/// Rows are bucketed by a 64-bit hash of their bytes and every bucket is verified by a full
/// comparison, so a hash collision never merges distinct vectors. Groups have at least two
/// members, listed in the order of `rows`; groups are ordered by their first member.
/// Cost: one pass over the data plus one comparison per member of each group.
public func identicalRowGroups(_ rows: [Int], features: FeatureMatrix) -> [[Int]] {
    let length = features.columns
    var buckets: [UInt64: [Int]] = [:]
    for row in rows {
        buckets[rowHash(features.row(row), count: length), default: []].append(row)
    }

    var groups: [[Int]] = []
    for (_, members) in buckets where members.count > 1 {
        var remaining = members
        while remaining.count > 1 {
            let head = remaining[0]
            var same = [head]
            var other: [Int] = []
            for row in remaining.dropFirst() {
                if memcmp(features.row(head), features.row(row), length * MemoryLayout<Float>.size) == 0 {
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

/// FNV-1a-style hash over 32-bit words of the row's bit patterns (not byte-wise FNV: only
/// bucketing depends on it, and groups are verified exactly).
private func rowHash(_ row: UnsafePointer<Float>, count: Int) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for index in 0..<count {
        hash = (hash ^ UInt64(row[index].bitPattern)) &* 0x0000_0100_0000_01B3
    }
    return hash
}
