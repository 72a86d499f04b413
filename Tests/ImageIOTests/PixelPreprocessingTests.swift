import ImageIO
import XCTest

final class PixelPreprocessingTests: XCTestCase {
    private func pixels(_ samples: [Float], width: Int, height: Int, channels: Int = 1, bits: Int? = 8) -> PixelSamples {
        PixelSamples(samples: samples, width: width, height: height, channels: channels, bitDepth: 8, significantBits: bits, format: .npy)
    }

    func testBitdepthDividesByFullScale() throws {
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 2, normalize: .bitdepth))

        let image = try preprocessor.preprocess(pixels: pixels([0, 51, 102, 255], width: 2, height: 2), path: "a.npy#0")

        XCTAssertEqual(image.vector, [0, 0.2, 0.4, 1])
        XCTAssertEqual(image.format, .npy)
        XCTAssertFalse(image.isConstant)
    }

    func testBitdepthWithoutRangeFallsBackToMinmax() throws {
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 2, normalize: .bitdepth))

        let image = try preprocessor.preprocess(pixels: pixels([-2, 0, 2, 6], width: 2, height: 2, bits: nil), path: "v.nii#slice=0")

        // Quantisation to 16-bit codes moves each value by at most 1/131070.
        for (value, expected) in zip(image.vector, [Float(0), 0.25, 0.5, 1]) {
            XCTAssertEqual(value, expected, accuracy: 1.0 / 131_070)
        }
    }

    func testRGBBecomesLuma() throws {
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 1, normalize: .bitdepth))

        let image = try preprocessor.preprocess(pixels: pixels([100, 200, 50], width: 1, height: 1, channels: 3), path: "c.npy#0")

        let luma: Float = 0.299 * 100 + 0.587 * 200 + 0.114 * 50
        XCTAssertEqual(image.vector[0], luma / 255, accuracy: 1.0 / 65535)
    }

    func testNonFiniteSampleIsCorrupt() {
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 2))

        XCTAssertThrowsError(try preprocessor.preprocess(pixels: pixels([0, .infinity, 1, 2], width: 2, height: 2), path: "f.npy#3")) { error in
            let failure = error as? ImageIOError
            XCTAssertEqual(failure?.kind, .corrupt)
            XCTAssertEqual(failure?.path, "f.npy#3")
        }
    }

    func testMaxPixelsApplies() {
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 2, maxPixels: 3))

        XCTAssertThrowsError(try preprocessor.preprocess(pixels: pixels([0, 1, 2, 3], width: 2, height: 2), path: "big.npy#0")) { error in
            XCTAssertEqual((error as? ImageIOError)?.kind, .tooLarge)
        }
    }
}
