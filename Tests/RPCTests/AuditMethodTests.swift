import Foundation
import XCTest

@testable import RPC

final class AuditMethodTests: XCTestCase {
    let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testAuditRunWithProgressThenQueries() throws {
        let (server, collector, _) = try makeServer(self)
        server.auditDefaults = { options in
            options.resolution = 16
            options.threads = 1
        }
        let root = repositoryRoot.appendingPathComponent("fixtures/broken").path

        server.handle(line: Array(#"{"jsonrpc":"2.0","id":1,"method":"audit.run","params":{"root":"\#(root)","runs":3,"_meta":{"progressToken":"tok"}}}"#.utf8))
        server.waitForLongRequests()
        server.handle(line: Array(#"{"jsonrpc":"2.0","id":2,"method":"tasks.rank","params":{"root":"\#(root)"}}"#.utf8))
        server.handle(line: Array(#"{"jsonrpc":"2.0","id":3,"method":"report.get","params":{"root":"\#(root)"}}"#.utf8))
        server.handle(line: Array(#"{"jsonrpc":"2.0","id":4,"method":"tasks.list","params":{"root":"\#(root)"}}"#.utf8))

        let messages = collector.messages
        let progress = messages.filter { $0["method"] == .string("notifications/progress") }
        XCTAssertFalse(progress.isEmpty)
        XCTAssertTrue(progress.allSatisfy { $0["params"]?["progressToken"] == .string("tok") })
        let values = progress.compactMap { message -> Double? in
            switch message["params"]?["progress"] {
            case let .integer(value)?: return Double(value)
            case let .number(value)?: return value
            default: return nil
            }
        }
        XCTAssertEqual(values, values.sorted())
        XCTAssertEqual(Set(values).count, values.count, "progress strictly increases")

        let byID = Dictionary(messages.compactMap { message -> (Int64, JSONValue)? in
            guard case let .integer(id)? = message["id"] else { return nil }
            return (id, message)
        }, uniquingKeysWith: { first, _ in first })
        XCTAssertNotNil(byID[1]?["result"]?["audit_id"])
        XCTAssertEqual(byID[1]?["result"]?["report"]?["status"], .string("done"))
        XCTAssertEqual(byID[2]?["result"]?["tasks"]?.arrayCount, 1)
        XCTAssertEqual(byID[3]?["result"]?["superseded"], .bool(false))
        XCTAssertEqual(byID[3]?["result"]?["report"]?["status"], .string("done"))
        XCTAssertEqual(byID[4]?["result"]?["tasks"]?.arrayCount, 1)
    }

    func testCancelledNotificationStopsAudit() throws {
        let (server, collector, _) = try makeServer(self)
        server.auditDefaults = { options in
            options.resolution = 256
            options.threads = 1
        }
        let root = repositoryRoot.appendingPathComponent("fixtures/kermany-cxr-mini").path

        server.handle(line: Array(#"{"jsonrpc":"2.0","id":"long","method":"audit.run","params":{"root":"\#(root)"}}"#.utf8))
        Thread.sleep(forTimeInterval: 0.3)
        server.handle(line: Array(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"long"}}"#.utf8))
        server.waitForLongRequests()

        let response = try XCTUnwrap(collector.messages.first { $0["id"] == .string("long") })
        XCTAssertEqual(response["error"]?["code"], .integer(Int64(RPCError.requestCancelledCode)))
        XCTAssertEqual(response["error"]?["data"]?["kind"], .string("cancelled"))
    }
}

extension JSONValue {
    var arrayCount: Int? {
        if case let .array(items) = self { return items.count }
        return nil
    }
}
