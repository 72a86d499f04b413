import Audit
import Foundation
import Reports
import Store
import XCTest

final class ContainerAuditTests: XCTestCase {
    /// 40 images of 8 x 8 in an IDX pair: class 0 dark noise, class 1 a bright gradient with noise,
    /// item 39 a copy of item 1 (same class), from a fixed linear congruential generator.
    private func writeIDXDataset(_ folder: TemporaryFolder) throws {
        var state: UInt32 = 12345
        func next() -> UInt8 {
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for item in 0..<39 {
            let label = UInt8(item % 2)
            labels.append(label)
            for position in 0..<64 {
                let noise = next() % 32
                pixels.append(label == 0 ? noise : UInt8(min(255, 120 + 2 * position + Int(noise))))
            }
        }
        pixels += pixels[64..<128]
        labels.append(labels[1])

        func idx(_ dimensions: [Int], _ payload: [UInt8]) -> Data {
            var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
            for size in dimensions {
                bytes += [0, 0, UInt8(size >> 8), UInt8(size & 0xFF)]
            }
            return Data(bytes + payload)
        }
        try idx([40, 8, 8], pixels).write(to: folder.url.appendingPathComponent("train-images-idx3-ubyte"))
        try idx([40], labels).write(to: folder.url.appendingPathComponent("train-labels-idx1-ubyte"))
    }

    func testIDXFolderAuditsLikeImageFolder() throws {
        let folder = try TemporaryFolder()
        try writeIDXDataset(folder)
        try folder.write(#"{"labels": {"class_names": ["dark", "bright"]}}"#, to: "audit.json")
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = smallAuditOptions(root: folder.path)
        options.resolution = 8

        let report = try Auditor(store: store, options: options).run()

        XCTAssertEqual(report.dataset.images, 40)
        XCTAssertEqual(report.dataset.decoded, 40)
        XCTAssertEqual(report.dataset.classes, ["bright": 20, "dark": 20])
        XCTAssertEqual(report.dataset.splits, ["train": 40])
        XCTAssertEqual(report.dataset.labelSource, "folders+stored")
        XCTAssertEqual(report.tasks.map(\.name), ["bright_vs_dark"])
        XCTAssertEqual(report.dataset.duplicates.groups.map(\.paths), [["train-images-idx3-ubyte#1", "train-images-idx3-ubyte#39"]])
        let sharpness = try XCTUnwrap(report.tasks.first?.labelSharpness.mean)
        XCTAssertGreaterThan(sharpness, 0)
        XCTAssertEqual(try store.images(datasetID: 1).count, 40)
    }

    func testReauditReusesCachedMembers() throws {
        let folder = try TemporaryFolder()
        try writeIDXDataset(folder)
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = smallAuditOptions(root: folder.path)
        options.resolution = 8

        let first = try Auditor(store: store, options: options).run()
        let second = try Auditor(store: store, options: options).run()

        XCTAssertEqual(first.dataset.cached, 0)
        XCTAssertEqual(second.dataset.cached, 40)
        XCTAssertEqual(second.tasks.first?.labelSharpness.mean, first.tasks.first?.labelSharpness.mean)
    }

    func testCorruptContainerDoesNotStopAudit() throws {
        let folder = try TemporaryFolder()
        try writeIDXDataset(folder)
        try folder.write("not a zip archive", to: "extra/broken.npz")
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = smallAuditOptions(root: folder.path)
        options.resolution = 8

        let report = try Auditor(store: store, options: options).run()

        XCTAssertEqual(report.dataset.decoded, 40)
        XCTAssertEqual(report.dataset.rejectedPaths.map(\.path), ["extra/broken.npz"])
        XCTAssertTrue(report.dataset.rejectedPaths[0].reason.contains("ZIP"), report.dataset.rejectedPaths[0].reason)
    }

    func testNaNVoxelsReported() throws {
        let folder = try TemporaryFolder()
        try writeIDXDataset(folder)
        // 17 x 21 x 3 big-endian float32 volume with 153 NaN voxels (nibabel 5.4.2 counts the same).
        try folder.copy(fixture("containers/resampled_anat_moved.nii"), to: "volumes/resampled_anat_moved.nii")
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = smallAuditOptions(root: folder.path)
        options.resolution = 8

        let first = try Auditor(store: store, options: options).run()
        let second = try Auditor(store: store, options: options).run()
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(first.dataset)) as? [String: Any]
        let text = TextReport.render(first)

        XCTAssertEqual(first.dataset.nanVoxels, ["volumes/resampled_anat_moved.nii": 153])
        XCTAssertEqual(second.dataset.nanVoxels, ["volumes/resampled_anat_moved.nii": 153], "cached members still count")
        XCTAssertEqual(json?["nan_voxels"] as? [String: Int], ["volumes/resampled_anat_moved.nii": 153])
        XCTAssertTrue(text.contains("NaN voxels set to 0:\n  volumes/resampled_anat_moved.nii: 153"), text)
    }

    func testNaNVoxelsNullWithoutNIfTI() throws {
        let folder = try TemporaryFolder()
        try writeIDXDataset(folder)
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = smallAuditOptions(root: folder.path)
        options.resolution = 8

        let report = try Auditor(store: store, options: options).run()
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report.dataset)) as? [String: Any]
        let decoded = try JSONDecoder().decode(DatasetSummary.self, from: JSONEncoder().encode(report.dataset))

        XCTAssertNil(report.dataset.nanVoxels)
        XCTAssertTrue(json?.keys.contains("nan_voxels") == true, "nil is written as an explicit null")
        XCTAssertTrue(json?["nan_voxels"] is NSNull)
        XCTAssertNil(decoded.nanVoxels)
        XCTAssertFalse(TextReport.render(report).contains("NaN voxels"))
    }
}
