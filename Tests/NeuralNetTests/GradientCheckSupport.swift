import XCTest
@testable import NeuralNet

/// Central-difference gradient checks for Float32 layers.
///
/// The scalar under test is L = Σ wᵢ·yᵢ (in Double) with fixed random weights w, so dL/dy = w.
/// Each check compares the analytic directional derivative ⟨∇L, d⟩ along a random direction d
/// (entries uniform in ±1) with (L(θ + h·d) − L(θ − h·d)) / 2h, which touches every coordinate at
/// once, and then a few single coordinates. Tolerance: |analytic − numeric| ≤ relative·max(|a|, |n|) + absolute.
struct GradientProbe {
    var relative = 2e-2
    var absolute = 2e-4
    var step: Float = 1e-3
    /// Whether to check the directional derivative along a random direction. Whole networks skip it,
    /// because moving every coordinate at once crosses ReLU kinks and max-pool switches.
    var directional = true

    /// Checks `analytic` = dL/dv for the values v read and written through `values`.
    func check(_ label: String, values: UnsafeMutablePointer<Float>, count: Int, analytic: [Float],
               seed: UInt64, loss: () -> Double, file: StaticString = #filePath, line: UInt = #line) {
        var generator = SplitMix64(seed: seed)
        let direction = (0..<count).map { _ in 2 * generator.nextUnitFloat() - 1 }
        let original = Array(UnsafeBufferPointer(start: values, count: count))

        func evaluate(_ scale: Float, coordinate: Int?) -> Double {
            for i in 0..<count {
                let shift = coordinate.map { $0 == i ? scale : 0 } ?? scale * direction[i]
                values[i] = original[i] + shift
            }
            let value = loss()
            values.update(from: original, count: count)
            return value
        }

        if directional {
            var expected = 0.0
            for i in 0..<count {
                expected += Double(analytic[i]) * Double(direction[i])
            }
            let numeric = (evaluate(step, coordinate: nil) - evaluate(-step, coordinate: nil)) / (2 * Double(step))
            assertClose(expected, numeric, "\(label): directional derivative", file: file, line: line)
        }

        for coordinate in [0, count / 3, count / 2, count - 1] {
            let single = (evaluate(step, coordinate: coordinate) - evaluate(-step, coordinate: coordinate)) / (2 * Double(step))
            assertClose(Double(analytic[coordinate]), single, "\(label): coordinate \(coordinate)", file: file, line: line)
        }
    }

    private func assertClose(_ analytic: Double, _ numeric: Double, _ label: String, file: StaticString, line: UInt) {
        let tolerance = relative * max(abs(analytic), abs(numeric)) + absolute
        XCTAssertLessThanOrEqual(abs(analytic - numeric), tolerance,
                                 "\(label): analytic \(analytic), numeric \(numeric)", file: file, line: line)
    }
}

/// Deterministic test values uniform in [low, high).
func uniformValues(_ count: Int, seed: UInt64, low: Float = -1, high: Float = 1) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in low + (high - low) * generator.nextUnitFloat() }
}

/// Values in ±[0.1, 1], away from ReLU's kink at 0 by more than any finite-difference step.
func valuesAwayFromZero(_ count: Int, seed: UInt64) -> [Float] {
    uniformValues(count, seed: seed).map { $0 >= 0 ? 0.1 + 0.9 * $0 : -0.1 + 0.9 * $0 }
}

/// L = Σ wᵢ·yᵢ in Double.
func weightedSum(_ output: UnsafePointer<Float>, _ weights: [Float]) -> Double {
    var sum = 0.0
    for i in weights.indices {
        sum += Double(weights[i]) * Double(output[i])
    }
    return sum
}

/// Test values on the heap, so a loss closure can read them while a probe writes them without an
/// exclusive-access conflict on a Swift array.
final class TestTensor {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(_ values: [Float]) {
        count = values.count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(from: values, count: count)
    }

    deinit {
        pointer.deallocate()
    }

    var values: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
