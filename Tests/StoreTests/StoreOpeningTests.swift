import Foundation
import XCTest

@testable import Store

final class StoreOpeningTests: XCTestCase {
    func testNewFileMigratesToCurrentVersion() throws {
        let store = try makeStore(self)

        let version = try rawQuery(store, "PRAGMA user_version") { row throws(StoreError) in try row.int64(0) }
        XCTAssertEqual(version, [Int64(Store.schemaVersion)])
        XCTAssertEqual(Store.schemaVersion, Int32(Store.migrations.count))

        let tables = try rawQuery(store, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") {
            row throws(StoreError) in try row.text(0)
        }
        XCTAssertEqual(tables, ["audits", "datasets", "feature_cache", "images", "jobs", "measurements", "observations", "scaling_results", "tasks", "watched_roots"])
    }

    func testConnectionSettings() throws {
        let store = try makeStore(self)

        let journalMode = try rawQuery(store, "PRAGMA journal_mode") { row throws(StoreError) in try row.text(0) }
        XCTAssertEqual(journalMode, ["wal"])
        let foreignKeys = try rawQuery(store, "PRAGMA foreign_keys") { row throws(StoreError) in try row.int64(0) }
        XCTAssertEqual(foreignKeys, [1])
        let busyTimeout = try rawQuery(store, "PRAGMA busy_timeout") { row throws(StoreError) in try row.int64(0) }
        XCTAssertEqual(busyTimeout, [5000])
        let synchronous = try rawQuery(store, "PRAGMA synchronous") { row throws(StoreError) in try row.int64(0) }
        XCTAssertEqual(synchronous, [1], "1 is NORMAL")
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.path + "-wal"))
    }

    func testReopeningKeepsData() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("audit.sqlite").path

        var store: Store? = try Store(path: path)
        let datasetID = try store!.upsertDataset(root: "/data/chest")
        _ = try store!.upsertImage(sampleImage(datasetID: datasetID, index: 7))
        store = nil

        let reopened = try Store(path: path)
        let dataset = try XCTUnwrap(reopened.dataset(root: "/data/chest"))
        XCTAssertEqual(dataset.id, datasetID)
        XCTAssertEqual(try reopened.images(datasetID: datasetID).map(\.path), ["train/case7/image.png"])
        let version = try rawQuery(reopened, "PRAGMA user_version") { row throws(StoreError) in try row.int64(0) }
        XCTAssertEqual(version, [Int64(Store.schemaVersion)])
    }

    func testForeignDatabaseIsRejectedWithoutChanges() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("other.sqlite").path
        var store: Store? = try Store(path: path)
        try rawExecute(store!, "PRAGMA user_version = 0")
        store = nil

        let error = expectStoreError { _ = try Store(path: path) }

        XCTAssertEqual(error?.kind, .cannotOpen)
        XCTAssertTrue(error?.description.contains("another program") == true, error?.description ?? "")
    }

    func testPixelChecksumRoundTrip() throws {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/chest")
        var image = sampleImage(datasetID: datasetID, index: 3)
        image.pixelChecksum = UInt64.max - 5
        _ = try store.upsertImage(image)

        let stored = try XCTUnwrap(store.images(datasetID: datasetID).first)
        XCTAssertEqual(stored.pixelChecksum, UInt64.max - 5)
    }

    func testCreatesMissingParentDirectories() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("a/b/c/audit.sqlite").path

        let store = try Store(path: path)

        XCTAssertEqual(store.path, path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func testParentThatIsAFileIsRejected() throws {
        let directory = try makeTemporaryDirectory(self)
        let blocker = directory.appendingPathComponent("blocker")
        try Data("not a directory".utf8).write(to: blocker)
        let path = blocker.appendingPathComponent("audit.sqlite").path

        let error = expectStoreError { _ = try Store(path: path) }

        XCTAssertEqual(error?.kind, .cannotOpen)
        XCTAssertEqual(error?.path, path)
        XCTAssertTrue(error?.description.contains(path) ?? false, error?.description ?? "")
    }

    func testEmptyPathIsRejected() {
        let error = expectStoreError { _ = try Store(path: "") }

        XCTAssertEqual(error?.kind, .cannotOpen)
        XCTAssertTrue(error?.description.contains("path is empty") ?? false, error?.description ?? "")
    }

    func testGarbageFileIsReportedAsCorrupt() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("garbage.sqlite").path
        var generator = SplitMix64(seed: 42)
        let bytes = (0..<8192).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let error = expectStoreError { _ = try Store(path: path) }

        XCTAssertEqual(error?.kind, .corrupt)
        XCTAssertEqual(error?.resultCode, 26, "SQLITE_NOTADB")
        let message = error?.description ?? ""
        XCTAssertTrue(message.contains(path), message)
        XCTAssertTrue(message.contains("Move it aside"), message)
    }

    func testNewerSchemaVersionIsRejected() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("audit.sqlite").path
        var store: Store? = try Store(path: path)
        try rawExecute(store!, "PRAGMA user_version = 99")
        store = nil

        let error = expectStoreError { _ = try Store(path: path) }

        XCTAssertEqual(error?.kind, .schemaTooNew(found: 99, supported: Store.schemaVersion))
        let message = error?.description ?? ""
        XCTAssertTrue(message.contains("schema version 99"), message)
        XCTAssertTrue(message.contains("supports versions up to \(Store.schemaVersion)"), message)
        XCTAssertTrue(message.contains("Upgrade intrinsic-audit"), message)
        XCTAssertTrue(message.contains(path), message)
    }

    func testDefaultPathUsesXDGDataHome() {
        let path = Store.defaultPath(environment: ["XDG_DATA_HOME": "/srv/data", "HOME": "/home/ana"])
        XCTAssertEqual(path, "/srv/data/intrinsic-audit/audit.sqlite")

        let trailingSlash = Store.defaultPath(environment: ["XDG_DATA_HOME": "/srv/data//", "HOME": "/home/ana"])
        XCTAssertEqual(trailingSlash, "/srv/data/intrinsic-audit/audit.sqlite")
    }

    func testDefaultPathFallsBackToHome() {
        let unset = Store.defaultPath(environment: ["HOME": "/home/ana"])
        XCTAssertEqual(unset, "/home/ana/.local/share/intrinsic-audit/audit.sqlite")

        let empty = Store.defaultPath(environment: ["XDG_DATA_HOME": "", "HOME": "/home/ana"])
        XCTAssertEqual(empty, "/home/ana/.local/share/intrinsic-audit/audit.sqlite")

        let relative = Store.defaultPath(environment: ["XDG_DATA_HOME": "data", "HOME": "/home/ana/"])
        XCTAssertEqual(relative, "/home/ana/.local/share/intrinsic-audit/audit.sqlite")

        let rootHome = Store.defaultPath(environment: ["HOME": "/"])
        XCTAssertEqual(rootHome, "/.local/share/intrinsic-audit/audit.sqlite")
    }

    func testDefaultPathWithoutHomeIsAbsolute() {
        let path = Store.defaultPath(environment: [:])

        XCTAssertTrue(path.hasPrefix("/"), path)
        XCTAssertTrue(path.hasSuffix("/.local/share/intrinsic-audit/audit.sqlite"), path)
    }
}
