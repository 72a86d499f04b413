import Audit
import Foundation
import Store
import XCTest

final class AuditEdgeCaseTests: XCTestCase {
    func testIdenticalImagesWithDifferentLabelsAreConflicts() throws {
        // a.png labelled "zero", a byte-identical copy labelled "one", and b.png.
        let folder = try TemporaryFolder()
        let a = goodImages("a")[0]
        try folder.copy(a, to: "zero/a.png")
        try folder.copy(a, to: "one/a-copy.png")
        try folder.copy(goodImages("b")[1], to: "one/b.png")
        for (index, image) in goodImages("a").dropFirst().enumerated() {
            try folder.copy(image, to: "zero/extra-\(index).png")
        }
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)

        let report = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()

        let task = try XCTUnwrap(report.tasks.first { $0.name == "one_vs_zero" })
        XCTAssertTrue(task.labelSharpness.infinite)
        XCTAssertEqual(task.labelSharpness.conflicts, [["zero/a.png", "one/a-copy.png"]])
        let mean = try XCTUnwrap(task.labelSharpness.mean, "the finite K_F without conflicts must be reported")
        XCTAssertTrue(mean.isFinite)
        XCTAssertGreaterThan(mean, 0)
        XCTAssertEqual(report.dataset.duplicates.imagesRemoved, 1)
        XCTAssertEqual(report.dataset.duplicates.identicalPixels, 1)
    }

    func testSameLabelCopyIsDuplicateNotConflict() throws {
        let folder = try TemporaryFolder()
        for (index, image) in goodImages("a").enumerated() {
            try folder.copy(image, to: "zero/\(index).png")
        }
        try folder.copy(goodImages("a")[0], to: "zero/copy-of-0.png")
        for (index, image) in goodImages("b").enumerated() {
            try folder.copy(image, to: "one/\(index).png")
        }
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)

        let report = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()

        let task = try XCTUnwrap(report.tasks.first)
        XCTAssertEqual(task.labelSharpness.conflicts, [])
        XCTAssertFalse(task.labelSharpness.infinite)
        XCTAssertEqual(report.dataset.duplicates.groups.map(\.paths), [["zero/0.png", "zero/copy-of-0.png"]])
        XCTAssertEqual(report.dataset.duplicates.groups.first?.labels, ["zero", "zero"])
        XCTAssertEqual(report.dataset.duplicates.groups.first?.identicalPixels, true)
        XCTAssertEqual(report.dataset.duplicates.imagesRemoved, 1)
    }

    func testFiftyIdenticalImagesGiveADegenerateResult() throws {
        let folder = try TemporaryFolder()
        let image = goodImages("a")[2]
        for index in 0..<25 {
            try folder.copy(image, to: "left/\(index).png")
            try folder.copy(image, to: "right/\(index).png")
        }
        let databasePath = folder.url.appendingPathComponent("db.sqlite").path
        let store = try Store(path: databasePath)

        let report = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()

        let task = try XCTUnwrap(report.tasks.first)
        XCTAssertNil(task.labelSharpness.mean)
        XCTAssertTrue(task.labelSharpness.reason?.contains("degenerate dataset") == true, task.labelSharpness.reason ?? "no reason")
        XCTAssertNil(task.intrinsicDimension.mle.value)
        XCTAssertTrue(task.intrinsicDimension.mle.reason?.contains("degenerate dataset") == true)
        XCTAssertNil(task.intrinsicDimension.twonn.value)
        XCTAssertEqual(report.dataset.duplicates.imagesRemoved, 49)

        // Nothing stored as a dimension is 0, NaN or ∞: undefined values are NULL with a reason.
        let measurements = try store.measurements(auditID: try XCTUnwrap(report.auditID))
        XCTAssertFalse(measurements.isEmpty)
        for measurement in measurements {
            if let value = measurement.value {
                XCTAssertTrue(value.isFinite, "\(measurement.kind) stored \(value)")
                XCTAssertGreaterThan(value, 0, "\(measurement.kind) stored \(value)")
            } else {
                XCTAssertNotNil(measurement.reason, "\(measurement.kind) has no value and no reason")
            }
        }
    }

    func testBrokenFilesAreRecordedAndSkipped() throws {
        let folder = try TemporaryFolder()
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)

        let report = try Auditor(store: store, options: smallAuditOptions(root: fixture("broken").path)).run()

        let reasons = Dictionary(uniqueKeysWithValues: report.dataset.unreadable.map { ($0.path, $0.reason) })
        XCTAssertEqual(Set(reasons.keys), [
            "a/corrupt.png", "a/not-an-image.png", "a/truncated.png", "a/zero-byte.png",
            "b/image.bmp", "b/oversized.png", "b/truncated.jpg",
        ])
        XCTAssertTrue(reasons["a/zero-byte.png"]!.hasPrefix("empty"), reasons["a/zero-byte.png"]!)
        XCTAssertTrue(reasons["b/oversized.png"]!.hasPrefix("tooLarge"), reasons["b/oversized.png"]!)
        XCTAssertTrue(reasons["b/truncated.jpg"]!.hasPrefix("truncated"), reasons["b/truncated.jpg"]!)
        XCTAssertTrue(reasons["b/image.bmp"]!.hasPrefix("unsupported"), reasons["b/image.bmp"]!)
        XCTAssertEqual(report.dataset.decoded, 12)
        XCTAssertEqual(report.tasks.count, 1, "the audit completes with the decodable images")

        let stored = try store.images(datasetID: try XCTUnwrap(try store.dataset(root: report.dataset.root)).id)
        XCTAssertEqual(stored.filter { $0.status == .unreadable }.count, 7)
        XCTAssertTrue(stored.filter { $0.status == .unreadable }.allSatisfy { $0.reason != nil })
    }

    func testSecondAuditReusesTheCacheAndAgrees() throws {
        let folder = try TemporaryFolder()
        for (index, image) in goodImages("a").enumerated() { try folder.copy(image, to: "zero/\(index).png") }
        for (index, image) in goodImages("b").enumerated() { try folder.copy(image, to: "one/\(index).png") }
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)

        let first = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()
        let second = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()

        XCTAssertEqual(first.dataset.cached, 0)
        XCTAssertEqual(second.dataset.cached, 12)
        XCTAssertEqual(first.tasks[0].labelSharpness.perRun, second.tasks[0].labelSharpness.perRun)
        XCTAssertNotEqual(first.auditID, second.auditID)
    }

    func testLabelTableGivesTasksAndReportsBadRows() throws {
        let folder = try TemporaryFolder()
        for (index, image) in goodImages("a").enumerated() { try folder.copy(image, to: "images/a\(index).png") }
        for (index, image) in goodImages("b").enumerated() { try folder.copy(image, to: "images/b\(index).png") }
        var csv = "path,finding,patient_id,comment\n"
        for index in 0..<6 { csv += "images/a\(index).png,0,p\(index),x\n" }
        for index in 0..<6 { csv += "images/b\(index).png,1,q\(index),y\n" }
        csv += "images/missing.png,1,p9,z\n"      // line 14: unknown path
        csv += "../outside.png,0,p9,z\n"          // line 15: leaves the root
        try folder.write(csv, to: "labels.csv")
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = smallAuditOptions(root: folder.path)
        options.labelsPath = folder.url.appendingPathComponent("labels.csv").path

        let report = try Auditor(store: store, options: options).run()

        XCTAssertEqual(report.tasks.map(\.name), ["finding"])
        XCTAssertEqual(report.tasks[0].positives, 6)
        XCTAssertEqual(report.tasks[0].negatives, 6)
        XCTAssertEqual(report.dataset.labelIssues.map(\.line), [14, 15])
        XCTAssertTrue(report.dataset.labelSource.hasPrefix("table:"))
        XCTAssertTrue(report.dataset.ignoredColumns.contains { $0.column == "comment" })
        XCTAssertEqual(report.dataset.labelled, 12, "table labels count as labelled")
    }

    func testMissingFolderIsAClearError() throws {
        let folder = try TemporaryFolder()
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        XCTAssertThrowsError(try Auditor(store: store, options: AuditOptions(root: "/nonexistent/folder")).run()) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/folder"), "\(error)")
        }
    }

    func testCancelledAuditIsStoredAsCancelled() throws {
        let folder = try TemporaryFolder()
        for (index, image) in goodImages("a").enumerated() { try folder.copy(image, to: "zero/\(index).png") }
        for (index, image) in goodImages("b").enumerated() { try folder.copy(image, to: "one/\(index).png") }
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        let cancellation = CancellationFlag()
        cancellation.cancel()

        XCTAssertThrowsError(try Auditor(store: store, options: smallAuditOptions(root: folder.path), cancellation: cancellation).run()) { error in
            guard case AuditError.cancelled = error else { return XCTFail("expected cancellation, got \(error)") }
        }
        let dataset = try XCTUnwrap(try store.dataset(root: URL(fileURLWithPath: folder.path).resolvingSymlinksInPath().path))
        XCTAssertNil(try store.latestAudit(datasetID: dataset.id))
        XCTAssertNotNil(try store.latestAudit(datasetID: dataset.id, status: .cancelled))
    }
}

