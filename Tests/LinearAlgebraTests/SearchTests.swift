import XCTest
@testable import LinearAlgebra

final class SearchTests: XCTestCase {
    func testClosestCrossPairMatchesBruteForce() {
        let side = 16
        let matrix = randomImages(rows: 120, side: side, seed: 3)
        let projection = ScreeningProjection(features: matrix, planes: 1, side: side, block: 4)
        let setA = Array(stride(from: 0, to: 120, by: 2))
        let setB = Array(stride(from: 1, to: 120, by: 2))

        let result = closestCrossPair(setA, setB, features: matrix, screening: projection)

        var best = Double.infinity
        var bestPair = (-1, -1)
        for a in setA {
            for b in setB {
                let distance = bruteForceDistance(matrix, a, b)
                if distance < best { best = distance; bestPair = (a, b) }
            }
        }
        XCTAssertEqual(result.distance, best, accuracy: 1e-12)
        XCTAssertEqual(result.rowA, bestPair.0)
        XCTAssertEqual(result.rowB, bestPair.1)
        XCTAssertEqual(result.pairs, 3600)
        XCTAssertLessThan(result.exactEvaluations, result.pairs, "screening should skip most pairs")
    }

    func testClosestCrossPairSkipsAndCountsIdenticalPairs() {
        let side = 8
        let matrix = randomImages(rows: 10, side: side, seed: 5)
        matrix.setRow(7, matrix.rowArray(2))   // row 7 is a copy of row 2, on the other side
        matrix.setRow(9, matrix.rowArray(2))
        let projection = ScreeningProjection(features: matrix, planes: 1, side: side, block: 2)

        let result = closestCrossPair([0, 1, 2, 3, 4], [5, 6, 7, 8, 9], features: matrix, screening: projection)

        XCTAssertEqual(result.identicalPairs, 2)
        XCTAssertGreaterThan(result.distance, 0)
        var best = Double.infinity
        for a in 0..<5 {
            for b in 5..<10 {
                let distance = bruteForceDistance(matrix, a, b)
                if distance > 0 { best = min(best, distance) }
            }
        }
        XCTAssertEqual(result.distance, best, accuracy: 1e-12)
    }

    func testAllCrossPairsIdenticalGiveInfiniteDistance() {
        let matrix = FeatureMatrix(rows: 4, columns: 4)
        for row in 0..<4 { matrix.setRow(row, [0.1, 0.2, 0.3, 0.4]) }
        let projection = ScreeningProjection(features: matrix, planes: 1, side: 2, block: 1)
        let result = closestCrossPair([0, 1], [2, 3], features: matrix, screening: projection)
        XCTAssertEqual(result.distance, .infinity)
        XCTAssertEqual(result.identicalPairs, 4)
    }

    func testIdenticalCrossPairsCountedOnce() {
        // 150 × 150 cross pairs, all identical: every pair is measured once and counted.
        let matrix = FeatureMatrix(rows: 300, columns: 16)
        for row in 0..<300 { matrix.setRow(row, (0..<16).map { Float($0) / 16 }) }
        let projection = ScreeningProjection(features: matrix, planes: 1, side: 4, block: 2)

        let result = closestCrossPair(Array(0..<150), Array(150..<300), features: matrix, screening: projection)

        XCTAssertEqual(result.distance, .infinity)
        XCTAssertEqual(result.identicalPairs, 22_500)
        XCTAssertEqual(result.exactEvaluations, 22_500)
    }

    func testNearestNeighborsMatchBruteForce() throws {
        let side = 12
        let matrix = randomImages(rows: 80, side: side, seed: 9)
        let projection = ScreeningProjection(features: matrix, planes: 1, side: side, block: 3)
        let points = Array(0..<80).filter { $0 % 5 != 4 }   // 64 points, a subset of the rows
        let k = 6

        let table = try exactNearestNeighbors(points: points, k: k, features: matrix, screening: projection, threads: 2)

        for (i, row) in points.enumerated() {
            let expected = points.enumerated()
                .filter { $0.offset != i }
                .map { bruteForceDistance(matrix, row, $0.element) }
                .sorted()
            for j in 1...k {
                XCTAssertEqual(table.distance(point: i, neighbor: j), expected[j - 1], accuracy: 1e-12, "point \(i) neighbour \(j)")
            }
        }
        XCTAssertLessThan(table.exactEvaluations, 64 * 63)
    }

    func testNearestNeighborsSkipDuplicatesAndReportShortfall() throws {
        let matrix = FeatureMatrix(rows: 4, columns: 4)
        matrix.setRow(0, [0, 0, 0, 0])
        matrix.setRow(1, [0, 0, 0, 0])
        matrix.setRow(2, [1, 0, 0, 0])
        matrix.setRow(3, [1, 1, 0, 0])
        let projection = ScreeningProjection(features: matrix, planes: 1, side: 2, block: 1)

        let table = try exactNearestNeighbors(points: [0, 1, 2, 3], k: 2, features: matrix, screening: projection)
        XCTAssertEqual(table.distance(point: 0, neighbor: 1), 1)
        XCTAssertEqual(table.distance(point: 0, neighbor: 2), 2.0.squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(table.identicalPairs, 2)

        XCTAssertThrowsError(try exactNearestNeighbors(points: [0, 1, 2, 3], k: 3, features: matrix, screening: projection)) { error in
            XCTAssertEqual(error as? NeighborSearchError, .tooFewDistinctNeighbors(point: 0, found: 2, k: 3))
        }
    }
}

final class NeighborUpdateTests: XCTestCase {
    func testUpdatedSearchEqualsFullSearch() throws {
        let side = 12
        let matrix = randomImages(rows: 130, side: side, seed: 17)
        let projection = ScreeningProjection(features: matrix, planes: 1, side: side, block: 3)
        let keys = (0..<130).map { UInt64($0) * 7919 + 11 }
        let k = 6

        // Earlier search on rows 0..<100, then rows 5 and 40 leave and 100..<130 arrive.
        let before = Array(0..<100)
        let earlier = try exactNearestNeighbors(points: before, k: k, features: matrix, screening: projection)
        let memory = earlier.memory(keys: before.map { keys[$0] })
        let after = Array(0..<130).filter { $0 != 5 && $0 != 40 }

        let updated = try exactNearestNeighbors(
            points: after, k: k, features: matrix, screening: projection, keys: after.map { keys[$0] }, prior: memory)
        let full = try exactNearestNeighbors(points: after, k: k, features: matrix, screening: projection)

        XCTAssertEqual(updated.distances, full.distances)
        XCTAssertEqual(updated.neighbors, full.neighbors)
        XCTAssertLessThan(updated.exactEvaluations, full.exactEvaluations, "kept rows only meet the new points")
    }
}

final class PartialSelectionTests: XCTestCase {
    func testSmallestElementsComeFirst() {
        var generator = TestGenerator(state: 5)
        for count in [1, 7, 50, 199] {
            var values = (0..<200).map { _ in generator.next() % 1000 }
            let expected = values.sorted().prefix(count)
            selectSmallest(&values, count: count, in: 0..<200)
            XCTAssertEqual(values.prefix(count).sorted(), Array(expected), "count \(count)")
            XCTAssertLessThanOrEqual(values.prefix(count).max()!, values.dropFirst(count).min()!, "count \(count)")
        }
    }
}
