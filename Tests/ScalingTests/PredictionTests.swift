import Foundation
import Store
import XCTest

@testable import Scaling

final class PredictionTests: XCTestCase {
    private func curvePoints(asymptote: Double) -> [CurvePoint] {
        [50, 100, 200, 400, 800, 1600].map { n in
            let mean = 2.0 * pow(Double(n), -0.6) + asymptote
            return CurvePoint(n: n, mean: mean * (n % 200 == 0 ? 1.01 : 0.99), standardDeviation: 0.01, seeds: 3)
        }
    }

    func testTargetBelowAsymptoteNotReachable() throws {
        let curve = try LearningCurves.fit(curvePoints(asymptote: 0.3), quantity: .loss)
        let asymptote = try XCTUnwrap(curve.asymptote).value

        let prediction = Budget.fromCurve(curve, target: asymptote * 0.9)

        XCTAssertEqual(prediction.status, .notReachable)
        XCTAssertNil(prediction.n)
        XCTAssertTrue(prediction.reason?.contains("below the fitted asymptote") ?? false, prediction.reason ?? "")
    }

    func testReachableTargetHasInterval() throws {
        let curve = try LearningCurves.fit(curvePoints(asymptote: 0.3), quantity: .loss)

        let prediction = Budget.fromCurve(curve, target: 0.36)

        XCTAssertEqual(prediction.status, .available)
        let n = try XCTUnwrap(prediction.n)
        // Without the ±1 % perturbation, 2 · N^(−0.6) + 0.3 = 0.36 at N = 0.03^(−1/0.6) ≈ 345.
        XCTAssertGreaterThan(n, 250)
        XCTAssertLessThan(n, 500)
        XCTAssertLessThanOrEqual(try XCTUnwrap(prediction.low), n)
        XCTAssertTrue(prediction.upperUnbounded || (prediction.high ?? 0) >= n)
    }

    func testFlatCurveNotReachable() throws {
        let points = [100, 200, 400].map { CurvePoint(n: $0, mean: 0.5, standardDeviation: nil, seeds: 1) }
        let curve = try LearningCurves.fit(points, quantity: .loss)

        let prediction = Budget.fromCurve(curve, target: 0.4)

        XCTAssertEqual(prediction.status, .notReachable)
        XCTAssertNil(prediction.n)
        XCTAssertTrue(curve.weighting.contains("single seed"), curve.weighting)
        let json = String(decoding: try JSONEncoder().encode(prediction), as: UTF8.self)
        XCTAssertFalse(json.lowercased().contains("nan"), json)
    }

    func testDataMultiplierArithmetic() throws {
        let multiplier = try Budget.dataMultiplier(lossRatio: 0.9, b: 1, d: 20, dLow: 18, dHigh: 22)

        XCTAssertEqual(multiplier.estimate, pow(1 / 0.9, 20), accuracy: 1e-12)
        XCTAssertEqual(multiplier.estimate, 8.2, accuracy: 0.05)
        XCTAssertEqual(multiplier.low, 6.7, accuracy: 0.05)
        XCTAssertEqual(multiplier.high, 10.2, accuracy: 0.05)
    }

    func testDataMultiplierRejectsZeroExponent() {
        XCTAssertThrowsError(try Budget.dataMultiplier(lossRatio: 0.9, b: 0, d: 20, dLow: 18, dHigh: 22))
    }

    func testZeroShotInfiniteSharpness() throws {
        let observations = syntheticObservations(a: 0.8, b: 1.5, withSharpness: true, noise: 0.05, seed: 3)
        let fit = try ScalingLaw.fit(observations, options: ScalingLawOptions(bootstrapReplicates: 0))
        let conflicted = TaskAuditValues(kF: nil, dDataMLE: 20)

        let prediction = Budget.zeroShot(fit, task: conflicted, targetLoss: 0.5)

        XCTAssertEqual(prediction.status, .notAvailable)
        XCTAssertNil(prediction.n)
        XCTAssertTrue(prediction.reason?.contains("infinite") ?? false, prediction.reason ?? "")
    }

    func testZeroShotMissingDimension() throws {
        let observations = syntheticObservations(a: 0.8, b: 1.5, withSharpness: true, noise: 0.05, seed: 3)
        let fit = try ScalingLaw.fit(observations, options: ScalingLawOptions(bootstrapReplicates: 0))

        let prediction = Budget.zeroShot(fit, task: TaskAuditValues(kF: 2, dDataMLE: nil), targetLoss: 0.5)

        XCTAssertEqual(prediction.status, .notAvailable)
        XCTAssertTrue(prediction.reason?.contains("d_data") ?? false, prediction.reason ?? "")
    }

    func testZeroShotSpreadCoversDimensions() throws {
        let observations = syntheticObservations(a: 0.8, b: 1.5, withSharpness: true, noise: 0.05, seed: 3)
        let fit = try ScalingLaw.fit(observations, options: ScalingLawOptions(bootstrapReplicates: 0))
        let task = TaskAuditValues(
            kF: 2, kFLow: 1.8, kFHigh: 2.2, dDataMLE: 20, dDataTwoNN: 22, dDataLow: 18, dDataHigh: 24
        )

        let prediction = Budget.zeroShot(fit, task: task, targetLoss: 0.6)

        XCTAssertEqual(prediction.status, .available)
        let expected = pow(fit.modelA.a.value * 2 / 0.6, 20 / fit.modelA.b.value)
        XCTAssertEqual(try XCTUnwrap(prediction.n), expected, accuracy: 1e-9 * expected)
        XCTAssertEqual(Set(prediction.dimensionSpread.keys), ["low", "mle", "twonn", "high"])
        XCTAssertLessThan(try XCTUnwrap(prediction.low), try XCTUnwrap(prediction.dimensionSpread["low"]))
        XCTAssertGreaterThan(try XCTUnwrap(prediction.high), try XCTUnwrap(prediction.dimensionSpread["high"]))
    }

    func testRelativeDifficultyInterval() {
        let hard = TaskAuditValues(kF: 4, kFLow: 3, kFHigh: 5, dDataMLE: nil)
        let easy = TaskAuditValues(kF: 2, kFLow: 1.5, kFHigh: 2.5, dDataMLE: nil)

        let difficulty = RelativeDifficulty(hard, relativeTo: easy)

        XCTAssertEqual(difficulty.ratio, 2)
        XCTAssertEqual(difficulty.low ?? 0, 1.2, accuracy: 1e-12)
        XCTAssertEqual(difficulty.high ?? 0, 5 / 1.5, accuracy: 1e-12)
        XCTAssertEqual(RelativeDifficulty(TaskAuditValues(kF: nil, dDataMLE: nil), relativeTo: easy).status, .notAvailable)
    }
}
