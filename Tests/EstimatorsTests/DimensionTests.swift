import XCTest
@testable import Estimators
@testable import LinearAlgebra

final class DimensionTests: XCTestCase {
    func testMLEHandComputedCase() {
        // Every point has T = (1, 2, 4) with k = 3: m⁻¹ = 1/(k−2) · (log 4 + log 2) = log 8.
        let table = neighborTable([[1, 2, 4], [1, 2, 4], [1, 2, 4]])
        let kMinus2 = maximumLikelihoodDimension(neighbors: table, divisor: .kMinus2, bootstrapReplicates: 0)
        XCTAssertEqual(kMinus2.value!, 1 / log(8.0), accuracy: 1e-12)
        let kMinus1 = maximumLikelihoodDimension(neighbors: table, divisor: .kMinus1, bootstrapReplicates: 0)
        XCTAssertEqual(kMinus1.value!, 2 / log(8.0), accuracy: 1e-12)
    }

    func testMLEAveragesInversesNotEstimates() {
        // m⁻¹ = log 8 and log 4 (k = 3, divisor 1): d = 2 / (log 8 + log 4) = 2 / log 32,
        // not the mean of the per-point estimates (1/log 8 + 1/log 4) / 2.
        let table = neighborTable([[1, 2, 4], [1, 1, 2]])
        let estimate = maximumLikelihoodDimension(neighbors: table, bootstrapReplicates: 0)
        XCTAssertEqual(estimate.value!, 2 / log(32.0), accuracy: 1e-12)
    }

    func testMLEWithEquidistantNeighborsIsUndefined() {
        let table = neighborTable([[1, 1, 1], [2, 2, 2]])
        let estimate = maximumLikelihoodDimension(neighbors: table, bootstrapReplicates: 0)
        XCTAssertNil(estimate.value)
        XCTAssertNotNil(estimate.reason)
    }

    func testTwoNNHandComputedCase() {
        // Four ratios μ = 2, 3, 4, 5 with n = 4 and "largest" discard keep 3:
        // d = Σ log μᵢ · (−log(1 − i/4)) / Σ (log μᵢ)².
        let table = neighborTable([[1, 2], [1, 3], [1, 4], [1, 5]])
        let mu = [2.0, 3.0, 4.0]
        let y = [1.0, 2.0, 3.0].map { -log(1 - $0 / 4) }
        let expected = zip(mu, y).map { log($0) * $1 }.reduce(0, +) / mu.map { log($0) * log($0) }.reduce(0, +)
        let estimate = twoNNDimension(neighbors: table, discard: .largest, bootstrapReplicates: 0)
        XCTAssertEqual(estimate.value!, expected, accuracy: 1e-12)
    }

    func testTwoNNWithMostlyTiedRatiosIsUndefined() {
        let table = neighborTable([[1, 1], [2, 2], [3, 3], [1, 2]])
        let estimate = twoNNDimension(neighbors: table, bootstrapReplicates: 0)
        XCTAssertNil(estimate.value)
        XCTAssertTrue(estimate.reason!.contains("T2 = T1"), estimate.reason!)
    }

    func testFlatTorusOfKnownDimension() throws {
        // 2000 points uniform on the flat 5-torus, embedded in 10 coordinates as (cos θ, sin θ)
        // pairs: a 5-dimensional manifold without boundary, so neither estimator suffers the
        // boundary bias of a cube. Tolerance: ±0.6 (12%), the spread of k = 20 estimates at
        // n = 2000 seen over several seeds.
        let matrix = flatTorus(points: 2000, dimension: 5, seed: 42)
        let table = try exactNearestNeighbors(points: Array(0..<2000), k: 20, features: matrix, screening: plainScreening(matrix))

        let mle = maximumLikelihoodDimension(neighbors: table, bootstrapReplicates: 200, seed: 1)
        XCTAssertEqual(mle.value!, 5, accuracy: 0.6)
        XCTAssertLessThan(mle.ciLow!, mle.value!)
        XCTAssertGreaterThan(mle.ciHigh!, mle.value!)

        let twoNN = twoNNDimension(neighbors: table, bootstrapReplicates: 200, seed: 1)
        XCTAssertEqual(twoNN.value!, 5, accuracy: 0.6)
        XCTAssertLessThan(twoNN.ciLow!, twoNN.value!)
        XCTAssertGreaterThan(twoNN.ciHigh!, twoNN.value!)
    }

    func testDuplicatesRemovedBeforeMLELeaveTheEstimateUnchanged() throws {
        // 1000 distinct points plus exact copies of five of them.
        let unique = uniformCube(points: 1000, dimension: 3, ambient: 16, seed: 8)
        let withCopies = FeatureMatrix(rows: 1005, columns: 16)
        for row in 0..<1000 { withCopies.setRow(row, unique.rowArray(row)) }
        for copy in 0..<5 { withCopies.setRow(1000 + copy, unique.rowArray(copy * 100)) }

        let groups = identicalRowGroups(Array(0..<1005), features: withCopies)
        XCTAssertEqual(groups.count, 5)
        XCTAssertEqual(groups.map { $0.count - 1 }.reduce(0, +), 5, "5 duplicates removed")
        let removed = Set(groups.flatMap { $0.dropFirst() })
        let kept = (0..<1005).filter { !removed.contains($0) }

        let reference = try exactNearestNeighbors(points: Array(0..<1000), k: 20, features: unique, screening: plainScreening(unique))
        let deduplicated = try exactNearestNeighbors(points: kept, k: 20, features: withCopies, screening: plainScreening(withCopies))
        let expected = maximumLikelihoodDimension(neighbors: reference, bootstrapReplicates: 0).value!
        XCTAssertEqual(maximumLikelihoodDimension(neighbors: deduplicated, bootstrapReplicates: 0).value!, expected, accuracy: 1e-12)
    }
}

final class BoundedCubeTests: XCTestCase {
    func testUniformCubeIsUnderestimatedByBoundaryEffects() throws {
        // 2000 points uniform in [0, 1]^5, linearly embedded in 40 coordinates. Points near the
        // faces see fewer neighbours than the model assumes, so both estimators fall below 5;
        // they must still land between 3.8 and 5.3.
        let matrix = uniformCube(points: 2000, dimension: 5, ambient: 40, seed: 42)
        let table = try exactNearestNeighbors(points: Array(0..<2000), k: 20, features: matrix, screening: plainScreening(matrix))
        let mle = maximumLikelihoodDimension(neighbors: table, bootstrapReplicates: 0).value!
        let twoNN = twoNNDimension(neighbors: table, bootstrapReplicates: 0).value!
        XCTAssertTrue((3.8...5.3).contains(mle), "MLE \(mle)")
        XCTAssertTrue((3.8...5.3).contains(twoNN), "TwoNN \(twoNN)")
    }
}
