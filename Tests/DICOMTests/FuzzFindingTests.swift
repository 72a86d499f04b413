import Foundation
import ImageIO
import XCTest

/// Inputs found by scripts/fuzz_dicom.sh, kept as regressions.
final class FuzzFindingTests: XCTestCase {
    /// Mutated fixtures whose elements declare lengths up to about 1.3 GB in files of 3-11 KB.
    /// DCMTK reserves the declared length before it notices that the data is short. The
    /// reservation is never touched, so decoding must still end quickly in a value or an error.
    func testDeclaredLengthsBeyondData() throws {
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 8))
        for index in 1...4 {
            let name = "fuzz/declared-length-\(index).bin"
            let bytes = try fixtureBytes(name)
            let start = Date()
            do {
                let count = try preprocessor.imageCount(data: bytes, path: "input.dcm")
                for frame in 0..<min(count, 4) {
                    _ = try? preprocessor.preprocess(data: bytes, path: "input.dcm", frame: frame)
                }
            } catch {
                XCTAssertFalse(error.detail.isEmpty, name)
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, name)
        }
    }

    /// Mutated deflated data sets whose single 512 x 512 frame the sanitizer build of the fuzzer
    /// decoded in 1.5 s and 4.1 s (one passed its 10 s limit on a loaded machine). Each must end
    /// in a frame of the declared size or an error with a message, well within the limit.
    func testMutatedDeflatedDataSets() throws {
        let preprocessor = Preprocessor(settings: PreprocessingSettings(resolution: 8))
        for index in 1...2 {
            let name = "fuzz/deflated-slow-\(index).bin"
            let bytes = try fixtureBytes(name)
            let start = Date()
            do {
                let count = try preprocessor.imageCount(data: bytes, path: "input.dcm")
                XCTAssertEqual(count, 1, name)
                let image = try preprocessor.preprocess(data: bytes, path: "input.dcm", frame: 0)
                XCTAssertEqual(image.sourceWidth, 512, name)
                XCTAssertEqual(image.sourceHeight, 512, name)
            } catch {
                XCTAssertFalse(error.detail.isEmpty, name)
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 10, name)
        }
    }
}
