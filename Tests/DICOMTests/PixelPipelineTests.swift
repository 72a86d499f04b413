import Foundation
import XCTest

@testable import ImageIO

/// Modality LUT, VOI window and MONOCHROME1 inversion, in the standard's order.
final class PixelPipelineTests: XCTestCase {
    private func vector(_ name: String, settings: PreprocessingSettings = PreprocessingSettings()) throws -> PreprocessedImage {
        try Preprocessor(settings: settings).preprocess(data: try fixtureBytes(name), path: name, frame: 0)
    }

    func testInterceptPairEqualAfterModalityLUT() throws {
        let shifted = try DICOMDecoder.modalityFrame(data: try fixtureBytes("ct-intercept-0.dcm"), path: "a", frame: 0)
        let original = try DICOMDecoder.modalityFrame(
            data: try fixtureBytes("ct-intercept-minus1024.dcm"), path: "b", frame: 0)
        XCTAssertEqual(shifted.attributes.rescale?.intercept, 0)
        XCTAssertEqual(original.attributes.rescale?.intercept, -1024)
        XCTAssertEqual(shifted.values, original.values)

        for window in [DICOMWindow.none, .softTissue, .lung] {
            let settings = PreprocessingSettings(resolution: 32, dicomWindow: window)
            let first = try vector("ct-intercept-0.dcm", settings: settings)
            let second = try vector("ct-intercept-minus1024.dcm", settings: settings)
            XCTAssertEqual(euclideanDistance(first.vector, second.vector), 0, "window \(window)")
        }
    }

    func testMonochrome1EqualsInvertedMonochrome2() throws {
        // Only windows that follow the data: the file's own window is in the MONOCHROME1 file's
        // stored-value scale and does not fit the inverted copy.
        for window in [DICOMWindow.none] {
            let settings = PreprocessingSettings(resolution: 16, normalize: .bitdepth, dicomWindow: window)
            let monochrome1 = try vector("CR_monochrome1.dcm", settings: settings)
            let monochrome2 = try vector("CR_monochrome2.dcm", settings: settings)
            XCTAssertFalse(monochrome1.isConstant)
            XCTAssertLessThanOrEqual(
                maxAbsoluteDifference(monochrome1.vector, monochrome2.vector), 1 / 65535 + 1e-7, "window \(window)")
        }
    }

    func testMonochrome1Inverts() throws {
        // Under min-max windowing the largest stored value of a MONOCHROME1 image is black.
        let frame = try DICOMDecoder.modalityFrame(data: try fixtureBytes("CR_monochrome1.dcm"), path: "cr", frame: 0)
        let brightest = try XCTUnwrap(frame.values.indices.max { frame.values[$0] < frame.values[$1] })
        let settings = PreprocessingSettings(resolution: 16, normalize: .bitdepth)
        let image = try vector("CR_monochrome1.dcm", settings: settings)
        XCTAssertEqual(image.vector[brightest], 0)
    }

    func testMissingRescaleMeansSlopeOneInterceptZero() throws {
        let bytes = try fixtureBytes("MR_small.dcm")
        let attributes = try DICOMDecoder.attributes(data: bytes, path: "mr")
        XCTAssertNil(attributes.rescale)
        let frame = try DICOMDecoder.modalityFrame(data: bytes, path: "mr", frame: 0)
        XCTAssertEqual(frame.values.min(), 127)
        XCTAssertEqual(frame.values.max(), 2145)
        XCTAssertTrue(frame.values.allSatisfy { $0 == $0.rounded() }, "stored integers must pass unchanged")
    }

    func testSignedStoredValuesKeepSign() throws {
        let frame = try DICOMDecoder.modalityFrame(data: try fixtureBytes("ct-intercept-0.dcm"), path: "ct", frame: 0)
        XCTAssertEqual(frame.attributes.pixelRepresentation, 1)
        XCTAssertEqual(frame.values.min(), -896)
    }

    func testLinearWindowMatchesStandard() {
        // c = 40, w = 80: x <= -0.5 gives 0, x > 79.5 gives 1, else (x - 39.5) / 79 + 0.5.
        let window = DICOMWindowLevel(center: 40, width: 80)
        let output = applyLinearWindow([-1000, -0.5, 0, 39.5, 79, 79.5, 80], window: window)
        let expected = [0, 0, 0.5 - 39.5 / 79, 0.5, 0.5 + 39.5 / 79, 1, 1]
        for (value, wanted) in zip(output, expected) {
            XCTAssertEqual(value, wanted, accuracy: 1e-12)
        }
    }

    func testWidthOneWindowIsAThreshold() {
        let output = applyLinearWindow([9, 9.5, 9.6, 10], window: DICOMWindowLevel(center: 10, width: 1))
        XCTAssertEqual(output, [0, 0, 1, 1])
    }

    func testWindowEntersFingerprint() {
        let none = PreprocessingSettings()
        XCTAssertFalse(none.canonicalDescription.contains("voi"))
        var seen = Set<String>()
        for window in DICOMWindow.allCases {
            seen.insert(PreprocessingSettings(dicomWindow: window).fingerprint)
        }
        XCTAssertEqual(seen.count, DICOMWindow.allCases.count)
        XCTAssertTrue(PreprocessingSettings(dicomWindow: .lung).canonicalDescription.hasSuffix(";voi=lung"))
    }

    func testPresetWindowClipsHounsfieldUnits() throws {
        // Lung window (c = -600, w = 1500): air (-1000 HU and below) is clipped to 0.
        let settings = PreprocessingSettings(resolution: 128, normalize: .bitdepth, dicomWindow: .lung)
        let image = try vector("ct-intercept-0.dcm", settings: settings)
        let frame = try DICOMDecoder.modalityFrame(data: try fixtureBytes("ct-intercept-0.dcm"), path: "ct", frame: 0)
        let expected = applyLinearWindow(frame.values, window: DICOMWindowLevel(center: -600, width: 1500))
        XCTAssertLessThanOrEqual(
            maxAbsoluteDifference(image.vector, expected.map { Float($0) }), 1 / 131070 + 1e-6)
    }
}

func euclideanDistance(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
}

func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "vectors of different lengths \(a.count) and \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
