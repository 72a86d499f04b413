import Foundation
import XCTest

@testable import Store

final class JobQueueTests: XCTestCase {
    func testEnqueueCoalescesQueuedJobs() throws {
        let store = try makeStore(self)

        let first = try store.enqueueJob(root: "/data/a", labels: nil, config: nil)
        let second = try store.enqueueJob(root: "/data/a", labels: "/data/labels.csv", config: nil)
        let other = try store.enqueueJob(root: "/data/b", labels: nil, config: nil)

        XCTAssertFalse(first.coalesced)
        XCTAssertTrue(second.coalesced)
        XCTAssertEqual(second.job.id, first.job.id)
        XCTAssertEqual(second.job.labels, "/data/labels.csv")
        XCTAssertNotEqual(other.job.id, first.job.id)
        XCTAssertEqual(try store.jobs(states: [.queued]).count, 2)
    }

    func testClaimAndFinishJob() throws {
        let store = try makeStore(self)
        let queued = try store.enqueueJob(root: "/data/a", labels: nil, config: nil).job

        let claimed = try XCTUnwrap(try store.claimNextJob())
        XCTAssertEqual(claimed.id, queued.id)
        XCTAssertEqual(claimed.state, .running)
        XCTAssertEqual(claimed.attempts, 1)
        XCTAssertNil(try store.claimNextJob())

        // A change seen while the audit runs queues a second job of the same root.
        let again = try store.enqueueJob(root: "/data/a", labels: nil, config: nil)
        XCTAssertFalse(again.coalesced)

        try store.finishJob(id: claimed.id, state: .done)
        XCTAssertEqual(try store.job(id: claimed.id)?.state, .done)
        XCTAssertThrowsError(try store.finishJob(id: claimed.id, state: .done))
        XCTAssertThrowsError(try store.finishJob(id: again.job.id, state: .failed, error: nil))
    }

    func testRequeueInterruptedJobs() throws {
        let store = try makeStore(self)
        _ = try store.enqueueJob(root: "/data/a", labels: nil, config: nil)
        _ = try store.enqueueJob(root: "/data/b", labels: nil, config: nil)
        let runningA = try XCTUnwrap(try store.claimNextJob())
        let runningB = try XCTUnwrap(try store.claimNextJob())
        let queuedB = try store.enqueueJob(root: "/data/b", labels: nil, config: nil)

        let moved = try store.requeueInterruptedJobs()

        XCTAssertEqual(moved, 1)
        XCTAssertEqual(try store.job(id: runningA.id)?.state, .queued)
        XCTAssertEqual(try store.job(id: runningA.id)?.attempts, 1, "requeueing does not count an attempt")
        XCTAssertEqual(try store.job(id: runningB.id)?.state, .failed, "the queued job of /data/b covers it")
        XCTAssertEqual(try store.job(id: queuedB.job.id)?.state, .queued)
    }

    func testWatchedRootsRoundTrip() throws {
        let store = try makeStore(self)

        try store.addWatchedRoot(WatchedRootRecord(path: "/data/b", labels: nil, config: nil))
        try store.addWatchedRoot(WatchedRootRecord(path: "/data/a", labels: "/l.csv", config: nil))
        try store.addWatchedRoot(WatchedRootRecord(path: "/data/a", labels: "/m.csv", config: "/c.json"))

        let roots = try store.watchedRoots()
        XCTAssertEqual(roots.map(\.path), ["/data/a", "/data/b"])
        XCTAssertEqual(roots.first?.labels, "/m.csv")
        XCTAssertEqual(roots.first?.config, "/c.json")
        XCTAssertTrue(try store.removeWatchedRoot(path: "/data/a"))
        XCTAssertFalse(try store.removeWatchedRoot(path: "/data/a"))
        XCTAssertThrowsError(try store.addWatchedRoot(WatchedRootRecord(path: "relative", labels: nil, config: nil)))
    }
}
