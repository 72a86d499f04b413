import Estimators
import Foundation
import Store
import XCTest

@testable import Scaling

/// Observations on a grid of K_F, d_data and N, with losses from model A (or B) times log-normal noise.
func syntheticObservations(a: Double, b: Double, withSharpness: Bool, noise: Double, seed: UInt64) -> [ObservationRecord] {
    var generator = SplitMix64(seed: seed)
    let grid: [(kF: Double, d: Double)] = [(0.5, 10), (1, 15), (2, 20), (4, 25), (8, 30), (3, 12)]
    var records: [ObservationRecord] = []
    for (index, task) in grid.enumerated() {
        for n in [100, 300, 1000, 3000, 10000] {
            let clean = a * (withSharpness ? task.kF : 1) * pow(Double(n), -b / task.d)
            let loss = clean * exp(noise * Budget.standardNormal(&generator))
            records.append(ObservationRecord(
                dataset: "synthetic", task: "task\(index)", model: "resnet", seed: 0, n: n, testLoss: loss,
                kF: task.kF, kFLow: task.kF * 0.9, kFHigh: task.kF * 1.1, dDataMLE: task.d, dDataTwoNN: task.d + 1,
                dDataLow: task.d - 2, dDataHigh: task.d + 3, auditFingerprint: "fp", source: "imported", createdAt: 0
            ))
        }
    }
    return records
}

