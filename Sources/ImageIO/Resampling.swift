/// Resamples a single-channel row-major plane to `toWidth` x `toHeight`, one axis at a time.
///
/// Each axis independently uses one of three rules, with s = in / out its size ratio:
/// - shrinking (in > out), exact area averaging for any factor, integer or not: output pixel i
///   covers the source interval [i*s, (i+1)*s), and its value is sum_j overlap_j * p_j / s, where
///   overlap_j is the length of that interval inside source pixel j = [j, j+1). For example
///   3 -> 2 gives (p0 + p1/2) / 1.5 and (p1/2 + p2) / 1.5.
/// - enlarging (in < out), linear interpolation with half-pixel centres: the source
///   coordinate is x = (i + 0.5) * s - 0.5, clamped to [0, in - 1], and the value is
///   (1 - t) * p_floor(x) + t * p_floor(x)+1 with t = x - floor(x). Applied on both axes
///   this is bilinear interpolation.
/// - equal size, a copy.
/// The horizontal pass runs first, then the vertical pass on its result, so one axis may
/// shrink while the other grows. Weights are exact rationals computed in Double, with the shrink
/// footprints in integer units of 1/out. Sums run in Float, so a result differs from the exact
/// value by a few Float ulps. Cost: O(width * height + toWidth * height * s_x +
/// toWidth * toHeight * s_y) multiply-adds.
///
/// - Precondition: all sizes are positive and `plane.count == width * height`.
public func resample(_ plane: [Float], width: Int, height: Int, toWidth: Int, toHeight: Int) -> [Float] {
    precondition(width > 0 && height > 0 && toWidth > 0 && toHeight > 0, "resample: sizes must be positive")
    precondition(plane.count == width * height, "resample: plane has \(plane.count) values, not \(width) x \(height)")
    if width == toWidth && height == toHeight {
        return plane
    }

    // Horizontal pass: height rows of toWidth values.
    var horizontal = plane
    if width != toWidth {
        let weights = AxisWeights(inputSize: width, outputSize: toWidth)
        horizontal = [Float](repeating: 0, count: toWidth * height)
        plane.withUnsafeBufferPointer { source in
            horizontal.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    let sourceRow = y * width
                    let targetRow = y * toWidth
                    for i in 0..<toWidth {
                        var sum: Float = 0
                        let first = weights.firstInput[i]
                        for k in weights.range(of: i) {
                            sum += weights.weights[k] * source[sourceRow + first + k - weights.offsets[i]]
                        }
                        target[targetRow + i] = sum
                    }
                }
            }
        }
    }
    if height == toHeight {
        return horizontal
    }

    // Vertical pass: each output row is a weighted sum of whole input rows.
    let weights = AxisWeights(inputSize: height, outputSize: toHeight)
    var result = [Float](repeating: 0, count: toWidth * toHeight)
    horizontal.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
            for i in 0..<toHeight {
                let targetRow = i * toWidth
                let first = weights.firstInput[i]
                for k in weights.range(of: i) {
                    let weight = weights.weights[k]
                    let sourceRow = (first + k - weights.offsets[i]) * toWidth
                    for x in 0..<toWidth {
                        target[targetRow + x] += weight * source[sourceRow + x]
                    }
                }
            }
        }
    }
    return result
}

/// Resampling weights of one axis: output i = sum over k in range(of: i) of
/// weights[k] * input[firstInput[i] + k - offsets[i]].
struct AxisWeights {
    /// First input index that output i reads.
    private(set) var firstInput: [Int] = []
    /// Start of output i's weights in `weights`; output i's weights end at offsets[i + 1].
    private(set) var offsets: [Int] = [0]
    private(set) var weights: [Float] = []

    init(inputSize: Int, outputSize: Int) {
        firstInput.reserveCapacity(outputSize)
        offsets.reserveCapacity(outputSize + 1)
        if inputSize > outputSize {
            addAreaWeights(inputSize: inputSize, outputSize: outputSize)
        } else if inputSize < outputSize {
            addLinearWeights(inputSize: inputSize, outputSize: outputSize)
        } else {
            for i in 0..<outputSize {
                append(first: i, weights: [1])
            }
        }
    }

    func range(of output: Int) -> Range<Int> {
        offsets[output]..<offsets[output + 1]
    }

    private mutating func append(first: Int, weights newWeights: [Double]) {
        firstInput.append(first)
        weights.append(contentsOf: newWeights.map { Float($0) })
        offsets.append(weights.count)
    }

    /// Area weights in integer units of 1/outputSize: output i covers [i*in, (i+1)*in) and
    /// input j covers [j*out, (j+1)*out), so every overlap is an exact integer.
    private mutating func addAreaWeights(inputSize: Int, outputSize: Int) {
        for i in 0..<outputSize {
            let start = i * inputSize
            let end = (i + 1) * inputSize
            let first = start / outputSize
            let last = (end - 1) / outputSize
            var row: [Double] = []
            for j in first...last {
                let overlap = min((j + 1) * outputSize, end) - max(j * outputSize, start)
                row.append(Double(overlap) / Double(inputSize))
            }
            append(first: first, weights: row)
        }
    }

    /// Linear weights at x = (i + 0.5) * in / out - 0.5, clamped to [0, in - 1].
    private mutating func addLinearWeights(inputSize: Int, outputSize: Int) {
        for i in 0..<outputSize {
            let x = Double(2 * i + 1) * Double(inputSize) / Double(2 * outputSize) - 0.5
            let clamped = min(max(x, 0), Double(inputSize - 1))
            let left = Int(clamped.rounded(.down))
            let t = clamped - Double(left)
            if left + 1 < inputSize && t > 0 {
                append(first: left, weights: [1 - t, t])
            } else {
                append(first: left, weights: [1])
            }
        }
    }
}
