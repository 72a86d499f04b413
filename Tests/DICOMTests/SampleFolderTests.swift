import Foundation
import ImageIO
import XCTest

/// Compares every frame of a folder of DICOM files with golden values from pydicom.
///
/// Runs only when IA_DICOM_SAMPLES names the folder and IA_DICOM_GOLDEN the JSON that
/// `scripts/golden_dicom.py` wrote for it; the fixture tests cover the committed subset.
final class SampleFolderTests: XCTestCase {
    func testFolderMatchesGolden() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let folder = environment["IA_DICOM_SAMPLES"], let goldenPath = environment["IA_DICOM_GOLDEN"] else {
            throw XCTSkip("set IA_DICOM_SAMPLES and IA_DICOM_GOLDEN to compare a sample folder")
        }
        let golden = try JSONDecoder().decode(GoldenFile.self, from: Data(contentsOf: URL(fileURLWithPath: goldenPath)))
        let preprocessor = Preprocessor(settings: PreprocessingSettings())

        var lines = [String]()
        var files = Set<String>()
        for entry in golden.entries {
            files.insert(entry.file)
        }

        for file in files.sorted() {
            let path = folder + "/" + file
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let entries = golden.entries.filter { $0.file == file }
            let count: Int
            do {
                count = try preprocessor.imageCount(data: bytes, path: file)
            } catch {
                lines.append("\(file)\tours-error\t\(error.kind.rawValue): \(error.detail)\tpydicom=\(entries.first?.error ?? "ok")")
                continue
            }
            if let pydicomError = entries.first?.error {
                var summary = "ours=\(count) frames"
                do {
                    let frame = try DICOMDecoder.modalityFrame(data: bytes, path: file, frame: 0)
                    summary += " frame 0: \(frame.rows)x\(frame.columns)x\(frame.channels) min \(frame.values.min() ?? .nan) max \(frame.values.max() ?? .nan) \(frame.attributes.transferSyntaxUID)"
                } catch {
                    summary += " frame 0: \(error.kind.rawValue): \(error.detail)"
                }
                lines.append("\(file)\tpydicom-error \(pydicomError)\t\(summary)")
                continue
            }
            if count != entries.count {
                lines.append("\(file)\tframe-count\tours=\(count) golden=\(entries.count)")
            }
            for entry in entries {
                do {
                    let frame = try DICOMDecoder.modalityFrame(data: bytes, path: file, frame: entry.frame ?? 0)
                    let result = compare(frame, with: entry)
                    let status = result.shapeMatches && result.checksumMatches ? "equal" : "DIFFERENT"
                    if entry.frame ?? 0 == 0 || status != "equal" {
                        lines.append("\(file)#\(entry.frame ?? 0)\t\(status)\tshape=\(result.shapeMatches) checksum=\(result.checksumMatches) maxStatDiff=\(result.statisticsDifference) \(frame.attributes.transferSyntaxUID) \(frame.attributes.photometricInterpretation)")
                    }
                } catch {
                    lines.append("\(file)#\(entry.frame ?? 0)\tours-error\t\(error.kind.rawValue): \(error.detail)")
                }
            }
        }
        // pydicom 3.0.2 reads non-segmented palette LUT data as little-endian in big-endian files,
        // so its golden values for these files are not a reference.
        let pydicomBigEndianPalette = ["OBXXXX1A_expb.dcm", "OBXXXX1A_expb_2frame.dcm"]
        lines = lines.map { line in
            pydicomBigEndianPalette.contains { line.contains("/\($0)#") } ? line.replacingOccurrences(of: "DIFFERENT", with: "pydicom-palette-byte-order") : line
        }
        let report = lines.joined(separator: "\n") + "\n"
        if let output = environment["IA_DICOM_REPORT"] {
            try report.write(toFile: output, atomically: true, encoding: .utf8)
        }
        XCTAssertFalse(lines.contains { $0.contains("DIFFERENT") }, report)
    }
}
