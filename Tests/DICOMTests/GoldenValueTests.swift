import Foundation
import ImageIO
import XCTest

/// Every fixture frame that pydicom decodes (golden.json, written by scripts/golden_dicom.py)
/// must decode here to the same shape and the same float32 values.
final class GoldenValueTests: XCTestCase {
    func testFixturesMatchPydicom() throws {
        let golden = try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: try fixtureURL("golden.json")))
        let decoded = golden.entries.filter { $0.error == nil }
        XCTAssertGreaterThanOrEqual(decoded.count, 20, "golden.json lists too few decoded frames")

        for entry in decoded {
            let bytes = try fixtureBytes(entry.file)
            let frame = try DICOMDecoder.modalityFrame(data: bytes, path: entry.file, frame: entry.frame ?? 0)
            let result = compare(frame, with: entry)
            XCTAssertTrue(result.shapeMatches, "\(entry.file) frame \(entry.frame ?? 0): shape differs")
            XCTAssertTrue(result.checksumMatches, "\(entry.file) frame \(entry.frame ?? 0): values differ")
            XCTAssertEqual(result.statisticsDifference, 0, accuracy: 1e-6, "\(entry.file) frame \(entry.frame ?? 0)")
        }
    }

    func testLosslessSyntaxesMatchUncompressed() throws {
        // pydicom decodes neither JPEG-LS nor JPEG Lossless without plugins, so these compare
        // with the uncompressed file they were made from.
        let pairs = [
            ("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm"),
            ("CR_jpeg_lossless.dcm", "CR_monochrome1.dcm"),
        ]
        for (compressed, original) in pairs {
            let decoded = try DICOMDecoder.modalityFrame(data: try fixtureBytes(compressed), path: compressed, frame: 0)
            let reference = try DICOMDecoder.modalityFrame(data: try fixtureBytes(original), path: original, frame: 0)
            XCTAssertEqual(decoded.values, reference.values, "\(compressed) differs from \(original)")
        }
    }

    func testJPEGLosslessSyntaxReported() throws {
        let attributes = try DICOMDecoder.attributes(data: try fixtureBytes("CR_jpeg_lossless.dcm"), path: "cr.dcm")
        XCTAssertEqual(attributes.transferSyntaxUID, "1.2.840.10008.1.2.4.70")
        XCTAssertEqual(attributes.photometricInterpretation, "MONOCHROME1")
    }

    func testJPEGLosslessRGBDecodes() throws {
        let frame = try DICOMDecoder.modalityFrame(data: try fixtureBytes("SC_rgb_jpeg_gdcm.dcm"), path: "rgb.dcm", frame: 0)
        XCTAssertEqual(frame.channels, 3)
        XCTAssertEqual(frame.values.count, 100 * 100 * 3)
        XCTAssertEqual(frame.values.max() ?? 0, 255)
    }
}
