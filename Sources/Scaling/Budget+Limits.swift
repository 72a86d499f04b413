import Foundation

extension Budget {
    /// Training-set sizes above this many images are reported as not reachable instead of as a number. No labelled
    /// medical image collection comes near 10^9 images, so such a size only shows that the fitted law cannot reach
    /// the target in practice.
    public static let maximumImages = 1e9

    /// A size above this multiple of the largest observed N carries an extrapolation warning. The factor is a
    /// judgement, not a fitted value: a power law fitted over the observed sizes is not tested three decades
    /// beyond them, and it may bend towards an asymptote long before.
    public static let maximumExtrapolationFactor = 1e3

    /// Applies the size limits to an available prediction.
    ///
    /// - When N > `maximumImages`, the status becomes `.notReachable` with the reason "not reachable within 10^9
    ///   images", and N and its interval are dropped.
    /// - When only the upper interval end exceeds `maximumImages`, that end becomes unbounded, and d_data values of
    ///   the spread whose N exceeds it are dropped and named in a warning.
    /// - When N > `maximumExtrapolationFactor` × `largestObservedN`, a warning names the factor. N stays, because
    ///   the caller may still want the order of magnitude.
    ///
    /// Predictions that are not available pass through unchanged. `largestObservedN` nil skips the warning.
    public static func limited(_ prediction: BudgetPrediction, largestObservedN: Int?) -> BudgetPrediction {
        guard prediction.status == .available, let n = prediction.n else { return prediction }

        var limited = prediction
        guard n <= maximumImages else {
            limited.status = .notReachable
            limited.reason = "not reachable within 10^9 images: the fitted law needs about \(format(n)) images "
                + "for this target"
            limited.n = nil
            limited.low = nil
            limited.high = nil
            limited.upperUnbounded = false
            limited.dimensionSpread = [:]
            return limited
        }

        if let high = limited.high, high > maximumImages {
            limited.high = nil
            limited.upperUnbounded = true
        }
        let beyond = limited.dimensionSpread.filter { $0.value > maximumImages }.keys.sorted()
        if !beyond.isEmpty {
            limited.dimensionSpread = limited.dimensionSpread.filter { $0.value <= maximumImages }
            limited.warnings.append(
                "with d_data " + beyond.joined(separator: " and ") + " the target is not reachable within 10^9 images"
            )
        }

        if let largest = largestObservedN, largest > 0, n > maximumExtrapolationFactor * Double(largest) {
            limited.warnings.append(
                "extrapolation: N is \(format(n / Double(largest)))× the largest observed N = \(largest), beyond the "
                    + "10^3× the power law supports; treat the number as an order of magnitude"
            )
        }
        return limited
    }
}
