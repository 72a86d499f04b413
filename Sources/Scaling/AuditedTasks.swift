import Audit
import Foundation
import Store

// The audit side of the scaling predictions: K_F and d_data of every task measured by the latest finished audit of
// a dataset, read from the audit's stored JSON report, so tasks without training observations can be ranked and
// budgeted.

/// One task of the latest finished audit of a dataset, with the values the scaling predictions use.
public struct AuditedTask: Sendable, Codable, Equatable {
    /// Canonical root of the audited dataset, the same string `train` stores in `ObservationRecord.dataset`.
    public var dataset: String
    public var task: String
    /// Name under which the audit measured the task: an earlier task with the same split of the images, or `task`.
    public var measuredAs: String
    public var auditID: Int64
    /// Preprocessing fingerprint of the audit; K_F values are comparable only within one fingerprint.
    public var auditFingerprint: String
    /// True when identical images carry different labels, so K_F is infinite and `values.kF` is nil.
    public var kFInfinite: Bool
    /// K_F with its 95 % interval, and d_data by MLE and TwoNN with the widest range over both estimators' values and
    /// 95 % intervals.
    public var values: TaskAuditValues
}

/// Reads audited tasks from a store.
public enum AuditedTasks {
    /// Returns every task of the latest finished audit of the dataset at canonical `root`, in report order.
    ///
    /// Throws `.notFound` when the store has no finished audit of `root`, and `.storeFailed` when the store or the
    /// stored report cannot be read.
    public static func latest(store: Store, root: String) throws(ScalingError) -> [AuditedTask] {
        let dataset: DatasetRecord?
        do {
            dataset = try store.dataset(root: root)
        } catch {
            throw .storeFailed(error.description)
        }
        guard let dataset else {
            throw .notFound("no audit of \(root) in \(store.path); run 'intrinsic-audit audit \(root)' first")
        }
        guard let tasks = try latest(store: store, dataset: dataset) else {
            throw .notFound("no finished audit of \(root) in \(store.path); run 'intrinsic-audit audit \(root)' first")
        }
        return tasks
    }

    /// Returns the tasks of the latest finished audit of every dataset in the store, dataset by dataset in id order.
    /// Datasets without a finished audit contribute nothing.
    public static func all(store: Store) throws(ScalingError) -> [AuditedTask] {
        var tasks: [AuditedTask] = []
        for dataset in try datasets(store: store) {
            tasks += try latest(store: store, dataset: dataset) ?? []
        }
        return tasks
    }

    /// Returns the tasks of one dataset (`root` given) or of every audited dataset (`root` nil).
    public static func load(store: Store, root: String?) throws(ScalingError) -> [AuditedTask] {
        if let root {
            return try latest(store: store, root: root)
        }
        return try all(store: store)
    }

    /// Converts one task of a decoded audit report, following `same_as` to the task that was measured.
    public static func task(_ entry: TaskReport, of report: AuditReport, auditID: Int64, root: String) -> AuditedTask {
        var measured = entry
        if let earlier = entry.sameAs, let found = report.tasks.first(where: { $0.name == earlier }) {
            measured = found
        }

        let sharpness = measured.labelSharpness
        let mle = measured.intrinsicDimension.mle
        let twoNN = measured.intrinsicDimension.twonn
        let spread = [mle.value, twoNN.value].compactMap { $0 } + (mle.ci95 ?? []) + (twoNN.ci95 ?? [])
        let interval = sharpness.infinite ? nil : sharpness.ci95
        let values = TaskAuditValues(
            kF: sharpness.infinite ? nil : sharpness.mean, kFLow: interval?.first, kFHigh: interval?.last,
            dDataMLE: mle.value, dDataTwoNN: twoNN.value, dDataLow: spread.min(), dDataHigh: spread.max()
        )
        return AuditedTask(
            dataset: root, task: entry.name, measuredAs: measured.name, auditID: auditID,
            auditFingerprint: report.preprocessing.fingerprint, kFInfinite: sharpness.infinite, values: values
        )
    }

    /// Fills the audit values of observations that carry none (no K_F, no d_data and no fingerprint, as in a CSV
    /// import without those columns) from the audited task of the same dataset and name. Other observations are
    /// returned unchanged, so values recorded at training time always win.
    public static func fillingAuditValues(_ observations: [ObservationRecord], from audited: [AuditedTask]) -> [ObservationRecord] {
        var byKey: [String: AuditedTask] = [:]
        for task in audited {
            byKey[task.dataset + "\u{0}" + task.task] = task
        }

        return observations.map { observation in
            let hasAuditValues = observation.kF != nil || observation.dDataMLE != nil || observation.dDataTwoNN != nil
                || observation.auditFingerprint != nil
            guard !hasAuditValues, let task = byKey[observation.dataset + "\u{0}" + observation.task] else {
                return observation
            }
            var filled = observation
            filled.kF = task.values.kF
            filled.kFLow = task.values.kFLow
            filled.kFHigh = task.values.kFHigh
            filled.dDataMLE = task.values.dDataMLE
            filled.dDataTwoNN = task.values.dDataTwoNN
            filled.dDataLow = task.values.dDataLow
            filled.dDataHigh = task.values.dDataHigh
            filled.auditFingerprint = task.auditFingerprint
            return filled
        }
    }

    // MARK: - Steps

    private static func latest(store: Store, dataset: DatasetRecord) throws(ScalingError) -> [AuditedTask]? {
        let audit: AuditRecord?
        do {
            audit = try store.latestAudit(datasetID: dataset.id)
        } catch {
            throw .storeFailed(error.description)
        }
        guard let audit, let json = audit.reportJSON else { return nil }

        let report: AuditReport
        do {
            report = try JSONDecoder().decode(AuditReport.self, from: Data(json.utf8))
        } catch {
            throw .storeFailed("the stored report of audit \(audit.id) (\(dataset.root)) cannot be decoded: \(error); "
                + "audit the dataset again")
        }
        return report.tasks.map { task($0, of: report, auditID: audit.id, root: dataset.root) }
    }

    /// Lists every stored dataset.
    static func datasets(store: Store) throws(ScalingError) -> [DatasetRecord] {
        do {
            return try store.datasets()
        } catch {
            throw .storeFailed(error.description)
        }
    }
}
