import Audit
import Foundation
import Store
import XCTest

final class AuditSessionTests: XCTestCase {
    func testSessionReauditEqualsFreshAudit() throws {
        // 291 of the 300 fixture X-rays first, then the other 9 (3%) added.
        let folder = try TemporaryFolder()
        let source = fixture("kermany-cxr-mini")
        let files = try FileManager.default.subpathsOfDirectory(atPath: source.path)
            .filter { $0.hasSuffix(".jpeg") }.sorted()
        let heldBack = Set(files.enumerated().filter { $0.offset % 33 == 0 }.map(\.element))
        for file in files where !heldBack.contains(file) {
            try folder.copy(source.appendingPathComponent(file), to: file)
        }
        try folder.copy(source.appendingPathComponent("audit.json"), to: "audit.json")
        var options = AuditOptions(root: folder.path)
        options.resolution = 64
        options.runs = 10
        options.threads = 2
        let session = AuditSession()
        let store = try Store(path: folder.url.appendingPathComponent("session.sqlite").path + "-db")
        _ = try Auditor(store: store, options: options, session: session).run()

        for file in heldBack {
            try folder.copy(source.appendingPathComponent(file), to: file)
        }
        let updated = try Auditor(store: store, options: options, session: session).run()
        let freshStore = try Store(path: folder.url.appendingPathComponent("fresh.sqlite").path + "-db")
        let fresh = try Auditor(store: freshStore, options: options).run()

        XCTAssertEqual(updated.dataset.decoded, 300)
        XCTAssertEqual(updated.tasks.map(\.name), fresh.tasks.map(\.name))
        for (a, b) in zip(updated.tasks, fresh.tasks) {
            XCTAssertEqual(a.labelSharpness.perRun, b.labelSharpness.perRun, a.name)
            XCTAssertEqual(a.labelSharpness.closestPair, b.labelSharpness.closestPair, a.name)
            XCTAssertEqual(a.intrinsicDimension.mle.value, b.intrinsicDimension.mle.value, a.name)
            XCTAssertEqual(a.intrinsicDimension.twonn.value, b.intrinsicDimension.twonn.value, a.name)
            XCTAssertEqual(a.intrinsicDimension.mle.ci95, b.intrinsicDimension.mle.ci95, a.name)
        }
        let updatedWork = updated.tasks.map { $0.labelSharpness.exactEvaluations + $0.intrinsicDimension.exactEvaluations }.reduce(0, +)
        let freshWork = fresh.tasks.map { $0.labelSharpness.exactEvaluations + $0.intrinsicDimension.exactEvaluations }.reduce(0, +)
        XCTAssertLessThan(updatedWork, freshWork / 2, "the session re-audit measures far fewer pairs")
    }
}
