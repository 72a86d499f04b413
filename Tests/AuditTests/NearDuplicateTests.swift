import Audit
import Foundation
import Store
import XCTest
import Estimators
@testable import LinearAlgebra

final class LeakageTests: XCTestCase {
    func testCopyAcrossSplitsIsCrossSplitGroup() throws {
        let folder = try TemporaryFolder()
        try folder.copy(goodImages("a")[0], to: "train/a/x.png")
        try folder.copy(goodImages("a")[0], to: "test/a/x_copy.png")
        for (index, image) in goodImages("a").dropFirst().enumerated() { try folder.copy(image, to: "train/a/\(index).png") }
        for (index, image) in goodImages("b").enumerated() { try folder.copy(image, to: "train/b/\(index).png") }
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)

        let report = try Auditor(store: store, options: smallAuditOptions(root: folder.path)).run()

        let duplicates = report.dataset.duplicates
        XCTAssertEqual(duplicates.groups.count, 1)
        XCTAssertEqual(duplicates.crossSplitGroups, 1)
        let group = try XCTUnwrap(duplicates.groups.first)
        XCTAssertEqual(Set(group.paths), ["train/a/x.png", "test/a/x_copy.png"])
        XCTAssertEqual(Set(group.splits.compactMap { $0 }), ["train", "test"])
        XCTAssertEqual(group.labels, ["a", "a"])
        XCTAssertTrue(group.crossSplit)
        XCTAssertEqual(report.dataset.leakage.crossSplitDuplicateGroups, 1)
    }

    func testPatientInTwoSplitsIsALeak() throws {
        let folder = try TemporaryFolder()
        for (index, image) in goodImages("a").enumerated() { try folder.copy(image, to: "img/a\(index).png") }
        for (index, image) in goodImages("b").enumerated() { try folder.copy(image, to: "img/b\(index).png") }
        var csv = "path,finding,split,patient_id\n"
        for index in 0..<6 { csv += "img/a\(index).png,0,\(index == 0 ? "test" : "train"),p\(index % 3)\n" }
        for index in 0..<6 { csv += "img/b\(index).png,1,train,q\(index)\n" }
        try folder.write(csv, to: "labels.csv")
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = smallAuditOptions(root: folder.path)
        options.labelsPath = folder.url.appendingPathComponent("labels.csv").path

        let report = try Auditor(store: store, options: options).run()

        // p0 owns img/a0 (test) and img/a3 (train).
        let leaks = report.dataset.leakage.patientsInSeveralSplits
        XCTAssertEqual(leaks.map(\.patient), ["p0"])
        XCTAssertEqual(leaks.first?.splits, ["test", "train"])
        XCTAssertEqual(leaks.first?.images, 2)
    }
}

final class NearDuplicateTests: XCTestCase {
    func testJPEGCopyAcrossLabelsIsNearDuplicate() throws {
        let folder = try TemporaryFolder()
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = AuditOptions(root: fixture("near-duplicates").path)
        options.resolution = 64
        options.runs = 3
        options.neighbors = 3

        let report = try Auditor(store: store, options: options).run()

        XCTAssertEqual(report.dataset.duplicates.imagesRemoved, 0, "a JPEG re-encode is not an exact duplicate")
        let near = report.dataset.nearDuplicates
        let threshold = try XCTUnwrap(near.threshold)
        XCTAssertEqual(threshold, 0.2 * (near.medianNearestNeighborDistance ?? 0), accuracy: 1e-12)
        XCTAssertEqual(near.pairs.count, 1)
        let pair = try XCTUnwrap(near.pairs.first)
        XCTAssertEqual(Set([pair.a, pair.b]), ["a/same.png", "b/same.jpg"])
        XCTAssertLessThan(pair.distance, threshold)
        XCTAssertEqual(near.crossLabelPairs, 1)

        let task = try XCTUnwrap(report.tasks.first { $0.name == "a_vs_b" })
        let closest = try XCTUnwrap(task.labelSharpness.closestPair)
        XCTAssertEqual(Set([closest.a, closest.b]), ["a/same.png", "b/same.jpg"])
        XCTAssertTrue(closest.nearDuplicate, "the closest cross-label pair is the near-duplicate")
    }

