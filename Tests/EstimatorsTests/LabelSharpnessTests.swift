import XCTest
@testable import Estimators
@testable import LinearAlgebra

final class LabelSharpnessTests: XCTestCase {
    func testDarkAgainstBrightImagesUseTheCrossLabelMinimum() {
        // 500 dark 8 × 8 images (pixels 0–20) labelled 0 and 500 bright ones (235–255)
        // labelled 1, on the raw 0–255 scale.
        var generator = TestGenerator(state: 2024)
        let matrix = FeatureMatrix(rows: 1000, columns: 64)
        for row in 0..<1000 {
            let base: Double = row < 500 ? 0 : 235
            for index in 0..<64 {
                matrix.row(row)[index] = Float(base + (generator.unit() * 21).rounded(.down))
            }
        }
        let negatives = Array(0..<500)
        let positives = Array(500..<1000)
        let screening = ScreeningProjection(features: matrix, planes: 1, side: 8, block: 2)

        let run = labelSharpnessRun(run: 0, negatives: negatives, positives: positives, features: matrix, screening: screening)

        var crossMinimum = Double.infinity
        var sameMinimum = Double.infinity
        for a in 0..<1000 {
            for b in (a + 1)..<1000 {
                var sum = 0.0
                for index in 0..<64 {
                    let difference = Double(matrix.row(a)[index]) - Double(matrix.row(b)[index])
                    sum += difference * difference
                }
                if (a < 500) != (b < 500) {
                    crossMinimum = min(crossMinimum, sum.squareRoot())
                } else {
                    sameMinimum = min(sameMinimum, sum.squareRoot())
                }
            }
        }
        XCTAssertEqual(run.value!, 1 / crossMinimum, accuracy: 1e-15)
        XCTAssertEqual(run.value!, 5.4e-4, accuracy: 0.2e-4)
        XCTAssertNotEqual(run.value!, 1 / sameMinimum, accuracy: 1e-4, "a same-label distance must not decide K_F")
        XCTAssertEqual(run.identicalPairs, 0)
    }

    func testIdenticalCrossLabelImagesAreCountedAndExcluded() {
        let matrix = FeatureMatrix(rows: 3, columns: 4)
        matrix.setRow(0, [0, 0, 0, 0])   // a.png, label 0
        matrix.setRow(1, [0, 0, 0, 0])   // copy of a.png, label 1
        matrix.setRow(2, [0, 0, 3, 4])   // b.png, label 1
        let screening = ScreeningProjection(features: matrix, planes: 1, side: 2, block: 1)

        let run = labelSharpnessRun(run: 0, negatives: [0], positives: [1, 2], features: matrix, screening: screening)

        XCTAssertEqual(run.identicalPairs, 1)
        XCTAssertEqual(run.value!, 1.0 / 5.0, accuracy: 1e-15)
        XCTAssertEqual(run.rowNegative, 0)
        XCTAssertEqual(run.rowPositive, 2)
    }

    func testSummaryIntervalUsesStudentT() {
        let runs = [0.1, 0.2, 0.3, 0.4, 0.5].enumerated().map { index, value in
            LabelSharpnessRun(run: index, value: value, distance: 1 / value, rowNegative: index, rowPositive: index + 10,
                              identicalPairs: 0, negatives: 5, positives: 5, exactEvaluations: 1)
        }
        let summary = LabelSharpnessSummary(runs: runs)
        // mean 0.3, s = √0.025, t_{0.975,4} = 2.7764451051977987.
        let halfWidth = 2.7764451051977987 * 0.025.squareRoot() / 5.0.squareRoot()
        XCTAssertEqual(summary.interval!.mean, 0.3, accuracy: 1e-15)
        XCTAssertEqual(summary.interval!.low, 0.3 - halfWidth, accuracy: 1e-9)
        XCTAssertEqual(summary.interval!.high, 0.3 + halfWidth, accuracy: 1e-9)
        XCTAssertEqual(summary.minimum, 0.1)
        XCTAssertEqual(summary.maximum, 0.5)
        XCTAssertEqual(summary.closest?.run, 4, "the largest K_F is the smallest distance")
    }

    func testStudentTQuantiles() {
        // Reference values from scipy.stats.t.ppf(0.975, df).
        XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: 1), 12.706204736174698, accuracy: 1e-8)
        XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: 4), 2.7764451051977987, accuracy: 1e-9)
        XCTAssertEqual(StudentT.quantile(0.975, degreesOfFreedom: 24), 2.0638985616280205, accuracy: 1e-9)
        XCTAssertEqual(StudentT.quantile(0.5, degreesOfFreedom: 7), 0, accuracy: 1e-10)
    }
}

final class LabelSharpnessUpdateTests: XCTestCase {
    func testUpdatedRunEqualsFullRun() {
        var generator = TestGenerator(state: 77)
        let matrix = FeatureMatrix(rows: 200, columns: 16)
        for row in 0..<200 {
            for column in 0..<16 { matrix.row(row)[column] = Float(generator.unit()) }
        }
        let screening = ScreeningProjection(features: matrix, planes: 1, side: 4, block: 2)
        let keys = (0..<200).map { UInt64($0) &* 0x9E37_79B9 &+ 5 }

        // Earlier sample: negatives 0..<60, positives 100..<160. Later: two negatives and one
        // positive replaced, some images added on both sides.
        let (_, memory) = labelSharpnessRun(
            run: 0, negatives: Array(0..<60), positives: Array(100..<160),
            features: matrix, screening: screening, keys: keys, prior: nil)
        XCTAssertFalse([keys[0], keys[1]].contains(memory.closestNegative!), "the update path needs the earlier pair kept")
        XCTAssertNotEqual(memory.closestPositive, keys[100])
        let negatives = Array(2..<60) + Array(60..<66)
        let positives = Array(101..<160) + Array(160..<170)

        let (updated, _) = labelSharpnessRun(
            run: 0, negatives: negatives, positives: positives,
            features: matrix, screening: screening, keys: keys, prior: memory)
        let full = labelSharpnessRun(run: 0, negatives: negatives, positives: positives, features: matrix, screening: screening)

        XCTAssertEqual(updated.distance, full.distance)
        XCTAssertEqual(updated.rowNegative, full.rowNegative)
        XCTAssertEqual(updated.rowPositive, full.rowPositive)
        XCTAssertEqual(updated.identicalPairs, full.identicalPairs)
    }
}
