import Foundation
import XCTest

@testable import Store

/// Creates a fresh directory under the system temporary directory, removed when the test case tears down.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock {
        try? FileManager.default.removeItem(at: directory)
    }
    return directory
}

/// Opens a new store in its own temporary directory.
func makeStore(_ testCase: XCTestCase) throws -> Store {
    let directory = try makeTemporaryDirectory(testCase)
    return try Store(path: directory.appendingPathComponent("audit.sqlite").path)
}

/// Returns an image record with plausible values; `index` makes the path and checksum unique.
func sampleImage(datasetID: Int64, index: Int, size: Int64 = 1000) -> ImageRecord {
    ImageRecord(
        datasetID: datasetID, path: "train/case\(index)/image.png", size: size, mtimeNs: 1_700_000_000_000_000_000,
        checksum: UInt64(index) &* 0x9E37_79B9_7F4A_7C15, status: .ok, width: 256, height: 256, format: "png",
        split: "train", patient: "P\(index / 10)", seenAt: Date(timeIntervalSince1970: 1_700_000_000.25)
    )
}

/// Runs raw SQL on the store's connection, for checks the public API does not expose.
func rawQuery<T>(_ store: Store, _ sql: String, _ read: (Row) throws(StoreError) -> T) throws -> [T] {
    try store.withConnection { connection throws(StoreError) in
        try connection.query(sql, [], read)
    }
}

/// Returns the number of rows in `table`.
func countRows(_ store: Store, _ table: String) throws -> Int64 {
    try rawQuery(store, "SELECT count(*) FROM \(table)") { row throws(StoreError) in try row.int64(0) }[0]
}

func rawExecute(_ store: Store, _ sql: String) throws {
    try store.withConnection { connection throws(StoreError) in
        try connection.execute(sql)
    }
}

/// Runs `body` and returns the StoreError it throws, failing the test when it throws nothing or another error.
func expectStoreError(
    _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line
) -> StoreError? {
    do {
        try body()
        XCTFail("expected a StoreError, but the call succeeded", file: file, line: line)
    } catch let error as StoreError {
        return error
    } catch {
        XCTFail("expected a StoreError, got \(error)", file: file, line: line)
    }
    return nil
}

/// A value shared between test threads, guarded by a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withValue<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small seeded generator for reproducible test bytes.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
