import Foundation
import ImageIO
import XCTest

/// One entry of a golden file written by scripts/golden_dicom.py.
struct GoldenFrame: Decodable {
    var file: String
    var frame: Int?
    var shape: [Int]?
    var min: Double?
    var max: Double?
    var mean: Double?
    var checksum: String?
    var error: String?
}

struct GoldenFile: Decodable {
    var pydicom: String
    var entries: [GoldenFrame]
}

/// Sum over i of (i + 1) * bits(Float(values[i])) modulo 2^64, as scripts/golden_dicom.py computes it.
func goldenChecksum(_ values: [Double]) -> UInt64 {
    var sum: UInt64 = 0
    for (index, value) in values.enumerated() {
        sum = sum &+ UInt64(index + 1) &* UInt64(Float(value).bitPattern)
    }
    return sum
}

/// Statistics of one decoded frame next to its golden entry.
struct FrameComparison {
    var shapeMatches: Bool
    var checksumMatches: Bool
    /// Largest of |min - golden min|, |max - golden max|, |mean - golden mean|.
    var statisticsDifference: Double
}

func compare(_ frame: DICOMFrame, with golden: GoldenFrame) -> FrameComparison {
    let values = frame.values
    let low = values.min() ?? 0
    let high = values.max() ?? 0
    let mean = values.reduce(0, +) / Double(max(values.count, 1))
    let shape = [frame.rows, frame.columns, frame.channels]
    let difference = [
        abs(low - (golden.min ?? .nan)), abs(high - (golden.max ?? .nan)), abs(mean - (golden.mean ?? .nan)),
    ].max() ?? .nan
    return FrameComparison(
        shapeMatches: shape == golden.shape, checksumMatches: String(goldenChecksum(values)) == golden.checksum,
        statisticsDifference: difference)
}

/// Directory of the fixtures copied into this test target.
func fixtureURL(_ name: String) throws -> URL {
    try XCTUnwrap(Bundle.module.url(forResource: "Resources/\(name)", withExtension: nil), "missing fixture \(name)")
}

func fixtureBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: try fixtureURL(name)))
}
