import Foundation

// Audits, the labelling tasks they evaluate, and the measurements they produce.

extension Store {
    // MARK: - Audits

    /// Inserts an audit with status `running` and `startedAt` now, and returns its id.
    ///
    /// NOTE: an audit whose process died stays `running`, because nothing marks it failed on the next open.
    public func beginAudit(
        datasetID: Int64, labelSource: String, fingerprint: String, parametersJSON: String, softwareVersion: String
    ) throws(StoreError) -> Int64 {
        try withConnection { connection throws(StoreError) in
            try connection.insertReturningID(
                """
                INSERT INTO audits (dataset_id, label_source, fingerprint, started_at, status, parameters,
                                    software_version)
                VALUES (?, ?, ?, ?, 'running', ?, ?)
                RETURNING id
                """,
                [
                    .integer(datasetID), .text(labelSource), .text(fingerprint),
                    .real(Date().timeIntervalSince1970), .text(parametersJSON), .text(softwareVersion),
                ]
            )
        }
    }

    /// Sets a running audit's final status, finish time (now) and report. When `status` is `done`, also sets
    /// the dataset's `lastAuditAt` to the finish time.
    ///
    /// Throws `.invalidValue` for status `running`, and `.notFound` when no audit has this id or the audit has
    /// already finished.
    public func finishAudit(id: Int64, status: AuditStatus, reportJSON: String?) throws(StoreError) {
        guard status != .running else {
            throw .invalidValue(
                "Cannot finish audit \(id) with status running.", path: path,
                remedy: "Pass done, failed or cancelled."
            )
        }

        try withTransaction { connection throws(StoreError) in
            let finishedAt = Date().timeIntervalSince1970
            let changed = try connection.run(
                "UPDATE audits SET status = ?, finished_at = ?, report = ? WHERE id = ? AND status = 'running'",
                [.text(status.rawValue), .real(finishedAt), .optional(reportJSON), .integer(id)]
            )

            guard changed == 1 else {
                let current = try connection.queryOne("SELECT status FROM audits WHERE id = ?", [.integer(id)]) {
                    row throws(StoreError) in try row.text(0)
                }
                throw StoreError(
                    kind: .notFound, path: path,
                    summary: current.map { "Audit \(id) already finished with status \($0)." }
                        ?? "No audit has id \(id).",
                    remedy: "Finish each audit once, with the id that beginAudit returned."
                )
            }

            if status == .done {
                try connection.run(
                    "UPDATE datasets SET last_audit_at = ? WHERE id = (SELECT dataset_id FROM audits WHERE id = ?)",
                    [.real(finishedAt), .integer(id)]
                )
            }
        }
    }

    /// Returns the dataset's audit with this status that started last, or nil if there is none.
    public func latestAudit(datasetID: Int64, status: AuditStatus = .done) throws(StoreError) -> AuditRecord? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne(
                """
                SELECT \(Self.auditColumns) FROM audits
                WHERE dataset_id = ? AND status = ?
                ORDER BY started_at DESC, id DESC
                LIMIT 1
                """,
                [.integer(datasetID), .text(status.rawValue)], Self.readAudit
            )
        }
    }

    /// Returns the audit with this id, or nil if there is none.
    public func audit(id: Int64) throws(StoreError) -> AuditRecord? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne(
                "SELECT \(Self.auditColumns) FROM audits WHERE id = ?", [.integer(id)], Self.readAudit
            )
        }
    }

    private static let auditColumns = """
        id, dataset_id, label_source, fingerprint, started_at, finished_at, status, parameters, report, \
        software_version
        """

    private static func readAudit(_ row: Row) throws(StoreError) -> AuditRecord {
        let statusText = try row.text(6)
        guard let status = AuditStatus(rawValue: statusText) else {
            throw row.invalidStoredValue(6, "unknown audit status \"\(statusText)\".")
        }

        return AuditRecord(
            id: try row.int64(0),
            datasetID: try row.int64(1),
            labelSource: try row.text(2),
            fingerprint: try row.text(3),
            startedAt: Date(timeIntervalSince1970: try row.double(4)),
            finishedAt: row.optionalDouble(5).map(Date.init(timeIntervalSince1970:)),
            status: status,
            parametersJSON: try row.text(7),
            reportJSON: row.optionalText(8),
            softwareVersion: try row.text(9)
        )
    }

    // MARK: - Tasks

    /// Inserts the task, or updates definition and counts of the task with the same dataset, label source and
    /// name. Returns the row id; `task.id` is ignored.
    public func upsertTask(_ task: TaskRecord) throws(StoreError) -> Int64 {
        guard task.positives >= 0, task.negatives >= 0 else {
            throw .invalidValue(
                "Task \"\(task.name)\" has \(task.positives) positives and \(task.negatives) negatives.",
                path: path, remedy: "Pass counts of at least 0."
            )
        }

        return try withConnection { connection throws(StoreError) in
            try connection.insertReturningID(
                """
                INSERT INTO tasks (dataset_id, label_source, name, definition, positives, negatives)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (dataset_id, label_source, name) DO UPDATE SET
                    definition = excluded.definition, positives = excluded.positives,
                    negatives = excluded.negatives
                RETURNING id
                """,
                [
                    .integer(task.datasetID), .text(task.labelSource), .text(task.name), .text(task.definitionJSON),
                    .integer(Int64(task.positives)), .integer(Int64(task.negatives)),
                ]
            )
        }
    }

    /// Returns the tasks of a dataset ordered by label source, then name.
    public func tasks(datasetID: Int64) throws(StoreError) -> [TaskRecord] {
        try withConnection { connection throws(StoreError) in
            try connection.query(
                """
                SELECT id, dataset_id, label_source, name, definition, positives, negatives
                FROM tasks WHERE dataset_id = ? ORDER BY label_source, name
                """,
                [.integer(datasetID)]
            ) { row throws(StoreError) in
                TaskRecord(
                    id: try row.int64(0), datasetID: try row.int64(1), labelSource: try row.text(2),
                    name: try row.text(3), definitionJSON: try row.text(4),
                    positives: Int(try row.int64(5)), negatives: Int(try row.int64(6))
                )
            }
        }
    }
}
