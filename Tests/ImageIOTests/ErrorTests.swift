import Foundation
import XCTest

@testable import ImageIO

/// Broken, foreign and oversized files: each is rejected with the right kind and a message.
final class ErrorTests: XCTestCase {
    func testZeroByteFileIsEmpty() {
        let error = preprocessingError("empty.png")
        XCTAssertEqual(error?.kind, .empty)
        XCTAssertEqual(error?.detail, "0 bytes")
    }

    func testMissingFileIsUnreadable() {
        let error = preprocessingError("no-such-file.png")
        XCTAssertEqual(error?.kind, .unreadable)
        XCTAssertEqual(error?.detail, "open failed: No such file or directory")
    }

    func testDirectoryIsUnreadable() {
        let error = preprocessingError("")
        XCTAssertEqual(error?.kind, .unreadable)
        XCTAssertEqual(error?.detail, "is a directory")
    }

    func testTruncatedJPEG() {
        let error = preprocessingError("truncated.jpg")
        XCTAssertEqual(error?.kind, .truncated)
        XCTAssertEqual(error?.detail, "libjpeg: Premature end of JPEG file")
    }

    func testJPEGTruncatedInsideHeader() {
        XCTAssertEqual(preprocessingError("truncated-header.jpg")?.kind, .truncated)
    }

    func testTruncatedPNG() {
        let error = preprocessingError("truncated.png")
        XCTAssertEqual(error?.kind, .truncated)
        XCTAssertEqual(error?.detail, "libpng: unexpected end of data")
    }

    func testEveryPNGPrefixIsRejected() throws {
        // Every proper prefix of a valid PNG is truncated (or, cut inside the signature, not a PNG).
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: resourcePath("rgb8-interlaced.png"))))
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 9))
        for length in 1..<bytes.count {
            do {
                _ = try preprocessor.preprocess(data: Array(bytes[0..<length]), path: "prefix-\(length).png")
                XCTFail("prefix of \(length) bytes decoded")
            } catch {
                let expected: ImageIOError.Kind = length < 8 ? .unsupported : .truncated
                XCTAssertEqual(error.kind, expected, "prefix of \(length) bytes: \(error)")
            }
        }
    }

    func testEveryJPEGCutIsRejected() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: resourcePath("colour.jpg"))))
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 16))
        for length in stride(from: 3, to: bytes.count, by: 7) {
            do {
                _ = try preprocessor.preprocess(data: Array(bytes[0..<length]), path: "prefix-\(length).jpg")
                XCTFail("prefix of \(length) bytes decoded")
            } catch {
                XCTAssertEqual(error.kind, .truncated, "prefix of \(length) bytes: \(error)")
            }
        }
    }

    func testPNGWithBadCRCIsCorrupt() {
        let error = preprocessingError("corrupt-crc.png")
        XCTAssertEqual(error?.kind, .corrupt)
        XCTAssertEqual(error?.detail, "libpng: IHDR: CRC error")
    }

    func testJPEGWithGarbageIsCorrupt() {
        let error = preprocessingError("corrupt.jpg")
        XCTAssertEqual(error?.kind, .corrupt)
        XCTAssertEqual(error?.detail, "libjpeg: Bogus DQT index 5")
    }

    func testTextNamedPNGIsUnsupported() {
        let error = preprocessingError("text.png")
        XCTAssertEqual(error?.kind, .unsupported)
        XCTAssertEqual(error?.detail, "looks like text")
        XCTAssertEqual(
            error?.description,
            "\(resourcePath("text.png")): unsupported image (looks like text); only JPEG, PNG and DICOM images are read, so convert the file or exclude it"
        )
    }

    func testBMPIsUnsupported() {
        let error = preprocessingError("image.bmp")
        XCTAssertEqual(error?.kind, .unsupported)
        XCTAssertEqual(error?.detail, "looks like BMP")
    }

    func testDICOMWithoutPixelDataIsUnsupported() {
        // Preamble and "DICM" followed by zeros: DCMTK parses no SOP class and no pixel data.
        let error = preprocessingError("dicom-like.dcm")
        XCTAssertEqual(error?.kind, .unsupported)
        XCTAssertEqual(error?.detail, "DICOM: no pixel data and no SOP Class UID (0008,0016)")
    }

    func testUnknownBytesNamedByHex() {
        let preprocessor = Preprocessor(settings: PreprocessingSettings())
        XCTAssertThrowsError(try preprocessor.preprocess(data: [0x00, 0x01, 0xFE, 0x80], path: "x.bin")) { error in
            XCTAssertEqual((error as? ImageIOError)?.detail, "looks like unknown data starting with 00 01 FE 80")
        }
    }

    func testOversizedHeaderRejectedBeforeDecoding() {
        // The IDAT contains one row of 20000, so a decode attempt would fail as truncated instead.
        let error = preprocessingError("huge-header.png")
        XCTAssertEqual(error?.kind, .tooLarge)
        XCTAssertEqual(
            error?.detail, "header declares 20000 x 20000 = 400000000 pixels, above preprocessing.max_pixels = 100000000")
    }

    func testMaxPixelsAppliesToJPEG() {
        let settings = PreprocessingSettings(maxPixels: 64 * 48 - 1)
        XCTAssertEqual(preprocessingError("colour.jpg", settings: settings)?.kind, .tooLarge)
        var exact = settings
        exact.maxPixels = 64 * 48
        XCTAssertNotNil(preprocessResource("colour.jpg", settings: exact))
    }

    func testErrorDescriptionsNameFileAndAction() {
        let cases: [(ImageIOError.Kind, String)] = [
            (.unreadable, "check that it exists and is readable"),
            (.empty, "replace it with a complete copy or remove it"),
            (.truncated, "copy it again from its source"),
            (.corrupt, "re-export the image or remove the file"),
            (.unsupported, "only JPEG, PNG and DICOM images are read"),
            (.tooLarge, "raise maxPixels or downscale the file"),
        ]
        for (kind, action) in cases {
            let text = ImageIOError(kind: kind, path: "a/b.png", detail: "DETAIL").description
            XCTAssertTrue(text.hasPrefix("a/b.png: "), text)
            XCTAssertTrue(text.contains("(DETAIL); "), text)
            XCTAssertTrue(text.contains(action), text)
        }
    }
}
