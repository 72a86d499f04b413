import XCTest
@testable import LinearAlgebra

final class QuantizedFeatureMatrixTests: XCTestCase {
    func testDistanceIsExactIntegerSum() {
        // Rows (0, 65535, 100) and (65535, 0, 103): d² = (2 · 65535² + 9) / 65535².
        let matrix = QuantizedFeatureMatrix(rows: 2, columns: 3)
        matrix.setRow(0, [0, 65535, 100])
        matrix.setRow(1, [65535, 0, 103])
        XCTAssertEqual(matrix.squaredDistance(0, 1), (2 * 65535.0 * 65535.0 + 9) / (65535.0 * 65535.0))
        XCTAssertEqual(matrix.squaredDistance(1, 0), matrix.squaredDistance(0, 1))
        XCTAssertEqual(matrix.squaredDistance(0, 0), 0)
    }

    func testSearchesAgreeWithFloatRows() throws {
        // The same quantised images as UInt16 rows and as Float rows q / 65535.
        var generator = TestGenerator(state: 21)
        let quantized = QuantizedFeatureMatrix(rows: 60, columns: 64)
        let floats = FeatureMatrix(rows: 60, columns: 64)
        for row in 0..<60 {
            let values = (0..<64).map { _ in UInt16(generator.next() % 65536) }
            quantized.setRow(row, values)
            floats.setRow(row, values.map { Float($0) / 65535 })
        }
        let quantizedScreening = ScreeningProjection(features: quantized, planes: 1, side: 8, block: 2)
        let floatScreening = ScreeningProjection(features: floats, planes: 1, side: 8, block: 2)

        let a = try exactNearestNeighbors(points: Array(0..<60), k: 5, features: quantized, screening: quantizedScreening)
        let b = try exactNearestNeighbors(points: Array(0..<60), k: 5, features: floats, screening: floatScreening)
        XCTAssertEqual(a.neighbors, b.neighbors)
        for (x, y) in zip(a.distances, b.distances) {
            XCTAssertEqual(x, y, accuracy: 1e-6 * y)
        }

        let pairA = closestCrossPair(Array(0..<30), Array(30..<60), features: quantized, screening: quantizedScreening)
        let pairB = closestCrossPair(Array(0..<30), Array(30..<60), features: floats, screening: floatScreening)
        XCTAssertEqual([pairA.rowA, pairA.rowB], [pairB.rowA, pairB.rowB])
        XCTAssertTrue(quantized.rowsEqual(3, 3))
        XCTAssertFalse(quantized.rowsEqual(3, 4))
    }
}