    func testDistinctImagesGiveNoNearDuplicates() throws {
        let folder = try TemporaryFolder()
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)

        let report = try Auditor(store: store, options: smallAuditOptions(root: fixture("broken").path)).run()

        XCTAssertNotNil(report.dataset.nearDuplicates.threshold)
        XCTAssertEqual(report.dataset.nearDuplicates.pairs, [])
        XCTAssertEqual(report.dataset.nearDuplicates.groups, [])
        XCTAssertFalse(report.tasks[0].labelSharpness.closestPair?.nearDuplicate ?? true)
    }

    func testReducedNearCopiesRestoreDimension() throws {
        // 200 distinct points on a flat 4-torus (8 coordinates, scaled to [0, 1]) and 20 copies
        // of the first 20 with ±1/255 noise on every coordinate.
        var state: UInt64 = 99
        func unit() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let matrix = FeatureMatrix(rows: 220, columns: 8)
        for row in 0..<200 {
            for axis in 0..<4 {
                let angle = 2 * Double.pi * unit()
                matrix.row(row)[2 * axis] = Float(0.5 + 0.5 * cos(angle))
                matrix.row(row)[2 * axis + 1] = Float(0.5 + 0.5 * sin(angle))
            }
        }
        for copy in 0..<20 {
            for column in 0..<8 {
                let noise = (unit() < 0.5 ? -1.0 : 1.0) / 255
                matrix.row(200 + copy)[column] = matrix.row(copy)[column] + Float(noise)
            }
        }
        let screening = ScreeningProjection(features: matrix, planes: 8, side: 1, block: 1)
        let all = Array(0..<220)

        // Threshold 0.2 × median nearest-neighbour distance of the 200 distinct points.
        let distinctTable = try exactNearestNeighbors(points: Array(0..<200), k: 10, features: matrix, screening: screening)
        let nearest = (0..<200).map { distinctTable.distance(point: $0, neighbor: 1) }.sorted()
        let threshold = 0.2 * 0.5 * (nearest[99] + nearest[100])
        let (pairs, _) = nearPairs(all, threshold: threshold, features: matrix, screening: screening)
        let groups = connectedGroups(pairs)
        XCTAssertEqual(groups.count, 20)
        XCTAssertTrue(groups.allSatisfy { $0.count == 2 }, "each group is an original and its copy")
        XCTAssertTrue(groups.allSatisfy { $0.last == $0.first! + 200 }, "copy 200 + i pairs with original i")

        let reduced = all.filter { !Set(groups.flatMap { $0.dropFirst() }).contains($0) }
        let withCopies = try exactNearestNeighbors(points: all, k: 10, features: matrix, screening: screening)
        let reducedTable = try exactNearestNeighbors(points: reduced, k: 10, features: matrix, screening: screening)

        let reference = (
            maximumLikelihoodDimensionValue(distinctTable), twoNNValue(distinctTable)
        )
        let afterReduction = (maximumLikelihoodDimensionValue(reducedTable), twoNNValue(reducedTable))
        XCTAssertEqual(afterReduction.0, reference.0, accuracy: 0.05 * reference.0)
        XCTAssertEqual(afterReduction.1, reference.1, accuracy: 0.05 * reference.1)
        // The near-copies themselves drag TwoNN down: T1 of a copied point becomes tiny.
        XCTAssertLessThan(twoNNValue(withCopies), 0.95 * reference.1)
    }
}

private func maximumLikelihoodDimensionValue(_ table: NeighborTable) -> Double {
    maximumLikelihoodDimension(neighbors: table, bootstrapReplicates: 0).value ?? .nan
}

private func twoNNValue(_ table: NeighborTable) -> Double {
    twoNNDimension(neighbors: table, bootstrapReplicates: 0).value ?? .nan
}
