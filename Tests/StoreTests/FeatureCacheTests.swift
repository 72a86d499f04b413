import Foundation
import XCTest

@testable import Store

final class FeatureCacheTests: XCTestCase {
    private let fingerprint = "resnet18-pool-v1"
    private let vector: [UInt16] = [0, 1, 255, 256, 0x1234, 0xFFFF]

    private func storeWithImage() throws -> (store: Store, datasetID: Int64, imageID: Int64) {
        let store = try makeStore(self)
        let datasetID = try store.upsertDataset(root: "/data/cache")
        let imageID = try store.upsertImage(sampleImage(datasetID: datasetID, index: 1, size: 1000))
        return (store, datasetID, imageID)
    }

    func testHitWithSameKey() throws {
        let (store, _, imageID) = try storeWithImage()
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false, vector: vector
        )

        let cached = try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5)

        XCTAssertEqual(cached, CachedFeatures(vector: vector, isConstant: false))
    }

    func testMissWhenSizeMtimeOrFingerprintChanges() throws {
        let (store, _, imageID) = try storeWithImage()
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false, vector: vector
        )

        XCTAssertNil(try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: 1001, mtimeNs: 5))
        XCTAssertNil(try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 6))
        XCTAssertNil(try store.cachedFeatures(imageID: imageID, fingerprint: "other-v2", size: 1000, mtimeNs: 5))
        XCTAssertNil(try store.cachedFeatures(imageID: imageID + 1, fingerprint: fingerprint, size: 1000, mtimeNs: 5))
    }

    func testStoringAgainReplacesStaleEntry() throws {
        let (store, _, imageID) = try storeWithImage()
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false, vector: vector
        )

        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 2000, mtimeNs: 9, isConstant: true, vector: [7, 7]
        )

        XCTAssertNil(try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5))
        let cached = try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: 2000, mtimeNs: 9)
        XCTAssertEqual(cached, CachedFeatures(vector: [7, 7], isConstant: true))
        let rows = try countRows(store, "feature_cache")
        XCTAssertEqual(rows, 1)
    }

    func testBlobIsLittleEndian() throws {
        let (store, _, imageID) = try storeWithImage()
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false,
            vector: [0x0102, 0xA0B0]
        )

        let blobs = try rawQuery(store, "SELECT vector FROM feature_cache") { row throws(StoreError) in
            try row.blob(0)
        }

        XCTAssertEqual(blobs, [[0x02, 0x01, 0xB0, 0xA0]])
    }

    func testBlobRoundTripOfSeededVector() throws {
        let (store, _, imageID) = try storeWithImage()
        var generator = SplitMix64(seed: 7)
        let long = (0..<4096).map { _ in UInt16(truncatingIfNeeded: generator.next()) }
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false, vector: long
        )

        let cached = try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5)

        XCTAssertEqual(cached?.vector, long)
        XCTAssertEqual(FeatureBlob.decode(FeatureBlob.encode(long)), long)
    }

    func testEmptyVectorRoundTrips() throws {
        let (store, _, imageID) = try storeWithImage()
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: true, vector: []
        )

        let cached = try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5)

        XCTAssertEqual(cached, CachedFeatures(vector: [], isConstant: true))
    }

    func testOddLengthBlobIsRejected() throws {
        XCTAssertNil(FeatureBlob.decode([1, 2, 3]))

        let (store, _, imageID) = try storeWithImage()
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false, vector: [1]
        )

        // The CHECK constraint keeps odd lengths out, even from raw SQL.
        let error = expectStoreError {
            try rawExecute(store, "UPDATE feature_cache SET vector = x'010203'")
        }
        XCTAssertEqual(error?.resultCode, 275, "SQLITE_CONSTRAINT_CHECK")
    }

    func testClearFeatureCacheByDatasetAndAll() throws {
        let store = try makeStore(self)
        let first = try store.upsertDataset(root: "/data/first")
        let second = try store.upsertDataset(root: "/data/second")
        for datasetID in [first, second] {
            for index in 0..<3 {
                let imageID = try store.upsertImage(sampleImage(datasetID: datasetID, index: index))
                try store.storeFeatures(
                    imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false,
                    vector: vector
                )
            }
        }

        XCTAssertEqual(try store.clearFeatureCache(datasetID: first), 3)
        XCTAssertEqual(try store.clearFeatureCache(datasetID: first), 0)
        let secondImage = try XCTUnwrap(store.images(datasetID: second).first?.id)
        XCTAssertNotNil(
            try store.cachedFeatures(imageID: secondImage, fingerprint: fingerprint, size: 1000, mtimeNs: 5)
        )

        XCTAssertEqual(try store.clearFeatureCache(datasetID: nil), 3)
        XCTAssertNil(try store.cachedFeatures(imageID: secondImage, fingerprint: fingerprint, size: 1000, mtimeNs: 5))
    }

    func testRemovingImageDeletesItsCacheRows() throws {
        let (store, datasetID, imageID) = try storeWithImage()
        try store.storeFeatures(
            imageID: imageID, fingerprint: fingerprint, size: 1000, mtimeNs: 5, isConstant: false, vector: vector
        )

        XCTAssertEqual(try store.removeImages(datasetID: datasetID, notIn: []), 1)

        let rows = try countRows(store, "feature_cache")
        XCTAssertEqual(rows, 0)
    }
}
