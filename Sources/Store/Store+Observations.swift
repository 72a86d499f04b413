import Foundation

// Training observations (one test result per task, model, seed and training-set size) and the scaling-law
// fits and ranking verdicts computed from them.

/// The test result of one training run, with the audit values (K_F, d_data) of its task at training time.
///
/// Numbers must be finite when present. An infinite K_F (a label conflict: two identical images with different
/// labels) is stored as `kF == nil`. Dictionary values must be finite too.
public struct ObservationRecord: Sendable, Equatable, Codable {
    /// Row id, nil before insert. `insertObservations` ignores it.
    public var id: Int64?
    /// Canonical root of a trained dataset, or the name given in an import.
    public var dataset: String
    public var task: String
    /// Network name, for example `resnet` or `vgg`, or any name from an import.
    public var model: String
    public var seed: Int
    /// Training-set size: images of both classes together, at least 1.
    public var n: Int
    /// Mean test loss (cross-entropy, nats per image), at least 0.
    public var testLoss: Double
    /// Fraction of test images classified correctly, in [0, 1].
    public var testAccuracy: Double?
    /// Area under the ROC curve on the test set, in [0, 1].
    public var testAUC: Double?
    /// Increase of the test loss under FGSM attacks, keyed by step size: `1/255`, `2/255`, `8/255`.
    public var fgsmPenalty: [String: Double]
    /// Intrinsic dimension of the learned representation, keyed by estimator: `twonn`, `mle`.
    public var dRepr: [String: Double]
    /// Label sharpness K_F of the task and its interval, nil when unknown or infinite.
    public var kF: Double?
    public var kFLow: Double?
    public var kFHigh: Double?
    /// Intrinsic dimension of the data by the MLE and TwoNN estimators.
    public var dDataMLE: Double?
    public var dDataTwoNN: Double?
    /// Widest interval over both estimators: the lower and upper ends of the union of their intervals.
    public var dDataLow: Double?
    public var dDataHigh: Double?
    /// Preprocessing fingerprint of the audit that gave `kF` and the d_data values.
    public var auditFingerprint: String?
    /// Preprocessing fingerprint of the training inputs.
    public var trainingFingerprint: String?
    public var epochs: Int?
    public var wallSeconds: Double?
    public var imagesPerSecond: Double?
    /// `trained` or `imported`.
    public var source: String
    public var weightsPath: String?
    /// Unix seconds (UTC).
    public var createdAt: Double

    public init(
        id: Int64? = nil, dataset: String, task: String, model: String, seed: Int, n: Int, testLoss: Double,
        testAccuracy: Double? = nil, testAUC: Double? = nil, fgsmPenalty: [String: Double] = [:],
        dRepr: [String: Double] = [:], kF: Double? = nil, kFLow: Double? = nil, kFHigh: Double? = nil,
        dDataMLE: Double? = nil, dDataTwoNN: Double? = nil, dDataLow: Double? = nil, dDataHigh: Double? = nil,
        auditFingerprint: String? = nil, trainingFingerprint: String? = nil, epochs: Int? = nil,
        wallSeconds: Double? = nil, imagesPerSecond: Double? = nil, source: String, weightsPath: String? = nil,
        createdAt: Double = Date().timeIntervalSince1970
    ) {
        self.id = id
        self.dataset = dataset
        self.task = task
        self.model = model
        self.seed = seed
        self.n = n
        self.testLoss = testLoss
        self.testAccuracy = testAccuracy
        self.testAUC = testAUC
        self.fgsmPenalty = fgsmPenalty
        self.dRepr = dRepr
        self.kF = kF
        self.kFLow = kFLow
        self.kFHigh = kFHigh
        self.dDataMLE = dDataMLE
        self.dDataTwoNN = dDataTwoNN
        self.dDataLow = dDataLow
        self.dDataHigh = dDataHigh
        self.auditFingerprint = auditFingerprint
        self.trainingFingerprint = trainingFingerprint
        self.epochs = epochs
        self.wallSeconds = wallSeconds
        self.imagesPerSecond = imagesPerSecond
        self.source = source
        self.weightsPath = weightsPath
        self.createdAt = createdAt
    }
}

