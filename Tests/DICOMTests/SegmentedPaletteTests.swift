import CDicom
import XCTest

/// Expansion of Segmented Palette Color Lookup Table Data (DICOM PS3.3 C.7.9.2) through the
/// shim's `ia_dicom_expand_segmented_lut`.
///
/// Expected tables are computed by hand from the segment rules, and pydicom 3.0.2's
/// `pydicom.pixels.processing._expand_segmented_lut` returns the same lists for these inputs.
final class SegmentedPaletteTests: XCTestCase {
    private struct Expansion {
        var status: ia_dicom_status
        var table: [Double]
        var message: String
    }

    private func expand(_ values: [UInt16], entryBits: Int32 = 16, bigEndian: Bool = false) -> Expansion {
        var table = [Double](repeating: -1, count: 65536)
        var entryCount = 0
        var message = ia_dicom_message()
        let status = values.withUnsafeBufferPointer { buffer in
            table.withUnsafeMutableBufferPointer { output in
                ia_dicom_expand_segmented_lut(
                    buffer.baseAddress, buffer.count, entryBits, bigEndian ? 1 : 0, output.baseAddress, output.count,
                    &entryCount, &message)
            }
        }
        let text = withUnsafeBytes(of: &message.text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return Expansion(status: status, table: status == IA_DICOM_OK ? Array(table.prefix(entryCount)) : [], message: text)
    }

    func testDiscreteLinearIndirect16Bit() {
        // Discrete 10, 20, 30; linear from 30 to 10 in 4 steps of -5; indirect copy of the two
        // segments at value 0 (offset words 0, 0), which repeats both.
        let values: [UInt16] = [0, 3, 10, 20, 30, 1, 4, 10, 2, 2, 0, 0]
        let expansion = expand(values)
        XCTAssertEqual(expansion.status, IA_DICOM_OK, expansion.message)
        XCTAssertEqual(expansion.table, [10, 20, 30, 25, 20, 15, 10, 10, 20, 30, 25, 20, 15, 10])
    }

    func testLinearRoundsHalfToEven() {
        // 0 -> 5 in 2 steps gives 2.5 (rounded to 2), 5; 0 -> 3 in 2 steps gives 1.5 (rounded to 2), 3.
        let expansion = expand([0, 1, 0, 1, 2, 5, 0, 1, 0, 1, 2, 3])
        XCTAssertEqual(expansion.status, IA_DICOM_OK, expansion.message)
        XCTAssertEqual(expansion.table, [0, 2, 5, 0, 2, 3])
    }

    func testLinearThirdsAndTrailingPadding() {
        // 1000 -> 0 in 3 steps: 666.67, 333.33, 0. The single trailing 0 is padding.
        let expansion = expand([0, 1, 1000, 1, 3, 0, 0])
        XCTAssertEqual(expansion.status, IA_DICOM_OK, expansion.message)
        XCTAssertEqual(expansion.table, [1000, 667, 333, 0])
    }

    func testIndirect8BitOffsetByteOrder() {
        // Discrete 50; discrete 60 at byte 3; indirect copy of one segment at byte 3. The 32-bit
        // offset 3 is bytes 3 0 0 0 in a little-endian data set and 0 3 0 0 in a big-endian one.
        let little = expand([0, 1, 50, 0, 1, 60, 2, 1, 3, 0, 0, 0], entryBits: 8, bigEndian: false)
        XCTAssertEqual(little.status, IA_DICOM_OK, little.message)
        XCTAssertEqual(little.table, [50, 60, 60])

        let big = expand([0, 1, 50, 0, 1, 60, 2, 1, 0, 3, 0, 0], entryBits: 8, bigEndian: true)
        XCTAssertEqual(big.status, IA_DICOM_OK, big.message)
        XCTAssertEqual(big.table, [50, 60, 60])
    }

    func testInvalidSegmentsRejected() {
        let linearFirst = expand([1, 2, 10])
        XCTAssertEqual(linearFirst.status, IA_DICOM_CORRUPT)
        XCTAssertTrue(linearFirst.message.contains("no previous entry"), linearFirst.message)

        let unknownType = expand([0, 1, 5, 3, 1, 0])
        XCTAssertEqual(unknownType.status, IA_DICOM_CORRUPT)
        XCTAssertTrue(unknownType.message.contains("unknown type 3"), unknownType.message)

        let shortDiscrete = expand([0, 4, 1, 2])
        XCTAssertEqual(shortDiscrete.status, IA_DICOM_CORRUPT)
        XCTAssertTrue(shortDiscrete.message.contains("needs 4 entries"), shortDiscrete.message)

        // An indirect segment at value 3 that copies itself.
        let selfReference = expand([0, 1, 7, 2, 1, 3, 0])
        XCTAssertEqual(selfReference.status, IA_DICOM_CORRUPT)
        XCTAssertTrue(selfReference.message.contains("levels deep"), selfReference.message)

        let outOfRange = expand([0, 1, 7, 2, 1, 99, 0])
        XCTAssertEqual(outOfRange.status, IA_DICOM_CORRUPT)
        XCTAssertTrue(outOfRange.message.contains("points at value 99"), outOfRange.message)

        let oddDepth = expand([0, 1, 7], entryBits: 12)
        XCTAssertEqual(oddDepth.status, IA_DICOM_UNSUPPORTED)
    }

    func testTooManyEntriesRejected() {
        // One discrete entry and two linear segments of 40000 entries each: 80001 entries.
        let expansion = expand([0, 1, 0, 1, 40000, 100, 1, 40000, 0])
        XCTAssertEqual(expansion.status, IA_DICOM_CORRUPT)
        XCTAssertTrue(expansion.message.contains("more than 65536"), expansion.message)
    }
}
