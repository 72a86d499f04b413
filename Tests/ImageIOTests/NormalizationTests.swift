import XCTest

@testable import ImageIO

/// Channel conversion, normalisation, quantisation and the settings fingerprint.
final class NormalizationTests: XCTestCase {
    func testBT601WeightsOnPrimaries() throws {
        // primaries.png is 2x2: red, green / blue, white.
        let settings = PreprocessingSettings(resolution: 2, channels: .grey, normalize: .bitdepth)
        let image = try XCTUnwrap(preprocessResource("primaries.png", settings: settings))

        XCTAssertEqual(image.vector[0], 0.299, accuracy: quantizationStep)
        XCTAssertEqual(image.vector[1], 0.587, accuracy: quantizationStep)
        XCTAssertEqual(image.vector[2], 0.114, accuracy: quantizationStep)
        XCTAssertEqual(image.vector[3], 1.0, accuracy: quantizationStep)
    }

    func testRGBModeKeepsPlanesSeparate() throws {
        let settings = PreprocessingSettings(resolution: 2, channels: .rgb, normalize: .bitdepth)
        let image = try XCTUnwrap(preprocessResource("primaries.png", settings: settings))

        // Planes R, G, B of red, green, blue, white.
        XCTAssertEqual(image.vector, [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1])
    }

    func testMinmaxStretchesToUnitInterval() throws {
        let settings = PreprocessingSettings(resolution: 2, channels: .grey, normalize: .minmax)
        let image = try XCTUnwrap(preprocessResource("primaries.png", settings: settings))

        // Luma 76.245, 149.685, 29.07, 255 -> (v - 29.07) / 225.93.
        let luma: [Float] = [0.299, 0.587, 0.114, 1.0]
        for (index, value) in luma.enumerated() {
            XCTAssertEqual(image.vector[index], (value - 0.114) / 0.886, accuracy: quantizationStep, "index \(index)")
        }
        XCTAssertEqual(image.vector.min(), 0)
        XCTAssertEqual(image.vector.max(), 1)
        XCTAssertFalse(image.isConstant)
    }

    func testMinmaxIsScaleInvariantAcrossDepths() throws {
        // grey8.png and grey16.png hold different samples, but minmax of each spans [0, 1].
        for name in ["grey1.png", "grey8.png", "grey16.png"] {
            let settings = PreprocessingSettings(resolution: 8, channels: .grey, normalize: .minmax)
            let image = try XCTUnwrap(preprocessResource(name, settings: settings))
            XCTAssertEqual(image.vector.min(), 0, name)
            XCTAssertEqual(image.vector.max(), 1, name)
        }
    }

    func testBitdepthUsesDeclaredDepth() throws {
        // grey2.png has samples 0...3, so values are multiples of 1/3.
        let settings = PreprocessingSettings(resolution: 8, channels: .grey, normalize: .bitdepth)
        let image = try XCTUnwrap(preprocessResource("grey2.png", settings: settings))

        for value in image.vector {
            let level = value * 3
            XCTAssertEqual(level, level.rounded(), accuracy: 3 * quantizationStep)
        }
        XCTAssertEqual(image.bitDepth, 2)
        XCTAssertEqual(image.significantBits, 2)
    }

    func testConstantImageFlaggedMinmaxZeros() throws {
        let settings = PreprocessingSettings(resolution: 16, channels: .grey, normalize: .minmax)
        let image = try XCTUnwrap(preprocessResource("constant.png", settings: settings))

        XCTAssertTrue(image.isConstant)
        XCTAssertEqual(image.vector, [Float](repeating: 0, count: 256))
    }

    func testConstantImageBitdepthKeepsLevel() throws {
        let settings = PreprocessingSettings(resolution: 3, channels: .rgb, normalize: .bitdepth)
        let image = try XCTUnwrap(preprocessResource("constant.png", settings: settings))

        XCTAssertTrue(image.isConstant)
        XCTAssertEqual(image.vector.count, 27)
        XCTAssertEqual(Set(image.vector).count, 1)
        XCTAssertEqual(image.vector[0], 77.0 / 255, accuracy: quantizationStep)
    }

    func testQuantizationRoundsAndClamps() {
        let codes = quantizeUnitInterval([0, 1, 0.5, -0.25, 1.5, .nan, 1.0 / 65535, 0.49 / 65535, 0.51 / 65535])
        XCTAssertEqual(codes, [0, 65535, 32768, 0, 65535, 0, 1, 0, 1])
        XCTAssertEqual(dequantizeUnitInterval([0, 65535, 32768]), [0, 1, Float(32768) / 65535])
    }

    func testQuantizationRoundTripIsStable() {
        var generator = SeededGenerator(seed: 11)
        let values = (0..<10_000).map { _ in Float.random(in: 0...1, using: &generator) }
        let once = dequantizeUnitInterval(quantizeUnitInterval(values))
        let twice = dequantizeUnitInterval(quantizeUnitInterval(once))

        XCTAssertEqual(once, twice)
        XCTAssertLessThanOrEqual(maxAbsoluteDifference(values, once), 1.0 / 131_070 + 1e-7)
    }

    func testPreprocessedVectorIsOnQuantizationGrid() throws {
        let settings = PreprocessingSettings(resolution: 5, channels: .rgb, normalize: .minmax)
        let image = try XCTUnwrap(preprocessResource("rgb8-interlaced.png", settings: settings))
        XCTAssertEqual(dequantizeUnitInterval(quantizeUnitInterval(image.vector)), image.vector)
    }

    func testFingerprintOfDefaults() {
        let settings = PreprocessingSettings()
        XCTAssertEqual(
            settings.canonicalDescription,
            "v1;res=224;ch=grey;norm=minmax;shrink=area;grow=bilinear-half-pixel;jpegscale=on;cache=u16")
        // FNV-1a 64 of that text, from: python3 -c "h=0xcbf29ce484222325
        // for b in TEXT.encode(): h=((h^b)*0x100000001b3)%2**64
        // print(f'{h:016x}')"
        XCTAssertEqual(settings.fingerprint, "e8ba01fa3f2b823b")
        XCTAssertEqual(settings.vectorLength, 224 * 224)
    }

    func testFingerprintChangesWithEachValueSetting() {
        let base = PreprocessingSettings()
        var variants: [PreprocessingSettings] = []
        var changed = base
        changed.resolution = 112
        variants.append(changed)
        changed = base
        changed.channels = .rgb
        variants.append(changed)
        changed = base
        changed.normalize = .bitdepth
        variants.append(changed)
        changed = base
        changed.scaledJPEGDecoding = false
        variants.append(changed)

        let fingerprints = Set(([base] + variants).map(\.fingerprint))
        XCTAssertEqual(fingerprints.count, 5)
        for fingerprint in fingerprints {
            XCTAssertEqual(fingerprint.count, 16)
            XCTAssertTrue(fingerprint.allSatisfy(\.isHexDigit))
        }

        var larger = base
        larger.maxPixels = 5
        XCTAssertEqual(larger.fingerprint, base.fingerprint)
        XCTAssertEqual(PreprocessingSettings(resolution: 10, channels: .rgb).vectorLength, 300)
    }
}
