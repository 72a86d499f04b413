import XCTest

@testable import ImageIO

/// Every generated PNG, decoded at its own size (so resampling is a copy), against the raw
/// samples that the generator wrote into expected.json.
final class PNGDecodingTests: XCTestCase {
    private let names = [
        "grey1.png", "grey2.png", "grey4.png", "grey8.png", "grey16.png", "grey16-lowbyte.png", "grey-alpha8.png",
        "rgb8.png", "rgb16.png", "rgba8.png", "palette4.png", "rgb8-interlaced.png", "grey16-interlaced.png",
        "grey16-sbit12.png", "rgb8-sbit565.png", "primaries.png",
    ]

    func testSamplesMatchGeneratorInRGBBitdepthMode() throws {
        let expectedImages = try loadExpectedImages()
        for name in names {
            let expected = try XCTUnwrap(expectedImages[name], name)
            let settings = PreprocessingSettings(resolution: expected.side, channels: .rgb, normalize: .bitdepth)
            guard let image = preprocessResource(name, settings: settings) else { continue }

            let scale = Float((1 << expected.bits) - 1)
            let planes = expected.planes.count == 1 ? Array(repeating: expected.planes[0], count: 3) : expected.planes
            let wanted = planes.flatMap { plane in plane.map { Float($0) / scale } }
            XCTAssertEqual(image.vector.count, wanted.count, name)
            XCTAssertLessThanOrEqual(maxAbsoluteDifference(image.vector, wanted), quantizationStep / 2 + 1e-7, name)
            XCTAssertEqual(image.format, .png, name)
            XCTAssertEqual(image.bitDepth, expected.bitDepth, name)
            XCTAssertEqual(image.significantBits, expected.bits, name)
            XCTAssertEqual(image.sourceWidth, expected.side, name)
            XCTAssertEqual(image.sourceHeight, expected.side, name)
            XCTAssertEqual(image.jpegScaleDenominator, 1, name)
            XCTAssertFalse(image.isConstant, name)
        }
    }

    func testGreyModeIsBT601LumaOfSamples() throws {
        let expectedImages = try loadExpectedImages()
        for name in names {
            let expected = try XCTUnwrap(expectedImages[name], name)
            let settings = PreprocessingSettings(resolution: expected.side, channels: .grey, normalize: .bitdepth)
            guard let image = preprocessResource(name, settings: settings) else { continue }

            let scale = Double((1 << expected.bits) - 1)
            let wanted: [Float] = (0..<(expected.side * expected.side)).map { i in
                if expected.planes.count == 1 {
                    return Float(Double(expected.planes[0][i]) / scale)
                }
                let red = Double(expected.planes[0][i])
                let green = Double(expected.planes[1][i])
                let blue = Double(expected.planes[2][i])
                return Float((0.299 * red + 0.587 * green + 0.114 * blue) / scale)
            }
            XCTAssertEqual(image.vector.count, wanted.count, name)
            XCTAssertLessThanOrEqual(maxAbsoluteDifference(image.vector, wanted), quantizationStep / 2 + 1e-6, name)
        }
    }

    func testSixteenBitLowByteDifferencesKept() throws {
        let settings = PreprocessingSettings(resolution: 8, channels: .grey, normalize: .bitdepth)
        let image = try XCTUnwrap(preprocessResource("grey16-lowbyte.png", settings: settings))

        // Samples are 0x1200 + i, so the cache codes must be exactly 0x1200 + i as well.
        let codes = quantizeUnitInterval(image.vector)
        XCTAssertEqual(codes, (0..<64).map { UInt16(0x1200 + $0) })
        XCTAssertEqual(Set(image.vector).count, 64)
    }

    func testSixteenBitMinmaxSpreadsLowByteRange() throws {
        let settings = PreprocessingSettings(resolution: 8, channels: .grey, normalize: .minmax)
        let image = try XCTUnwrap(preprocessResource("grey16-lowbyte.png", settings: settings))

        // Samples 0x1200...0x123F map to i / 63.
        let wanted = (0..<64).map { Float($0) / 63 }
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(image.vector, wanted), quantizationStep / 2 + 1e-6)
    }

    func testInterlacedMatchesExpectedAtLowerResolution() throws {
        // Interlacing must not change pixels; compare the resampled vectors with a non-interlaced
        // decode of the same samples computed from expected.json.
        let expected = try XCTUnwrap(try loadExpectedImages()["rgb8-interlaced.png"])
        let settings = PreprocessingSettings(resolution: 4, channels: .rgb, normalize: .bitdepth)
        let image = try XCTUnwrap(preprocessResource("rgb8-interlaced.png", settings: settings))

        let wanted = expected.planes.flatMap { plane in
            resample(plane.map { Float($0) / 255 }, width: 9, height: 9, toWidth: 4, toHeight: 4)
        }
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(image.vector, wanted), quantizationStep / 2 + 1e-6)
    }

    func testSignificantBitsShiftSamples() throws {
        let expected = try XCTUnwrap(try loadExpectedImages()["grey16-sbit12.png"])
        let settings = PreprocessingSettings(resolution: 6, channels: .grey, normalize: .bitdepth)
        let image = try XCTUnwrap(preprocessResource("grey16-sbit12.png", settings: settings))

        // Stored samples are v << 4 | v >> 8; after the shift the codes are v * 65535 / 4095.
        let largest = try XCTUnwrap(expected.planes[0].max())
        XCTAssertEqual(image.bitDepth, 16)
        XCTAssertEqual(image.significantBits, 12)
        XCTAssertEqual(image.vector.max() ?? 0, Float(largest) / 4095, accuracy: quantizationStep)
    }
}
