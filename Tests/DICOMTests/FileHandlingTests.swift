import Foundation
import ImageIO
import XCTest

/// Frames, unsupported objects, privacy of messages, and format detection.
final class FileHandlingTests: XCTestCase {
    private let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 16))

    private func error(_ name: String, frame: Int = 0) throws -> ImageIOError? {
        let bytes = try fixtureBytes(name)
        do {
            _ = try preprocessor.preprocess(data: bytes, path: "scans/\(name)", frame: frame)
            return nil
        } catch {
            return error
        }
    }

    func testMultiFrameCountAndValues() throws {
        let bytes = try fixtureBytes("emri_small.dcm")
        XCTAssertEqual(try preprocessor.imageCount(data: bytes, path: "emri"), 10)

        let golden = try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: try fixtureURL("golden.json")))
        let frames = golden.entries.filter { $0.file == "emri_small.dcm" }
        XCTAssertEqual(frames.count, 10)
        var checksums = Set<String>()
        for entry in frames {
            let frame = try DICOMDecoder.modalityFrame(data: bytes, path: "emri", frame: try XCTUnwrap(entry.frame))
            XCTAssertEqual(frame.values.max(), entry.max, "frame \(entry.frame ?? -1)")
            XCTAssertEqual(String(goldenChecksum(frame.values)), entry.checksum, "frame \(entry.frame ?? -1)")
            checksums.insert(entry.checksum ?? "")
        }
        XCTAssertEqual(checksums.count, 10, "frames must differ from each other")

        let first = try preprocessor.preprocess(data: bytes, path: "emri", frame: 0)
        let last = try preprocessor.preprocess(data: bytes, path: "emri", frame: 9)
        XCTAssertNotEqual(first.vector, last.vector)
    }

    func testFrameOutOfRangeNamesCount() throws {
        let failure = try XCTUnwrap(try error("emri_small.dcm", frame: 10))
        XCTAssertEqual(failure.kind, .unsupported)
        XCTAssertTrue(failure.detail.contains("frame 10"), failure.detail)
        XCTAssertTrue(failure.detail.contains("10 frames"), failure.detail)
    }

    func testUnsupportedSyntaxNamesUID() throws {
        let failure = try XCTUnwrap(try error("liver_deflate.dcm"))
        XCTAssertEqual(failure.kind, .unsupported)
        XCTAssertTrue(failure.detail.contains("1.2.840.10008.1.2.8.1"), failure.detail)
        XCTAssertTrue(failure.detail.contains("Deflated Image Frame Compression"), failure.detail)
    }

    func testObjectsWithoutPixelsNameSOPClass() throws {
        let plan = try XCTUnwrap(try error("rtplan.dcm"))
        XCTAssertEqual(plan.kind, .unsupported)
        XCTAssertTrue(plan.detail.contains("1.2.840.10008.5.1.4.1.1.481.5"), plan.detail)
        XCTAssertTrue(plan.detail.contains("RTPlanStorage"), plan.detail)

        let directory = try XCTUnwrap(try error("DICOMDIR"))
        XCTAssertEqual(directory.kind, .unsupported)
        XCTAssertTrue(directory.detail.contains("1.2.840.10008.1.3.10"), directory.detail)
    }

    func testUnsupportedReportedByImageCount() throws {
        XCTAssertThrowsError(try preprocessor.imageCount(data: try fixtureBytes("rtplan.dcm"), path: "plan.dcm")) {
            XCTAssertEqual(($0 as? ImageIOError)?.kind, .unsupported)
        }
    }

    func testErrorOmitsPatientAttributes() throws {
        let failure = try XCTUnwrap(try error("privacy-canary-truncated.dcm"))
        let text = failure.description
        XCTAssertTrue(text.hasPrefix("scans/privacy-canary-truncated.dcm: "), text)
        XCTAssertFalse(text.localizedCaseInsensitiveContains("canary^"), text)
        XCTAssertFalse(text.localizedCaseInsensitiveContains("privacy^"), text)
        XCTAssertFalse(text.contains("Canary"), text)
        XCTAssertFalse(text.contains("CANARY-ID-4711"), text)
    }

    func testTruncatedPixelDataIsAnError() throws {
        let failure = try XCTUnwrap(try error("privacy-canary-truncated.dcm"))
        XCTAssertTrue([.truncated, .corrupt].contains(failure.kind), "\(failure.kind)")
    }

    func testMagicAtOffset128() throws {
        XCTAssertEqual(ImageFormat(magicBytes: try fixtureBytes("MR_small.dcm")), .dicom)
        XCTAssertNil(ImageFormat(magicBytes: [UInt8](repeating: 0, count: 200)))
    }

    func testPreambleFreeFileNeedsDcmExtension() throws {
        // Without the 128-byte preamble and "DICM", only the .dcm extension marks the data as DICOM.
        let bytes = Array(try fixtureBytes("MR_small.dcm").dropFirst(132))
        let reference = try preprocessor.preprocess(data: try fixtureBytes("MR_small.dcm"), path: "mr.dcm", frame: 0)
        let image = try preprocessor.preprocess(data: bytes, path: "scans/MR.DCM", frame: 0)
        XCTAssertEqual(image.vector, reference.vector)
        XCTAssertEqual(image.format, .dicom)
        XCTAssertThrowsError(try preprocessor.preprocess(data: bytes, path: "scans/mr.bin", frame: 0)) {
            XCTAssertEqual(($0 as? ImageIOError)?.kind, .unsupported)
        }
    }

    func testTransferSyntaxesDecodeToSameValues() throws {
        let reference = try DICOMDecoder.modalityFrame(data: try fixtureBytes("MR_small.dcm"), path: "mr", frame: 0)
        for name in ["MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm"] {
            let frame = try DICOMDecoder.modalityFrame(data: try fixtureBytes(name), path: name, frame: 0)
            XCTAssertEqual(frame.values, reference.values, name)
        }
    }

    func testColourOutputPlanes() throws {
        let settings = PreprocessingSettings(resolution: 8, channels: .rgb, normalize: .bitdepth)
        let image = try Preprocessor(settings: settings).preprocess(
            data: try fixtureBytes("SC_ybr_full_422_uncompressed.dcm"), path: "ybr", frame: 0)
        XCTAssertEqual(image.vector.count, 3 * 8 * 8)
        XCTAssertEqual(image.significantBits, 8)
        // The first rows are red in the source image (lossy JPEG before it was uncompressed):
        // R high, G and B low.
        XCTAssertGreaterThan(image.vector[0], 0.9)
        XCTAssertLessThan(image.vector[64], 0.15)
        XCTAssertLessThan(image.vector[128], 0.15)
    }
}
