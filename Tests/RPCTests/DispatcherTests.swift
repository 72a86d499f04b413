import Foundation
import Store
import Watcher
import XCTest

@testable import RPC

/// Collects the server's output lines.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    var messages: [JSONValue] {
        lock.lock()
        defer { lock.unlock() }
        return lines.compactMap { JSONValue.parse(Array($0.utf8)) }
    }

    var rawLines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }
}

func makeServer(_ testCase: XCTestCase) throws -> (RPCServer, OutputCollector, Store) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rpc-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    let store = try Store(path: directory.appendingPathComponent("audit.sqlite").path)
    let collector = OutputCollector()
    let logger = EventLogger { _ in }
    let server = RPCServer(store: store, logger: logger) { collector.append($0) }
    return (server, collector, store)
}

final class DispatcherTests: XCTestCase {
    /// The expected outcome of one request line.
    enum Expectation {
        case result
        case error(Int)
        case noResponse
    }

    func testThousandRequestsWithMalformedOnes() throws {
        let (server, collector, _) = try makeServer(self)
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            // 64-bit LCG (Knuth MMIX constants), enough to pick cases deterministically.
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }

        var expectations: [Int: Expectation] = [:]
        var nullIDErrors = 0
        for id in 1...1000 {
            let malformed = next() % 10 == 0
            let line: String
            if !malformed {
                switch next() % 4 {
                case 0:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"initialize","params":{}}"#
                    expectations[id] = .result
                case 1:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"jobs.list","params":{"limit":5}}"#
                    expectations[id] = .result
                case 2:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"report.get","params":{"root":"/nonexistent/\#(id)"}}"#
                    expectations[id] = .error(RPCError.Kind.datasetNotFound.code)
                default:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"training.run"}"#
                    expectations[id] = .error(RPCError.Kind.notAvailable.code)
                }
            } else {
                switch next() % 5 {
                case 0:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"initialize""#
                    nullIDErrors += 1
                    expectations[id] = .noResponse
                case 1:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"tasks.delete"}"#
                    expectations[id] = .error(RPCError.methodNotFoundCode)
                case 2:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"jobs.list","params":{"limit":"ten"}}"#
                    expectations[id] = .error(RPCError.invalidParamsCode)
                case 3:
                    line = #"{"jsonrpc":"2.0","method":"jobs.list","params":{}}"#
                    expectations[id] = .noResponse
                default:
                    line = #"{"jsonrpc":"2.0","id":\#(id),"method":"jobs.cancel","params":{"id":true}}"#
                    expectations[id] = .error(RPCError.invalidParamsCode)
                }
            }
            server.handle(line: Array(line.utf8))
        }

        var byID: [Int: JSONValue] = [:]
        var nullIDs = 0
        for message in collector.messages {
            XCTAssertEqual(message["jsonrpc"], .string("2.0"))
            switch message["id"] {
            case let .integer(id)?:
                XCTAssertNil(byID[Int(id)], "request \(id) was answered twice")
                byID[Int(id)] = message
            case .null?:
                nullIDs += 1
                XCTAssertEqual(message["error"]?["code"], .integer(Int64(RPCError.parseErrorCode)))
            default:
                XCTFail("response without a usable id: \(message.serialized())")
            }
        }
        XCTAssertEqual(nullIDs, nullIDErrors)

        for (id, expectation) in expectations.sorted(by: { $0.key < $1.key }) {
            let response = byID[id]
            switch expectation {
            case .noResponse:
                XCTAssertNil(response, "request \(id)")
            case .result:
                XCTAssertNotNil(response?["result"], "request \(id)")
                XCTAssertNil(response?["error"], "request \(id)")
            case let .error(code):
                XCTAssertEqual(response?["error"]?["code"], .integer(Int64(code)), "request \(id)")
                XCTAssertNil(response?["result"], "request \(id)")
            }
        }
        XCTAssertTrue(collector.rawLines.allSatisfy { !$0.contains("\n") }, "every message is one line")
    }

    func testBatchArrayRejected() throws {
        let (server, collector, _) = try makeServer(self)

        server.handle(line: Array(#"[{"jsonrpc":"2.0","id":1,"method":"initialize"}]"#.utf8))

        let response = try XCTUnwrap(collector.messages.first)
        XCTAssertEqual(response["id"], .null)
        XCTAssertEqual(response["error"]?["code"], .integer(-32600))
    }

    func testInvalidParamsNameParameter() throws {
        let (server, collector, _) = try makeServer(self)

        server.handle(line: Array(#"{"jsonrpc":"2.0","id":"a","method":"audit.run","params":{"root":"/x","runs":0}}"#.utf8))
        server.handle(line: Array(#"{"jsonrpc":"2.0","id":"b","method":"audit.run","params":{"root":"/x","colour":1}}"#.utf8))

        let messages = collector.messages
        XCTAssertEqual(messages.count, 2)
        XCTAssertEqual(messages[0]["error"]?["data"]?["param"], .string("runs"))
        XCTAssertEqual(messages[0]["error"]?["data"]?["allowed"], .string("must be an integer from 1 to 10000, got 0"))
        XCTAssertEqual(messages[1]["error"]?["data"]?["param"], .string("colour"))
    }

    func testRequestsWithWrongEnvelope() throws {
        let (server, collector, _) = try makeServer(self)
        let cases: [(String, Int)] = [
            (#"{"id":1,"method":"initialize"}"#, -32600),
            (#"{"jsonrpc":"2.0","id":2,"method":7}"#, -32600),
            (#"{"jsonrpc":"2.0","id":3,"method":"initialize","params":[1]}"#, -32600),
            (#"{"jsonrpc":"2.0","id":{"x":1},"method":"initialize"}"#, -32600),
            (#""just a string""#, -32600),
        ]

        for (line, _) in cases {
            server.handle(line: Array(line.utf8))
        }

        let codes = collector.messages.map { $0["error"]?["code"] }
        XCTAssertEqual(codes, cases.map { .integer(Int64($0.1)) })
    }

    func testAuditRunUnknownFolder() throws {
        let (server, collector, _) = try makeServer(self)

        server.handle(line: Array(#"{"jsonrpc":"2.0","id":9,"method":"audit.run","params":{"root":"/nonexistent/folder"}}"#.utf8))
        server.waitForLongRequests()

        let response = try XCTUnwrap(collector.messages.first)
        XCTAssertEqual(response["id"], .integer(9))
        XCTAssertEqual(response["error"]?["data"]?["kind"], .string("dataset_not_found"))
    }
}
