import Foundation

// Rows of the audit database as value types. Times are `Date` values, stored as unix seconds (REAL, UTC).
// The conversion through `timeIntervalSince1970` keeps about a microsecond, so a `Date()` read back may differ
// from the written value in its last bits.
// `id` is nil for a record that has not been written yet; the store ignores it on insert and upsert.

/// A dataset directory, identified by its canonical absolute root path.
public struct DatasetRecord: Sendable, Equatable {
    public var id: Int64
    /// Canonical absolute path of the dataset directory.
    public var root: String
    public var createdAt: Date
    /// Finish time of the latest audit of this dataset that ended with status `done`, or nil if none did.
    public var lastAuditAt: Date?

    public init(id: Int64, root: String, createdAt: Date, lastAuditAt: Date?) {
        self.id = id
        self.root = root
        self.createdAt = createdAt
        self.lastAuditAt = lastAuditAt
    }
}

/// Whether an image file could be decoded.
public enum ImageStatus: String, Sendable, Equatable, CaseIterable {
    case ok
    case unreadable
}

/// One image file of a dataset, as seen at `seenAt`.
public struct ImageRecord: Sendable, Equatable {
    public var id: Int64?
    public var datasetID: Int64
    /// Path relative to the dataset root, with `/` separators and no leading `/`.
    public var path: String
    /// File size in bytes.
    public var size: Int64
    /// File modification time in nanoseconds since the unix epoch.
    public var mtimeNs: Int64
    /// 64-bit content checksum, stored as the signed integer with the same bit pattern. Nil if the file could
    /// not be read.
    public var checksum: UInt64?
    /// 64-bit checksum of the decoded pixels (before any resampling), stored like `checksum`. Nil if the image
    /// was not decoded.
    public var pixelChecksum: UInt64?
    public var status: ImageStatus
    /// Cause of the `.unreadable` status, for example the decoder's error message. Required for that status.
    public var reason: String?
    /// Width and height in pixels; nil when the image was not decoded.
    public var width: Int?
    public var height: Int?
    /// Container format, for example `png` or `jpeg`.
    public var format: String?
    /// Dataset split (for example `train`), if the dataset layout defines one.
    public var split: String?
    /// Patient identifier, if the dataset layout defines one.
    public var patient: String?
    public var seenAt: Date

    public init(
        id: Int64? = nil, datasetID: Int64, path: String, size: Int64, mtimeNs: Int64, checksum: UInt64?,
        status: ImageStatus, reason: String? = nil, width: Int? = nil, height: Int? = nil, format: String? = nil,
        split: String? = nil, patient: String? = nil, seenAt: Date = Date(), pixelChecksum: UInt64? = nil
    ) {
        self.id = id
        self.pixelChecksum = pixelChecksum
        self.datasetID = datasetID
        self.path = path
        self.size = size
        self.mtimeNs = mtimeNs
        self.checksum = checksum
        self.status = status
        self.reason = reason
        self.width = width
        self.height = height
        self.format = format
        self.split = split
        self.patient = patient
        self.seenAt = seenAt
    }
}

/// A feature vector read from the cache.
public struct CachedFeatures: Sendable, Equatable {
    /// Quantized features, one UInt16 per dimension.
    public var vector: [UInt16]
    /// True when every pixel of the image has the same value.
    public var isConstant: Bool

    public init(vector: [UInt16], isConstant: Bool) {
        self.vector = vector
        self.isConstant = isConstant
    }
}

/// The life cycle of an audit. An audit starts as `running`, and `Store.finishAudit` moves it to one of the
/// other states once.
public enum AuditStatus: String, Sendable, Equatable, CaseIterable {
    case running
    case done
    case failed
    case cancelled
}

/// One run of the audit over a dataset with one label source.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    public var datasetID: Int64
    public var labelSource: String
    /// Fingerprint of the feature extractor and its settings; feature cache rows with another fingerprint do not apply.
    public var fingerprint: String
    public var startedAt: Date
    /// Nil while `status` is `running`.
    public var finishedAt: Date?
    public var status: AuditStatus
    /// Audit parameters as a JSON document.
    public var parametersJSON: String
    /// The rendered report as a JSON document, if the audit produced one.
    public var reportJSON: String?
    public var softwareVersion: String

    public init(
        id: Int64, datasetID: Int64, labelSource: String, fingerprint: String, startedAt: Date, finishedAt: Date?,
        status: AuditStatus, parametersJSON: String, reportJSON: String?, softwareVersion: String
    ) {
        self.id = id
        self.datasetID = datasetID
        self.labelSource = labelSource
        self.fingerprint = fingerprint
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.parametersJSON = parametersJSON
        self.reportJSON = reportJSON
        self.softwareVersion = softwareVersion
    }
}

/// A candidate binary labelling task, unique per dataset, label source and name.
public struct TaskRecord: Sendable, Equatable {
    public var id: Int64?
    public var datasetID: Int64
    public var labelSource: String
    public var name: String
    /// Task definition (which labels count as positive and which as negative) as a JSON document.
    public var definitionJSON: String
    /// Number of positive and negative images (each at least 0).
    public var positives: Int
    public var negatives: Int

    public init(
        id: Int64? = nil, datasetID: Int64, labelSource: String, name: String, definitionJSON: String,
        positives: Int, negatives: Int
    ) {
        self.id = id
        self.datasetID = datasetID
        self.labelSource = labelSource
        self.name = name
        self.definitionJSON = definitionJSON
        self.positives = positives
        self.negatives = negatives
    }
}

/// One estimate produced by an audit, for a task or (with `taskID` nil) for the whole dataset.
///
/// `value`, `ciLow` and `ciHigh` must be finite when present. When an estimate is undefined, `value` is nil and
/// `reason` gives the cause. The store rejects a nil `value` without a reason.
public struct MeasurementRecord: Sendable, Equatable {
    public var id: Int64?
    public var auditID: Int64
    public var taskID: Int64?
    public var datasetID: Int64
    /// The estimator, for example `label_sharpness`, `mle` or `twonn`.
    public var kind: String
    public var value: Double?
    /// Confidence interval bounds; `ciLow <= ciHigh` when both are present.
    public var ciLow: Double?
    public var ciHigh: Double?
    /// Cause of a nil `value`, for example `fewer than 3 distinct points`.
    public var reason: String?
    /// Estimator parameters as a JSON document.
    public var parametersJSON: String
    /// Random seeds used, as a JSON document.
    public var seedsJSON: String
    /// Number of images the estimate used.
    public var sampleSize: Int
    public var fingerprint: String
    public var labelSource: String
    public var softwareVersion: String
    public var createdAt: Date

    public init(
        id: Int64? = nil, auditID: Int64, taskID: Int64?, datasetID: Int64, kind: String, value: Double?,
        ciLow: Double? = nil, ciHigh: Double? = nil, reason: String? = nil, parametersJSON: String,
        seedsJSON: String, sampleSize: Int, fingerprint: String, labelSource: String, softwareVersion: String,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.auditID = auditID
        self.taskID = taskID
        self.datasetID = datasetID
        self.kind = kind
        self.value = value
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.reason = reason
        self.parametersJSON = parametersJSON
        self.seedsJSON = seedsJSON
        self.sampleSize = sampleSize
        self.fingerprint = fingerprint
        self.labelSource = labelSource
        self.softwareVersion = softwareVersion
        self.createdAt = createdAt
    }
}
