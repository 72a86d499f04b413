import Foundation
import Store

/// One audited task in the ranking, with its predicted loss relative to the reference task.
public struct AuditRankingRow: Sendable, Codable, Equatable {
    public var dataset: String
    public var task: String
    public var auditID: Int64
    public var auditFingerprint: String
    public var kFInfinite: Bool
    public var values: TaskAuditValues
    /// `dataset / task` of the reference: the task with the smallest finite positive K_F among the tasks audited
    /// with the same fingerprint. Nil when that group has no such task.
    public var reference: String?
    /// Predicted L / L_reference ≈ K_F / K_F,reference at the same network and N, with the interval from both
    /// K_F intervals.
    public var relativeDifficulty: RelativeDifficulty
    /// Stored observations of the task, over every network.
    public var observationCount: Int
    /// Networks with observations of the task, sorted.
    public var models: [String]
}

/// Every audited task ranked by K_F, with the observed-loss verdict where observations allow one.
public struct AuditRanking: Sendable, Codable, Equatable {
    /// Grouped by audit fingerprint (in order of first appearance), then by K_F ascending, infinite K_F last.
    public var rows: [AuditRankingRow]
    /// One verdict per network and dataset whose observations allow it. K_F values are compared only
    /// within one dataset, whose tasks share the audit's images and preprocessing.
    public var verdicts: [RankingVerdict]
    /// Networks with observations but no verdict, keyed "network (dataset)", with the reason.
    public var verdictsUnavailable: [String: String]
    /// `dataset / task` of tasks that have observations but no finished audit.
    public var observedWithoutAudit: [String]

    /// Ranks `audited` and compares each network's observations by `RankingVerdict`. `model` nil uses every
    /// network present in `observations`. Observations without audit values are filled from `audited` first.
    public init(audited: [AuditedTask], observations: [ObservationRecord], model: String? = nil) {
        let filled = AuditedTasks.fillingAuditValues(observations, from: audited)
        var byTask: [String: [ObservationRecord]] = [:]
        for observation in filled {
            byTask[Self.key(observation.dataset, observation.task), default: []].append(observation)
        }

        // Rows, grouped by fingerprint.
        var fingerprints: [String] = []
        for task in audited where !fingerprints.contains(task.auditFingerprint) {
            fingerprints.append(task.auditFingerprint)
        }
        var rows: [AuditRankingRow] = []
        for fingerprint in fingerprints {
            let group = audited.filter { $0.auditFingerprint == fingerprint }.sorted(by: Self.easierFirst)
            let reference = group.first { ($0.values.kF ?? 0) > 0 }
            for task in group {
                let observed = byTask[Self.key(task.dataset, task.task)] ?? []
                let relative = reference.map { RelativeDifficulty(task.values, relativeTo: $0.values) }
                    ?? RelativeDifficulty(ratio: nil, low: nil, high: nil, status: .notAvailable,
                                          reason: "no task audited with this fingerprint has a finite positive K_F")
                rows.append(AuditRankingRow(
                    dataset: task.dataset, task: task.task, auditID: task.auditID, auditFingerprint: fingerprint,
                    kFInfinite: task.kFInfinite, values: task.values,
                    reference: reference.map { Self.key($0.dataset, $0.task) }, relativeDifficulty: relative,
                    observationCount: observed.count, models: Array(Set(observed.map(\.model))).sorted()
                ))
            }
        }

        // Verdicts from observations.
        var verdicts: [RankingVerdict] = []
        var unavailable: [String: String] = [:]
        let models = model.map { [$0] } ?? Array(Set(filled.map(\.model))).sorted()
        let datasets = Array(Set(filled.map(\.dataset))).sorted()
        for name in models {
            for dataset in datasets {
                let ofDataset = filled.filter { $0.dataset == dataset }
                guard ofDataset.contains(where: { $0.model == name }) else { continue }
                do {
                    var verdict = try RankingVerdict(ofDataset, model: name)
                    verdict.dataset = dataset
                    verdicts.append(verdict)
                } catch {
                    unavailable["\(name) (\(dataset))"] = error.description
                }
            }
        }

        let auditedKeys = Set(audited.map { Self.key($0.dataset, $0.task) })
        self.rows = rows
        self.verdicts = verdicts
        self.verdictsUnavailable = unavailable
        self.observedWithoutAudit = byTask.keys.filter { !auditedKeys.contains($0) }.sorted()
    }

    /// Loads the audited tasks and observations of one dataset (`dataset` given) or of the whole store, and ranks
    /// them. A dataset without a finished audit but with observations (an imported name) ranks its observations.
    ///
    /// Throws `.notFound` when the selection has neither a finished audit nor an observation.
    public static func load(store: Store, dataset: String?, model: String?) throws(ScalingError) -> AuditRanking {
        var audited: [AuditedTask] = []
        do {
            audited = try AuditedTasks.load(store: store, root: dataset)
        } catch .notFound {
            audited = []
        }

        let observations: [ObservationRecord]
        do {
            observations = try store.observations(model: model, dataset: dataset)
        } catch {
            throw .storeFailed(error.description)
        }
        guard !audited.isEmpty || !observations.isEmpty else {
            let place = dataset.map { " of \($0)" } ?? ""
            throw .notFound("no finished audit and no observations\(place) in \(store.path); run 'intrinsic-audit "
                + "audit FOLDER' first")
        }
        return AuditRanking(audited: audited, observations: observations, model: model)
    }

    static func key(_ dataset: String, _ task: String) -> String {
        dataset + " / " + task
    }

    /// Orders by K_F ascending with infinite or unknown K_F last, then by dataset and task name.
    private static func easierFirst(_ first: AuditedTask, _ second: AuditedTask) -> Bool {
        let left = first.values.kF ?? .infinity
        let right = second.values.kF ?? .infinity
        if left != right {
            return left < right
        }
        return (first.dataset, first.task) < (second.dataset, second.task)
    }
}
