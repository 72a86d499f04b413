import Foundation

/// Kendall's rank correlation τ_b between two paired samples, with a two-sided p-value for τ = 0.
public struct KendallTau: Sendable, Codable, Equatable {
    /// How `pValue` was computed.
    public enum Method: String, Sendable, Codable {
        /// Exact null distribution of the number of discordant pairs over all n! orderings.
        case exact
        /// Normal approximation with Kendall's tie-corrected variance of C − D.
        case normalApproximation = "normal approximation"
    }

    public var tau: Double
    public var pValue: Double
    public var method: Method
    public var count: Int
    public var concordant: Int
    public var discordant: Int

    /// Largest n for the exact p-value; above it, or with ties, the normal approximation is used. scipy.stats
    /// .kendalltau (method 'auto', SciPy 1.x) uses the same rule, so p-values agree with it.
    public static let exactLimit = 33

    /// Computes τ_b = (C − D) / √((n₀ − n₁)(n₀ − n₂)), with n₀ = n(n−1)/2 and n₁, n₂ the pairs tied in x and in
    /// y (Kendall 1945, Biometrika 33:239–251). A pair tied in x or y counts as neither concordant nor
    /// discordant. O(n²) pairs.
    ///
    /// p-value: with no ties and n ≤ `exactLimit`, 2 · P(D ≤ min(D, n₀ − D)) from the exact distribution of
    /// inversions of a random permutation, capped at 1. Otherwise z = (C − D) / √Var with
    /// Var = [n(n−1)(2n+5) − Σt(t−1)(2t+5) − Σu(u−1)(2u+5)] / 18
    ///       + Σt(t−1)(t−2) · Σu(u−1)(u−2) / [9n(n−1)(n−2)] + Σt(t−1) · Σu(u−1) / [2n(n−1)]
    /// over tie groups t of x and u of y, and p = erfc(|z| / √2).
    ///
    /// Throws `.insufficientData` for fewer than 2 pairs or when x or y is constant (τ_b is 0/0).
    public init(_ x: [Double], _ y: [Double]) throws(ScalingError) {
        guard x.count == y.count else {
            throw .invalidArgument("Kendall's τ needs paired samples, got \(x.count) and \(y.count) values")
        }
        let n = x.count
        guard n >= 2 else {
            throw .insufficientData("Kendall's τ needs at least 2 pairs, got \(n)")
        }

        var concordant = 0
        var discordant = 0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let product = (x[i] - x[j]) * (y[i] - y[j])
                if product > 0 {
                    concordant += 1
                } else if product < 0 {
                    discordant += 1
                }
            }
        }

        let tiesX = Self.tieGroups(x)
        let tiesY = Self.tieGroups(y)
        let pairs = Double(n * (n - 1) / 2)
        let tiedX = tiesX.reduce(0.0) { $0 + Double($1 * ($1 - 1) / 2) }
        let tiedY = tiesY.reduce(0.0) { $0 + Double($1 * ($1 - 1) / 2) }
        guard tiedX < pairs, tiedY < pairs else {
            throw .insufficientData("Kendall's τ is undefined because one ranking has a single value for all \(n) items")
        }

        self.count = n
        self.concordant = concordant
        self.discordant = discordant
        self.tau = Double(concordant - discordant) / ((pairs - tiedX) * (pairs - tiedY)).squareRoot()

        if tiesX.isEmpty && tiesY.isEmpty && n <= Self.exactLimit {
            method = .exact
            pValue = Self.exactPValue(n: n, discordant: min(discordant, n * (n - 1) / 2 - discordant))
        } else {
            method = .normalApproximation
            pValue = Self.normalPValue(n: n, score: Double(concordant - discordant), tiesX: tiesX, tiesY: tiesY)
        }
    }

    /// Sizes (≥ 2) of the groups of equal values.
    private static func tieGroups(_ values: [Double]) -> [Int] {
        var counts: [Double: Int] = [:]
        for value in values {
            counts[value, default: 0] += 1
        }
        return counts.values.filter { $0 > 1 }
    }

    /// 2 · P(D ≤ d) under H₀, where D counts inversions of a uniformly random permutation of n items. The counts
    /// of permutations with k inversions (Mahonian numbers) follow from adding one item at a time.
    private static func exactPValue(n: Int, discordant: Int) -> Double {
        var counts = [1.0]
        for size in 2...n {
            var next = [Double](repeating: 0, count: counts.count + size - 1)
            for (inversions, count) in counts.enumerated() {
                for added in 0..<size {
                    next[inversions + added] += count
                }
            }
            counts = next
        }
        let total = counts.reduce(0, +)
        let tail = counts[0...discordant].reduce(0, +)
        return min(1, 2 * tail / total)
    }

    private static func normalPValue(n: Int, score: Double, tiesX: [Int], tiesY: [Int]) -> Double {
        func sum(_ groups: [Int], _ term: (Double) -> Double) -> Double {
            groups.reduce(0) { $0 + term(Double($1)) }
        }
        let size = Double(n)
        let m = size * (size - 1)
        let x1 = sum(tiesX) { $0 * ($0 - 1) * (2 * $0 + 5) }
        let y1 = sum(tiesY) { $0 * ($0 - 1) * (2 * $0 + 5) }
        let x2 = sum(tiesX) { $0 * ($0 - 1) * ($0 - 2) }
        let y2 = sum(tiesY) { $0 * ($0 - 1) * ($0 - 2) }
        let x3 = sum(tiesX) { $0 * ($0 - 1) }
        let y3 = sum(tiesY) { $0 * ($0 - 1) }

        var variance = (m * (2 * size + 5) - x1 - y1) / 18 + x3 * y3 / (2 * m)
        if n > 2 {
            variance += x2 * y2 / (9 * m * (size - 2))
        }
        guard variance > 0 else { return 1 }
        return erfc(abs(score) / variance.squareRoot() / 2.0.squareRoot())
    }
}
