import Containers
import Datasets
import Foundation
import ImageIO
import XCTest

/// Compares the readers with fixtures/containers/golden.json, written by
/// scripts/golden_containers.py from numpy and nibabel (see that script for every field).
final class ContainerGoldenTests: XCTestCase {
    private struct Golden: Decodable {
        struct Image: Decodable {
            struct Labels: Decodable {
                var `class`: Int?
                var columns: [Int]?
                var mask: Bool?
            }

            var path: String
            var width: Int
            var height: Int
            var channels: Int
            var min: Double
            var max: Double
            var mean: Double
            var checksum: String
            var labels: Labels?
            var axis: Int?
            var mean_float64: Double?
        }

        var images: [Image]
    }

    private let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/containers")

    func testFixturesMatchGoldenValues() throws {
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: folder.appendingPathComponent("golden.json")))
        var options = ScanOptions()
        options.niftiMaskPattern = "-t1-"
        options.niftiMaskReplacement = "-gm-"

        let scan = try scanDataset(root: folder.path, options: options)
        var containers = OpenContainers()
        containers.update(for: scan.files, threads: 2)

        XCTAssertEqual(Set(scan.files.map(\.relativePath)), Set(golden.images.map(\.path)))
        XCTAssertEqual(scan.files.count, golden.images.count)
        XCTAssertTrue(scan.rejected.isEmpty, "\(scan.rejected)")
        let files = Dictionary(uniqueKeysWithValues: scan.files.map { ($0.relativePath, $0) })
        for expected in golden.images {
            guard let file = files[expected.path] else { continue }
            let content = try containers.content(of: file)
            let pixels = try XCTUnwrap(content.pixels, expected.path)
            XCTAssertEqual(pixels.width, expected.width, expected.path)
            XCTAssertEqual(pixels.height, expected.height, expected.path)
            XCTAssertEqual(pixels.channels, expected.channels, expected.path)
            XCTAssertEqual(String(content.checksum, radix: 16).leftPadded(to: 16), expected.checksum, expected.path)
            let minimum = Double(pixels.samples.min() ?? 0)
            let maximum = Double(pixels.samples.max() ?? 0)
            let mean = pixels.samples.reduce(0.0) { $0 + Double($1) } / Double(pixels.samples.count)
            XCTAssertEqual(minimum, expected.min, accuracy: 1e-6 * Swift.max(1, abs(expected.min)), expected.path)
            XCTAssertEqual(maximum, expected.max, accuracy: 1e-6 * Swift.max(1, abs(expected.max)), expected.path)
            XCTAssertEqual(mean, expected.mean, accuracy: 1e-6 * Swift.max(1, abs(expected.mean)), expected.path)
            if let reference = expected.mean_float64 {
                XCTAssertEqual(mean, reference, accuracy: 1e-4 * Swift.max(1, abs(reference)), expected.path)
            }
            if let axis = expected.axis {
                XCTAssertEqual(file.member?.axis, axis, expected.path)
            }
            XCTAssertEqual(file.embeddedLabels?.classValue, expected.labels?.class, expected.path)
            XCTAssertEqual(file.embeddedLabels?.mask, expected.labels?.mask, expected.path)
            let columns = expected.labels?.columns?.map { $0 == 1 ? true : ($0 == 0 ? false : nil) as Bool? }
            XCTAssertEqual(file.embeddedLabels?.columns, columns, expected.path)
        }
    }

    func testNaNVoxelsCounted() throws {
        let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent("resampled_anat_moved.nii")))

        let volume = try NIfTIVolume(fileBytes: bytes, volume: 0, path: "resampled_anat_moved.nii")

        XCTAssertTrue(volume.header.layout.bigEndian)
        XCTAssertEqual(volume.header.layout.type, .float32)
        XCTAssertGreaterThan(volume.nanCount, 0)
        XCTAssertFalse(volume.values.contains { $0.isNaN })
    }

    func testNIfTI2HeaderRead() throws {
        let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent("example_nifti2.nii.gz")))

        let header = try NIfTIVolume.header(of: bytes, path: "example_nifti2.nii.gz")

        XCTAssertEqual(header.version, 2)
        XCTAssertEqual(Array(header.dimensions.prefix(4)), [32, 20, 12, 2])
        XCTAssertEqual(header.layout.type, .int16)
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: Swift.max(0, length - count)) + self
    }
}
