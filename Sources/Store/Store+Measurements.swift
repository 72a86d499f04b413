import Foundation

// Estimates produced by audits: one row per estimator, task and audit.

extension Store {
    /// Inserts a measurement and returns its id; `measurement.id` is ignored.
    ///
    /// Throws `.invalidValue`, naming the field, when `value`, `ciLow` or `ciHigh` is NaN or infinite, when
    /// `value` is nil without a non-empty `reason`, when `ciLow > ciHigh`, or when `sampleSize` is negative.
    public func insertMeasurement(_ measurement: MeasurementRecord) throws(StoreError) -> Int64 {
        try validate(measurement)

        let values: [DatabaseValue] = [
            .integer(measurement.auditID), .optional(measurement.taskID), .integer(measurement.datasetID),
            .text(measurement.kind), .optional(measurement.value), .optional(measurement.ciLow),
            .optional(measurement.ciHigh), .optional(measurement.reason), .text(measurement.parametersJSON),
            .text(measurement.seedsJSON), .integer(Int64(measurement.sampleSize)), .text(measurement.fingerprint),
            .text(measurement.labelSource), .text(measurement.softwareVersion),
            .real(measurement.createdAt.timeIntervalSince1970),
        ]

        return try withConnection { connection throws(StoreError) in
            try connection.insertReturningID(
                """
                INSERT INTO measurements (audit_id, task_id, dataset_id, kind, value, ci_low, ci_high, reason,
                                          parameters, seeds, sample_size, fingerprint, label_source,
                                          software_version, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING id
                """,
                values
            )
        }
    }

    /// Returns the measurements of an audit in insertion order.
    public func measurements(auditID: Int64) throws(StoreError) -> [MeasurementRecord] {
        try withConnection { connection throws(StoreError) in
            try connection.query(
                """
                SELECT id, audit_id, task_id, dataset_id, kind, value, ci_low, ci_high, reason, parameters, seeds,
                       sample_size, fingerprint, label_source, software_version, created_at
                FROM measurements WHERE audit_id = ? ORDER BY id
                """,
                [.integer(auditID)]
            ) { row throws(StoreError) in
                MeasurementRecord(
                    id: try row.int64(0),
                    auditID: try row.int64(1),
                    taskID: row.optionalInt64(2),
                    datasetID: try row.int64(3),
                    kind: try row.text(4),
                    value: row.optionalDouble(5),
                    ciLow: row.optionalDouble(6),
                    ciHigh: row.optionalDouble(7),
                    reason: row.optionalText(8),
                    parametersJSON: try row.text(9),
                    seedsJSON: try row.text(10),
                    sampleSize: Int(try row.int64(11)),
                    fingerprint: try row.text(12),
                    labelSource: try row.text(13),
                    softwareVersion: try row.text(14),
                    createdAt: Date(timeIntervalSince1970: try row.double(15))
                )
            }
        }
    }

    private func validate(_ measurement: MeasurementRecord) throws(StoreError) {
        let label = "measurement \(measurement.kind) of audit \(measurement.auditID)"
        let fields: [(name: String, value: Double?)] = [
            ("value", measurement.value), ("ciLow", measurement.ciLow), ("ciHigh", measurement.ciHigh),
        ]

        for field in fields {
            if let number = field.value, !number.isFinite {
                throw .invalidValue(
                    "Rejected \(field.name) = \(number) for the \(label): the database stores only finite numbers.",
                    path: path,
                    remedy: "Pass nil for \(field.name) and say in reason why the estimate is undefined."
                )
            }
        }

        if measurement.value == nil && (measurement.reason ?? "").isEmpty {
            throw .invalidValue(
                "The \(label) has no value and no reason.", path: path,
                remedy: "Pass a reason that says why the estimate is undefined."
            )
        }

        if let low = measurement.ciLow, let high = measurement.ciHigh, low > high {
            throw .invalidValue(
                "The \(label) has ciLow = \(low) above ciHigh = \(high).", path: path,
                remedy: "Pass the lower confidence bound as ciLow and the upper one as ciHigh."
            )
        }

        if measurement.sampleSize < 0 {
            throw .invalidValue(
                "The \(label) has a negative sampleSize of \(measurement.sampleSize).", path: path,
                remedy: "Pass the number of images the estimate used."
            )
        }
    }
}
