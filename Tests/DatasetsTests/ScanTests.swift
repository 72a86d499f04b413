import Datasets
import Foundation
import XCTest

final class ScanTests: XCTestCase {
    func testOrderIsCodePointOrder() throws {
        let folder = try TemporaryFolder()
        // '-' (0x2D) < '/' (0x2F) < 'B' (0x42) < '_' (0x5F) < 'a' (0x61) < 'é' (0xE9).
        try folder.write(files: ["a/b.png", "a-b.png", "B.png", "_x.png", "é.png", "a/a.png", "Z.jpg"])

        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.map(\.relativePath), ["B.png", "Z.jpg", "_x.png", "a-b.png", "a/a.png", "a/b.png", "é.png"])
    }

    func testRootIsCanonical() throws {
        let folder = try TemporaryFolder()
        try folder.write("x/img.png")
        let canonical = try XCTUnwrap(realpath(folder.path, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        })

        let scan = try scanDataset(root: folder.path + "/x/../.")

        XCTAssertEqual(scan.root, canonical)
        XCTAssertEqual(scan.files.first?.absolutePath, canonical + "/x/img.png")
        XCTAssertEqual(scan.files.first?.relativePath, "x/img.png")
    }

    func testHiddenFilesAndFoldersSkipped() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: [".hidden.png", ".cache/a.png", "cls/.b.png", "cls/c.png"])

        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.map(\.relativePath), ["cls/c.png"])
        XCTAssertEqual(scan.hiddenCount, 3)
    }

    func testExtensionsListedAndIgnored() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: [
            "a.JPG", "b.jpeg", "c.Jpe", "d.PNG", "e.dcm", "f.nii.gz", "g", "h.tiff",
            "labels.csv", "notes.txt", "README.md", "audit.json", "i.json",
        ])

        let scan = try scanDataset(root: folder.path)

        // f.nii.gz contains no NIfTI header, so the container scan rejects it with the reason.
        XCTAssertEqual(scan.files.map(\.relativePath), ["a.JPG", "b.jpeg", "c.Jpe", "d.PNG", "e.dcm", "g", "h.tiff"])
        XCTAssertEqual(scan.files.map(\.hasDecodableExtension), [true, true, true, true, false, false, false])
        XCTAssertEqual(scan.files.map(\.fileExtension), ["jpg", "jpeg", "jpe", "png", "dcm", "", "tiff"])
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["f.nii.gz"])
        XCTAssertEqual(scan.ignoredCount, 5)
        XCTAssertEqual(scan.ignoredByExtension["json"], 2)
        XCTAssertEqual(scan.ignoredByExtension["md"], 1)
    }

    func testSizeAndModificationTime() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("a.png", "12345")
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)

        let file = try XCTUnwrap(scanDataset(root: folder.path).files.first)

        XCTAssertEqual(file.size, 5)
        XCTAssertEqual(Double(file.mtimeNs) / 1e9, 1_700_000_000.25, accuracy: 1e-3)
    }

    func testSplitFoldersAnyDepthAndCase() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: [
            "TRAIN/NORMAL/a.png", "Testing/Normal/b.png", "normal/Validation/c.png", "site1/valid/virus/d.png",
            "root.png", "train/e.png", "training/x/val/f.png",
        ])

        let byPath = Dictionary(uniqueKeysWithValues: try scanDataset(root: folder.path).files.map { ($0.relativePath, $0) })

        XCTAssertEqual(byPath["TRAIN/NORMAL/a.png"]?.split, "train")
        XCTAssertEqual(byPath["TRAIN/NORMAL/a.png"]?.classFolder, "normal")
        XCTAssertEqual(byPath["Testing/Normal/b.png"]?.split, "test")
        XCTAssertEqual(byPath["Testing/Normal/b.png"]?.classFolder, "normal")
        XCTAssertEqual(byPath["normal/Validation/c.png"]?.split, "val")
        XCTAssertEqual(byPath["normal/Validation/c.png"]?.classFolder, "normal")
        XCTAssertEqual(byPath["site1/valid/virus/d.png"]?.split, "val")
        XCTAssertEqual(byPath["site1/valid/virus/d.png"]?.classFolder, "virus")
        XCTAssertNil(byPath["root.png"]?.split)
        XCTAssertNil(byPath["root.png"]?.classFolder)
        XCTAssertEqual(byPath["train/e.png"]?.split, "train")
        XCTAssertNil(byPath["train/e.png"]?.classFolder)
        XCTAssertEqual(byPath["training/x/val/f.png"]?.split, "val", "the nearest split folder wins")
        XCTAssertEqual(byPath["training/x/val/f.png"]?.classFolder, "x")
    }

    func testSymlinkOutsideRootRejected() throws {
        let outside = try TemporaryFolder()
        let target = try outside.write("secret.png")
        let folder = try TemporaryFolder()
        try folder.write("inside/real.png")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/inside/escape.png", withDestinationPath: target)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/inside/alias.png", withDestinationPath: "real.png")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/outdir", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/dangling.png", withDestinationPath: "missing.png")

        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.map(\.relativePath), ["inside/alias.png", "inside/real.png"])
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["dangling.png", "inside/escape.png", "outdir"])
        XCTAssertTrue(scan.rejected[0].reason.contains("dangling"), scan.rejected[0].reason)
        XCTAssertTrue(scan.rejected[1].reason.contains("outside the dataset root"), scan.rejected[1].reason)
        XCTAssertTrue(scan.rejected[2].reason.contains("outside the dataset root"), scan.rejected[2].reason)
    }

    func testMissingRootThrows() {
        XCTAssertThrowsError(try scanDataset(root: "/nonexistent/datasets-test-root")) { error in
            guard case .rootNotFound(let path, _) = error as? DatasetError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(path, "/nonexistent/datasets-test-root")
        }
    }

    func testFileAsRootThrows() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("a.png")

        XCTAssertThrowsError(try scanDataset(root: file)) { error in
            XCTAssertEqual(error as? DatasetError, .rootNotDirectory(path: file))
        }
    }

    func testKermanyFixtureScan() throws {
        let fixture = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/kermany-cxr-mini").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: fixture), "fixture folder missing")

        let scan = try scanDataset(root: fixture)

        XCTAssertFalse(scan.files.isEmpty)
        XCTAssertTrue(scan.files.allSatisfy { $0.split != nil })
        XCTAssertTrue(scan.files.allSatisfy { $0.classFolder != nil })
        XCTAssertEqual(Set(scan.files.compactMap(\.classFolder)), ["normal", "pneumonia"])
        XCTAssertEqual(scan.files.map(\.relativePath), scan.files.map(\.relativePath).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }
}
