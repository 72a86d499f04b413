import Datasets
import XCTest

final class FrameScanTests: XCTestCase {
    func testUncountableFramesStayOneEntry() throws {
        // A DICOM preamble with the DICM magic, which Preprocessor.imageCount cannot count yet,
        // and an extensionless file without it: both stay single entries for the decoder to judge.
        let folder = try TemporaryFolder()
        try folder.write("study/ct", bytes: [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) + [1, 2, 3])
        try folder.write("study/ct.dcm", bytes: [UInt8](repeating: 0, count: 128) + Array("DICM".utf8))
        try folder.write("study/plain", bytes: [0x89, 0x50, 0x4E, 0x47])

        let scan = try scanDataset(root: folder.path)

        XCTAssertEqual(scan.files.map(\.relativePath), ["study/ct", "study/ct.dcm", "study/plain"])
        XCTAssertTrue(scan.files.allSatisfy { $0.member == nil })
        XCTAssertTrue(scan.rejected.isEmpty)
    }
}
