import Audit
import Foundation
import Store
import Watcher
import XCTest

final class DaemonTests: XCTestCase {
    func testSlowlyWrittenFileAuditedOnce() throws {
        let directory = try makeTemporaryDirectory(self)
        let root = try makeDataset(in: directory)
        let store = try Store(path: directory.appendingPathComponent("audit.sqlite").path)
        let running = RunningDaemon(store: store, settings: smallSettings(roots: [RootSpec(path: root.path)], settle: 2))
        defer { running.stop() }
        running.waitUntilIdle()
        let before = try allAudits(store).count
        XCTAssertEqual(before, 1, "the start-up reconciliation audits the new dataset once")

        // Six pieces, each appended and closed, 0.5 s apart: 3 s of writing.
        let bytes = try Data(contentsOf: goodImage("a", 4))
        let target = root.appendingPathComponent("a/slow.png")
        FileManager.default.createFile(atPath: target.path, contents: nil)
        let pieceSize = (bytes.count + 5) / 6
        for start in stride(from: 0, to: bytes.count, by: pieceSize) {
            let handle = try FileHandle(forWritingTo: target)
            try handle.seekToEnd()
            try handle.write(contentsOf: bytes[start..<min(bytes.count, start + pieceSize)])
            try handle.close()
            Thread.sleep(forTimeInterval: 0.5)
        }
        running.waitUntilIdle()

        let audits = try allAudits(store)
        XCTAssertEqual(audits.count, before + 1, "one re-audit after the write")
        XCTAssertEqual(audits.last?.status, .done)
        let dataset = try XCTUnwrap(try store.dataset(root: root.path))
        let image = try XCTUnwrap(try store.images(datasetID: dataset.id).first { $0.path == "a/slow.png" })
        XCTAssertEqual(image.status, .ok)
        XCTAssertEqual(image.size, Int64(bytes.count))
        XCTAssertEqual(try store.isAuditSuperseded(id: audits[0].id), true)
        XCTAssertEqual(try store.isAuditSuperseded(id: audits.last!.id), false)
    }

    func testManyFilesInNewFoldersIndexedOnce() throws {
        // 2,000 files (10,000 would take minutes of audit time on two cores, so the count is scaled down).
        let fileCount = 2_000
        let directory = try makeTemporaryDirectory(self)
        let root = try makeDataset(in: directory)
        let store = try Store(path: directory.appendingPathComponent("audit.sqlite").path)
        let running = RunningDaemon(store: store, settings: smallSettings(roots: [RootSpec(path: root.path)], settle: 1))
        defer { running.stop() }
        running.waitUntilIdle()

        for index in 0..<fileCount {
            let folder = index % 2 == 0 ? "a" : "b"
            let nested = root.appendingPathComponent("\(folder)/batch\(index / 200)/part\(index % 7)")
            try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: goodImage(folder, 1 + index % 3), to: nested.appendingPathComponent("image\(index).png"))
        }
        running.waitUntilIdle(timeout: 50)

