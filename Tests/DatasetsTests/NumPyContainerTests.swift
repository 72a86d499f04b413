import Containers
import Datasets
import ImageIO
import XCTest

final class NumPyContainerTests: XCTestCase {
    /// MedMNIST layout: 4 training and 2 test images of 2 x 2 uint8, labels (N, 1) and (N).
    private func medMNISTArchive(deflated: Bool) -> [UInt8] {
        zipBytes([
            ("train_images.npy", npyBytes(descr: "|u1", shape: [4, 2, 2], payload: (0..<16).map { UInt8($0 * 10) })),
            ("train_labels.npy", npyBytes(descr: "|u1", shape: [4, 1], payload: [0, 1, 1, 0])),
            ("test_images.npy", npyBytes(descr: "|u1", shape: [2, 2, 2], payload: [9, 8, 7, 6, 5, 4, 3, 2])),
            ("test_labels.npy", npyBytes(descr: "<i8", shape: [2], payload: littleEndian(1, 8) + littleEndian(0, 8))),
        ], deflated: deflated)
    }

    func testMedMNISTLayoutGivesMembers() throws {
        for deflated in [false, true] {
            let folder = try TemporaryFolder()
            try folder.write("medmnist.npz", bytes: medMNISTArchive(deflated: deflated))

            let scan = try scanDataset(root: folder.path)

            XCTAssertEqual(scan.files.map(\.relativePath), [
                "medmnist.npz#test_images[0]", "medmnist.npz#test_images[1]",
                "medmnist.npz#train_images[0]", "medmnist.npz#train_images[1]",
                "medmnist.npz#train_images[2]", "medmnist.npz#train_images[3]",
            ], "deflated: \(deflated)")
            XCTAssertEqual(scan.files.map(\.split), ["test", "test", "train", "train", "train", "train"])
            XCTAssertEqual(scan.files.map { $0.embeddedLabels?.classValue }, [1, 0, 0, 1, 1, 0])
            XCTAssertTrue(scan.rejected.isEmpty, "\(scan.rejected)")

            let settings = PreprocessingSettings(resolution: 2, normalize: .bitdepth)
            let results = preprocessListedImages(scan.files, preprocessor: Preprocessor(settings: settings), threads: 2)
            let image = try results[3].get()
            XCTAssertEqual(image.vector, [40, 50, 60, 70].map { Float($0) / 255 }, "deflated: \(deflated)")
        }
    }

    func testMultiLabelColumnsBecomeTasks() throws {
        let folder = try TemporaryFolder()
        let rows: [[UInt8]] = [[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1], [1, 0, 1]]
        try folder.write("chest.npz", bytes: zipBytes([
            ("images.npy", npyBytes(descr: "|u1", shape: [5, 2, 2], payload: (0..<20).map { UInt8($0) })),
            ("labels.npy", npyBytes(descr: "|u1", shape: [5, 3], payload: rows.flatMap { $0 })),
        ]))
        var config = AuditConfig()
        config.labels.classNames = ["Effusion", "Mass"]

        let listing = try LabelledListing(scan: try scanDataset(root: folder.path), labels: config.labels)
        let tasks = buildCandidateTasks(listing: listing, config: config)

        XCTAssertEqual(listing.taskColumns, ["effusion", "label_2", "mass"])
        XCTAssertEqual(tasks.names, ["effusion", "label_2", "mass"])
        let positives = Dictionary(uniqueKeysWithValues: tasks.tasks.map { ($0.name, $0.positiveImages.count) })
        XCTAssertEqual(positives, ["effusion": 3, "mass": 2, "label_2": 3])
        XCTAssertTrue(tasks.tasks.allSatisfy { $0.labels.count == 5 })
    }

    func testLabelMismatchAndStrayArrayRejected() throws {
        let folder = try TemporaryFolder()
        try folder.write("set.npz", bytes: zipBytes([
            ("train_images.npy", npyBytes(descr: "|u1", shape: [3, 2, 2], payload: [UInt8](repeating: 1, count: 12))),
            ("train_labels.npy", npyBytes(descr: "|u1", shape: [2], payload: [0, 1])),
            ("notes.npy", npyBytes(descr: "<f4", shape: [7], payload: floatBytes([Float](repeating: 0, count: 7)))),
        ]))

        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.count, 3)
        XCTAssertTrue(scan.files.allSatisfy { $0.embeddedLabels == nil })
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["set.npz#notes", "set.npz#train_labels"])
    }

    func testTruncatedArchiveRejected() throws {
        let folder = try TemporaryFolder()
        let archive = medMNISTArchive(deflated: true)
        try folder.write("cut.npz", bytes: Array(archive.prefix(archive.count / 2)))

        let scan = try scanDataset(root: folder.path)

        XCTAssertTrue(scan.files.isEmpty)
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["cut.npz"])
        XCTAssertTrue(scan.rejected[0].reason.contains("end-of-central-directory"), scan.rejected[0].reason)
    }

    func testCorruptArrayRejectedOthersKept() throws {
        let folder = try TemporaryFolder()
        var archive = medMNISTArchive(deflated: false)
        // The last sample of train_images: local header, name, 128-byte NumPy header, 16 samples.
        let samplesEnd = 30 + "train_images.npy".utf8.count + 128 + 16
        archive[samplesEnd - 1] ^= 0xFF
        try folder.write("bad.npz", bytes: archive)

        let scan = try scanDataset(root: folder.path)

        // The header read covers this small entry whole, so its CRC-32 is checked during the scan.
        XCTAssertEqual(scan.files.map(\.relativePath), ["bad.npz#test_images[0]", "bad.npz#test_images[1]"])
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["bad.npz#train_images", "bad.npz#train_labels"])
        XCTAssertTrue(scan.rejected[0].reason.contains("CRC-32"), scan.rejected[0].reason)
    }

    func testNPYStackAndSingleImage() throws {
        let folder = try TemporaryFolder()
        try folder.write("cls/stack.npy", bytes: npyBytes(descr: "<u2", shape: [3, 2, 2], payload: (0..<12).flatMap { littleEndian(UInt64($0 * 1000), 2) }))
        try folder.write("cls/one.npy", bytes: npyBytes(descr: "<f4", shape: [2, 3], payload: floatBytes([0, 1, 2, 3, 4, .nan])))
        try folder.write("cls/fortran.npy", bytes: npyBytes(descr: "|u1", shape: [2, 2, 2], payload: [UInt8](repeating: 0, count: 8), fortranOrder: true))

        let scan = try scanDataset(root: folder.path)
        let settings = PreprocessingSettings(resolution: 2, normalize: .bitdepth)
        let results = preprocessListedImages(scan.files, preprocessor: Preprocessor(settings: settings), threads: 1)

        XCTAssertEqual(scan.files.map(\.relativePath), ["cls/fortran.npy#0", "cls/fortran.npy#1", "cls/one.npy#0", "cls/stack.npy#0", "cls/stack.npy#1", "cls/stack.npy#2"])
        XCTAssertEqual(scan.files.map(\.classFolder), [String?](repeating: "cls", count: 6))
        guard case let .failure(fortran) = results[0] else {
            return XCTFail("a Fortran-order array decoded")
        }
        XCTAssertEqual(fortran.kind, .unsupported)
        let single = try results[2].get()
        XCTAssertEqual(single.sourceWidth, 3)
        XCTAssertEqual(single.sourceHeight, 2)
        let stack = try results[4].get()
        XCTAssertEqual(stack.vector, [4000, 5000, 6000, 7000].map { Float($0) / 65535 })
    }
}
