import XCTest

@testable import Store

final class ObservationReplacementTests: XCTestCase {
    private func record(seed: Int, n: Int, loss: Double, source: String = "imported") -> ObservationRecord {
        ObservationRecord(dataset: "/data/cxr", task: "viral_vs_normal", model: "resnet", seed: seed, n: n,
                          testLoss: loss, source: source)
    }

    func testSameTrainingReplacesEarlierRow() throws {
        let store = try makeStore(self)
        _ = try store.insertObservations([record(seed: 0, n: 250, loss: 0.6), record(seed: 1, n: 250, loss: 0.5)])

        let again = [record(seed: 0, n: 250, loss: 0.4)]
        XCTAssertEqual(try store.matchingObservationCount(again), 1)
        _ = try store.insertObservations(again)

        let stored = try store.observations()
        XCTAssertEqual(stored.count, 2)
        XCTAssertEqual(stored.first { $0.seed == 0 }?.testLoss, 0.4)
    }

    func testOtherSeedSizeOrSourceIsKept() throws {
        let store = try makeStore(self)
        _ = try store.insertObservations([record(seed: 0, n: 250, loss: 0.6)])

        let different = [
            record(seed: 1, n: 250, loss: 0.6), record(seed: 0, n: 500, loss: 0.6),
            record(seed: 0, n: 250, loss: 0.6, source: "trained"),
        ]
        XCTAssertEqual(try store.matchingObservationCount(different), 0)
        _ = try store.insertObservations(different)

        XCTAssertEqual(try store.observations().count, 4)
    }
}
