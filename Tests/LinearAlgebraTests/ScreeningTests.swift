import XCTest
@testable import LinearAlgebra

final class ScreeningTests: XCTestCase {
    func testProjectionOfConstantBlocksIsExact() {
        // A 4 × 4 image made of four constant 2 × 2 blocks keeps its norm under the projection.
        let matrix = FeatureMatrix(rows: 2, columns: 16)
        let blockValues: [Float] = [0.1, 0.4, 0.7, 1.0]
        for y in 0..<4 {
            for x in 0..<4 {
                matrix.row(0)[y * 4 + x] = blockValues[(y / 2) * 2 + x / 2]
            }
        }
        let projection = ScreeningProjection(features: matrix, planes: 1, side: 4, block: 2)
        XCTAssertEqual(projection.projected.columns, 4)
        let gram = projection.gram(rows: [0, 1], columns: [0, 1])
        let bound = projection.lowerBoundSquared(0, 1, gram: gram[1]).squareRoot()
        let exact = exactDistance(matrix.row(0), matrix.row(1), count: 16)
        XCTAssertLessThanOrEqual(bound, exact)
        XCTAssertEqual(bound, exact, accuracy: 1e-3 * exact)
    }

    func testLowerBoundNeverExceedsExactDistance() {
        let side = 20   // 20 is not a multiple of the block side 3: partial blocks at the edges
        let matrix = randomImages(rows: 40, side: side, seed: 11)
        let projection = ScreeningProjection(features: matrix, planes: 1, side: side, block: 3)
        let rows = Array(0..<40)
        let gram = projection.gram(rows: rows, columns: rows)
        for i in rows {
            for j in rows where j != i {
                let bound = projection.lowerBoundSquared(i, j, gram: gram[i * 40 + j])
                let exact = exactSquaredDistance(matrix.row(i), matrix.row(j), count: matrix.columns)
                XCTAssertLessThanOrEqual(bound, exact, "pair (\(i), \(j))")
            }
        }
    }

    func testBlockSideChoice() {
        XCTAssertEqual(ScreeningProjection.blockSide(forSide: 224), 4)
        XCTAssertEqual(ScreeningProjection.blockSide(forSide: 64), 2)
        XCTAssertEqual(ScreeningProjection.blockSide(forSide: 8), 1)
    }
}
