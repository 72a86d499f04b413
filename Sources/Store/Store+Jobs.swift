import Foundation

// The audit daemon's work queue: one job per dataset re-audit.
//
// Invariants:
//
//  1. A root has at most one `queued` job (partial unique index `jobs_one_queued_per_root`), so a burst of file
//     changes coalesces into one re-audit. A root may have one `queued` and one `running` job at once: changes
//     seen while an audit runs need another audit after it.
//  2. `attempts` counts the starts of a job: `claimNextJob` increments it; requeueing does not.
//  3. A `failed` job has an error text.

/// State of a daemon job.
public enum JobState: String, Sendable, Equatable, CaseIterable {
    case queued
    case running
    case done
    case failed
}

/// One re-audit of a dataset root, queued by the daemon or a client.
public struct JobRecord: Sendable, Equatable {
    public var id: Int64
    /// Canonical absolute path of the dataset folder.
    public var root: String
    /// Label table path passed to the audit, or nil for class folders and filename rules.
    public var labels: String?
    /// Configuration file passed to the audit, or nil for the dataset's own `audit.json`.
    public var config: String?
    public var state: JobState
    /// Times the job was started, including restarts after a killed daemon.
    public var attempts: Int
    /// Failure message of a `failed` job, or the last failure of a job that is being retried.
    public var error: String?
    /// The audit that the last run of this job created, if it got that far.
    public var auditID: Int64?
    public var createdAt: Date
    public var updatedAt: Date
}

/// Result of `enqueueJob`: the queued job and whether an existing queued job absorbed the request.
public struct EnqueueResult: Sendable, Equatable {
    public var job: JobRecord
    public var coalesced: Bool
}

extension Store {
    /// Queues a re-audit of `root`, or returns the job already queued for it (invariant 1).
    ///
    /// A coalesced request takes the newer `labels` and `config` values when they are not nil.
    public func enqueueJob(root: String, labels: String?, config: String?) throws(StoreError) -> EnqueueResult {
        guard root.hasPrefix("/") else {
            throw .invalidValue(
                "The job root \"\(root)\" is not an absolute path.", path: path,
                remedy: "Pass the canonical absolute path of the dataset folder."
            )
        }

        return try withTransaction { connection throws(StoreError) in
            let now = Date().timeIntervalSince1970
            if let existing = try connection.queryOne(
                "SELECT \(Self.jobColumns) FROM jobs WHERE root = ? AND state = 'queued'", [.text(root)], Self.readJob
            ) {
                try connection.run(
                    "UPDATE jobs SET labels = coalesce(?, labels), config = coalesce(?, config), updated_at = ? WHERE id = ?",
                    [.optional(labels), .optional(config), .real(now), .integer(existing.id)]
                )
                let job = try Self.requireJob(connection, id: existing.id, path: path)
                return EnqueueResult(job: job, coalesced: true)
            }

            let id = try connection.insertReturningID(
                """
                INSERT INTO jobs (root, labels, config, state, attempts, created_at, updated_at)
                VALUES (?, ?, ?, 'queued', 0, ?, ?)
                RETURNING id
                """,
                [.text(root), .optional(labels), .optional(config), .real(now), .real(now)]
            )
            return EnqueueResult(job: try Self.requireJob(connection, id: id, path: path), coalesced: false)
        }
    }

    /// Marks the oldest queued job `running`, increments its attempts and returns it, or returns nil when no job
    /// is queued.
    public func claimNextJob() throws(StoreError) -> JobRecord? {
        try withTransaction { connection throws(StoreError) in
            guard let next = try connection.queryOne(
                "SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1", [], { row throws(StoreError) in try row.int64(0) }
            ) else {
                return nil
            }
            try connection.run(
                "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?",
                [.real(Date().timeIntervalSince1970), .integer(next)]
            )
            return try Self.requireJob(connection, id: next, path: path)
        }
    }

    /// Records the audit a running job created, so a later crash still links the job to its audit.
    public func setJobAudit(id: Int64, auditID: Int64) throws(StoreError) {
        try withConnection { connection throws(StoreError) in
            try connection.run(
                "UPDATE jobs SET audit_id = ?, updated_at = ? WHERE id = ?",
                [.integer(auditID), .real(Date().timeIntervalSince1970), .integer(id)]
            )
        }
    }

