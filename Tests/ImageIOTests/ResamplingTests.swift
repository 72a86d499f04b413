import XCTest

@testable import ImageIO

/// Hand-computed cases of the area-average / half-pixel bilinear resampler.
final class ResamplingTests: XCTestCase {
    private func assertClose(
        _ actual: [Float], _ expected: [Float], accuracy: Float = 1e-6, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(actual.count, expected.count, "length", file: file, line: line)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            XCTAssertEqual(a, e, accuracy: accuracy, "index \(index)", file: file, line: line)
        }
    }

    func testShrinkFourToTwoAveragesPairs() {
        // One row 4 -> 2: (1 + 3) / 2 and (5 + 11) / 2.
        assertClose(resample([1, 3, 5, 11], width: 4, height: 1, toWidth: 2, toHeight: 1), [2, 8])
    }

    func testShrinkFourByFourToTwoByTwo() {
        let plane: [Float] = (0..<16).map(Float.init)
        // Block means of 0 1 4 5, 2 3 6 7, 8 9 12 13, 10 11 14 15.
        assertClose(resample(plane, width: 4, height: 4, toWidth: 2, toHeight: 2), [2.5, 4.5, 10.5, 12.5])
    }

    func testShrinkThreeToTwoNonIntegerArea() {
        // s = 1.5: footprints [0, 1.5) and [1.5, 3): (p0 + p1/2) / 1.5 and (p1/2 + p2) / 1.5.
        let plane: [Float] = [3, 6, 12]
        assertClose(resample(plane, width: 3, height: 1, toWidth: 2, toHeight: 1), [(3 + 3) / 1.5, (3 + 12) / 1.5])
        // Same along the vertical axis.
        assertClose(resample(plane, width: 1, height: 3, toWidth: 1, toHeight: 2), [4, 10])
    }

    func testShrinkFiveToThreeNonIntegerArea() {
        // s = 5/3: [0, 5/3) = p0 + 2/3 p1; [5/3, 10/3) = 1/3 p1 + p2 + 1/3 p3; [10/3, 5) = 2/3 p3 + p4.
        let p: [Float] = [1, 2, 4, 8, 16]
        let s: Float = 5.0 / 3.0
        let expected: [Float] = [(p[0] + 2 * p[1] / 3) / s, (p[1] / 3 + p[2] + p[3] / 3) / s, (2 * p[3] / 3 + p[4]) / s]
        assertClose(resample(p, width: 5, height: 1, toWidth: 3, toHeight: 1), expected)
    }

    func testShrinkPreservesMean() {
        var generator = SeededGenerator(seed: 7)
        let plane = (0..<(37 * 23)).map { _ in Float.random(in: 0..<1, using: &generator) }
        let result = resample(plane, width: 37, height: 23, toWidth: 10, toHeight: 7)
        let inputMean = plane.reduce(0, +) / Float(plane.count)
        let outputMean = result.reduce(0, +) / Float(result.count)
        XCTAssertEqual(outputMean, inputMean, accuracy: 1e-5)
    }

    func testEnlargeTwoToFourBilinearHalfPixel() {
        // x = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1.
        assertClose(resample([10, 20], width: 2, height: 1, toWidth: 4, toHeight: 1), [10, 12.5, 17.5, 20])
    }

    func testEnlargeTwoByTwoToFourByFour() {
        let plane: [Float] = [0, 4, 8, 12]
        let axis: [Float] = [0, 0.25, 0.75, 1]
        // Bilinear: value = 4 * tx + 8 * ty.
        let expected = axis.flatMap { ty in axis.map { tx in 4 * tx + 8 * ty } }
        assertClose(resample(plane, width: 2, height: 2, toWidth: 4, toHeight: 4), expected)
    }

    func testEnlargeThreeToFiveBilinear() {
        // x = (i + 0.5) * 0.6 - 0.5 = -0.2, 0.4, 1.0, 1.6, 2.2 -> 0, 0.4, 1, 1.6, 2.
        let plane: [Float] = [0, 10, 30]
        assertClose(resample(plane, width: 3, height: 1, toWidth: 5, toHeight: 1), [0, 4, 10, 22, 30])
    }

    func testMixedAxesShrinkWidthGrowHeight() {
        // Width 4 -> 2 by pair means, height 2 -> 3 at y = -0.1667, 0.5, 1.1667 -> 0, 0.5, 1.
        let plane: [Float] = [0, 2, 4, 6, 10, 12, 14, 16]
        let rows: [[Float]] = [[1, 5], [11, 15]]
        let expected: [Float] = rows[0] + zip(rows[0], rows[1]).map { ($0 + $1) / 2 } + rows[1]
        assertClose(resample(plane, width: 4, height: 2, toWidth: 2, toHeight: 3), expected)
    }

    func testEqualSizeCopies() {
        let plane: [Float] = [0.1, 0.7, 0.3, 0.9, 0.5, 0.2]
        XCTAssertEqual(resample(plane, width: 3, height: 2, toWidth: 3, toHeight: 2), plane)
        // Only one axis resampled; the other is copied.
        assertClose(resample(plane, width: 3, height: 2, toWidth: 3, toHeight: 1), [0.5, 0.6, 0.25])
    }

    func testConstantPlaneStaysConstant() {
        let plane = [Float](repeating: 0.3, count: 7 * 5)
        let result = resample(plane, width: 7, height: 5, toWidth: 3, toHeight: 11)
        XCTAssertEqual(result.count, 33)
        for value in result {
            XCTAssertEqual(value, 0.3, accuracy: 1e-6)
        }
    }
}

/// SplitMix64, for reproducible test data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
