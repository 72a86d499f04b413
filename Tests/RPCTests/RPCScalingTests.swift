import Foundation
import Store
import XCTest

@testable import RPC

final class RPCScalingTests: XCTestCase {
    let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/kermany-cxr-mini").path

    /// A server whose store contains an audit of the fixture (run through `audit.run`) and observations of three
    /// tasks: bacteria_vs_virus at 4 sizes, the others at one size. The observations carry no audit values, so
    /// budget.estimate takes K_F and d_data from the audit.
    func auditedServer() throws -> (RPCServer, OutputCollector) {
        let (server, collector, store) = try makeServer(self)
        server.auditDefaults = { options in
            options.resolution = 32
            options.threads = 1
            options.idSamples = 40
        }
        server.handle(line: Array(#"{"jsonrpc":"2.0","id":"audit","method":"audit.run","params":{"root":"\#(fixture)","runs":2}}"#.utf8))
        server.waitForLongRequests()
        let audit = try XCTUnwrap(collector.messages.first { $0["id"] == .string("audit") })
        XCTAssertNotNil(audit["result"], audit.serialized())

        // L = 0.9 · N^(−0.15), with ±2 % on seed 2 of the single-size tasks.
        var records: [ObservationRecord] = []
        let plan: [(String, [Int], Double)] = [
            ("bacteria_vs_virus", [50, 100, 200, 400], 1.0), ("virus_vs_rest", [100], 1.02),
            ("bacteria_vs_rest", [100], 0.98),
        ]
        for (task, sizes, noise) in plan {
            for n in sizes {
                let loss = 0.9 * pow(Double(n), -0.15)
                for seed in 1...2 {
                    records.append(ObservationRecord(
                        dataset: fixture, task: task, model: "resnet", seed: seed, n: n,
                        testLoss: seed == 1 ? loss : loss * noise, source: "imported", createdAt: 0
                    ))
                }
            }
        }
        _ = try store.insertObservations(records)
        return (server, collector)
    }

    func response(_ collector: OutputCollector, _ id: Int64) throws -> JSONValue {
        try XCTUnwrap(collector.messages.first { $0["id"] == .integer(id) }, "no response to request \(id)")
    }

    func testBudgetEstimateZeroShotAndCurve() throws {
        let (server, collector) = try auditedServer()

        server.handle(line: Array(#"{"jsonrpc":"2.0","id":1,"method":"budget.estimate","params":{"task":"normal_vs_rest","target_loss":0.4,"dataset":"\#(fixture)"}}"#.utf8))
        server.handle(line: Array(#"{"jsonrpc":"2.0","id":2,"method":"budget.estimate","params":{"task":"bacteria_vs_virus","target_loss":0.4}}"#.utf8))

        let zeroShot = try response(collector, 1)
        XCTAssertNil(zeroShot["error"], zeroShot.serialized())
        XCTAssertEqual(zeroShot["result"]?["prediction"]?["method"], .string("zero-shot model A"))
        XCTAssertEqual(zeroShot["result"]?["basis"],
                       .string("zero-shot (model A fit over 12 observations from 3 tasks)"))
        XCTAssertNotNil(zeroShot["result"]?["audit"]?["values"]?["k_f"])
        let curve = try response(collector, 2)
        XCTAssertNil(curve["error"], curve.serialized())
        XCTAssertEqual(curve["result"]?["prediction"]?["method"], .string("learning curve"))
        XCTAssertEqual(curve["result"]?["prediction"]?["status"], .string("available"))
        // 0.9 · N^(−0.15) = 0.4 at N = (0.4 / 0.9)^(−1/0.15) ≈ 222.
        guard case let .number(n)? = curve["result"]?["prediction"]?["n"] else {
            return XCTFail("no N in \(curve.serialized())")
        }
        XCTAssertEqual(n, pow(0.4 / 0.9, -1 / 0.15), accuracy: 1)
    }

    func testBudgetEstimateErrors() throws {
        let (server, collector) = try auditedServer()

        let requests = [
            #"{"jsonrpc":"2.0","id":1,"method":"budget.estimate","params":{"task":"normal_vs_rest"}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"budget.estimate","params":{"task":"normal_vs_rest","target_loss":-1}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"budget.estimate","params":{"task":"normal_vs_rest","target_loss":0.4,"target_accuracy":0.9}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"budget.estimate","params":{"task":"no_such_task","target_loss":0.4}}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"budget.estimate","params":{"task":"normal_vs_rest","target_loss":0.4,"tasks":1}}"#,
            #"{"jsonrpc":"2.0","id":6,"method":"budget.estimate","params":{"task":"normal_vs_rest","target_loss":"low"}}"#,
        ]
        for request in requests {
            server.handle(line: Array(request.utf8))
        }

        let expected: [Int64: Int] = [
            1: RPCError.invalidParamsCode, 2: RPCError.invalidParamsCode, 3: RPCError.invalidParamsCode,
            4: RPCError.Kind.datasetNotFound.code, 5: RPCError.invalidParamsCode, 6: RPCError.invalidParamsCode,
        ]
        for (id, code) in expected.sorted(by: { $0.key < $1.key }) {
            let message = try response(collector, id)
            XCTAssertEqual(message["error"]?["code"], .integer(Int64(code)), message.serialized())
            XCTAssertNil(message["result"], message.serialized())
        }
        XCTAssertTrue(try response(collector, 4).serialized().contains("no_such_task"))
    }

    func testAccuracyTargetWithoutCurveIsNotAvailable() throws {
        let (server, collector) = try auditedServer()

        server.handle(line: Array(#"{"jsonrpc":"2.0","id":1,"method":"budget.estimate","params":{"task":"normal_vs_rest","target_accuracy":0.9}}"#.utf8))

        let message = try response(collector, 1)
        XCTAssertNil(message["error"], message.serialized())
        XCTAssertEqual(message["result"]?["prediction"]?["status"], .string("not available"))
        XCTAssertTrue(message["result"]?["prediction"]?["reason"]?.serialized().contains("loss only") ?? false,
                      message.serialized())
    }

    func testScalingRankingOfDataset() throws {
        let (server, _) = try auditedServer()
        let record = try server.dataset(Params(["root": .string(fixture)]))

        let ranking = try server.scalingRanking(of: record)

        guard case let .array(rows)? = ranking["rows"] else {
            return XCTFail("no rows in \(ranking.serialized())")
        }
        XCTAssertEqual(rows.count, 7)
        // The first row is the reference itself, so its ratio is 1 (serialised as an integer or a number).
        let ratio = rows[0]["relative_difficulty"]?["ratio"]
        XCTAssertTrue(ratio == .number(1) || ratio == .integer(1), ratio?.serialized() ?? "nil")
        XCTAssertEqual(ranking["verdicts"]?.arrayCount, 1)
    }
}
