import Datasets
import Foundation
import XCTest
@testable import Estimators
@testable import LinearAlgebra

/// Compares the estimators with golden values from an independent numpy / scikit-dimension
/// implementation of the same definitions. The files in Golden/ were produced by
/// `python scripts/golden_values.py` (numpy 2.4.6, scikit-dimension 0.5.0; see
/// docs/golden-values.md), whose command is also stored in each file's `command` field.
final class GoldenValueTests: XCTestCase {
    struct Points {
        var matrix: FeatureMatrix
        var labels: [Int]
        var checksums: [UInt64]
    }

    func loadJSON(_ name: String) throws -> [String: Any] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"), "missing Golden/\(name).json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func loadPoints(_ name: String) throws -> Points {
        let manifest = try loadJSON("\(name).manifest")
        let n = try XCTUnwrap(manifest["n"] as? Int)
        let dimension = try XCTUnwrap(manifest["dim"] as? Int)
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "f32", subdirectory: "Golden"))
        let data = try Data(contentsOf: url)
        XCTAssertEqual(data.count, n * dimension * 4)
        let matrix = FeatureMatrix(rows: n, columns: dimension)
        data.withUnsafeBytes { raw in
            for index in 0..<(n * dimension) {
                let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                matrix.storage[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        let labels = (manifest["labels"] as? [Int]) ?? []
        let checksums = ((manifest["checksums"] as? [String]) ?? []).compactMap { UInt64($0) }
        return Points(matrix: matrix, labels: labels, checksums: checksums)
    }

    func testChecksumsMatchFNV1aOfTheRows() throws {
        let points = try loadPoints("synthetic_blobs")
        for row in [0, 1, 299, 599] {
            let bytes = UnsafeRawBufferPointer(start: points.matrix.row(row), count: points.matrix.columns * 4)
            XCTAssertEqual(contentChecksum(bytes), points.checksums[row], "row \(row)")
        }
    }

    func testSyntheticBlobsLabelSharpnessPerRun() throws {
        let points = try loadPoints("synthetic_blobs")
        let golden = try loadJSON("synthetic_blobs.golden")
        let task = try XCTUnwrap(golden["task"] as? [String: Any])
        let kf = try XCTUnwrap(task["kf"] as? [String: Any])
        let runs = try XCTUnwrap(kf["runs"] as? [[String: Any]])
        let side0 = points.labels.indices.filter { points.labels[$0] == 0 }
        let side1 = points.labels.indices.filter { points.labels[$0] == 1 }
        let screening = ScreeningProjection(features: points.matrix, planes: 1, side: 8, block: 2)

        var results: [LabelSharpnessRun] = []
        for expected in runs {
            let run = try XCTUnwrap(expected["run"] as? Int)
            let key = StableSampler.streamKey(seed: 0, stream: .labelSharpness, run: run)
            XCTAssertEqual(String(key), expected["key"] as? String, "run \(run) key")
            let sample = StableSampler.balancedSample(sides: [side0, side1], perSide: 200, key: key) { points.checksums[$0] }
            XCTAssertEqual(sample.sides[0], expected["sample_side0"] as? [Int], "run \(run) side 0 sample")
            XCTAssertEqual(sample.sides[1], expected["sample_side1"] as? [Int], "run \(run) side 1 sample")

            let result = labelSharpnessRun(run: run, negatives: sample.sides[0], positives: sample.sides[1], features: points.matrix, screening: screening)
            let expectedKF = try XCTUnwrap(expected["kf"] as? Double)
            XCTAssertEqual(result.value!, expectedKF, accuracy: 1e-12 * expectedKF, "run \(run) K_F")
            XCTAssertEqual([result.rowNegative, result.rowPositive], expected["pair"] as? [Int], "run \(run) pair")
            results.append(result)
        }

        let summary = LabelSharpnessSummary(runs: results)
        let expected = try XCTUnwrap(kf["summary"] as? [String: Double])
        XCTAssertEqual(summary.interval!.mean, expected["mean"]!, accuracy: 1e-12)
        XCTAssertEqual(summary.interval!.low, expected["ci95_low"]!, accuracy: 1e-9)
        XCTAssertEqual(summary.interval!.high, expected["ci95_high"]!, accuracy: 1e-9)
    }

    func testSyntheticBlobsIntrinsicDimension() throws {
        let points = try loadPoints("synthetic_blobs")
        let golden = try loadJSON("synthetic_blobs.golden")
        let id = try XCTUnwrap((golden["task"] as? [String: Any])?["id"] as? [String: Any])
        let side0 = points.labels.indices.filter { points.labels[$0] == 0 }
        let side1 = points.labels.indices.filter { points.labels[$0] == 1 }
        let key = StableSampler.streamKey(seed: 0, stream: .intrinsicDimension, run: 0)
        let sample = StableSampler.balancedSample(sides: [side0, side1], perSide: 250, key: key) { points.checksums[$0] }
        let indices = (sample.sides[0] + sample.sides[1]).sorted()
        XCTAssertEqual(indices, id["indices"] as? [Int])

        let screening = ScreeningProjection(features: points.matrix, planes: 1, side: 8, block: 2)
        let table = try exactNearestNeighbors(points: indices, k: 20, features: points.matrix, screening: screening)
        try assertDimensions(table, golden: id)
    }

    func testUniformCubeDimensionMatchesGolden() throws {
        let points = try loadPoints("uniform_cube_d5")
        let golden = try loadJSON("uniform_cube_d5.golden")
        let id = try XCTUnwrap(golden["id_all_points"] as? [String: Any])
        let screening = ScreeningProjection(features: points.matrix, planes: 40, side: 1, block: 1)
        let table = try exactNearestNeighbors(points: Array(0..<points.matrix.rows), k: 20, features: points.matrix, screening: screening)
        try assertDimensions(table, golden: id)
    }

    private func assertDimensions(_ table: NeighborTable, golden: [String: Any]) throws {
        let mle = try XCTUnwrap(golden["mle"] as? [String: Any])
        let twoNN = try XCTUnwrap(golden["twonn"] as? [String: Any])
        let expectedKMinus2 = try XCTUnwrap(mle["d_divisor_k_minus_2"] as? Double)
        let expectedKMinus1 = try XCTUnwrap(mle["d_divisor_k_minus_1"] as? Double)
        let expectedFraction = try XCTUnwrap((twoNN["fraction"] as? [String: Any])?["d"] as? Double)
        let expectedLargest = try XCTUnwrap((twoNN["largest"] as? [String: Any])?["d"] as? Double)

        let kMinus2 = maximumLikelihoodDimension(neighbors: table, divisor: .kMinus2, bootstrapReplicates: 0).value!
        let kMinus1 = maximumLikelihoodDimension(neighbors: table, divisor: .kMinus1, bootstrapReplicates: 0).value!
        let fraction = twoNNDimension(neighbors: table, discard: .fraction(0.1), bootstrapReplicates: 0).value!
        let largest = twoNNDimension(neighbors: table, discard: .largest, bootstrapReplicates: 0).value!
        XCTAssertEqual(kMinus2, expectedKMinus2, accuracy: 1e-9 * expectedKMinus2)
        XCTAssertEqual(kMinus1, expectedKMinus1, accuracy: 1e-9 * expectedKMinus1)
        XCTAssertEqual(fraction, expectedFraction, accuracy: 1e-9 * expectedFraction)
        XCTAssertEqual(largest, expectedLargest, accuracy: 1e-9 * expectedLargest)
    }
}
