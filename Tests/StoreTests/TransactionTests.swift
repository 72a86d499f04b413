import Foundation
import XCTest

@testable import Store

private struct AbortTransaction: Error {}

final class TransactionTests: XCTestCase {
    func testThrowingBodyRollsBackEverything() throws {
        let store = try makeStore(self)

        XCTAssertThrowsError(
            try store.transaction {
                let datasetID = try store.upsertDataset(root: "/data/rolled-back")
                for index in 0..<10 {
                    _ = try store.upsertImage(sampleImage(datasetID: datasetID, index: index))
                }
                throw AbortTransaction()
            }
        ) { error in
            XCTAssertTrue(error is AbortTransaction, "the body's error is rethrown unchanged, got \(error)")
        }

        XCTAssertNil(try store.dataset(root: "/data/rolled-back"))
        let imageCount = try countRows(store, "images")
        XCTAssertEqual(imageCount, 0)
    }

    func testCommittedBodyKeepsChangesAndReturnsValue() throws {
        let store = try makeStore(self)

        let datasetID = try store.transaction {
            let id = try store.upsertDataset(root: "/data/kept")
            _ = try store.upsertImage(sampleImage(datasetID: id, index: 1))
            return id
        }

        XCTAssertEqual(try store.dataset(root: "/data/kept")?.id, datasetID)
        XCTAssertEqual(try store.images(datasetID: datasetID).count, 1)
    }

    func testNestedFailureUndoesOnlyInnerChanges() throws {
        let store = try makeStore(self)

        try store.transaction {
            _ = try store.upsertDataset(root: "/data/outer")
            do {
                try store.transaction {
                    _ = try store.upsertDataset(root: "/data/inner")
                    throw AbortTransaction()
                }
            } catch is AbortTransaction {
                // The outer body recovers and commits.
            }
        }

        XCTAssertNotNil(try store.dataset(root: "/data/outer"))
        XCTAssertNil(try store.dataset(root: "/data/inner"))
    }

    func testSQLFailureInsideTransactionRollsBack() throws {
        let store = try makeStore(self)

        let error = expectStoreError {
            try store.transaction {
                _ = try store.upsertDataset(root: "/data/partial")
                // No dataset has id 999, so the foreign key constraint fails.
                _ = try store.upsertImage(sampleImage(datasetID: 999, index: 1))
            }
        }

        XCTAssertEqual(error?.kind, .sqlite)
        XCTAssertEqual(error?.resultCode, 787, "SQLITE_CONSTRAINT_FOREIGNKEY")
        XCTAssertTrue(error?.sql?.contains("INSERT INTO images") ?? false)
        XCTAssertNil(try store.dataset(root: "/data/partial"))
    }

    func testReaderSeesSnapshotWhileWriterCommits() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("audit.sqlite").path
        let writer = try Store(path: path)
        let reader = try Store(path: path)
        let datasetID = try writer.upsertDataset(root: "/data/shared")
        let countSQL = "SELECT count(*) FROM images"

        try reader.withConnection { connection throws(StoreError) in
            // Open a read transaction and keep it open while the other connection writes and commits.
            try connection.execute("BEGIN DEFERRED")
            let before = try connection.queryOne(countSQL) { row throws(StoreError) in try row.int64(0) }
            XCTAssertEqual(before, 0)

            // In rollback-journal mode this COMMIT would wait for the reader's shared lock and fail after 5 s.
            let started = Date()
            do {
                try writer.transaction {
                    for index in 0..<20 {
                        _ = try writer.upsertImage(sampleImage(datasetID: datasetID, index: index))
                    }
                }
            } catch {
                XCTFail("writer failed while a reader was open: \(error)")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 2, "the commit waited for the reader")

            let duringSnapshot = try connection.queryOne(countSQL) { row throws(StoreError) in try row.int64(0) }
            XCTAssertEqual(duringSnapshot, 0, "a read transaction keeps its snapshot")
            try connection.execute("COMMIT")

            let after = try connection.queryOne(countSQL) { row throws(StoreError) in try row.int64(0) }
            XCTAssertEqual(after, 20)
        }
    }

    func testConcurrentReaderSeesOnlyWholeTransactions() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("audit.sqlite").path
        let writer = try Store(path: path)
        let reader = try Store(path: path)
        let datasetID = try writer.upsertDataset(root: "/data/concurrent")
        let batches = 20
        let batchSize = 50
        let observedCounts = LockedBox<[Int]>([])
        let failures = LockedBox<[String]>([])
        let writerDone = LockedBox(false)

        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            do {
                if worker == 0 {
                    for batch in 0..<batches {
                        try writer.transaction {
                            for offset in 0..<batchSize {
                                let image = sampleImage(datasetID: datasetID, index: batch * batchSize + offset)
                                _ = try writer.upsertImage(image)
                            }
                        }
                    }
                    writerDone.withValue { $0 = true }
                } else {
                    while true {
                        let finished = writerDone.withValue { $0 }
                        let count = try reader.images(datasetID: datasetID).count
                        observedCounts.withValue { $0.append(count) }
                        if finished {
                            break
                        }
                    }
                }
            } catch {
                failures.withValue { $0.append("worker \(worker): \(error)") }
            }
        }

        XCTAssertEqual(failures.withValue { $0 }, [])
        let counts = observedCounts.withValue { $0 }
        print("reader observed \(Set(counts).count) distinct image counts in \(counts.count) reads")
        XCTAssertEqual(counts.last, batches * batchSize)
        XCTAssertEqual(counts.filter { $0 % batchSize != 0 }, [], "a reader saw part of a transaction")
        XCTAssertEqual(counts, counts.sorted(), "counts never decrease")
    }

    func testOneStoreSharedAcrossThreads() throws {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/threads")
        let threads = 4
        let imagesPerThread = 100
        let failures = LockedBox<[String]>([])

        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            do {
                try store.transaction {
                    for offset in 0..<imagesPerThread {
                        _ = try store.upsertImage(sampleImage(datasetID: datasetID, index: worker * 1000 + offset))
                    }
                }
            } catch {
                failures.withValue { $0.append("worker \(worker): \(error)") }
            }
        }

        XCTAssertEqual(failures.withValue { $0 }, [])
        XCTAssertEqual(try store.images(datasetID: datasetID).count, threads * imagesPerThread)
    }
}
