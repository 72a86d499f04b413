import Containers
import Datasets
import ImageIO
import XCTest

final class NIfTIContainerTests: XCTestCase {
    /// A 3 x 2 x 12 uint8 volume whose slice k contains the value k + 1 everywhere.
    private func volumeBytes(_ fields: NIfTIFields = NIfTIFields(dimensions: [3, 2, 12])) -> [UInt8] {
        niftiBytes(fields, payload: (0..<12).flatMap { [UInt8](repeating: UInt8($0 + 1), count: 6) })
    }

    /// Returns a mask on the same grid with one voxel of value 1 in slices 5 and 6.
    private func maskBytes(dimensions: [Int] = [3, 2, 12]) -> [UInt8] {
        var payload = [UInt8](repeating: 0, count: dimensions.reduce(1, *))
        payload[5 * 6 + 2] = 1
        payload[6 * 6 + 4] = 1
        return niftiBytes(NIfTIFields(dimensions: dimensions), payload: payload)
    }

    func testMaskLabelsSlices() throws {
        let folder = try TemporaryFolder()
        try folder.write("t1.nii", bytes: volumeBytes())
        try folder.write("t1_mask.nii.gz", bytes: gzipStored(maskBytes()))
        // The default pattern names t1_mask.nii; a gzip copy of the mask is accepted too.
        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.map(\.relativePath), (0..<12).map { "t1.nii#slice=\($0)" })
        let expected: [Bool?] = [false, nil, nil, nil, nil, true, true, nil, nil, nil, nil, false]
        XCTAssertEqual(scan.files.map { $0.embeddedLabels?.mask }, expected)
        XCTAssertEqual(scan.files[4].member, ContainerMember(kind: .niftiSlice, index: 4, axis: 2, volume: 0))

