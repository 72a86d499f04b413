import Foundation
import Store

/// One task in the ranking comparison at the matched training-set size.
public struct RankedTask: Sendable, Codable, Equatable {
    public var dataset: String
    public var task: String
    public var kF: Double
    public var kFLow: Double?
    public var kFHigh: Double?
    /// Mean test loss over the seeds trained at the matched N.
    public var meanLoss: Double
    public var seeds: Int
    /// K_F divided by the smallest K_F in the comparison: the predicted loss relative to the easiest task.
    public var relativeDifficulty: RelativeDifficulty
}

/// Whether tasks with a higher K_F had a higher test loss when trained at the same N.
public struct RankingVerdict: Sendable, Codable, Equatable {
    /// Network name.
    public var model: String
    /// Dataset whose tasks are compared; nil when the caller pooled datasets.
    public var dataset: String?
    /// The training-set size shared by the most tasks (the largest such N on a tie).
    public var matchedN: Int
    /// Tasks ordered by K_F, easiest first.
    public var tasks: [RankedTask]
    public var kendall: KendallTau
    /// True with fewer than `RankingVerdict.minimumTasks` tasks.
    public var indicativeOnly: Bool
    /// `confirmed`, `consistent but not significant` or `not confirmed`, with a qualifier when indicative only.
    public var verdict: String
    /// Tasks left out, with the reason.
    public var excluded: [String: String]

    /// Fewer tasks than this give an indicative verdict only.
    public static let minimumTasks = 5
    /// Significance level of the confirmation.
    public static let significanceLevel = 0.05

    /// Compares the K_F ranking with the observed test-loss ranking of one network's tasks at a matched N, by
    /// Kendall's τ_b (see `KendallTau` for the p-value method).
    ///
    /// Throws `.insufficientData` when fewer than 2 tasks with a finite K_F share a training-set size.
    public init(_ observations: [ObservationRecord], model: String) throws(ScalingError) {
        let ofModel = observations.filter { $0.model == model }
        var excluded: [String: String] = [:]
        var byTask: [String: [ObservationRecord]] = [:]
        for observation in ofModel {
            let key = observation.dataset + " / " + observation.task
            if observation.kF == nil {
                excluded[key] = "K_F is infinite or unknown"
            } else {
                byTask[key, default: []].append(observation)
            }
        }

        var tasksBySize: [Int: Set<String>] = [:]
        for (key, records) in byTask {
            for record in records {
                tasksBySize[record.n, default: []].insert(key)
            }
        }
        guard let matched = tasksBySize.max(by: { ($0.value.count, $0.key) < ($1.value.count, $1.key) }),
              matched.value.count >= 2
        else {
            throw .insufficientData(
                "the ranking needs at least 2 tasks of network \(model) with a finite K_F trained at the same N, found "
                    + "\(byTask.count) task(s) with observations; train the tasks at a common training-set size"
            )
        }
        for key in byTask.keys where !matched.value.contains(key) {
            excluded[key] = "no observation at N = \(matched.key)"
        }

        var rows: [RankedTask] = []
        for key in matched.value.sorted() {
            let records = byTask[key]!.filter { $0.n == matched.key }
            let first = records[0]
            let meanLoss = records.reduce(0) { $0 + $1.testLoss } / Double(records.count)
            rows.append(RankedTask(
                dataset: first.dataset, task: first.task, kF: first.kF!, kFLow: first.kFLow, kFHigh: first.kFHigh,
                meanLoss: meanLoss, seeds: records.count,
                relativeDifficulty: RelativeDifficulty(ratio: nil, low: nil, high: nil, status: .notAvailable, reason: nil)
            ))
        }
        rows.sort { ($0.kF, $0.task) < ($1.kF, $1.task) }
        let easiest = TaskAuditValues(kF: rows[0].kF, kFLow: rows[0].kFLow, kFHigh: rows[0].kFHigh, dDataMLE: nil)
        for index in rows.indices {
            let values = TaskAuditValues(
                kF: rows[index].kF, kFLow: rows[index].kFLow, kFHigh: rows[index].kFHigh, dDataMLE: nil
            )
            rows[index].relativeDifficulty = RelativeDifficulty(values, relativeTo: easiest)
        }

        let kendall = try KendallTau(rows.map(\.kF), rows.map(\.meanLoss))
        let indicative = rows.count < Self.minimumTasks
        var verdict: String
        if kendall.tau > 0 && kendall.pValue < Self.significanceLevel {
            verdict = "confirmed"
        } else if kendall.tau > 0 {
            verdict = "consistent but not significant"
        } else {
            verdict = "not confirmed"
        }
        if indicative {
            verdict += " (indicative only: fewer than \(Self.minimumTasks) tasks)"
        }

        self.model = model
        self.matchedN = matched.key
        self.tasks = rows
        self.kendall = kendall
        self.indicativeOnly = indicative
        self.verdict = verdict
        self.excluded = excluded
    }
}