/// A stored scaling-law fit or ranking verdict: the JSON document the Scaling module produced.
public struct ScalingResultRecord: Sendable, Equatable {
    /// Kind of result.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case fit
        case verdict
    }

    public var id: Int64?
    public var kind: Kind
    /// Network name the result covers.
    public var model: String
    public var auditFingerprint: String?
    /// Dataset the result is restricted to, or nil for all datasets.
    public var dataset: String?
    /// The result as a JSON document.
    public var resultJSON: String
    public var softwareVersion: String
    /// Unix seconds (UTC).
    public var createdAt: Double

    public init(
        id: Int64? = nil, kind: Kind, model: String, auditFingerprint: String?, dataset: String?, resultJSON: String,
        softwareVersion: String, createdAt: Double = Date().timeIntervalSince1970
    ) {
        self.id = id
        self.kind = kind
        self.model = model
        self.auditFingerprint = auditFingerprint
        self.dataset = dataset
        self.resultJSON = resultJSON
        self.softwareVersion = softwareVersion
        self.createdAt = createdAt
    }
}

extension Store {
    /// Inserts `records` in one transaction and returns their ids in order. `id` fields are ignored.
    ///
    /// An observation replaces every stored one of the same training: same dataset, task, model, seed, N,
    /// source and training fingerprint. A retrained ladder or a CSV imported twice therefore never counts one
    /// training as two seeds. `matchingObservationCount(_:)` counts beforehand the rows that would be replaced.
    ///
    /// Throws `.invalidValue`, naming the record index and field, before writing anything when a number is NaN or
    /// infinite, a name is empty, `n < 1`, `testLoss < 0`, an accuracy or AUC lies outside [0, 1], an interval
    /// has low > high, or `source` is neither `trained` nor `imported`.
    public func insertObservations(_ records: [ObservationRecord]) throws(StoreError) -> [Int64] {
        for (index, record) in records.enumerated() {
            try validate(record, index: index)
        }

        return try withTransaction { connection throws(StoreError) in
            var ids: [Int64] = []
            ids.reserveCapacity(records.count)
            for record in records {
                try connection.run("DELETE FROM observations" + Self.sameTrainingSQL, Self.sameTrainingValues(record))
                ids.append(try connection.insertReturningID(Self.insertObservationSQL, Self.values(of: record)))
            }
            return ids
        }
    }

    /// Counts the stored observations that `records` would replace (see `insertObservations`).
    public func matchingObservationCount(_ records: [ObservationRecord]) throws(StoreError) -> Int {
        try withConnection { connection throws(StoreError) in
            var count = 0
            for record in records {
                count += try connection.query("SELECT id FROM observations" + Self.sameTrainingSQL, Self.sameTrainingValues(record)) {
                    row throws(StoreError) in try row.int64(0)
                }.count
            }
            return count
        }
    }

    private static let sameTrainingSQL = """
         WHERE dataset = ? AND task = ? AND model = ? AND seed = ? AND n = ? AND source = ? \
        AND training_fingerprint IS ?
        """

    private static func sameTrainingValues(_ record: ObservationRecord) -> [DatabaseValue] {
        [
            .text(record.dataset), .text(record.task), .text(record.model), .integer(Int64(record.seed)),
            .integer(Int64(record.n)), .text(record.source), record.trainingFingerprint.map { .text($0) } ?? .null,
        ]
    }

    /// Returns the observations matching every given filter, in insertion order. A nil filter matches all rows,
    /// and `auditFingerprint` matches only rows with that exact fingerprint.
    public func observations(
        model: String? = nil, auditFingerprint: String? = nil, dataset: String? = nil, task: String? = nil
    ) throws(StoreError) -> [ObservationRecord] {
        let filters: [(column: String, value: String?)] = [
            ("model", model), ("audit_fingerprint", auditFingerprint), ("dataset", dataset), ("task", task),
        ]
        var conditions: [String] = []
        var values: [DatabaseValue] = []
        for filter in filters {
            if let value = filter.value {
                conditions.append("\(filter.column) = ?")
                values.append(.text(value))
            }
        }
        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")

        return try withConnection { connection throws(StoreError) in
            try connection.query(Self.selectObservationSQL + whereClause + " ORDER BY id", values) {
                row throws(StoreError) in try Self.readObservation(row)
            }
        }
    }

