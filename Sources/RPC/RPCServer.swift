import Audit
import Foundation
import Store
import Watcher

/// The JSON-RPC 2.0 server: one request per line in, one response or notification per line out.
///
/// Contract: every request with an id gets exactly one response, and a notification (no id) gets none, except
/// that a message which cannot be read as a request gets an error response with id null. Batch arrays are
/// rejected with -32600. No client input traps or stops the server: `handle(line:)` catches everything.
/// `audit.run` runs on its own thread, so `notifications/cancelled` and other requests are served meanwhile.
/// Thread-safe: `send` serialises output lines.
public final class RPCServer: @unchecked Sendable {
    let store: Store
    let logger: EventLogger
    let output: @Sendable (String) -> Void
    let outputLock = NSLock()
    /// The daemon run by `serve --watch`, or nil.
    public var daemon: Daemon?

    let stateLock = NSLock()
    /// Cancellation flags of running long requests, by the serialized request id. Guarded by `stateLock`.
    var running: [String: CancellationFlag] = [:]
    var shutdownRequested = false
    let longRequests = DispatchGroup()

    /// Settings applied to every `audit.run`, for example a small resolution in tests.
    public var auditDefaults: @Sendable (inout AuditOptions) -> Void = { _ in }

    public init(store: Store, logger: EventLogger, output: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.logger = logger
        self.output = output
    }

    public static let methods = [
        "initialize", "audit.run", "tasks.list", "tasks.rank", "report.get", "jobs.list", "jobs.cancel",
        "watch.add", "watch.remove", "shutdown", "budget.estimate", "training.run",
    ]

    /// True after a `shutdown` request.
    public var isShutDown: Bool {
        stateLock.lock()
        defer { stateLock.unlock() }
        return shutdownRequested
    }

    /// Waits for running `audit.run` requests to finish.
    public func waitForLongRequests() {
        longRequests.wait()
    }

    /// Handles one input line.
    public func handle(line: [UInt8]) {
        guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return }
        guard let message = JSONValue.parse(line) else {
            logger.warning("rpc.parse_error", [("bytes", line.count)])
            respond(id: .null, error: .parseError("the line is not valid JSON"))
            return
        }
        handle(message: message)
    }

    func handle(message: JSONValue) {
        guard case let .object(members) = message else {
            let detail = message.typeName == "array" ? "batch arrays are not supported; send one request per line" : "expected a JSON object, got \(message.typeName)"
            respond(id: .null, error: .invalidRequest(detail))
            return
        }

        let id = members["id"]
        if let id, !Self.isValidID(id) {
            respond(id: .null, error: .invalidRequest("id must be a string, a number or null, got \(id.typeName)"))
            return
        }
        guard members["jsonrpc"] == .string("2.0") else {
            respond(id: id ?? .null, error: .invalidRequest("jsonrpc must be \"2.0\""))
            return
        }
        guard case let .string(method)? = members["method"] else {
            respond(id: id ?? .null, error: .invalidRequest("method must be a string"))
            return
        }
        let params = members["params"] ?? .object([:])
        guard case let .object(paramMembers) = params else {
            respond(id: id ?? .null, error: .invalidRequest("params must be an object (positional arrays are not supported), got \(params.typeName)"))
            return
        }

        guard let id else {
            handleNotification(method, Params(paramMembers))
            return
        }
        dispatch(id: id, method: method, params: Params(paramMembers))
    }

    private func handleNotification(_ method: String, _ params: Params) {
        switch method {
        case "notifications/cancelled":
            guard let requestID = params.raw["requestId"] else { return }
            stateLock.lock()
            let flag = running[requestID.serialized()]
            stateLock.unlock()
            flag?.cancel()
            logger.info("rpc.cancel", [("request_id", requestID.serialized()), ("running", flag != nil)])
        case "notifications/initialized", "initialized":
            break
        default:
            // JSON-RPC forbids answering notifications, so unknown ones are only logged.
            logger.warning("rpc.unknown_notification", [("method", method)])
        }
    }

    private func dispatch(id: JSONValue, method: String, params: Params) {
        do {
            switch method {
            case "initialize": respond(id: id, result: initialize())
            case "audit.run": try startAudit(id: id, params: params)
            case "tasks.list": respond(id: id, result: try listTasks(params))
            case "tasks.rank": respond(id: id, result: try rankTasks(params))
            case "report.get": respond(id: id, result: try getReport(params))
            case "jobs.list": respond(id: id, result: try listJobs(params))
            case "jobs.cancel": respond(id: id, result: try cancelJob(params))
            case "watch.add": respond(id: id, result: try addWatch(params))
            case "watch.remove": respond(id: id, result: try removeWatch(params))
            case "shutdown": respond(id: id, result: shutdown())
            case "budget.estimate": respond(id: id, result: try estimateBudget(params))
            case "training.run": throw RPCError.domain(.notAvailable, "training.run is not served over JSON-RPC; run 'intrinsic-audit train TASK --dataset FOLDER' with the same --db, and budget.estimate and tasks.rank will use its observations")
            default:
                throw RPCError.methodNotFound(method, known: Self.methods)
            }
        } catch let error as RPCError {
            respond(id: id, error: error)
        } catch {
            logger.error("rpc.internal_error", [("method", method), ("error", "\(error)")])
            respond(id: id, error: .internalError("\(error)"))
        }
    }

    private func initialize() -> JSONValue {
        .object([
            "serverInfo": .object(["name": .string("intrinsic-audit"), "version": .string(SoftwareVersion.current)]),
            "protocolVersion": .string("2.0"),
            "capabilities": .object([
                "methods": .array(Self.methods.map(JSONValue.string)),
                "progress": .bool(true),
                "cancellation": .bool(true),
                "watch": .bool(daemon != nil),
                "training": .bool(false),
                "budgetEstimate": .bool(true),
            ]),
        ])
    }

    private func shutdown() -> JSONValue {
        stateLock.lock()
        shutdownRequested = true
        for flag in running.values { flag.cancel() }
        stateLock.unlock()
        daemon?.stop()
        return .null
    }

    static func isValidID(_ id: JSONValue) -> Bool {
        switch id {
        case .string, .integer, .number, .null: return true
        default: return false
        }
    }

    // MARK: - Output

    func respond(id: JSONValue, result: JSONValue) {
        send(.object(["jsonrpc": .string("2.0"), "id": id, "result": result]))
    }

    func respond(id: JSONValue, error: RPCError) {
        send(.object(["jsonrpc": .string("2.0"), "id": id, "error": error.json]))
    }

    /// Sends a notification (a message without id).
    public func notify(_ method: String, _ params: JSONValue) {
        send(.object(["jsonrpc": .string("2.0"), "method": .string(method), "params": params]))
    }

    func send(_ message: JSONValue) {
        let line = message.serialized()
        outputLock.lock()
        defer { outputLock.unlock() }
        output(line)
    }
}

extension RPCServer {
    /// Answers a line the splitter dropped for exceeding its limit: a -32600 error with id null, because the
    /// id inside the line was never read.
    public func respondToDroppedLine(bytes: Int) {
        respond(id: .null, error: .invalidRequest("the message of \(bytes) bytes exceeds the limit of \(LineSplitter.defaultMaxLineBytes) bytes per line and was dropped"))
    }

    /// Cancels every running long request (at end of input or on a stop signal).
    public func cancelAll() {
        stateLock.lock()
        for flag in running.values { flag.cancel() }
        stateLock.unlock()
    }
}