    /// Sets a running or queued job's final state. `error` is required for `failed`.
    ///
    /// Throws `.invalidValue` for a non-final state or a failure without error text, and `.notFound` when no
    /// unfinished job has this id.
    public func finishJob(id: Int64, state: JobState, error: String? = nil, auditID: Int64? = nil) throws(StoreError) {
        guard state == .done || state == .failed else {
            throw .invalidValue(
                "Cannot finish job \(id) with state \(state.rawValue).", path: path, remedy: "Pass done or failed."
            )
        }
        guard state == .done || !(error ?? "").isEmpty else {
            throw .invalidValue("Failed job \(id) has no error text.", path: path, remedy: "Pass the failure message.")
        }

        try withConnection { connection throws(StoreError) in
            let changed = try connection.run(
                """
                UPDATE jobs SET state = ?, error = ?, audit_id = coalesce(?, audit_id), updated_at = ?
                WHERE id = ? AND state IN ('queued', 'running')
                """,
                [.text(state.rawValue), .optional(error), .optional(auditID), .real(Date().timeIntervalSince1970), .integer(id)]
            )
            guard changed == 1 else {
                throw StoreError(
                    kind: .notFound, path: path, summary: "No queued or running job has id \(id).",
                    remedy: "List the jobs to see their states; a finished job cannot be finished again."
                )
            }
        }
    }

    /// Puts every `running` job back to `queued` with its attempts incremented, and returns how many were moved.
    ///
    /// Called when a daemon starts: a `running` job then belongs to a daemon that was killed. When the root
    /// already has a queued job, the interrupted job is marked failed instead (the queued job covers it).
    public func requeueInterruptedJobs() throws(StoreError) -> Int {
        try withTransaction { connection throws(StoreError) in
            let now = Date().timeIntervalSince1970
            try connection.run(
                """
                UPDATE jobs SET state = 'failed', error = 'interrupted; a queued job of the same root replaces it',
                    updated_at = ?
                WHERE state = 'running' AND root IN (SELECT root FROM jobs WHERE state = 'queued')
                """,
                [.real(now)]
            )
            return try connection.run(
                // The attempt count rises when the job is claimed again, not here, so one
                // interruption costs one attempt.
                "UPDATE jobs SET state = 'queued', updated_at = ? WHERE state = 'running'",
                [.real(now)]
            )
        }
    }

    /// Returns jobs newest first, optionally only those in `states`, at most `limit` of them.
    public func jobs(states: Set<JobState>? = nil, limit: Int = 100) throws(StoreError) -> [JobRecord] {
        let filter = states.map { set in
            "WHERE state IN (" + set.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ") + ")"
        } ?? ""
        return try withConnection { connection throws(StoreError) in
            try connection.query(
                "SELECT \(Self.jobColumns) FROM jobs \(filter) ORDER BY id DESC LIMIT ?",
                [.integer(Int64(max(0, limit)))], Self.readJob
            )
        }
    }

    /// Returns the job with this id, or nil if there is none.
    public func job(id: Int64) throws(StoreError) -> JobRecord? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne("SELECT \(Self.jobColumns) FROM jobs WHERE id = ?", [.integer(id)], Self.readJob)
        }
    }

    // MARK: - Superseded audits

    /// Marks every finished audit of the dataset that started before `auditID` (or every finished audit, when
    /// `auditID` is nil) as superseded, and returns how many changed.
    public func markAuditsSuperseded(datasetID: Int64, before auditID: Int64? = nil) throws(StoreError) -> Int {
        try withConnection { connection throws(StoreError) in
            try connection.run(
                """
                UPDATE audits SET superseded = 1
                WHERE dataset_id = ? AND status <> 'running' AND superseded = 0 AND (? IS NULL OR id < ?)
                """,
                [.integer(datasetID), .optional(auditID), .optional(auditID)]
            )
        }
    }

    /// Returns whether a later audit or a change on disk superseded this audit; nil when no audit has this id.
    public func isAuditSuperseded(id: Int64) throws(StoreError) -> Bool? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne("SELECT superseded FROM audits WHERE id = ?", [.integer(id)]) {
                row throws(StoreError) in try row.int64(0) != 0
            }
        }
    }

    // MARK: - Rows

    private static let jobColumns = "id, root, labels, config, state, attempts, error, audit_id, created_at, updated_at"

    private static func requireJob(_ connection: Connection, id: Int64, path: String) throws(StoreError) -> JobRecord {
        guard let job = try connection.queryOne(
            "SELECT \(jobColumns) FROM jobs WHERE id = ?", [.integer(id)], readJob
        ) else {
            preconditionFailure("job \(id) vanished inside its own transaction")
        }
        return job
    }

    private static func readJob(_ row: Row) throws(StoreError) -> JobRecord {
        let stateText = try row.text(4)
        guard let state = JobState(rawValue: stateText) else {
            throw row.invalidStoredValue(4, "unknown job state \"\(stateText)\".")
        }

        return JobRecord(
            id: try row.int64(0),
            root: try row.text(1),
            labels: row.optionalText(2),
            config: row.optionalText(3),
            state: state,
            attempts: Int(try row.int64(5)),
            error: row.optionalText(6),
            auditID: row.optionalInt64(7),
            createdAt: Date(timeIntervalSince1970: try row.double(8)),
            updatedAt: Date(timeIntervalSince1970: try row.double(9))
        )
    }
}