func loadGolden() throws -> [String: Any] {
    let url = try XCTUnwrap(Bundle.module.url(forResource: "scaling_golden", withExtension: "json", subdirectory: "Golden"))
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

final class ScalingFitTests: XCTestCase {
    private let options = ScalingLawOptions(bootstrapReplicates: 200, bootstrapSeed: 7)

    func testModelADataRecoversParameters() throws {
        let observations = syntheticObservations(a: 0.8, b: 1.5, withSharpness: true, noise: 0.05, seed: 11)

        let fit = try ScalingLaw.fit(observations, options: options)

        // Tolerance: about 3 standard errors. With 30 observations, noise 0.05 on ln L and ln N / d_data spread
        // with a standard deviation of about 0.2, se(b) ≈ 0.05 / (0.2 · √30) ≈ 0.045.
        XCTAssertEqual(fit.modelA.a.value, 0.8, accuracy: 0.08)
        XCTAssertEqual(fit.modelA.b.value, 1.5, accuracy: 0.15)
        XCTAssertEqual(fit.favouredModel, "A")
        let ratio = try XCTUnwrap(fit.logLikelihoodRatio)
        XCTAssertGreaterThan(ratio, 10)
        XCTAssertEqual(fit.observationCount, 30)
        XCTAssertEqual(fit.taskCount, 6)
        XCTAssertEqual(fit.datasetCount, 1)
        XCTAssertEqual(fit.dimension, .mle)
    }

    func testIntervalsCoverTrueValues() throws {
        let observations = syntheticObservations(a: 0.8, b: 1.5, withSharpness: true, noise: 0.05, seed: 11)

        let fit = try ScalingLaw.fit(observations, options: options)

        XCTAssertLessThan(try XCTUnwrap(fit.modelA.a.low), 0.8)
        XCTAssertGreaterThan(try XCTUnwrap(fit.modelA.a.high), 0.8)
        XCTAssertLessThan(try XCTUnwrap(fit.modelA.b.bootstrapLow), 1.5)
        XCTAssertGreaterThan(try XCTUnwrap(fit.modelA.b.bootstrapHigh), 1.5)
        XCTAssertEqual(fit.bootstrapReplicates + fit.bootstrapSkipped, 200)
    }

    func testModelBDataFavoursB() throws {
        let observations = syntheticObservations(a: 2.0, b: 1.0, withSharpness: false, noise: 0.05, seed: 12)

        let fit = try ScalingLaw.fit(observations, options: options)

        XCTAssertEqual(fit.favouredModel, "B")
        XCTAssertLessThan(try XCTUnwrap(fit.logLikelihoodRatio), -10)
        XCTAssertEqual(fit.modelB.a.value, 2.0, accuracy: 0.2)
        XCTAssertEqual(fit.modelB.b.value, 1.0, accuracy: 0.15)
    }

    func testGlobalFitMatchesCurveFit() throws {
        let golden = try loadGolden()["global"] as! [String: Any]
        let rows = golden["observations"] as! [[Double]]
        let observations = rows.enumerated().map { index, row in
            ObservationRecord(
                dataset: "golden", task: "t\(index / 3)", model: "m", seed: 0, n: Int(row[0]), testLoss: row[3],
                kF: row[1], dDataMLE: row[2], source: "imported", createdAt: 0
            )
        }

        let fit = try ScalingLaw.fit(observations, options: ScalingLawOptions(bootstrapReplicates: 0))

        for (name, model) in [("model_a", fit.modelA), ("model_b", fit.modelB)] {
            let expected = golden[name] as! [String: Double]
            XCTAssertEqual(model.a.value, expected["a"]!, accuracy: 1e-6 * expected["a"]!, name)
            XCTAssertEqual(model.b.value, expected["b"]!, accuracy: 1e-6 * abs(expected["b"]!), name)
            XCTAssertEqual(try XCTUnwrap(model.a.standardError), expected["se_log_a"]!, accuracy: 1e-5 * expected["se_log_a"]!, name)
            XCTAssertEqual(try XCTUnwrap(model.b.standardError), expected["se_b"]!, accuracy: 1e-5 * expected["se_b"]!, name)
            XCTAssertEqual(model.residualSumOfSquares, expected["rss"]!, accuracy: 1e-6 * expected["rss"]!, name)
        }
    }

    func testCurveMatchesCurveFit() throws {
        let golden = try loadGolden()["curve"] as! [String: Any]
        let points = (golden["points"] as! [[Double]]).map {
            CurvePoint(n: Int($0[0]), mean: $0[1], standardDeviation: $0[2], seeds: Int($0[3]))
        }

        let cases: [(AsymptoteMode, String)] = [(.never, "power_law"), (.automatic, "with_asymptote")]
        for (mode, name) in cases {
            let expected = golden[name] as! [String: [Double]]
            let curve = try LearningCurves.fit(points, quantity: .loss, asymptote: mode)
            XCTAssertEqual(curve.parameters.count, expected["params"]!.count, name)
            for (index, value) in expected["params"]!.enumerated() {
                XCTAssertEqual(curve.parameters[index], value, accuracy: 1e-5 * max(abs(value), 1e-3), "\(name) θ\(index)")
                let standardError = try XCTUnwrap(curve.covariance)[index][index].squareRoot()
                XCTAssertEqual(standardError, expected["se"]![index], accuracy: 1e-3 * expected["se"]![index], "\(name) se\(index)")
            }
        }
    }

    func testSingleSizeIsRejected() throws {
        let observations = syntheticObservations(a: 1, b: 1, withSharpness: true, noise: 0, seed: 1)
            .filter { $0.n == 1000 && $0.task == "task0" }
        var copies = observations
        copies += observations.map { var copy = $0; copy.seed = 1; return copy }
        copies += observations.map { var copy = $0; copy.seed = 2; return copy }

        XCTAssertThrowsError(try ScalingLaw.fit(copies, options: options)) { error in
            XCTAssertTrue("\(error)".contains("one value of ln N / d_data"), "\(error)")
        }
        let points = LearningCurves.points(copies, quantity: .loss)
        XCTAssertThrowsError(try LearningCurves.fit(points, quantity: .loss)) { error in
            XCTAssertTrue("\(error)".contains("3 or more distinct training-set sizes"), "\(error)")
        }
    }

    func testEqualLossesGiveNoNaN() throws {
        var observations = syntheticObservations(a: 1, b: 1, withSharpness: true, noise: 0, seed: 1)
        for index in observations.indices {
            observations[index].testLoss = 0.5
        }

        let fit = try ScalingLaw.fit(observations, options: options)

        XCTAssertEqual(fit.favouredModel, "B")
        XCTAssertNil(fit.logLikelihoodRatio)
        XCTAssertNotNil(fit.note)
        let json = String(decoding: try JSONEncoder().encode(fit), as: UTF8.self)
        XCTAssertFalse(json.lowercased().contains("nan"), json)
    }

    func testMissingDimensionIsExcluded() throws {
        var observations = syntheticObservations(a: 1, b: 1, withSharpness: true, noise: 0.01, seed: 2)
        for index in observations.indices where observations[index].task == "task0" {
            observations[index].dDataMLE = nil
        }
        for index in observations.indices where observations[index].task == "task1" {
            observations[index].kF = nil
        }

        let fit = try ScalingLaw.fit(observations, options: options)

        XCTAssertEqual(fit.observationCount, 20)
        XCTAssertEqual(fit.excluded["without a positive d_data (mle)"], 5)
        XCTAssertEqual(fit.excluded["without a finite K_F"], 5)
    }
}
