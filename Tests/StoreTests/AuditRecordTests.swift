import Foundation
import XCTest

@testable import Store

final class AuditRecordTests: XCTestCase {
    private func storeWithAudit() throws -> (store: Store, datasetID: Int64, auditID: Int64) {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/chest")
        let auditID = try store.beginAudit(
            datasetID: datasetID, labelSource: "folders", fingerprint: "resnet18-v1",
            parametersJSON: #"{"k": 20}"#, softwareVersion: "0.1.0"
        )
        return (store, datasetID, auditID)
    }

    private func measurement(
        auditID: Int64, datasetID: Int64, value: Double?, ciLow: Double? = nil, ciHigh: Double? = nil
    ) -> MeasurementRecord {
        MeasurementRecord(
            auditID: auditID, taskID: nil, datasetID: datasetID, kind: "twonn", value: value,
            ciLow: ciLow, ciHigh: ciHigh, parametersJSON: "{}", seedsJSON: "[1]", sampleSize: 10,
            fingerprint: "resnet18-v1", labelSource: "folders", softwareVersion: "0.1.0",
            createdAt: Date(timeIntervalSince1970: 1_700_000_001.75)
        )
    }

    func testAuditLifecycle() throws {
        let (store, datasetID, auditID) = try storeWithAudit()

        let running = try XCTUnwrap(store.audit(id: auditID))
        XCTAssertEqual(running.status, .running)
        XCTAssertNil(running.finishedAt)
        XCTAssertEqual(running.parametersJSON, #"{"k": 20}"#)
        XCTAssertEqual(try store.latestAudit(datasetID: datasetID, status: .running)?.id, auditID)
        XCTAssertNil(try store.latestAudit(datasetID: datasetID))

        try store.finishAudit(id: auditID, status: .done, reportJSON: #"{"tasks": []}"#)

        let done = try XCTUnwrap(store.latestAudit(datasetID: datasetID))
        XCTAssertEqual(done.id, auditID)
        XCTAssertEqual(done.status, .done)
        XCTAssertEqual(done.reportJSON, #"{"tasks": []}"#)
        XCTAssertEqual(done.labelSource, "folders")
        XCTAssertEqual(done.fingerprint, "resnet18-v1")
        XCTAssertEqual(done.softwareVersion, "0.1.0")
        let finishedAt = try XCTUnwrap(done.finishedAt)
        XCTAssertGreaterThanOrEqual(finishedAt, done.startedAt)
    }

    func testLatestAuditPicksLastStarted() throws {
        let (store, datasetID, firstID) = try storeWithAudit()
        try store.finishAudit(id: firstID, status: .done, reportJSON: nil)
        let secondID = try store.beginAudit(
            datasetID: datasetID, labelSource: "csv", fingerprint: "f", parametersJSON: "{}", softwareVersion: "1"
        )
        try store.finishAudit(id: secondID, status: .done, reportJSON: nil)

        XCTAssertEqual(try store.latestAudit(datasetID: datasetID)?.id, secondID)
    }

    func testFinishingTwiceIsRejected() throws {
        let (store, _, auditID) = try storeWithAudit()
        try store.finishAudit(id: auditID, status: .cancelled, reportJSON: nil)

        let twice = expectStoreError { try store.finishAudit(id: auditID, status: .done, reportJSON: nil) }
        XCTAssertEqual(twice?.kind, .notFound)
        XCTAssertTrue(twice?.description.contains("already finished with status cancelled") ?? false)
        XCTAssertEqual(try store.audit(id: auditID)?.status, .cancelled)

        let missing = expectStoreError { try store.finishAudit(id: 999, status: .done, reportJSON: nil) }
        XCTAssertEqual(missing?.kind, .notFound)
        XCTAssertTrue(missing?.description.contains("No audit has id 999") ?? false)

        let running = expectStoreError { try store.finishAudit(id: auditID, status: .running, reportJSON: nil) }
        XCTAssertEqual(running?.kind, .invalidValue)
    }

    func testInvalidJSONIsRejectedByCheck() throws {
        let (store, datasetID, _) = try storeWithAudit()

        let error = expectStoreError {
            _ = try store.beginAudit(
                datasetID: datasetID, labelSource: "folders", fingerprint: "f", parametersJSON: "{k: 20",
                softwareVersion: "1"
            )
        }

        XCTAssertEqual(error?.resultCode, 275, "SQLITE_CONSTRAINT_CHECK")
    }

    func testUpsertTaskUpdatesByName() throws {
        let (store, datasetID, _) = try storeWithAudit()
        var task = TaskRecord(
            datasetID: datasetID, labelSource: "folders", name: "pneumonia vs normal",
            definitionJSON: #"{"positive": "pneumonia"}"#, positives: 10, negatives: 20
        )
        let firstID = try store.upsertTask(task)

        task.positives = 11
        let secondID = try store.upsertTask(task)

        XCTAssertEqual(firstID, secondID)
        task.id = firstID
        XCTAssertEqual(try store.tasks(datasetID: datasetID), [task])

        task.positives = -1
        let error = expectStoreError { _ = try store.upsertTask(task) }
        XCTAssertEqual(error?.kind, .invalidValue)
    }

    func testMeasurementRoundTrip() throws {
        let (store, datasetID, auditID) = try storeWithAudit()
        let taskID = try store.upsertTask(TaskRecord(
            datasetID: datasetID, labelSource: "folders", name: "a vs b", definitionJSON: "{}",
            positives: 5, negatives: 5
        ))
        var sharpness = MeasurementRecord(
            auditID: auditID, taskID: taskID, datasetID: datasetID, kind: "label_sharpness", value: 0.125,
            ciLow: 0.1, ciHigh: 0.15, parametersJSON: #"{"k": 20}"#, seedsJSON: "[1, 2]", sampleSize: 10,
            fingerprint: "resnet18-v1", labelSource: "folders", softwareVersion: "0.1.0",
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.5)
        )
        var undefined = measurement(auditID: auditID, datasetID: datasetID, value: nil)
        undefined.reason = "fewer than 3 distinct points"

        sharpness.id = try store.insertMeasurement(sharpness)
        undefined.id = try store.insertMeasurement(undefined)

        XCTAssertEqual(try store.measurements(auditID: auditID), [sharpness, undefined])
    }

    func testNonFiniteValuesAreRejected() throws {
        let (store, datasetID, auditID) = try storeWithAudit()
        let cases: [(String, MeasurementRecord)] = [
            ("value", measurement(auditID: auditID, datasetID: datasetID, value: .nan)),
            ("value", measurement(auditID: auditID, datasetID: datasetID, value: .infinity)),
            ("ciLow", measurement(auditID: auditID, datasetID: datasetID, value: 1, ciLow: -.infinity)),
            ("ciHigh", measurement(auditID: auditID, datasetID: datasetID, value: 1, ciHigh: .nan)),
        ]

        for (field, record) in cases {
            let error = expectStoreError { _ = try store.insertMeasurement(record) }
            XCTAssertEqual(error?.kind, .invalidValue, field)
            let message = error?.description ?? ""
            XCTAssertTrue(message.contains("Rejected \(field) = "), message)
            XCTAssertTrue(message.contains("Pass nil for \(field)"), message)
        }
        XCTAssertEqual(try store.measurements(auditID: auditID), [])
    }

    func testBindingRejectsNonFiniteDouble() throws {
        let store = try makeStore(self)

        let error = expectStoreError {
            try store.withConnection { connection throws(StoreError) in
                _ = try connection.run("SELECT ?", [.real(.nan)])
            }
        }

        XCTAssertEqual(error?.kind, .invalidValue)
        XCTAssertTrue(error?.description.contains("non-finite value nan") ?? false, error?.description ?? "")
        // The rejected bind reset the cached statement, so the connection stays usable.
        let afterRejection = try store.withConnection { connection throws(StoreError) in
            try connection.queryOne("SELECT ?", [.real(1.5)]) { row throws(StoreError) in try row.double(0) }
        }
        XCTAssertEqual(afterRejection, 1.5)
    }

    func testCheckConstraintRejectsInfinityFromRawSQL() throws {
        let (store, datasetID, auditID) = try storeWithAudit()
        _ = try store.insertMeasurement(measurement(auditID: auditID, datasetID: datasetID, value: 2.5))

        // 9e999 overflows to +infinity in SQLite's parser.
        let error = expectStoreError { try rawExecute(store, "UPDATE measurements SET value = 9e999") }

        XCTAssertEqual(error?.resultCode, 275, "SQLITE_CONSTRAINT_CHECK")
        XCTAssertEqual(try store.measurements(auditID: auditID).first?.value, 2.5)
    }

    func testMissingValueNeedsReason() throws {
        let (store, datasetID, auditID) = try storeWithAudit()

        let error = expectStoreError {
            _ = try store.insertMeasurement(measurement(auditID: auditID, datasetID: datasetID, value: nil))
        }

        XCTAssertEqual(error?.kind, .invalidValue)
        XCTAssertTrue(error?.description.contains("no value and no reason") ?? false, error?.description ?? "")
    }

    func testInvertedConfidenceIntervalIsRejected() throws {
        let (store, datasetID, auditID) = try storeWithAudit()
        let record = measurement(auditID: auditID, datasetID: datasetID, value: 1, ciLow: 2, ciHigh: 1)

        let error = expectStoreError { _ = try store.insertMeasurement(record) }

        XCTAssertEqual(error?.kind, .invalidValue)
    }
}
