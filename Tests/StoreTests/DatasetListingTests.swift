import XCTest

@testable import Store

final class DatasetListingTests: XCTestCase {
    func testDatasetsListedInIdOrder() throws {
        let store = try makeStore(self)
        XCTAssertEqual(try store.datasets().count, 0)

        let first = try store.upsertDataset(root: "/data/b")
        let second = try store.upsertDataset(root: "/data/a")
        _ = try store.upsertDataset(root: "/data/b")

        let listed = try store.datasets()
        XCTAssertEqual(listed.map(\.id), [first, second])
        XCTAssertEqual(listed.map(\.root), ["/data/b", "/data/a"])
    }
}