    /// Inserts a scaling-law fit or verdict and returns its id.
    public func insertScalingResult(_ record: ScalingResultRecord) throws(StoreError) -> Int64 {
        try withConnection { connection throws(StoreError) in
            try connection.insertReturningID(
                """
                INSERT INTO scaling_results (kind, model, audit_fingerprint, dataset, result, software_version,
                                             created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                RETURNING id
                """,
                [
                    .text(record.kind.rawValue), .text(record.model), .optional(record.auditFingerprint),
                    .optional(record.dataset), .text(record.resultJSON), .text(record.softwareVersion),
                    .real(record.createdAt),
                ]
            )
        }
    }

    /// Returns the stored results of one kind, newest first.
    public func scalingResults(kind: ScalingResultRecord.Kind) throws(StoreError) -> [ScalingResultRecord] {
        try withConnection { connection throws(StoreError) in
            try connection.query(
                """
                SELECT id, kind, model, audit_fingerprint, dataset, result, software_version, created_at
                FROM scaling_results WHERE kind = ? ORDER BY created_at DESC, id DESC
                """,
                [.text(kind.rawValue)]
            ) { row throws(StoreError) in
                let kindText = try row.text(1)
                guard let storedKind = ScalingResultRecord.Kind(rawValue: kindText) else {
                    throw row.invalidStoredValue(1, "unknown kind \(kindText).")
                }
                return ScalingResultRecord(
                    id: try row.int64(0), kind: storedKind, model: try row.text(2),
                    auditFingerprint: row.optionalText(3), dataset: row.optionalText(4), resultJSON: try row.text(5),
                    softwareVersion: try row.text(6), createdAt: try row.double(7)
                )
            }
        }
    }
}

// MARK: - Rows

extension Store {
    private static let observationColumns = """
        dataset, task, model, seed, n, test_loss, test_accuracy, test_auc, fgsm_penalty, d_repr, k_f, k_f_low,
        k_f_high, d_data_mle, d_data_twonn, d_data_low, d_data_high, audit_fingerprint, training_fingerprint,
        epochs, wall_seconds, images_per_second, source, weights_path, created_at
        """

    private static let insertObservationSQL = """
        INSERT INTO observations (\(observationColumns))
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """

    private static let selectObservationSQL = "SELECT id, \(observationColumns) FROM observations"

    private static func values(of record: ObservationRecord) -> [DatabaseValue] {
        [
            .text(record.dataset), .text(record.task), .text(record.model), .integer(Int64(record.seed)),
            .integer(Int64(record.n)), .real(record.testLoss), .optional(record.testAccuracy),
            .optional(record.testAUC), .text(encodeNumbers(record.fgsmPenalty)), .text(encodeNumbers(record.dRepr)),
            .optional(record.kF), .optional(record.kFLow), .optional(record.kFHigh), .optional(record.dDataMLE),
            .optional(record.dDataTwoNN), .optional(record.dDataLow), .optional(record.dDataHigh),
            .optional(record.auditFingerprint), .optional(record.trainingFingerprint),
            .optional(record.epochs.map(Int64.init)), .optional(record.wallSeconds),
            .optional(record.imagesPerSecond), .text(record.source), .optional(record.weightsPath),
            .real(record.createdAt),
        ]
    }

    private static func readObservation(_ row: Row) throws(StoreError) -> ObservationRecord {
        ObservationRecord(
            id: try row.int64(0), dataset: try row.text(1), task: try row.text(2), model: try row.text(3),
            seed: Int(try row.int64(4)), n: Int(try row.int64(5)), testLoss: try row.double(6),
            testAccuracy: row.optionalDouble(7), testAUC: row.optionalDouble(8),
            fgsmPenalty: try decodeNumbers(row, 9), dRepr: try decodeNumbers(row, 10),
            kF: row.optionalDouble(11), kFLow: row.optionalDouble(12), kFHigh: row.optionalDouble(13),
            dDataMLE: row.optionalDouble(14), dDataTwoNN: row.optionalDouble(15), dDataLow: row.optionalDouble(16),
            dDataHigh: row.optionalDouble(17), auditFingerprint: row.optionalText(18),
            trainingFingerprint: row.optionalText(19), epochs: row.optionalInt64(20).map { Int($0) },
            wallSeconds: row.optionalDouble(21), imagesPerSecond: row.optionalDouble(22), source: try row.text(23),
            weightsPath: row.optionalText(24), createdAt: try row.double(25)
        )
    }

