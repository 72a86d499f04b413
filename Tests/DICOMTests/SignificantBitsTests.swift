import ImageIO
import XCTest

/// b of `.bitdepth` normalisation: PNG sBIT, or DICOM Bits Stored.
final class SignificantBitsTests: XCTestCase {
    func testUnscaledTwelveBitPNG() throws {
        let settings = PreprocessingSettings(resolution: 8, channels: .grey, normalize: .bitdepth)
        let bytes = try fixtureBytes("grey16-unscaled-sbit12.png")
        let image = try Preprocessor(settings: settings).preprocess(data: bytes, path: "grey16-unscaled-sbit12.png")

        XCTAssertEqual(image.bitDepth, 16)
        XCTAssertEqual(image.significantBits, 12)
        let largest = try XCTUnwrap(image.vector.max())
        XCTAssertGreaterThan(largest * 4095, 255, "samples were shifted as if scaled")
        XCTAssertEqual(largest, 1, accuracy: 1e-6)
        XCTAssertEqual(image.vector[0], 2048 / 4095, accuracy: 1 / 65535)
        XCTAssertEqual(image.vector[0], 0.5, accuracy: 0.001)
    }

    func testDICOMBitsStoredIsSignificantBits() throws {
        let settings = PreprocessingSettings(resolution: 16, normalize: .bitdepth)
        let image = try Preprocessor(settings: settings).preprocess(
            data: try fixtureBytes("CR_monochrome1.dcm"), path: "cr", frame: 0)
        XCTAssertEqual(image.bitDepth, 16)
        XCTAssertEqual(image.significantBits, 12)
        XCTAssertEqual(image.vector.max() ?? 0, 1, accuracy: 1e-6)
        XCTAssertEqual(image.vector.min() ?? 1, 0, accuracy: 1e-6)
    }
}
