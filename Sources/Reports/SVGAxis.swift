import Foundation

/// A linear axis: a data interval widened to round tick values, mapped onto a pixel interval.
///
/// The tick step is 1, 2, 5 or 10 times a power of ten, the smallest such step that gives at most
/// `targetTickCount` intervals, and the domain runs from the largest multiple of the step
/// at or below `low` to the smallest at or above `high`. Example: 0 and 0.137 with 5 intervals
/// give the step 0.05, the domain 0...0.15 and the ticks 0, 0.05, 0.1, 0.15.
public struct LinearAxis: Sendable, Equatable {
    public let domain: ClosedRange<Double>
    public let ticks: [Double]
    /// Digits after the decimal point that print every tick exactly (0 for a step of 1 or more).
    public let fractionDigits: Int

    /// Builds the axis for data from `low` to `high`. Non-finite bounds are treated as 0 and 1,
    /// swapped bounds are ordered, and an empty range (low == high) is widened to one unit of
    /// its own magnitude (or to 0...1 around 0) so that the axis always has a length.
    public init(covering low: Double, _ high: Double, targetTickCount: Int = 5) {
        var lower = low.isFinite ? Swift.min(low, high.isFinite ? high : low) : 0
        var upper = high.isFinite ? Swift.max(high, low.isFinite ? low : high) : 1
        if !lower.isFinite || !upper.isFinite {
            lower = 0
            upper = 1
        }
        if lower == upper {
            let magnitude = lower == 0 ? 1 : pow(10, floor(log10(abs(lower))))
            lower -= magnitude / 2
            upper += magnitude / 2
            if low >= 0 && lower < 0 {
                lower = 0
            }
        }

        // Step = mantissa x 10^exponent, mantissa in {1, 2, 5, 10}.
        let intervals = Double(Swift.max(1, targetTickCount))
        let rawStep = (upper - lower) / intervals
        var exponent = Int(floor(log10(rawStep)))
        let residual = rawStep / pow(10, Double(exponent))
        var mantissa = [1.0, 2.0, 5.0, 10.0].first { $0 >= residual - 1e-9 } ?? 10
        if mantissa == 10 {
            mantissa = 1
            exponent += 1
        }

        // Integer multiples of the step, so that 3 x 0.05 prints as 0.15 and not 0.15000000000000002.
        let first = Int(floor(lower / (mantissa * pow(10, Double(exponent))) + 1e-9))
        let last = Int(ceil(upper / (mantissa * pow(10, Double(exponent))) - 1e-9))
        let ticks = (first...Swift.max(first + 1, last)).map { index in
            scaledByPowerOfTen(Double(index) * mantissa, exponent)
        }
        self.ticks = ticks
        self.domain = ticks.first!...ticks.last!
        self.fractionDigits = Swift.max(0, -exponent)
    }

    /// Maps `value` linearly from `domain` onto `pixels`; values outside the domain map outside.
    public func position(of value: Double, in pixels: ClosedRange<Double>) -> Double {
        let fraction = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        return pixels.lowerBound + fraction * (pixels.upperBound - pixels.lowerBound)
    }

    /// Tick label with `fractionDigits` decimals, for example "0.05".
    public func label(_ tick: Double) -> String {
        String(format: "%.\(fractionDigits)f", tick)
    }
}

/// A base-10 logarithmic axis for quantities that follow power laws, such as test loss against
/// training set size (L ≲ C · K_F · N^(−1/d) is a straight line on log-log axes).
///
/// The domain is widened to whole decades: 10^floor(log10 low) ... 10^ceil(log10 high). Ticks
/// are at every decade when the domain spans 2 to 6 decades, at every ⌈decades / 6⌉-th decade
/// when it spans more, and at 1, 2 and 5 times the power of ten when it spans one decade.
/// Example: 0.03 and 250 give the domain 0.01...1000 and the ticks 0.01, 0.1, 1, 10, 100, 1000.
public struct LogAxis: Sendable, Equatable {
    public let domain: ClosedRange<Double>
    public let ticks: [Double]

    /// Builds the axis for positive data from `low` to `high`; nil when either bound is not a
    /// finite positive number, because a logarithmic axis cannot show 0 or negative values.
    /// Swapped bounds are ordered; a value that is an exact power of ten on both ends gets one
    /// decade above it.
    public init?(covering low: Double, _ high: Double) {
        guard low.isFinite, high.isFinite, low > 0, high > 0 else {
            return nil
        }
        let lowerExponent = Int(floor(log10(Swift.min(low, high)) + 1e-12))
        var upperExponent = Int(ceil(log10(Swift.max(low, high)) - 1e-12))
        if upperExponent == lowerExponent {
            upperExponent += 1
        }

        let decades = upperExponent - lowerExponent
        var ticks: [Double] = []
        if decades == 1 {
            ticks = [1.0, 2.0, 5.0].map { scaledByPowerOfTen($0, lowerExponent) } + [scaledByPowerOfTen(1, upperExponent)]
        } else {
            let stride = decades <= 6 ? 1 : (decades + 5) / 6
            var exponent = lowerExponent
            while exponent <= upperExponent {
                ticks.append(scaledByPowerOfTen(1, exponent))
                exponent += stride
            }
        }
        self.ticks = ticks
        self.domain = scaledByPowerOfTen(1, lowerExponent)...scaledByPowerOfTen(1, upperExponent)
    }

    /// Maps `value` onto `pixels` by log10; a value that is not positive maps to the lower end.
    public func position(of value: Double, in pixels: ClosedRange<Double>) -> Double {
        guard value > 0 else {
            return pixels.lowerBound
        }
        let low = log10(domain.lowerBound)
        let fraction = (log10(value) - low) / (log10(domain.upperBound) - low)
        return pixels.lowerBound + fraction * (pixels.upperBound - pixels.lowerBound)
    }

    /// Tick label: plain decimals from 0.001 to 10,000 ("0.01", "200"), else "1e-5" or "1e6".
    public func label(_ tick: Double) -> String {
        if tick >= 1e-3 && tick <= 1e4 {
            return String(format: "%g", tick)
        }
        let exponent = Int(floor(log10(tick) + 1e-12))
        let mantissa = tick / pow(10, Double(exponent))
        let mantissaText = abs(mantissa - 1) < 1e-9 ? "1" : String(format: "%g", mantissa)
        return "\(mantissaText)e\(exponent)"
    }
}

/// Returns value x 10^exponent, dividing by an exact power of ten for negative exponents so that
/// decimal tick values such as 0.15 are the nearest Double to the decimal.
func scaledByPowerOfTen(_ value: Double, _ exponent: Int) -> Double {
    if exponent >= 0 {
        return value * pow(10, Double(exponent))
    }
    return value / pow(10, Double(-exponent))
}
