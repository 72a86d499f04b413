import Containers
import Datasets
import ImageIO
import XCTest

final class IDXContainerTests: XCTestCase {
    /// Five 3 x 2 training images with sample values 10 i ... 10 i + 5, and their labels.
    private func writeTrainingPair(_ folder: TemporaryFolder, labels: [UInt8] = [0, 6, 6, 0, 3]) throws {
        let pixels = (0..<5).flatMap { image in (0..<6).map { UInt8(10 * image + $0) } }
        try folder.write("train-images-idx3-ubyte.gz", bytes: gzipStored(idxBytes(dimensions: [5, 3, 2], payload: pixels)))
        try folder.write(
            "train-labels-idx1-ubyte.gz", bytes: gzipStored(idxBytes(dimensions: [labels.count], payload: labels)))
    }

    func testScanListsItemsWithLabelsAndSplits() throws {
        let folder = try TemporaryFolder()
        try writeTrainingPair(folder)
        try folder.write("t10k-images-idx3-ubyte", bytes: idxBytes(dimensions: [2, 3, 2], payload: [UInt8](repeating: 7, count: 12)))
        try folder.write("t10k-labels-idx1-ubyte", bytes: idxBytes(dimensions: [2], payload: [6, 0]))

        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.map(\.relativePath), [
            "t10k-images-idx3-ubyte#0", "t10k-images-idx3-ubyte#1",
            "train-images-idx3-ubyte.gz#0", "train-images-idx3-ubyte.gz#1", "train-images-idx3-ubyte.gz#2",
            "train-images-idx3-ubyte.gz#3", "train-images-idx3-ubyte.gz#4",
        ])
        XCTAssertEqual(scan.files.map(\.split), ["test", "test", "train", "train", "train", "train", "train"])
        XCTAssertEqual(scan.files.map { $0.embeddedLabels?.classValue }, [6, 0, 0, 6, 6, 0, 3])
        XCTAssertEqual(scan.files[3].member, ContainerMember(kind: .idxItem, index: 1))
        XCTAssertEqual(scan.files[3].fileRelativePath, "train-images-idx3-ubyte.gz")
        XCTAssertTrue(scan.rejected.isEmpty, "\(scan.rejected)")
    }

    func testClassNamesGiveShirtTask() throws {
        let folder = try TemporaryFolder()
        try writeTrainingPair(folder)
        var config = AuditConfig()
        config.labels.classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

        let listing = try LabelledListing(scan: try scanDataset(root: folder.path), labels: config.labels)
        let tasks = buildCandidateTasks(listing: listing, config: config)

        XCTAssertEqual(listing.classNames, ["dress", "shirt", "t-shirt-top"])
        let shirt = try XCTUnwrap(tasks.tasks.first { $0.name == "shirt_vs_t-shirt-top" })
        XCTAssertEqual(shirt.positiveImages, [1, 2])
        XCTAssertEqual(shirt.negativeImages, [0, 3])
    }

    func testLabelCountMismatchLeavesImagesUnlabelled() throws {
        let folder = try TemporaryFolder()
        try writeTrainingPair(folder, labels: [0, 1, 2])

        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.count, 5)
        XCTAssertTrue(scan.files.allSatisfy { $0.embeddedLabels == nil })
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["train-labels-idx1-ubyte.gz"])
        XCTAssertTrue(scan.rejected[0].reason.contains("3 labels for the 5 images"), scan.rejected[0].reason)
    }

    func testMembersDecodeThroughPixelPath() throws {
        let folder = try TemporaryFolder()
        try writeTrainingPair(folder)
        let scan = try scanDataset(root: folder.path)
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 2, normalize: .bitdepth))

        let results = preprocessListedImages(scan.files, preprocessor: preprocessor, threads: 2, windowSize: 2)

        XCTAssertEqual(results.count, 5)
        let third = try results[2].get()
        XCTAssertEqual(third.format, .idx)
        XCTAssertEqual(third.sourceWidth, 2)
        XCTAssertEqual(third.sourceHeight, 3)
        // Image 2 contains 20...25 in 3 rows of 2; area averaging to 2 x 2 gives row means over 1.5 rows.
        let expected: [Float] = [(20 + 0.5 * 22) / 1.5, (21 + 0.5 * 23) / 1.5, (0.5 * 22 + 24) / 1.5, (0.5 * 23 + 25) / 1.5]
        for (value, want) in zip(third.vector, expected.map { $0 / 255 }) {
            XCTAssertEqual(value, want, accuracy: 1.0 / 65535)
        }
    }

    func testTruncatedItemsFailEachWithReason() throws {
        let folder = try TemporaryFolder()
        let pixels = [UInt8](repeating: 3, count: 4 * 6)
        let full = gzipStored(idxBytes(dimensions: [5, 3, 2], payload: pixels))
        try folder.write("train-images-idx3-ubyte.gz", bytes: Array(full.prefix(full.count - 12)))
        try folder.write("photo.png", bytes: [0x89, 0x50])

        let scan = try scanDataset(root: folder.path)
        let results = preprocessListedImages(scan.files, preprocessor: Preprocessor(settings: PreprocessingSettings(resolution: 2)), threads: 1)

        XCTAssertEqual(scan.files.count, 6)
        for result in results.prefix(1) {
            XCTAssertThrowsError(try result.get())
        }
        for result in results.dropFirst() {
            guard case let .failure(error) = result else {
                return XCTFail("a member of a truncated file decoded")
            }
            XCTAssertEqual(error.kind, .truncated)
        }
    }

    func testCorruptHeaderIsRejectedAtScan() throws {
        let folder = try TemporaryFolder()
        try folder.write("train-images-idx3-ubyte", bytes: [1, 2, 8, 3, 0, 0])
        try folder.write("t10k-images-idx3-ubyte", bytes: [0, 0, 0x08, 3, 0, 0])

        let scan = try scanDataset(root: folder.path)

        XCTAssertTrue(scan.files.isEmpty)
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["t10k-images-idx3-ubyte", "train-images-idx3-ubyte"])
        XCTAssertTrue(scan.rejected[0].reason.hasPrefix("truncated"), scan.rejected[0].reason)
        XCTAssertTrue(scan.rejected[1].reason.hasPrefix("corrupt"), scan.rejected[1].reason)
    }

    func testExcludeGlobSkipsFiles() throws {
        let folder = try TemporaryFolder()
        try writeTrainingPair(folder)
        try folder.write("source/extra.png", bytes: [0x89, 0x50])
        var options = ScanOptions()
        options.exclude = ["source/*"]

        let scan = try scanDataset(root: folder.path, options: options)

        XCTAssertEqual(scan.files.count, 5)
        XCTAssertEqual(scan.ignoredByExtension["excluded"], 1)
    }
}
