import XCTest
@testable import LinearAlgebra

final class ExactDistanceTests: XCTestCase {
    func testHandComputedDistance() {
        // (0,0,0) to (1,2,2): √(1 + 4 + 4) = 3; odd lengths exercise the scalar tail.
        let a: [Float] = [0, 0, 0]
        let b: [Float] = [1, 2, 2]
        XCTAssertEqual(exactDistance(a, b, count: 3), 3, accuracy: 0)

        let long1 = [Float](repeating: 0.25, count: 19)
        let long2 = [Float](repeating: 0.75, count: 19)
        XCTAssertEqual(exactSquaredDistance(long1, long2, count: 19), 19 * 0.25, accuracy: 1e-15)
    }

    func testCloseImagesKeepTheirDistanceWhereTheGramIdentityLosesIt() {
        // Two 224 × 224 images in [0, 1] that differ by 1/255 at ten pixels.
        let count = 224 * 224
        var generator = TestGenerator(state: 7)
        let a = (0..<count).map { _ in generator.unit() }
        var b = a
        for index in stride(from: 100, to: 100 + 10 * 997, by: 997) {
            b[index] = a[index] < 0.5 ? a[index] + 1 / 255 : a[index] - 1 / 255
        }
        let exact = exactDistance(a, b, count: count)
        XCTAssertEqual(exact, (10.0 / (255.0 * 255.0)).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(exact, 0.0124, accuracy: 0.00005)

        // The Float32 Gram identity ‖a‖² + ‖b‖² − 2a·b, accumulated in Float, cannot resolve it.
        var normA: Float = 0
        var normB: Float = 0
        var dot: Float = 0
        for index in 0..<count {
            normA += a[index] * a[index]
            normB += b[index] * b[index]
            dot += a[index] * b[index]
        }
        let gramSquared = max(0, normA + normB - 2 * dot)
        XCTAssertGreaterThan(abs(Double(gramSquared).squareRoot() - exact), 0.5 * exact,
                             "the Float Gram identity should be far off for this pair")
    }

    func testSquaredNormMatchesSum() {
        let values: [Float] = [1, 2, 3, 4, 5]
        XCTAssertEqual(exactSquaredNorm(values, count: 5), 55, accuracy: 0)
    }
}