        let dataset = try XCTUnwrap(try store.dataset(root: root.path))
        let images = try store.images(datasetID: dataset.id)
        XCTAssertEqual(images.count, fileCount + 6, "every file is indexed")
        XCTAssertEqual(images.filter { $0.status == .ok }.count, fileCount + 6)
        let audits = try allAudits(store)
        XCTAssertTrue(audits.allSatisfy { $0.status == .done }, "\(audits.map(\.status))")
        let decodes = try audits.map(freshlyDecoded).reduce(0, +)
        XCTAssertEqual(decodes, fileCount + 6, "each file is decoded by exactly one audit")
        XCTAssertLessThanOrEqual(audits.count, 4, "the burst coalesces into few re-audits")
    }

    func testQueuedJobResumesAfterRestart() throws {
        let directory = try makeTemporaryDirectory(self)
        let root = try makeDataset(in: directory)
        let databasePath = directory.appendingPathComponent("audit.sqlite").path

        // A daemon that was killed while running the job: the job stays `running` in the file.
        var killed: Store? = try Store(path: databasePath)
        let queued = try killed!.enqueueJob(root: root.path, labels: nil, config: nil).job
        _ = try killed!.claimNextJob()
        killed = nil

        let store = try Store(path: databasePath)
        let running = RunningDaemon(store: store, settings: smallSettings(roots: [], settle: 0.2))
        defer { running.stop() }
        running.waitUntilIdle()

        let job = try XCTUnwrap(try store.job(id: queued.id))
        XCTAssertEqual(job.state, .done)
        XCTAssertEqual(job.attempts, 2, "claimed once before the kill and once after the restart")
        XCTAssertNotNil(job.auditID)
        let resume = running.logs.lines.first { $0.contains("event=jobs.resume") }
        XCTAssertNotNil(resume, "a jobs.resume line is logged")
        XCTAssertTrue(resume?.contains("requeued_running=1") == true, resume ?? "")
        let done = running.logs.lines.first { $0.contains("event=audit.done") }
        XCTAssertNotNil(done, "an audit.done line is logged")
        XCTAssertTrue(done?.contains("audit_id=") == true, done ?? "")
        XCTAssertTrue(done?.contains("dataset_id=") == true, done ?? "")
    }

    func testDeletedFileSupersedesAudits() throws {
        let directory = try makeTemporaryDirectory(self)
        let root = try makeDataset(in: directory)
        let store = try Store(path: directory.appendingPathComponent("audit.sqlite").path)
        let running = RunningDaemon(store: store, settings: smallSettings(roots: [RootSpec(path: root.path)], settle: 0.3))
        defer { running.stop() }
        running.waitUntilIdle()

        try FileManager.default.removeItem(at: root.appendingPathComponent("b/good-03.png"))
        running.waitUntilIdle()

        let audits = try allAudits(store)
        XCTAssertEqual(audits.count, 2)
        XCTAssertEqual(try store.isAuditSuperseded(id: audits[0].id), true)
        let dataset = try XCTUnwrap(try store.dataset(root: root.path))
        XCTAssertFalse(try store.images(datasetID: dataset.id).contains { $0.path == "b/good-03.png" })
    }

    func testExcludedFilesNoReauditAtStart() throws {
        let directory = try makeTemporaryDirectory(self)
        let root = try makeDataset(in: directory)
        try Data(#"{"scan": {"exclude": ["b/good-03.png"]}}"#.utf8).write(to: root.appendingPathComponent("audit.json"))
        let store = try Store(path: directory.appendingPathComponent("audit.sqlite").path)

        let first = RunningDaemon(store: store, settings: smallSettings(roots: [RootSpec(path: root.path)], settle: 0.3))
        first.waitUntilIdle()
        first.stop()
        let second = RunningDaemon(store: store, settings: smallSettings(roots: [RootSpec(path: root.path)], settle: 0.3))
        defer { second.stop() }
        second.waitUntilIdle()

        let audits = try allAudits(store)
        XCTAssertEqual(audits.count, 1, "the second start finds the listing of the first audit unchanged")
        let dataset = try XCTUnwrap(try store.dataset(root: root.path))
        XCTAssertFalse(try store.images(datasetID: dataset.id).contains { $0.path == "b/good-03.png" })
        XCTAssertFalse(second.logs.lines.contains { $0.contains("event=reconcile.changed") }, second.logs.lines.joined(separator: "\n"))
    }

    func testHTMLReportRewrittenAfterReaudit() throws {
        let directory = try makeTemporaryDirectory(self)
        let root = try makeDataset(in: directory)
        let reportPath = directory.appendingPathComponent("report.html").path
        let store = try Store(path: directory.appendingPathComponent("audit.sqlite").path)
        let running = RunningDaemon(
            store: store, settings: smallSettings(roots: [RootSpec(path: root.path, htmlReport: reportPath)], settle: 0.3))
        defer { running.stop() }
        running.waitUntilIdle()

        let first = try String(contentsOfFile: reportPath, encoding: .utf8)
        XCTAssertTrue(first.hasPrefix("<!DOCTYPE html>"), String(first.prefix(40)))
        try FileManager.default.removeItem(at: root.appendingPathComponent("b/good-03.png"))
        running.waitUntilIdle()

        let second = try String(contentsOfFile: reportPath, encoding: .utf8)
        let audits = try allAudits(store)
        XCTAssertEqual(audits.count, 2)
        XCTAssertTrue(second.contains("audit \(audits[1].id)"), "the file shows the latest audit")
        XCTAssertTrue(running.logs.lines.contains { $0.contains("report.written") })
    }
}
