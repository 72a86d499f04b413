import Foundation
import XCTest

@testable import ImageIO

/// JPEG decoding through libjpeg-turbo against the lossless sources the generator saved.
/// Tolerances are about 1.2 to 1.5 times the differences measured with libjpeg-turbo 2.1.5
/// (in units of 1/255: grey 1.0 max; colour 7.0 max and 0.86 mean, from 4:2:0 chroma
/// subsampling; scaled decoding 1.6 max and 0.25 mean at d = 4, 2.3 max and 0.49 mean at d = 8).
final class JPEGDecodingTests: XCTestCase {
    private func settings(_ resolution: Int, _ channels: ChannelMode, scaled: Bool = true) -> PreprocessingSettings {
        PreprocessingSettings(resolution: resolution, channels: channels, normalize: .bitdepth, scaledJPEGDecoding: scaled)
    }

    func testGreyJPEGMatchesSource() throws {
        let jpeg = try XCTUnwrap(preprocessResource("grey.jpg", settings: settings(64, .grey)))
        let source = try XCTUnwrap(preprocessResource("grey-source.png", settings: settings(64, .grey)))

        XCTAssertEqual(jpeg.format, .jpeg)
        XCTAssertEqual(jpeg.bitDepth, 8)
        XCTAssertEqual(jpeg.significantBits, 8)
        XCTAssertEqual(jpeg.sourceWidth, 64)
        XCTAssertEqual(jpeg.sourceHeight, 64)
        XCTAssertEqual(jpeg.jpegScaleDenominator, 1)
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(jpeg.vector, source.vector), 1.5 / 255)
    }

    func testColourJPEGMatchesSource() throws {
        // 64x48 stretched to 48x48 on both, so the comparison also runs the resampler.
        let jpeg = try XCTUnwrap(preprocessResource("colour.jpg", settings: settings(48, .rgb)))
        let source = try XCTUnwrap(preprocessResource("colour.png", settings: settings(48, .rgb)))

        XCTAssertEqual(jpeg.vector.count, 3 * 48 * 48)
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(jpeg.vector, source.vector), 8.0 / 255)
        XCTAssertLessThanOrEqual(meanAbsoluteDifference(jpeg.vector, source.vector), 1.0 / 255)
    }

    func testGreyOutputIsLumaOfColourOutput() throws {
        // libjpeg's grey output is the Y component; BT.601 luma of the decoded RGB equals Y up
        // to libjpeg's rounding of R, G, B to 8 bits (and clamping, which this smooth image avoids).
        let grey = try XCTUnwrap(preprocessResource("colour.jpg", settings: settings(64, .grey)))
        let rgb = try XCTUnwrap(preprocessResource("colour.jpg", settings: settings(64, .rgb)))

        let planeSize = 64 * 64
        let luma = (0..<planeSize).map { i in
            0.299 * rgb.vector[i] + 0.587 * rgb.vector[planeSize + i] + 0.114 * rgb.vector[2 * planeSize + i]
        }
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(grey.vector, luma), 1.5 / 255)
    }

    func testGreyJPEGInRGBModeRepeatsPlane() throws {
        let image = try XCTUnwrap(preprocessResource("grey.jpg", settings: settings(32, .rgb)))
        let planeSize = 32 * 32
        XCTAssertEqual(Array(image.vector[0..<planeSize]), Array(image.vector[planeSize..<(2 * planeSize)]))
        XCTAssertEqual(Array(image.vector[0..<planeSize]), Array(image.vector[(2 * planeSize)...]))
    }

    func testProgressiveMatchesBaseline() throws {
        let progressive = try XCTUnwrap(preprocessResource("colour-progressive.jpg", settings: settings(64, .rgb)))
        let baseline = try XCTUnwrap(preprocessResource("colour.jpg", settings: settings(64, .rgb)))
        // Both hold the same quantised coefficients, so libjpeg reconstructs identical samples.
        XCTAssertEqual(progressive.vector, baseline.vector)
    }

    func testCMYKJPEGConvertsToRGB() throws {
        let jpeg = try XCTUnwrap(preprocessResource("cmyk.jpg", settings: settings(32, .rgb)))
        let source = try XCTUnwrap(preprocessResource("cmyk-source.png", settings: settings(32, .rgb)))
        // Flat colour blocks survive JPEG exactly; an inverted or swapped conversion would be far off.
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(jpeg.vector, source.vector), 2.0 / 255)
    }

    func testScaleDenominatorRule() {
        // Largest d in {1, 2, 4, 8} with ceil(side / d) >= resolution on both axes.
        let cases: [(width: Int, height: Int, resolution: Int, d: Int)] = [
            (224, 224, 224, 1), (445, 445, 224, 1), (446, 446, 224, 1), (447, 447, 224, 2), (448, 448, 224, 2), (447, 2000, 224, 2),
            (896, 896, 224, 4), (893, 893, 224, 4), (1785, 1785, 224, 8), (1786, 1786, 224, 8),
            (5000, 4000, 224, 8), (100, 100, 224, 1), (900, 900, 224, 4), (1784, 1784, 224, 4),
        ]
        for item in cases {
            XCTAssertEqual(
                jpegScaleDenominator(width: item.width, height: item.height, resolution: item.resolution), item.d,
                "\(item.width) x \(item.height) -> \(item.resolution)")
        }
    }

    func testScaledDecodingCloseToFullDecode() throws {
        // 900x900 at resolution 224: d = 4 (ceil(900 / 4) = 225), then 225 -> 224 by area averaging.
        let scaled = try XCTUnwrap(preprocessResource("large900.jpg", settings: settings(224, .rgb)))
        let full = try XCTUnwrap(preprocessResource("large900.jpg", settings: settings(224, .rgb, scaled: false)))

        XCTAssertEqual(scaled.jpegScaleDenominator, 4)
        XCTAssertEqual(full.jpegScaleDenominator, 1)
        XCTAssertEqual(scaled.sourceWidth, 900)
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(scaled.vector, full.vector), 2.5 / 255)
        XCTAssertLessThanOrEqual(meanAbsoluteDifference(scaled.vector, full.vector), 0.4 / 255)
    }

    func testScaledGreyDecodingCloseToFullDecode() throws {
        var small = settings(100, .grey)
        let scaled = try XCTUnwrap(preprocessResource("large900.jpg", settings: small))
        small.scaledJPEGDecoding = false
        let full = try XCTUnwrap(preprocessResource("large900.jpg", settings: small))

        XCTAssertEqual(scaled.jpegScaleDenominator, 8)
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(scaled.vector, full.vector), 3.5 / 255)
        XCTAssertLessThanOrEqual(meanAbsoluteDifference(scaled.vector, full.vector), 0.75 / 255)
    }

    func testRepeatedDecodeOf224JPEG() throws {
        // Works 200 times in a row with identical output; the time is printed, not asserted.
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: resourcePath("colour224.jpg"))))
        let preprocessor = Preprocessor(settings: PreprocessingSettings())
        let first = try preprocessor.preprocess(data: bytes, path: "colour224.jpg")
        let start = Date()
        for iteration in 0..<200 {
            let image = try preprocessor.preprocess(data: bytes, path: "colour224.jpg")
            if image.vector != first.vector {
                XCTFail("iteration \(iteration) gave a different vector")
                break
            }
        }
        let seconds = Date().timeIntervalSince(start)
        print("colour224.jpg: 200 decodes + preprocessing in \(String(format: "%.3f", seconds)) s")
        XCTAssertEqual(first.vector.count, 224 * 224)
        XCTAssertEqual(first.jpegScaleDenominator, 1)
    }
}
