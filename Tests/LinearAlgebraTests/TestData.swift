import LinearAlgebra

/// Deterministic pseudo-random data for the tests (SplitMix64).
struct TestGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Float {
        Float(next() >> 40) / Float(1 << 24)
    }
}

/// A matrix of `rows` smooth-ish random images of `side` × `side` pixels in [0, 1].
func randomImages(rows: Int, side: Int, seed: UInt64) -> FeatureMatrix {
    var generator = TestGenerator(state: seed)
    let matrix = FeatureMatrix(rows: rows, columns: side * side)
    for row in 0..<rows {
        let base = generator.unit()
        let pointer = matrix.row(row)
        for index in 0..<(side * side) {
            pointer[index] = 0.5 * base + 0.5 * generator.unit()
        }
    }
    return matrix
}

func bruteForceDistance(_ matrix: FeatureMatrix, _ a: Int, _ b: Int) -> Double {
    var sum = 0.0
    for index in 0..<matrix.columns {
        let difference = Double(matrix.row(a)[index]) - Double(matrix.row(b)[index])
        sum += difference * difference
    }
    return sum.squareRoot()
}