        let config = AuditConfig()
        let listing = try LabelledListing(scan: scan, labels: config.labels)
        let tasks = buildCandidateTasks(listing: listing, config: config)
        XCTAssertEqual(tasks.names, ["mask"])
        XCTAssertEqual(tasks.tasks[0].positiveImages, [5, 6])
        XCTAssertEqual(tasks.tasks[0].negativeImages, [0, 11])
    }

    func testMaskThresholdAndMarginConfigurable() throws {
        let folder = try TemporaryFolder()
        try folder.write("t1.nii", bytes: volumeBytes())
        try folder.write("t1_mask.nii", bytes: maskBytes())
        var options = ScanOptions()
        options.niftiNegativeMargin = 2
        options.niftiMaskThreshold = 1

        let scan = try scanDataset(root: folder.path, options: options)

        // No voxel exceeds 1, so every slice is negative.
        XCTAssertEqual(scan.files.map { $0.embeddedLabels?.mask }, [Bool?](repeating: false, count: 12))
    }

    func testSlicesDecodeAcrossAxialAxis() throws {
        let folder = try TemporaryFolder()
        var fields = NIfTIFields(dimensions: [3, 2, 12])
        fields.sformCode = 1
        // Voxel axis 1 runs along world z, so slices are taken across it: 2 slices of 3 x 12.
        fields.sform = [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]]
        try folder.write("oblique.nii", bytes: volumeBytes(fields))

        let scan = try scanDataset(root: folder.path)
        let settings = PreprocessingSettings(resolution: 12, normalize: .bitdepth)
        let image = try preprocessListedImages([scan.files[1]], preprocessor: Preprocessor(settings: settings), threads: 1)[0].get()

        XCTAssertEqual(scan.files.map(\.relativePath), ["oblique.nii#slice=0", "oblique.nii#slice=1"])
        XCTAssertEqual(scan.files[0].member?.axis, 1)
        XCTAssertEqual(image.format, .nifti)
        XCTAssertEqual(image.sourceWidth, 3)
        XCTAssertEqual(image.sourceHeight, 12)
        // Row r of the slice is voxel slice z = r, whose value is r + 1.
        XCTAssertEqual(image.vector[0], 1.0 / 255, accuracy: 1.0 / 65535)
    }

    func testScalingAndNaNVoxels() throws {
        var fields = NIfTIFields(dimensions: [2, 2, 1])
        fields.datatype = 16
        fields.bitpix = 32
        fields.sclSlope = 2
        fields.sclInter = 1
        let bytes = niftiBytes(fields, payload: floatBytes([0, .nan, 3, 4]))

        let volume = try NIfTIVolume(fileBytes: bytes, volume: 0, path: "v.nii")
        let slice = try volume.slice(0, axis: 2, path: "v.nii#slice=0")

        XCTAssertEqual(volume.values, [1, 0, 7, 9])
        XCTAssertEqual(volume.nanCount, 1)
        XCTAssertNil(slice.significantBits)
    }

    func testZeroSlopeMeansNoScaling() throws {
        var fields = NIfTIFields(dimensions: [2, 1, 1])
        fields.sclSlope = 0
        fields.sclInter = 50

        let volume = try NIfTIVolume(fileBytes: niftiBytes(fields, payload: [3, 4]), volume: 0, path: "u.nii")

        XCTAssertEqual(volume.values, [3, 4])
        XCTAssertEqual(try volume.slice(0, axis: 2, path: "u.nii").significantBits, 8)
    }

    func testHeaderImagePairAndFourthDimension() throws {
        let folder = try TemporaryFolder()
        var fields = NIfTIFields(dimensions: [2, 2, 3, 2])
        fields.magic = "ni1"
        fields.voxOffset = 0
        try folder.write("pair.hdr", bytes: Array(niftiBytes(fields, payload: []).prefix(348)))
        try folder.write("pair.img", bytes: (0..<24).map { UInt8($0) })
        var options = ScanOptions()
        options.niftiVolume = 1

        let scan = try scanDataset(root: folder.path, options: options)
        let settings = PreprocessingSettings(resolution: 2, normalize: .bitdepth)
        let image = try preprocessListedImages([scan.files[0]], preprocessor: Preprocessor(settings: settings), threads: 1)[0].get()

        XCTAssertEqual(scan.files.map(\.relativePath), ["pair.hdr#slice=0", "pair.hdr#slice=1", "pair.hdr#slice=2"])
        // Volume 1 starts after the 12 voxels of volume 0.
        XCTAssertEqual(image.vector, [12, 13, 14, 15].map { Float($0) / 255 })
        XCTAssertEqual(scan.ignoredByExtension["img"], 1)
    }

    func testProblemsRejectedWithReasons() throws {
        let folder = try TemporaryFolder()
        try folder.write("a.nii", bytes: volumeBytes())
        try folder.write("a_mask.nii", bytes: maskBytes(dimensions: [3, 2, 11]))
        try folder.write("lonely.hdr", bytes: Array(niftiBytes(NIfTIFields(dimensions: [2, 2, 2], magic: "ni1", voxOffset: 0), payload: []).prefix(348)))
        try folder.write("notnifti.nii", bytes: [UInt8](repeating: 7, count: 400))
        var options = ScanOptions()
        options.niftiVolume = 0

        let scan = try scanDataset(root: folder.path, options: options)

        XCTAssertEqual(scan.files.count, 12)
        XCTAssertTrue(scan.files.allSatisfy { $0.embeddedLabels == nil })
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["a_mask.nii", "lonely.hdr", "notnifti.nii"])
        XCTAssertTrue(scan.rejected[0].reason.contains("differs from the grid"), scan.rejected[0].reason)
        XCTAssertTrue(scan.rejected[1].reason.contains(".img"), scan.rejected[1].reason)
        XCTAssertTrue(scan.rejected[2].reason.contains("sizeof_hdr"), scan.rejected[2].reason)
    }

    func testTruncatedPlainVolumeRejectedAtScan() throws {
        let folder = try TemporaryFolder()
        let full = volumeBytes()
        try folder.write("cut.nii", bytes: Array(full.prefix(full.count - 10)))

        let scan = try scanDataset(root: folder.path)

        XCTAssertTrue(scan.files.isEmpty)
        XCTAssertEqual(scan.rejected.map(\.relativePath), ["cut.nii"])
        XCTAssertTrue(scan.rejected[0].reason.contains("need 424 bytes"), scan.rejected[0].reason)
    }

    func testTruncatedGzipVolumeFailsEachSlice() throws {
        let folder = try TemporaryFolder()
        let full = gzipStored(volumeBytes())
        try folder.write("cut.nii.gz", bytes: Array(full.prefix(full.count - 18)))

        let scan = try scanDataset(root: folder.path)
        let results = preprocessListedImages(scan.files, preprocessor: Preprocessor(settings: PreprocessingSettings(resolution: 2)), threads: 1)

        XCTAssertEqual(results.count, 12)
        for result in results {
            guard case let .failure(error) = result else {
                return XCTFail("a slice of a truncated volume decoded")
            }
            XCTAssertEqual(error.kind, .truncated)
        }
    }
}
