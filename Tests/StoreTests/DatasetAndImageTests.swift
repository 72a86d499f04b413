import Foundation
import XCTest

@testable import Store

final class DatasetAndImageTests: XCTestCase {
    func testUpsertDatasetIsIdempotent() throws {
        let store = try makeStore(self)

        let first = try store.upsertDataset(root: "/data/chest")
        let again = try store.upsertDataset(root: "/data/chest")
        let other = try store.upsertDataset(root: "/data/knee")

        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first, other)
        let dataset = try XCTUnwrap(store.dataset(root: "/data/chest"))
        XCTAssertEqual(dataset.root, "/data/chest")
        XCTAssertNil(dataset.lastAuditAt)
        XCTAssertEqual(dataset.createdAt.timeIntervalSinceNow, 0, accuracy: 60)
        XCTAssertEqual(try store.dataset(id: other)?.root, "/data/knee")
        XCTAssertNil(try store.dataset(root: "/data/missing"))
    }

    func testRelativeDatasetRootIsRejected() throws {
        let store = try makeStore(self)

        let error = expectStoreError { _ = try store.upsertDataset(root: "data/chest") }

        XCTAssertEqual(error?.kind, .invalidValue)
        XCTAssertTrue(error?.description.contains("\"data/chest\"") ?? false, error?.description ?? "")
    }

    func testImageRoundTripKeepsEveryColumn() throws {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/chest")
        var image = sampleImage(datasetID: datasetID, index: 3)
        image.checksum = 0xFFFF_FFFF_FFFF_FFFE

        let id = try store.upsertImage(image)

        image.id = id
        XCTAssertEqual(try store.images(datasetID: datasetID), [image])
        let stored = try rawQuery(store, "SELECT checksum FROM images") { row throws(StoreError) in try row.int64(0) }
        XCTAssertEqual(stored, [-2], "checksums above Int64.max are stored with the same bit pattern")
    }

    func testUpsertImageUpdatesByPath() throws {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/chest")
        let firstID = try store.upsertImage(sampleImage(datasetID: datasetID, index: 1, size: 1000))

        var changed = ImageRecord(
            datasetID: datasetID, path: "train/case1/image.png", size: 20, mtimeNs: 99, checksum: nil,
            status: .unreadable, reason: "truncated PNG: missing IEND", seenAt: Date(timeIntervalSince1970: 5)
        )
        let secondID = try store.upsertImage(changed)

        XCTAssertEqual(firstID, secondID)
        changed.id = firstID
        XCTAssertEqual(try store.images(datasetID: datasetID), [changed])
    }

    func testUnreadableImageNeedsReason() throws {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/chest")
        let image = ImageRecord(
            datasetID: datasetID, path: "a.png", size: 1, mtimeNs: 1, checksum: nil, status: .unreadable
        )

        let error = expectStoreError { _ = try store.upsertImage(image) }

        XCTAssertEqual(error?.kind, .invalidValue)
        XCTAssertTrue(error?.description.contains("\"a.png\"") ?? false, error?.description ?? "")
    }

    func testAbsoluteImagePathIsRejected() throws {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/chest")
        var image = sampleImage(datasetID: datasetID, index: 1)
        image.path = "/data/chest/a.png"

        let error = expectStoreError { _ = try store.upsertImage(image) }

        XCTAssertEqual(error?.kind, .invalidValue)
    }

    func testImagesAreOrderedByPathPerDataset() throws {
        let store = try makeStore(self)
        let first = try store.upsertDataset(root: "/data/first")
        let second = try store.upsertDataset(root: "/data/second")
        for name in ["b.png", "a/z.png", "c.png"] {
            var image = sampleImage(datasetID: first, index: 0)
            image.path = name
            _ = try store.upsertImage(image)
        }
        _ = try store.upsertImage(sampleImage(datasetID: second, index: 0))

        XCTAssertEqual(try store.images(datasetID: first).map(\.path), ["a/z.png", "b.png", "c.png"])
        XCTAssertEqual(try store.images(datasetID: second).count, 1)
    }

    func testRemoveImagesKeepsListedPathsAndOtherDatasets() throws {
        let store = try makeStore(self)
        let first = try store.upsertDataset(root: "/data/first")
        let second = try store.upsertDataset(root: "/data/second")
        for index in 0..<5 {
            _ = try store.upsertImage(sampleImage(datasetID: first, index: index))
            _ = try store.upsertImage(sampleImage(datasetID: second, index: index))
        }
        let pathsOnDisk: Set = ["train/case1/image.png", "train/case3/image.png", "not/stored.png"]

        let removed = try store.removeImages(datasetID: first, notIn: pathsOnDisk)

        XCTAssertEqual(removed, 3)
        XCTAssertEqual(
            try store.images(datasetID: first).map(\.path), ["train/case1/image.png", "train/case3/image.png"]
        )
        XCTAssertEqual(try store.images(datasetID: second).count, 5)
    }

    func testMostRecentlyAuditedDataset() throws {
        let store = try makeStore(self)
        XCTAssertNil(try store.mostRecentlyAuditedDataset())
        let first = try store.upsertDataset(root: "/data/first")
        let second = try store.upsertDataset(root: "/data/second")

        let firstAudit = try store.beginAudit(
            datasetID: first, labelSource: "folders", fingerprint: "f", parametersJSON: "{}", softwareVersion: "1"
        )
        try store.finishAudit(id: firstAudit, status: .done, reportJSON: "{}")
        XCTAssertEqual(try store.mostRecentlyAuditedDataset()?.id, first)

        let failedAudit = try store.beginAudit(
            datasetID: second, labelSource: "folders", fingerprint: "f", parametersJSON: "{}", softwareVersion: "1"
        )
        try store.finishAudit(id: failedAudit, status: .failed, reportJSON: nil)
        XCTAssertEqual(try store.mostRecentlyAuditedDataset()?.id, first, "a failed audit does not count")

        let secondAudit = try store.beginAudit(
            datasetID: second, labelSource: "folders", fingerprint: "f", parametersJSON: "{}", softwareVersion: "1"
        )
        try store.finishAudit(id: secondAudit, status: .done, reportJSON: "{}")
        let latest = try XCTUnwrap(store.mostRecentlyAuditedDataset())
        XCTAssertEqual(latest.id, second)
        XCTAssertEqual(latest.lastAuditAt, try store.audit(id: secondAudit)?.finishedAt)
    }

    func testSixThousandUpsertsInOneTransaction() throws {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/bulk")
        let images = (0..<6000).map { sampleImage(datasetID: datasetID, index: $0) }

        let started = DispatchTime.now()
        try store.transaction {
            for image in images {
                _ = try store.upsertImage(image)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9

        print("6000 image upserts in one transaction: \(String(format: "%.3f", seconds)) s")
        XCTAssertLessThan(seconds, 1.0)
        XCTAssertEqual(try store.images(datasetID: datasetID).count, 6000)
    }
}
