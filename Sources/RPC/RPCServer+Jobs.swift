import Foundation
import Store
import Watcher

// jobs.list, jobs.cancel, watch.add and watch.remove: the daemon's queue and watched folders.

extension RPCServer {
    func listJobs(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["state", "limit"])
        var states: Set<JobState>?
        if let state = try params.optionalString("state") {
            guard let parsed = JobState(rawValue: state) else {
                throw .invalidParams("state", "must be one of: \(JobState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            states = [parsed]
        }
        let limit = try params.optionalInteger("limit", in: 1...10_000) ?? 100
        do {
            return .object(["jobs": .array(try store.jobs(states: states, limit: limit).map(Self.json))])
        } catch {
            throw Self.map(storeError: error)
        }
    }

    func cancelJob(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["id"])
        let id = Int64(try params.integer("id", in: 1...Int64.max))
        do {
            guard let job = try store.job(id: id) else {
                throw RPCError.invalidParams("id", "must name an existing job; no job has id \(id)")
            }
            switch job.state {
            case .queued:
                try store.finishJob(id: id, state: .failed, error: "cancelled by a client")
                return .object(["id": .integer(id), "cancelled": .bool(true), "state": .string("failed")])
            case .running:
                let cancelled = daemon?.cancelRunningJob(id: id) ?? false
                return .object([
                    "id": .integer(id), "cancelled": .bool(cancelled), "state": .string("running"),
                    "reason": cancelled ? .null : .string("the job runs in another process; stop that daemon to stop it"),
                ])
            case .done, .failed:
                return .object(["id": .integer(id), "cancelled": .bool(false), "state": .string(job.state.rawValue), "reason": .string("the job has already finished")])
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw Self.map(storeError: error)
        }
    }

    func addWatch(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["root", "labels", "config"])
        let root = try params.string("root")
        let labels = try params.optionalString("labels").map(Self.absolute)
        let config = try params.optionalString("config").map(Self.absolute)
        guard let resolved = realpath(root, nil) else {
            throw RPCError.domain(.datasetNotFound, "dataset folder not found: \(root)")
        }
        let canonical = String(cString: resolved)
        free(resolved)
        do {
            try store.addWatchedRoot(WatchedRootRecord(path: canonical, labels: labels, config: config))
        } catch {
            throw Self.map(storeError: error)
        }
        daemon?.watch(RootSpec(path: canonical, labels: labels, config: config))
        return .object(["root": .string(canonical), "watching_now": .bool(daemon != nil)])
    }

    func removeWatch(_ params: Params) throws(RPCError) -> JSONValue {
        try params.rejectUnknown(["root"])
        let root = try params.string("root")
        let canonical = realpath(root, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? Self.absolute(root)
        do {
            let removed = try store.removeWatchedRoot(path: canonical)
            daemon?.unwatch(path: canonical)
            return .object(["root": .string(canonical), "removed": .bool(removed)])
        } catch {
            throw Self.map(storeError: error)
        }
    }

    static func json(_ job: JobRecord) -> JSONValue {
        .object([
            "id": .integer(job.id), "root": .string(job.root), "state": .string(job.state.rawValue),
            "attempts": .integer(Int64(job.attempts)), "error": job.error.map(JSONValue.string) ?? .null,
            "audit_id": job.auditID.map(JSONValue.integer) ?? .null,
            "labels": job.labels.map(JSONValue.string) ?? .null, "config": job.config.map(JSONValue.string) ?? .null,
            "created_at": .number(job.createdAt.timeIntervalSince1970), "updated_at": .number(job.updatedAt.timeIntervalSince1970),
        ])
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