    /// Encodes a dictionary of finite numbers as a JSON object with sorted keys.
    private static func encodeNumbers(_ numbers: [String: Double]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(numbers) else {
            preconditionFailure("validated finite numbers failed to encode: \(numbers)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func decodeNumbers(_ row: Row, _ column: Int32) throws(StoreError) -> [String: Double] {
        let text = try row.text(column)
        guard let numbers = try? JSONDecoder().decode([String: Double].self, from: Data(text.utf8)) else {
            throw row.invalidStoredValue(column, "expected a JSON object of numbers but found \(text).")
        }
        return numbers
    }

    // MARK: - Validation

    private func validate(_ record: ObservationRecord, index: Int) throws(StoreError) {
        let label = "observation \(index) (task \(record.task), model \(record.model), seed \(record.seed), "
            + "n \(record.n))"

        let names: [(field: String, value: String)] = [
            ("dataset", record.dataset), ("task", record.task), ("model", record.model),
        ]
        for name in names where name.value.isEmpty {
            throw .invalidValue(
                "The \(label) has an empty \(name.field).", path: path,
                remedy: "Pass a non-empty \(name.field)."
            )
        }

        var numbers: [(field: String, value: Double?)] = [
            ("testLoss", record.testLoss), ("testAccuracy", record.testAccuracy), ("testAUC", record.testAUC),
            ("kF", record.kF), ("kFLow", record.kFLow), ("kFHigh", record.kFHigh), ("dDataMLE", record.dDataMLE),
            ("dDataTwoNN", record.dDataTwoNN), ("dDataLow", record.dDataLow), ("dDataHigh", record.dDataHigh),
            ("wallSeconds", record.wallSeconds), ("imagesPerSecond", record.imagesPerSecond),
        ]
        numbers += record.fgsmPenalty.sorted { $0.key < $1.key }.map { ("fgsmPenalty[\($0.key)]", $0.value) }
        numbers += record.dRepr.sorted { $0.key < $1.key }.map { ("dRepr[\($0.key)]", $0.value) }
        for number in numbers {
            if let value = number.value, !value.isFinite {
                throw .invalidValue(
                    "Rejected \(number.field) = \(value) for the \(label): the database stores only finite numbers.",
                    path: path,
                    remedy: "Pass nil for an unknown or infinite value (an infinite K_F is stored as nil)."
                )
            }
        }

        if record.n < 1 {
            throw .invalidValue(
                "The \(label) has an invalid n = \(record.n).", path: path,
                remedy: "Pass the number of training images, at least 1."
            )
        }

        if record.testLoss < 0 {
            throw .invalidValue(
                "The \(label) has a negative testLoss of \(record.testLoss).", path: path,
                remedy: "Pass the mean test loss, which is at least 0."
            )
        }

        let fractions: [(field: String, value: Double?)] = [
            ("testAccuracy", record.testAccuracy), ("testAUC", record.testAUC),
        ]
        for fraction in fractions {
            if let value = fraction.value, !(0...1).contains(value) {
                throw .invalidValue(
                    "The \(label) has \(fraction.field) = \(value) outside [0, 1].", path: path,
                    remedy: "Pass \(fraction.field) as a fraction, not a percentage."
                )
            }
        }

        let intervals: [(name: String, low: Double?, high: Double?)] = [
            ("kF", record.kFLow, record.kFHigh), ("dData", record.dDataLow, record.dDataHigh),
        ]
        for interval in intervals {
            if let low = interval.low, let high = interval.high, low > high {
                throw .invalidValue(
                    "The \(label) has \(interval.name)Low = \(low) above \(interval.name)High = \(high).", path: path,
                    remedy: "Pass the lower bound as \(interval.name)Low and the upper one as \(interval.name)High."
                )
            }
        }

        if record.source != "trained" && record.source != "imported" {
            throw .invalidValue(
                "The \(label) has an invalid source \(record.source).", path: path,
                remedy: "Pass source trained or imported."
            )
        }

        if let epochs = record.epochs, epochs < 0 {
            throw .invalidValue(
                "The \(label) has a negative epoch count of \(epochs).", path: path,
                remedy: "Pass the number of training epochs, at least 0."
            )
        }
    }
}
