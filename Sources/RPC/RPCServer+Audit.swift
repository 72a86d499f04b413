import Audit
import Foundation
import Store
import Watcher

// audit.run: runs one audit on its own thread, with progress notifications and cancellation.

extension RPCServer {
    func startAudit(id: JSONValue, params: Params) throws(RPCError) {
        try params.rejectUnknown(["root", "labels", "config", "tasks", "samples", "runs", "seed"])
        var options = AuditOptions(root: try params.string("root"))
        options.labelsPath = try params.optionalString("labels")
        options.configPath = try params.optionalString("config")
        options.taskPattern = try params.optionalString("tasks")
        options.samples = try params.optionalInteger("samples", in: 2...1_000_000_000)
        options.runs = try params.optionalInteger("runs", in: 1...10_000)
        options.seed = try params.optionalInteger("seed", in: 0...Int64.max)
        for (name, path) in [("labels", options.labelsPath), ("config", options.configPath)] {
            if let path, !FileManager.default.fileExists(atPath: path) {
                throw .invalidParams(name, "must name an existing file; not found: \(path)")
            }
        }
        auditDefaults(&options)

        let key = id.serialized()
        let cancellation = CancellationFlag()
        stateLock.lock()
        guard running[key] == nil else {
            stateLock.unlock()
            throw .invalidRequest("request id \(key) is already in use by a running request")
        }
        running[key] = cancellation
        stateLock.unlock()

        var progressHandler: AuditProgressHandler?
        if let token = params.progressToken {
            let reporter = ProgressReporter(token: token, server: self)
            progressHandler = { stage, completed, total in reporter.report(stage, completed, total) }
        }
        let finishedOptions = options
        let finishedProgress = progressHandler
        longRequests.enter()
        Thread.detachNewThread { [self] in
            defer {
                stateLock.lock()
                running[key] = nil
                stateLock.unlock()
                longRequests.leave()
            }
            let started = Date()
            do {
                let report = try Auditor(
                    store: store, options: finishedOptions, cancellation: cancellation,
                    progress: finishedProgress
                ).run()
                logger.info("rpc.audit_done", [("request_id", key), ("audit_id", report.auditID), ("duration_s", Date().timeIntervalSince(started))])
                respond(id: id, result: .object([
                    "audit_id": report.auditID.map(JSONValue.integer) ?? .null,
                    "dataset_id": datasetID(root: report.dataset.root),
                    "report": .from(report),
                ]))
            } catch {
                let mapped = (error as? AuditError).map { Self.map(auditError: $0) } ?? .internalError("\(error)")
                logger.warning("rpc.audit_failed", [("request_id", key), ("code", mapped.code), ("error", "\(error)")])
                respond(id: id, error: mapped)
            }
        }
    }

    private func datasetID(root: String) -> JSONValue {
        guard let record = try? store.dataset(root: root) else { return .null }
        return .integer(record.id)
    }

    /// Maps an audit failure to a JSON-RPC error with an application `data.kind`.
    ///
    /// NOTE: `AuditError` carries message text only, so the kinds are chosen from its case and wording.
    static func map(auditError error: AuditError) -> RPCError {
        switch error {
        case let .cancelled(auditID):
            return RPCError(
                code: RPCError.requestCancelledCode, message: "\(error)",
                data: .object(["kind": .string("cancelled"), "audit_id": auditID.map(JSONValue.integer) ?? .null])
            )
        case let .configuration(message):
            return .invalidParams("config", "must give a valid configuration: \(message)")
        case let .dataset(message):
            if message.contains("not found") || message.contains("is a file") {
                return .domain(.datasetNotFound, message)
            }
            return .domain(.decodeFailed, message)
        case let .tasks(message):
            let lowered = message.lowercased()
            if lowered.contains("too few") || lowered.contains("too small") || lowered.contains("at least") {
                return .domain(.classTooSmall, message)
            }
            return .domain(.degenerateDataset, message)
        case let .busy(message):
            return .domain(.busy, message)
        case let .store(message):
            if Daemon.isBusy(error) {
                return .domain(.busy, message)
            }
            return .internalError(message)
        }
    }
}

/// Turns audit progress callbacks into `notifications/progress` with strictly increasing `progress`.
///
/// `progress` is the stage's ordinal (in order of first appearance) plus the fraction done within the stage;
/// `total` is omitted because the number of stages depends on the dataset.
final class ProgressReporter: @unchecked Sendable {
    let token: JSONValue
    unowned let server: RPCServer
    private let lock = NSLock()
    private var stages: [String] = []
    private var last = -1.0

    init(token: JSONValue, server: RPCServer) {
        self.token = token
        self.server = server
    }

    func report(_ stage: String, _ completed: Int, _ total: Int) {
        lock.lock()
        if !stages.contains(stage) { stages.append(stage) }
        let ordinal = Double(stages.firstIndex(of: stage) ?? 0)
        let fraction = total > 0 ? min(1, Double(completed) / Double(total)) : 0
        let value = ordinal + fraction
        guard value > last else {
            lock.unlock()
            return
        }
        last = value
        lock.unlock()

        server.notify("notifications/progress", .object([
            "progressToken": token, "progress": .number(value),
            "message": .string("\(stage) \(completed)/\(total)"),
        ]))
    }
}
