import Foundation
@testable import LinearAlgebra

/// Deterministic generator for test data (SplitMix64).
struct TestGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}

/// Neighbour table built from explicit distances, for hand-computed cases.
func neighborTable(_ rows: [[Double]]) -> NeighborTable {
    NeighborTable(
        k: rows[0].count, count: rows.count,
        distances: rows.flatMap { $0 }, neighbors: rows.flatMap { $0.map { _ in 0 } },
        identicalPairs: 0, exactEvaluations: 0
    )
}

/// Points uniform in [0, 1]^dimension, embedded in `ambient` coordinates by a fixed
/// rotation-free padding plus a shear, so the manifold is linear of known dimension.
func uniformCube(points: Int, dimension: Int, ambient: Int, seed: UInt64) -> FeatureMatrix {
    var generator = TestGenerator(state: seed)
    let mixing = (0..<(dimension * ambient)).map { _ in generator.unit() - 0.5 }
    let matrix = FeatureMatrix(rows: points, columns: ambient)
    for row in 0..<points {
        let coordinates = (0..<dimension).map { _ in generator.unit() }
        let pointer = matrix.row(row)
        for column in 0..<ambient {
            var value = 0.0
            for axis in 0..<dimension { value += coordinates[axis] * mixing[axis * ambient + column] }
            pointer[column] = Float(value)
        }
    }
    return matrix
}

/// Screening projection that treats each row as one plane of side √columns, or as a 1-pixel-high
/// strip when the length is not a square (block 1: no reduction).
func plainScreening(_ matrix: FeatureMatrix) -> ScreeningProjection {
    let side = Int(Double(matrix.columns).squareRoot())
    if side * side == matrix.columns {
        return ScreeningProjection(features: matrix, planes: 1, side: side, block: 1)
    }
    return ScreeningProjection(features: matrix, planes: matrix.columns, side: 1, block: 1)
}

/// Points uniform on the flat torus (S¹)^dimension, as (cos θ, sin θ) pairs scaled to [0, 1].
func flatTorus(points: Int, dimension: Int, seed: UInt64) -> FeatureMatrix {
    var generator = TestGenerator(state: seed)
    let matrix = FeatureMatrix(rows: points, columns: 2 * dimension)
    for row in 0..<points {
        for axis in 0..<dimension {
            let angle = 2 * Double.pi * generator.unit()
            matrix.row(row)[2 * axis] = Float(0.5 + 0.5 * cos(angle))
            matrix.row(row)[2 * axis + 1] = Float(0.5 + 0.5 * sin(angle))
        }
    }
    return matrix
}
