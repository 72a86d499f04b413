import Foundation
import XCTest

/// Runs `observations import`, `fit`, `rank` and `budget` through the built `intrinsic-audit` executable on a store
/// with a real audit of fixtures/kermany-cxr-mini.
final class ScalingCommandTests: XCTestCase {
    typealias Result = CommandResult

    var fixture: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/kermany-cxr-mini")
    }

    func run(_ arguments: [String]) throws -> Result {
        try runIntrinsicAudit(arguments)
    }

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scaling-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    func json(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    /// Audits the fixture into a new store and imports observations of five of its seven tasks. The losses follow
    /// L = 3 · K_F · N^(−1/d_MLE) with the audit's values. bacteria_vs_virus is observed at 4 sizes without noise,
    /// so it has its own curve, and the other tasks at 1 or 2 sizes with ±3 % noise on seed 2. The CSV has no k_f,
    /// d_data or fingerprint column, so those come from the audit.
    func auditedStore() throws -> (database: String, audit: [String: Any]) {
        let folder = try temporaryFolder()
        let database = folder.appendingPathComponent("audit.sqlite").path
        let audit = try run(["audit", fixture.path, "--db", database, "--resolution", "32", "--runs", "2",
                             "--id-samples", "40", "--threads", "1", "--format", "json"])
        XCTAssertEqual(audit.status, 0, audit.error)
        let report = try json(audit.output)
        let root = try XCTUnwrap((report["dataset"] as? [String: Any])?["root"] as? String)
        let tasks = try XCTUnwrap(report["tasks"] as? [[String: Any]])

        var values: [String: (kF: Double, d: Double)] = [:]
        for task in tasks {
            let name = try XCTUnwrap(task["name"] as? String)
            let kF = try XCTUnwrap((task["label_sharpness"] as? [String: Any])?["mean"] as? Double)
            let dimension = (task["intrinsic_dimension"] as? [String: Any])?["mle"] as? [String: Any]
            values[name] = (kF, try XCTUnwrap(dimension?["value"] as? Double))
        }

        let plan: [(String, [Int])] = [
            ("bacteria_vs_virus", [50, 100, 200, 400]), ("normal_vs_virus", [100, 200]),
            ("bacteria_vs_normal", [100]), ("virus_vs_rest", [100]), ("bacteria_vs_rest", [100]),
        ]
        var lines = ["dataset,task,n,test_loss,model,seed"]
        for (taskIndex, (task, sizes)) in plan.enumerated() {
            let (kF, d) = try XCTUnwrap(values[task], task)
            for (sizeIndex, n) in sizes.enumerated() {
                let loss = 3 * kF * pow(Double(n), -1 / d)
                let noise = taskIndex == 0 ? 1 : 1 + 0.03 * (Double((taskIndex + sizeIndex) % 3) - 1)
                lines.append("\(root),\(task),\(n),\(loss),resnet,1")
                lines.append("\(root),\(task),\(n),\(loss * noise),resnet,2")
            }
        }
        let csv = folder.appendingPathComponent("observations.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8)
        let imported = try run(["observations", "import", csv.path, "--db", database])
        XCTAssertEqual(imported.status, 0, imported.error)
        XCTAssertTrue(imported.output.hasPrefix("imported 18 observations"), imported.output)
        return (database, report)
    }

    func testImportBadCSVNamesLineAndColumn() throws {
        let folder = try temporaryFolder()
        let database = folder.appendingPathComponent("audit.sqlite").path
        let csv = folder.appendingPathComponent("bad.csv")
        try "task,n,test_loss,model,seed\nt,100,0.4,resnet,1\nt,many,0.3,resnet,1\n"
            .write(to: csv, atomically: true, encoding: .utf8)

        let result = try run(["observations", "import", csv.path, "--db", database])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("\(csv.path):3, column n"), result.error)
        XCTAssertTrue(result.error.contains("'many'"), result.error)
        XCTAssertTrue(result.output.isEmpty, result.output)
    }

    func testImportGoodCSVThenFitJSON() throws {
        let (database, _) = try auditedStore()

        let fit = try run(["fit", "--db", database, "--format", "json"])

        XCTAssertEqual(fit.status, 0, fit.error)
        let fits = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(fit.output.utf8)) as? [[String: Any]])
        XCTAssertEqual(fits.count, 1)
        let first = try XCTUnwrap(fits.first)
        XCTAssertEqual(first["observationCount"] as? Int, 18)
        XCTAssertEqual(first["taskCount"] as? Int, 5)
        for model in ["modelA", "modelB"] {
            let parameters = try XCTUnwrap(first[model] as? [String: Any], model)
            XCTAssertNotNil((parameters["a"] as? [String: Any])?["value"] as? Double, model)
            XCTAssertNotNil((parameters["b"] as? [String: Any])?["value"] as? Double, model)
        }
        XCTAssertNotNil(first["logLikelihoodRatio"] as? Double)
        // The losses were generated from model A with a = 3 and b = 1.
        let b = try XCTUnwrap(((first["modelA"] as? [String: Any])?["b"] as? [String: Any])?["value"] as? Double)
        XCTAssertEqual(b, 1, accuracy: 0.1)
        XCTAssertEqual(first["favouredModel"] as? String, "A")
    }

    func testFitTextHasNoPlaceholders() throws {
        let (database, _) = try auditedStore()

        let fit = try run(["fit", "--db", database])

        XCTAssertEqual(fit.status, 0, fit.error)
        XCTAssertFalse(fit.output.contains("n/a"), fit.output)
        XCTAssertTrue(fit.output.contains("bootstrap over 1000 resamples"), fit.output)
    }

    func testRankListsUnobservedTasksWithVerdict() throws {
        let (database, audit) = try auditedStore()
        let taskCount = try XCTUnwrap(audit["tasks"] as? [Any]).count

        let text = try run(["rank", "--db", database, "--dataset", fixture.path])
        let json = try run(["rank", "--db", database, "--dataset", fixture.path, "--format", "json"])

        XCTAssertEqual(text.status, 0, text.error)
        XCTAssertTrue(text.output.contains("normal_vs_rest"), text.output)
        XCTAssertTrue(text.output.contains("none"), text.output)
        XCTAssertTrue(text.output.contains("Kendall τ_b"), text.output)
        XCTAssertTrue(text.output.contains("verdict:"), text.output)
        XCTAssertFalse(text.output.contains("n/a"), text.output)
        XCTAssertEqual(json.status, 0, json.error)
        let ranking = try self.json(json.output)
        let rows = try XCTUnwrap(ranking["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, taskCount)
        XCTAssertEqual(rows.filter { ($0["observationCount"] as? Int ?? 0) > 0 }.count, 5)
        XCTAssertEqual((ranking["verdicts"] as? [Any])?.count, 1)
    }

    func testBudgetZeroShotForUntrainedTask() throws {
        let (database, _) = try auditedStore()

        let text = try run(["budget", "normal_vs_rest", "--target-loss", "0.3", "--db", database])
        let json = try run(["budget", "normal_vs_rest", "--target-loss", "0.3", "--db", database, "--format", "json"])

        XCTAssertEqual(text.status, 0, text.error)
        XCTAssertTrue(text.output.contains("zero-shot (model A fit over 18 observations from 5 tasks)"), text.output)
        XCTAssertTrue(text.output.contains("d_data MLE"), text.output)
        XCTAssertFalse(text.output.contains("n/a"), text.output)
        XCTAssertEqual(json.status, 0, json.error)
        let estimate = try self.json(json.output)
        let prediction = try XCTUnwrap(estimate["prediction"] as? [String: Any])
        XCTAssertEqual(prediction["method"] as? String, "zero-shot model A")
        XCTAssertNotNil(estimate["audit"] as? [String: Any])
        XCTAssertNil(estimate["curve"])
    }

    func testBudgetFromOwnCurveForTrainedTask() throws {
        let (database, _) = try auditedStore()

        let result = try run(["budget", "bacteria_vs_virus", "--target-loss", "0.4", "--db", database,
                              "--format", "json"])

        XCTAssertEqual(result.status, 0, result.error)
        let estimate = try json(result.output)
        XCTAssertEqual(estimate["basis"] as? String, "learning curve of the task (4 sizes, N = 50 to 400)")
        let prediction = try XCTUnwrap(estimate["prediction"] as? [String: Any])
        XCTAssertEqual(prediction["method"] as? String, "learning curve")
        XCTAssertEqual(prediction["status"] as? String, "available")
        // Without noise the curve is 3 · K_F · N^(−1/d) exactly, and a loss of 0.4 lies between the losses at N = 50 (about 0.46) and N = 400 (about 0.34).
        let n = try XCTUnwrap(prediction["n"] as? Double)
        XCTAssertGreaterThan(n, 50)
        XCTAssertLessThan(n, 400)
        XCTAssertNotNil(estimate["curve"] as? [String: Any])
    }

    func testBudgetUnreachableTargetIsNotANumber() throws {
        let (database, _) = try auditedStore()

        // The zero-shot law needs far more than 10^9 images for a loss of 0.001.
        let result = try run(["budget", "normal_vs_rest", "--target-loss", "0.001", "--db", database])

        XCTAssertEqual(result.status, 0, result.error)
        XCTAssertTrue(result.output.contains("not reachable within 10^9 images"), result.output)
        XCTAssertFalse(result.output.contains("N ≈"), result.output)
    }

    func testBudgetUnknownTaskFails() throws {
        let (database, _) = try auditedStore()

        let result = try run(["budget", "no_such_task", "--target-loss", "0.3", "--db", database])

        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("measured task no_such_task"), result.error)
    }
}
