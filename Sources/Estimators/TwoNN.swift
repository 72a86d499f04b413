import Foundation
import LinearAlgebra

/// Rule for the ratios μ = T₂/T₁ that the TwoNN fit leaves out.
public enum TwoNNDiscard: Sendable, Equatable, Codable {
    /// Drop the largest fraction of ratios (default 0.1, as in Facco et al. 2017 and
    /// scikit-dimension): keep the ⌊n · (1 − fraction)⌋ smallest.
    case fraction(Double)
    /// Drop only the single largest ratio, as Konz & Mazurowski's code does.
    case largest

    func kept(of n: Int) -> Int {
        switch self {
        case let .fraction(fraction): return Int((Double(n) * (1 - fraction)).rounded(.down))
        case .largest: return n - 1
        }
    }
}

/// TwoNN intrinsic dimension (Facco, d'Errico, Rodriguez & Laio 2017, Scientific Reports 7:12140,
/// doi:10.1038/s41598-017-11873-y).
///
/// μᵢ = T₂(xᵢ)/T₁(xᵢ), sorted ascending; empirical F(μ₍ᵢ₎) = i/n; the model
/// −log(1 − F) = d · log μ is fitted by least squares through the origin on the kept ratios:
/// d = Σ xᵢyᵢ / Σ xᵢ², x = log μ, y = −log(1 − i/n). Needs neighbour tables with k ≥ 2.
/// Ties: when more than half of the ratios equal 1 (points whose first two neighbours are
/// equidistant, as on lattices or heavily duplicated data), the estimate is reported undefined.
/// The slope would then be driven by the ties rather than by the data.
/// Interval: percentile bootstrap over points (the μ values are resampled and the fit redone).
///
/// Cost: O(n log n) after the neighbour search.
public func twoNNDimension(
    neighbors: NeighborTable,
    discard: TwoNNDiscard = .fraction(0.1),
    bootstrapReplicates: Int = 1000,
    seed: UInt64 = 0
) -> DimensionEstimate {
    let n = neighbors.count
    guard neighbors.k >= 2 else {
        return .undefined("TwoNN needs the two nearest neighbours, got k = \(neighbors.k)", points: n)
    }
    guard n >= 3 else {
        return .undefined("TwoNN needs at least 3 points, got \(n)", points: n)
    }

    let ratios = (0..<n).map { neighbors.distance(point: $0, neighbor: 2) / neighbors.distance(point: $0, neighbor: 1) }
    let ties = ratios.filter { $0 == 1 }.count
    if ties * 2 > n {
        return .undefined("TwoNN is undefined: \(ties) of \(n) points have T2 = T1 (tied neighbours)", points: n)
    }

    let sortedRatios = ratios.sorted()
    let value = twoNNFit(sortedRatios, discard: discard, presorted: true)
    let interval = percentileBootstrap(count: n, replicates: bootstrapReplicates, seed: seed) { indices in
        // Indices arrive ascending, so the resampled ratios are already sorted.
        twoNNFit(indices.map { sortedRatios[$0] }, discard: discard, presorted: true)
    }
    return .checked(value, interval: interval, points: n, what: "the TwoNN dimension")
}

/// Least-squares slope through the origin of −log(1 − i/n) on log μ₍ᵢ₎ over the kept ratios;
/// NaN when the kept ratios are all 1.
func twoNNFit(_ ratios: [Double], discard: TwoNNDiscard, presorted: Bool = false) -> Double {
    let sorted = presorted ? ratios : ratios.sorted()
    let n = sorted.count
    let kept = min(n - 1, max(1, discard.kept(of: n)))
    var sxy = 0.0
    var sxx = 0.0
    for i in 0..<kept {
        let x = log(sorted[i])
        let y = -log(1 - Double(i + 1) / Double(n))
        sxy += x * y
        sxx += x * x
    }
    return sxx > 0 ? sxy / sxx : .nan
}