final class ReportEncodingTests: XCTestCase {
    func testUndefinedValuesAreEncodedAsNull() throws {
        let folder = try TemporaryFolder()
        let image = goodImages("a")[2]
        for index in 0..<3 {
            try folder.copy(image, to: "left/\(index).png")
            try folder.copy(goodImages("b")[index], to: "right/\(index).png")
        }
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        let report = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()

        let data = try JSONEncoder().encode(report)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let task = try XCTUnwrap((json["tasks"] as? [[String: Any]])?.first)
        let mle = try XCTUnwrap((task["intrinsic_dimension"] as? [String: Any])?["mle"] as? [String: Any])
        XCTAssertTrue(mle["value"] is NSNull, "an undefined MLE must be null, got \(String(describing: mle["value"]))")
        XCTAssertTrue(mle["reason"] is String)
        XCTAssertEqual(mle["divisor"] as? String, "k-2")
        let twoNN = try XCTUnwrap((task["intrinsic_dimension"] as? [String: Any])?["twonn"] as? [String: Any])
        XCTAssertEqual(twoNN["discard_fraction"] as? Double, 0.1)
        XCTAssertNil(twoNN["divisor"])
        let sharpness = try XCTUnwrap(task["label_sharpness"] as? [String: Any])
        XCTAssertNotNil(sharpness["closest_pair"] as? [String: Any])
        XCTAssertTrue(sharpness["reason"] is NSNull)
    }
}

