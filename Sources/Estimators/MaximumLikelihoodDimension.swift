import Foundation
import LinearAlgebra

/// Divisor of the per-point MLE sum.
public enum MLEDivisor: String, Sendable, Codable, CaseIterable {
    /// 1/(k − 2): the bias-corrected form, and the one in Konz & Mazurowski's code (default).
    case kMinus2 = "k-2"
    /// 1/(k − 1): Levina & Bickel's original maximum-likelihood form.
    case kMinus1 = "k-1"

    func value(k: Int) -> Double {
        switch self {
        case .kMinus2: return Double(k - 2)
        case .kMinus1: return Double(k - 1)
        }
    }
}

/// Maximum-likelihood intrinsic dimension (Levina & Bickel 2004, NeurIPS, "Maximum Likelihood
/// Estimation of Intrinsic Dimension", Eq. 8) with MacKay & Ghahramani's (2005) averaging of
/// inverses, as used by Konz & Mazurowski (ICLR 2024, arXiv 2401.08865) and Pope et al. (2021).
///
/// Per point: m⁻¹(x) = 1/D · Σ_{j=1}^{k−1} log(T_k(x) / T_j(x)), with T_j the exact distance to
/// the j-th nearest neighbour and D = k − 2 (default) or k − 1. Estimate: d = 1 / mean_x m⁻¹(x).
/// Default k = 20. Exact duplicates must be removed beforehand (a zero T_j makes the log
/// infinite); `exactNearestNeighbors` skips distance-zero neighbours as a second guard.
/// Interval: percentile bootstrap over points of the m⁻¹ values (default 1000 replicates).
/// Undefined (nil with a reason) when k < 3, or when every m⁻¹ is 0 (all k neighbours
/// equidistant), which would give d = ∞.
///
/// Cost: O(n · k) after the neighbour search.
public func maximumLikelihoodDimension(
    neighbors: NeighborTable,
    divisor: MLEDivisor = .kMinus2,
    bootstrapReplicates: Int = 1000,
    seed: UInt64 = 0
) -> DimensionEstimate {
    let k = neighbors.k
    let n = neighbors.count
    guard k >= 3 else {
        return .undefined("MLE needs k >= 3 neighbours, got k = \(k)", points: n)
    }
    guard n >= 2 else {
        return .undefined("MLE needs at least 2 points, got \(n)", points: n)
    }

    // m⁻¹(x) per point.
    let denominator = divisor.value(k: k)
    var inverse = [Double](repeating: 0, count: n)
    for i in 0..<n {
        let tk = neighbors.distance(point: i, neighbor: k)
        var sum = 0.0
        for j in 1..<k {
            sum += log(tk / neighbors.distance(point: i, neighbor: j))
        }
        inverse[i] = sum / denominator
    }

    // d = 1 / mean m⁻¹, and the bootstrap over points.
    let value = Double(n) / inverse.reduce(0, +)
    let interval = percentileBootstrap(count: n, replicates: bootstrapReplicates, seed: seed) { indices in
        var sum = 0.0
        for index in indices { sum += inverse[index] }
        return Double(indices.count) / sum
    }
    return .checked(value, interval: interval, points: n, what: "the MLE dimension")
}
