import Foundation
import XCTest

@testable import Store

final class ObservationStoreTests: XCTestCase {
    private func observation(task: String = "pneumonia", model: String = "resnet", seed: Int = 1, n: Int = 500)
        -> ObservationRecord
    {
        ObservationRecord(
            dataset: "/data/chest", task: task, model: model, seed: seed, n: n, testLoss: 0.42, testAccuracy: 0.81,
            testAUC: 0.88, fgsmPenalty: ["1/255": 0.05, "2/255": 0.11, "8/255": 0.9],
            dRepr: ["twonn": 12.5, "mle": 14.25], kF: 3.5, kFLow: 3.0, kFHigh: 4.0, dDataMLE: 20.5,
            dDataTwoNN: 18.0, dDataLow: 16.0, dDataHigh: 23.0, auditFingerprint: "audit-fp",
            trainingFingerprint: "train-fp", epochs: 30, wallSeconds: 125.5, imagesPerSecond: 410.0,
            source: "trained", weightsPath: "/tmp/w.bin", createdAt: 1_700_000_000.5
        )
    }

    func testRoundTripKeepsEveryField() throws {
        let store = try makeStore(self)
        let written = observation()

        let ids = try store.insertObservations([written])
        XCTAssertEqual(ids.count, 1)

        let read = try store.observations()
        XCTAssertEqual(read.count, 1)
        var expected = written
        expected.id = ids[0]
        XCTAssertEqual(read.first, expected)
    }

    func testOptionalFieldsStayNil() throws {
        let store = try makeStore(self)
        let minimal = ObservationRecord(
            dataset: "imported", task: "t", model: "m", seed: 0, n: 10, testLoss: 0.7, source: "imported",
            createdAt: 5
        )

        _ = try store.insertObservations([minimal])

        let read = try XCTUnwrap(store.observations().first)
        XCTAssertNil(read.kF)
        XCTAssertNil(read.testAccuracy)
        XCTAssertNil(read.epochs)
        XCTAssertEqual(read.fgsmPenalty, [:])
        XCTAssertEqual(read.dRepr, [:])
    }

    func testFiltersCombine() throws {
        let store = try makeStore(self)
        var other = observation(task: "effusion", model: "vgg", seed: 2)
        other.auditFingerprint = "other-fp"
        _ = try store.insertObservations([observation(), observation(seed: 2), other])

        XCTAssertEqual(try store.observations().count, 3)
        XCTAssertEqual(try store.observations(model: "resnet").count, 2)
        XCTAssertEqual(try store.observations(model: "vgg").map(\.task), ["effusion"])
        XCTAssertEqual(try store.observations(auditFingerprint: "audit-fp").count, 2)
        XCTAssertEqual(try store.observations(model: "resnet", task: "effusion").count, 0)
        XCTAssertEqual(try store.observations(dataset: "/data/chest", task: "pneumonia").map(\.seed), [1, 2])
    }

    func testInvalidRecordWritesNothing() throws {
        let store = try makeStore(self)
        var infinite = observation(seed: 3)
        infinite.kF = .infinity

        let error = expectStoreError { _ = try store.insertObservations([observation(), infinite]) }
        XCTAssertEqual(error?.kind, .invalidValue)
        let message = error?.description ?? ""
        XCTAssertTrue(message.contains("observation 1"), message)
        XCTAssertTrue(message.contains("kF = inf"), message)
        XCTAssertEqual(try countRows(store, "observations"), 0)
    }

    func testRejectsOutOfRangeValues() throws {
        let store = try makeStore(self)
        var cases: [(name: String, record: ObservationRecord, fragment: String)] = []

        var zeroN = observation()
        zeroN.n = 0
        cases.append(("zero n", zeroN, "n = 0"))

        var negativeLoss = observation()
        negativeLoss.testLoss = -0.1
        cases.append(("negative loss", negativeLoss, "negative testLoss"))

        var percentAccuracy = observation()
        percentAccuracy.testAccuracy = 81
        cases.append(("percent accuracy", percentAccuracy, "testAccuracy = 81.0 outside [0, 1]"))

        var reversed = observation()
        reversed.dDataLow = 30
        cases.append(("reversed interval", reversed, "dDataLow = 30.0 above dDataHigh"))

        var source = observation()
        source.source = "guessed"
        cases.append(("unknown source", source, "source guessed"))

        var emptyTask = observation()
        emptyTask.task = ""
        cases.append(("empty task", emptyTask, "empty task"))

        var nanPenalty = observation()
        nanPenalty.fgsmPenalty["8/255"] = .nan
        cases.append(("NaN penalty", nanPenalty, "fgsmPenalty[8/255]"))

        for testCase in cases {
            let error = expectStoreError { _ = try store.insertObservations([testCase.record]) }
            XCTAssertEqual(error?.kind, .invalidValue, testCase.name)
            let message = error?.description ?? ""
            XCTAssertTrue(message.contains(testCase.fragment), "\(testCase.name): \(message)")
        }
        XCTAssertEqual(try countRows(store, "observations"), 0)
    }

    func testScalingResultsNewestFirst() throws {
        let store = try makeStore(self)
        let older = ScalingResultRecord(
            kind: .fit, model: "resnet", auditFingerprint: "fp", dataset: nil, resultJSON: #"{"a": 1}"#,
            softwareVersion: "0.1.0", createdAt: 100
        )
        var newer = older
        newer.resultJSON = #"{"a": 2}"#
        newer.createdAt = 200
        let verdict = ScalingResultRecord(
            kind: .verdict, model: "resnet", auditFingerprint: nil, dataset: "/data", resultJSON: "{}",
            softwareVersion: "0.1.0", createdAt: 150
        )

        _ = try store.insertScalingResult(older)
        _ = try store.insertScalingResult(newer)
        _ = try store.insertScalingResult(verdict)

        let fits = try store.scalingResults(kind: .fit)
        XCTAssertEqual(fits.map(\.resultJSON), [#"{"a": 2}"#, #"{"a": 1}"#])
        let verdicts = try store.scalingResults(kind: .verdict)
        XCTAssertEqual(verdicts.count, 1)
        XCTAssertEqual(verdicts.first?.dataset, "/data")
    }

    func testInvalidResultJSONIsRejected() throws {
        let store = try makeStore(self)
        let broken = ScalingResultRecord(
            kind: .fit, model: "resnet", auditFingerprint: nil, dataset: nil, resultJSON: "{not json",
            softwareVersion: "0.1.0"
        )

        let error = expectStoreError { _ = try store.insertScalingResult(broken) }
        XCTAssertEqual(error?.kind, .sqlite)
    }
}