final class CacheValidationTests: XCTestCase {
    func testRewrittenFileIsDecodedAgain() throws {
        let folder = try TemporaryFolder()
        for (index, image) in goodImages("a").enumerated() { try folder.copy(image, to: "a/\(index).png") }
        for (index, image) in goodImages("b").enumerated() { try folder.copy(image, to: "b/\(index).png") }
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        let first = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()
        XCTAssertEqual(first.dataset.duplicates.imagesRemoved, 0)

        // Overwrite b/2.png with the bytes of a/3.png (same size) and restore its timestamps,
        // as `cp -p` or `rsync -t` would.
        let target = folder.url.appendingPathComponent("b/2.png").path
        var before = stat()
        XCTAssertEqual(stat(target, &before), 0)
        let replacement = try Data(contentsOf: folder.url.appendingPathComponent("a/3.png"))
        XCTAssertEqual(Int64(replacement.count), Int64(before.st_size), "the fixture PNGs share one size")
        try replacement.write(to: URL(fileURLWithPath: target))
        var times = [before.st_atim, before.st_mtim]
        XCTAssertEqual(utimensat(AT_FDCWD, target, &times, 0), 0)

        let second = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()

        XCTAssertEqual(second.dataset.cached, 11, "only the rewritten file is decoded again")
        XCTAssertEqual(second.dataset.duplicates.imagesRemoved, 1)
        XCTAssertTrue(second.tasks[0].labelSharpness.infinite, "the copy now conflicts with its original")
    }
}
