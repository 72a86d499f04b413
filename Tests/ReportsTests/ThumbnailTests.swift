import Datasets
import Foundation
import ImageIO
@testable import Reports
import XCTest

final class ThumbnailTests: XCTestCase {
    func testPNGEncodingRoundTrips() throws {
        // A 5 x 3 ramp with both extremes, decoded back through libpng at the same size.
        let pixels: [UInt8] = (0..<15).map { UInt8($0 * 255 / 14) }

        let png = try encodeGreyPNG(pixels, width: 5, height: 3)

        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 5, normalize: .bitdepth))
        let header = try preprocessor.preprocess(data: png, path: "ramp.png")
        XCTAssertEqual(header.sourceWidth, 5)
        XCTAssertEqual(header.sourceHeight, 3)
    }

    func testPNGEncodingKeepsSamples() throws {
        // Square, so preprocessing at the same resolution is the identity up to quantisation.
        let pixels: [UInt8] = (0..<16).map { UInt8(($0 * 37) % 256) }

        let png = try encodeGreyPNG(pixels, width: 4, height: 4)

        let image = try Preprocessor(settings: PreprocessingSettings(resolution: 4, normalize: .bitdepth)).preprocess(data: png, path: "t.png")
        XCTAssertEqual(image.vector.map { UInt8(($0 * 255).rounded()) }, pixels)
    }

    func testPNGEncodingRejectsWrongSampleCount() {
        XCTAssertThrowsError(try encodeGreyPNG([1, 2, 3], width: 2, height: 2)) { error in
            XCTAssertTrue("\(error)".contains("3 samples given, expected 4"))
        }
    }

    func testThumbnailOfFixture() throws {
        let renderer = ThumbnailRenderer(root: fixture("broken").path, size: 24)

        let thumbnail = renderer.thumbnail(for: "a/good-01.png")

        guard case let .image(uri) = thumbnail else {
            return XCTFail("expected an image, got \(thumbnail)")
        }
        XCTAssertTrue(uri.hasPrefix("data:image/png;base64,"))
        let bytes = try XCTUnwrap(Data(base64Encoded: String(uri.dropFirst("data:image/png;base64,".count))))
        let image = try Preprocessor(settings: PreprocessingSettings(resolution: 24)).preprocess(data: [UInt8](bytes), path: "thumbnail")
        XCTAssertEqual(image.sourceWidth, 24)
        XCTAssertEqual(image.sourceHeight, 24)
    }

    func testThumbnailOfContainerMembers() throws {
        let renderer = ThumbnailRenderer(root: fixture("containers").path, size: 24)

        let item = renderer.thumbnail(for: "train-images-idx3-ubyte.gz#3")
        let element = renderer.thumbnail(for: "breastmnist-mini.npz#val_images[2]")
        let slice = renderer.thumbnail(for: "anatomical.nii#slice=7")

        for (name, thumbnail) in [("IDX item", item), ("npz element", element), ("NIfTI slice", slice)] {
            guard case let .image(uri) = thumbnail else {
                return XCTFail("expected an image of the \(name), got \(thumbnail)")
            }
            XCTAssertTrue(uri.hasPrefix("data:image/png;base64,"), name)
        }
        XCTAssertEqual(renderer.thumbnail(for: "train-images-idx3-ubyte.gz#400"), .unavailable(reason: "file no longer exists"))
    }

    func testThumbnailShowsConfiguredVolume() throws {
        // example_nifti2.nii.gz is 32 x 20 x 12 x 2; slice 5 differs between its two volumes.
        let folders = try (0..<2).map { _ in
            try makeFolder(copying: fixture("containers/example_nifti2.nii.gz"), as: "run.nii.gz")
        }
        try Data(#"{"scan": {"nifti_volume": 1}}"#.utf8).write(to: folders[1].appendingPathComponent("audit.json"))
        var second = ScanOptions()
        second.niftiVolume = 1

        let first = ThumbnailRenderer(root: folders[0].path, size: 24).thumbnail(for: "run.nii.gz#slice=5")
        let fromFile = ThumbnailRenderer(root: folders[1].path, size: 24).thumbnail(for: "run.nii.gz#slice=5")
        let fromOptions = ThumbnailRenderer(root: folders[0].path, size: 24, scanOptions: second).thumbnail(for: "run.nii.gz#slice=5")

        guard case .image = first else {
            return XCTFail("expected an image of volume 0, got \(first)")
        }
        XCTAssertNotEqual(first, fromFile, "audit.json selects volume 1")
        XCTAssertEqual(fromFile, fromOptions)
    }

    /// Creates a temporary folder with a copy of `source` named `name`, removed after the test.
    private func makeFolder(copying source: URL, as name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("thumbnail-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent(name))
        return folder
    }

    func testThumbnailOfMissingAndBrokenFiles() {
        let renderer = ThumbnailRenderer(root: fixture("broken").path, size: 24)

        XCTAssertEqual(renderer.thumbnail(for: "a/not-there.png"), .unavailable(reason: "file no longer exists"))
        XCTAssertEqual(renderer.thumbnail(for: "a"), .unavailable(reason: "file no longer exists"), "a folder is not an image")
        guard case let .unavailable(reason) = renderer.thumbnail(for: "a/truncated.png") else {
            return XCTFail("a truncated PNG has no thumbnail")
        }
        XCTAssertTrue(reason.hasPrefix("cannot decode (truncated"), reason)
    }
}
