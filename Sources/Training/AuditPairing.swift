import Audit
import Foundation
import Store

/// The audit measurements a training is paired with: the task's K_F and d_data from the latest
/// finished audit of the same dataset, and that audit's preprocessing fingerprint.
public struct PairedMeasurements: Sendable, Codable, Equatable {
    public var auditID: Int64
    public var auditFingerprint: String
    /// Name under which the audit measured the task (an equivalent earlier task for a task
    /// that splits the same images the same way).
    public var measuredAs: String
    /// Mean K_F over runs; nil when infinite (identical images with different labels) or undefined.
    public var kF: Double?
    public var kFInterval: [Double]?
    public var kFInfinite: Bool
    public var dDataMLE: Double?
    public var dDataTwoNN: Double?
    /// Widest range over both estimators' 95% intervals and values.
    public var dDataLow: Double?
    public var dDataHigh: Double?

    enum CodingKeys: String, CodingKey {
        case auditID = "audit_id", auditFingerprint = "audit_fingerprint", measuredAs = "measured_as"
        case kF = "k_f", kFInterval = "k_f_ci95", kFInfinite = "k_f_infinite"
        case dDataMLE = "d_data_mle", dDataTwoNN = "d_data_twonn", dDataLow = "d_data_low", dDataHigh = "d_data_high"
    }
}

/// Finds the paired measurements of `task` for the dataset at canonical `root`, or nil with the
/// reason when the store contains no finished audit of it that measured the task.
public func pairedMeasurements(store: Store, root: String, task: String) throws(StoreError) -> (PairedMeasurements?, String?) {
    guard let dataset = try store.dataset(root: root) else {
        return (nil, "no audit of \(root) in the store; run 'intrinsic-audit audit \(root)' first to pair K_F and d_data")
    }
    guard let audit = try store.latestAudit(datasetID: dataset.id), let json = audit.reportJSON,
          let report = try? JSONDecoder().decode(AuditReport.self, from: Data(json.utf8)) else {
        return (nil, "no finished audit of \(root) in the store; run 'intrinsic-audit audit \(root)' first to pair K_F and d_data")
    }
    guard var entry = report.tasks.first(where: { $0.name == task }) else {
        return (nil, "the latest audit (id \(audit.id)) did not measure task \(task); audit it with --tasks '\(task)'")
    }
    if let earlier = entry.sameAs, let measured = report.tasks.first(where: { $0.name == earlier }) {
        entry = measured
    }

    let sharpness = entry.labelSharpness
    let mle = entry.intrinsicDimension.mle
    let twoNN = entry.intrinsicDimension.twonn
    let spread = [mle.value, twoNN.value].compactMap { $0 } + (mle.ci95 ?? []) + (twoNN.ci95 ?? [])
    return (PairedMeasurements(
        auditID: audit.id, auditFingerprint: report.preprocessing.fingerprint, measuredAs: entry.name,
        kF: sharpness.infinite ? nil : sharpness.mean, kFInterval: sharpness.infinite ? nil : sharpness.ci95,
        kFInfinite: sharpness.infinite, dDataMLE: mle.value, dDataTwoNN: twoNN.value,
        dDataLow: spread.min(), dDataHigh: spread.max()), nil)
}
