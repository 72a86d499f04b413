import Estimators
import LinearAlgebra

/// Intrinsic dimension of a trained network's representation, d_repr: TwoNN and MLE of the
/// feature vectors (the 64 pooled features) of the training images, as Konz & Mazurowski
/// (ICLR 2024, arXiv 2401.08865) measure it.
public struct RepresentationDimension: Sendable, Codable, Equatable {
    public var twoNN: DimensionEstimate
    public var mle: DimensionEstimate
    /// Feature vectors left after exact duplicates were removed (ReLU features repeat, and a
    /// zero distance would make both estimators undefined).
    public var distinctPoints: Int
    public var duplicatesRemoved: Int
}

/// Estimates d_repr from `features` (row-major, `count` rows of `width` values).
///
/// Exact duplicate rows are reduced to one first. MLE uses k = `neighbors` (default 20) with the
/// given divisor; TwoNN drops the largest 10% of ratios. Either estimate is undefined, with a
/// reason, when fewer than k + 1 distinct vectors remain. Bootstrap intervals use `seed`.
public func representationDimension(
    features: [Float], count: Int, width: Int, neighbors: Int = 20, divisor: MLEDivisor = .kMinus2,
    bootstrapReplicates: Int = 1000, seed: UInt64 = 0, threads: Int = 2
) -> RepresentationDimension {
    precondition(features.count == count * width, "features must hold count × width values")

    // Exact duplicates reduced to their first row.
    let matrix = FeatureMatrix(rows: count, columns: width)
    for row in 0..<count {
        matrix.setRow(row, Array(features[(row * width)..<((row + 1) * width)]))
    }
    let groups = identicalRowGroups(Array(0..<count), features: matrix)
    let dropped = Set(groups.flatMap { $0.dropFirst() })
    let distinctRows = (0..<count).filter { !dropped.contains($0) }

    // One exact neighbour search serves both estimators.
    guard distinctRows.count > neighbors else {
        let reason = "\(distinctRows.count) distinct feature vectors; d_repr needs more than k = \(neighbors)"
        return RepresentationDimension(
            twoNN: .undefined(reason, points: distinctRows.count), mle: .undefined(reason, points: distinctRows.count),
            distinctPoints: distinctRows.count, duplicatesRemoved: dropped.count)
    }
    let screening = ScreeningProjection(features: matrix, planes: width, side: 1, block: 1, threads: threads)
    let table: NeighborTable
    do {
        table = try exactNearestNeighbors(points: distinctRows, k: neighbors, features: matrix, screening: screening, threads: threads)
    } catch {
        let reason = "neighbour search failed: \(error)"
        return RepresentationDimension(
            twoNN: .undefined(reason, points: distinctRows.count), mle: .undefined(reason, points: distinctRows.count),
            distinctPoints: distinctRows.count, duplicatesRemoved: dropped.count)
    }
    return RepresentationDimension(
        twoNN: twoNNDimension(neighbors: table, bootstrapReplicates: bootstrapReplicates, seed: seed),
        mle: maximumLikelihoodDimension(neighbors: table, divisor: divisor, bootstrapReplicates: bootstrapReplicates, seed: seed),
        distinctPoints: distinctRows.count, duplicatesRemoved: dropped.count)
}
