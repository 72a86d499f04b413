import Audit
import Foundation
import Store
import XCTest

/// Runs the whole audit on the bundled chest X-rays and compares it with golden values that
/// `python scripts/golden_values.py` computed independently from the same definitions
/// (Pillow decoding, numpy distances, scikit-dimension cross-checks; docs/golden-values.md).
/// JPEG decoders may differ in the last unit and our grey conversion takes libjpeg's Y
/// channel, so values are compared with the 2% relative tolerance stored in the golden file.
final class KermanyMiniGoldenTests: XCTestCase {
    func testAuditMatchesIndependentGoldenValues() throws {
        let goldenURL = repositoryRoot.appendingPathComponent("Tests/EstimatorsTests/Golden/kermany_mini.golden.json")
        let golden = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: goldenURL)) as? [String: Any])
        let tolerance = try XCTUnwrap(golden["relative_tolerance"] as? Double)
        let results = try XCTUnwrap(golden["results"] as? [String: [String: Any]])

        let folder = try TemporaryFolder()
        let store = try Store(path: folder.url.appendingPathComponent("db.sqlite").path)
        var options = AuditOptions(root: fixture("kermany-cxr-mini").path)
        options.samples = 100
        options.runs = 5
        options.idSamples = 200
        options.neighbors = 20
        options.taskPattern = "bacteria_vs_normal,pneumonia"

        let report = try Auditor(store: store, options: options).run()

        XCTAssertEqual(report.dataset.decoded, 300)
        for name in ["bacteria_vs_normal", "pneumonia"] {
            let task = try XCTUnwrap(report.tasks.first { $0.name == name }, "task \(name)")
            let expected = try XCTUnwrap(results[name])
            let kf = try XCTUnwrap(expected["kf"] as? [String: Any])
            let runs = try XCTUnwrap(kf["runs"] as? [[String: Any]])
            XCTAssertEqual(task.labelSharpness.perRun.count, runs.count)
            for (ours, theirs) in zip(task.labelSharpness.perRun, runs) {
                let value = try XCTUnwrap(ours)
                let reference = try XCTUnwrap(theirs["kf"] as? Double)
                XCTAssertEqual(value, reference, accuracy: tolerance * reference, "\(name) run \(theirs["run"] ?? "?")")
            }

            let id = try XCTUnwrap(expected["id"] as? [String: Any])
            let mle = try XCTUnwrap((id["mle"] as? [String: Any])?["d_divisor_k_minus_2"] as? Double)
            let twoNN = try XCTUnwrap(((id["twonn"] as? [String: Any])?["fraction"] as? [String: Any])?["d"] as? Double)
            XCTAssertEqual(try XCTUnwrap(task.intrinsicDimension.mle.value), mle, accuracy: tolerance * mle, "\(name) MLE")
            XCTAssertEqual(try XCTUnwrap(task.intrinsicDimension.twonn.value), twoNN, accuracy: tolerance * twoNN, "\(name) TwoNN")
        }
    }
}
