import XCTest

@testable import Training

final class RepresentationDimensionTests: XCTestCase {
    /// `count` points uniform on a `dimension`-dimensional unit cube, embedded linearly in 64
    /// features by a fixed random map, then passed through ReLU-free offsets.
    private func embedded(count: Int, dimension: Int, seed: UInt64) -> [Float] {
        var state = seed
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        let map = (0..<(dimension * 64)).map { _ in uniform() - 0.5 }
        var features = [Float](repeating: 0, count: count * 64)
        for point in 0..<count {
            let latent = (0..<dimension).map { _ in uniform() }
            for column in 0..<64 {
                var value: Float = 1
                for axis in 0..<dimension { value += latent[axis] * map[axis * 64 + column] }
                features[point * 64 + column] = value
            }
        }
        return features
    }

    /// Synthetic truth: a 3-dimensional cube in 64 features. Tolerance 15%, the usual finite-sample
    /// bias of both estimators at n = 1000 and d = 3.
    func testRecoversTheDimensionOfALinearEmbedding() throws {
        let features = embedded(count: 1000, dimension: 3, seed: 7)
        let result = representationDimension(features: features, count: 1000, width: 64, bootstrapReplicates: 50)

        XCTAssertEqual(result.duplicatesRemoved, 0)
        XCTAssertEqual(try XCTUnwrap(result.mle.value), 3, accuracy: 0.45)
        XCTAssertEqual(try XCTUnwrap(result.twoNN.value), 3, accuracy: 0.45)
    }

    func testDuplicateFeatureVectorsAreRemovedFirst() throws {
        var features = embedded(count: 300, dimension: 2, seed: 3)
        // Rows 0–9 repeated at the end: 310 rows, 300 distinct.
        features += Array(features[0..<(10 * 64)])
        let result = representationDimension(features: features, count: 310, width: 64, bootstrapReplicates: 20)

        XCTAssertEqual(result.duplicatesRemoved, 10)
        XCTAssertEqual(result.distinctPoints, 300)
        XCTAssertNotNil(result.mle.value)
    }

    func testTooFewDistinctVectorsGiveAReasonNotANumber() {
        // Dead ReLU features: every vector is zero.
        let result = representationDimension(features: [Float](repeating: 0, count: 50 * 64), count: 50, width: 64)

        XCTAssertNil(result.mle.value)
        XCTAssertNil(result.twoNN.value)
        XCTAssertEqual(result.distinctPoints, 1)
        XCTAssertTrue(result.mle.reason?.contains("1 distinct feature vectors") ?? false)
    }
}
