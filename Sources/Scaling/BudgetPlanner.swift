import Foundation
import Store

/// A request for the training-set size that reaches a target on one task.
public struct BudgetRequest: Sendable, Equatable {
    public var task: String
    /// Canonical dataset root or imported dataset name; nil searches every audited dataset and every observation.
    public var dataset: String?
    /// Network name. Nil takes the network with the most observations of the task. For a task without any, it
    /// takes the network with the most observations that share the task's audit fingerprint.
    public var model: String?
    public var quantity: CurveQuantity
    /// A loss, or an error rate 1 − accuracy for `.errorRate`.
    public var target: Double

    public init(task: String, dataset: String? = nil, model: String? = nil, quantity: CurveQuantity, target: Double) {
        self.task = task
        self.dataset = dataset
        self.model = model
        self.quantity = quantity
        self.target = target
    }
}

/// A budget prediction with what it rests on.
public struct BudgetEstimate: Sendable, Codable, Equatable {
    public var task: String
    public var dataset: String
    public var model: String
    /// `learning curve of the task (…)` or `zero-shot (model A fit over X observations from Y tasks)`.
    public var basis: String
    public var prediction: BudgetPrediction
    /// The task's own curve, on the learning-curve path.
    public var curve: LearningCurve?
    /// The pooled model-A fit, on the zero-shot path. It is fitted without bootstrap.
    public var fit: ScalingLawFit?
    /// The task in the latest finished audit of its dataset, or nil when no audit measured it.
    public var audit: AuditedTask?
    /// Data factor for a 10 % lower loss under model A, over the d_data range (zero-shot only).
    public var tenPercentLowerLoss: DataMultiplier?
    /// Reason for the zero-shot path when the task has some observations.
    public var note: String?
}

/// Chooses between a task's own learning curve and the zero-shot model-A prediction.
public enum BudgetPlanner {
    /// Predicts N for `request` from the observations and audits in `store`.
    ///
    /// With observations at `LearningCurves.minimumSizes` or more distinct N for the chosen network, the task's
    /// own curve is used (`Budget.fromCurve`). Otherwise a loss target is predicted zero-shot by `Budget.zeroShot`
    /// from model A fitted to every observation of the network with the task's audit fingerprint, and K_F and
    /// d_data of the latest finished audit (or, without an audit, of the task's latest observation). Observations
    /// without audit values take them from the audit (see `AuditedTasks.fillingAuditValues`). The result passes
    /// through `Budget.limited` with the largest N of the curve or the fit.
    ///
    /// Throws `.notFound` when neither an audit nor an observation names the task, `.invalidArgument` when the task
    /// name occurs in several datasets and `request.dataset` is nil, and `.insufficientData` when the model-A fit
    /// has too few observations.
    public static func estimate(_ request: BudgetRequest, store: Store) throws(ScalingError) -> BudgetEstimate {
        guard request.target > 0, request.target.isFinite else {
            throw .invalidArgument("the target \(request.target) must be a positive number")
        }

        // Where the task lives.
        let audited = try AuditedTasks.all(store: store)
        let everyObservation = AuditedTasks.fillingAuditValues(try observations(store: store), from: audited)
        let dataset = try chooseDataset(request, audited: audited, observations: everyObservation)
        let auditTask = audited.first { $0.dataset == dataset && $0.task == request.task }
        let ofTask = everyObservation.filter { $0.dataset == dataset && $0.task == request.task }
        let fingerprint = auditTask?.auditFingerprint ?? ofTask.last?.auditFingerprint
        let sameFingerprint = everyObservation.filter { $0.auditFingerprint == fingerprint }
        let model = try chooseModel(request, ofTask: ofTask, sameFingerprint: sameFingerprint, fingerprint: fingerprint)

        // The task's own curve.
        let ofModel = ofTask.filter { $0.model == model }
        let points = LearningCurves.points(ofModel, quantity: request.quantity)
        var estimate = BudgetEstimate(
            task: request.task, dataset: dataset, model: model, basis: "", prediction: .unavailable(
                .notAvailable, quantity: request.quantity, target: request.target, method: "none",
                reason: "no method applied"
            ), curve: nil, fit: nil, audit: auditTask, tenPercentLowerLoss: nil, note: nil
        )
        if points.count >= LearningCurves.minimumSizes {
            let curve = try LearningCurves.fit(points, quantity: request.quantity)
            let sizes = points.map(\.n)
            estimate.curve = curve
            estimate.basis = "learning curve of the task (\(points.count) sizes, N = \(sizes.min()!) to \(sizes.max()!))"
            estimate.prediction = Budget.limited(Budget.fromCurve(curve, target: request.target),
                                                 largestObservedN: sizes.max())
            return estimate
        }
        if !points.isEmpty {
            estimate.note = "the task has observations at \(points.count) size(s) with network \(model), fewer than "
                + "the \(LearningCurves.minimumSizes) its own learning curve needs"
        }

        // Zero-shot from model A.
        guard request.quantity == .loss else {
            estimate.basis = "zero-shot"
            estimate.prediction = .unavailable(
                .notAvailable, quantity: request.quantity, target: request.target, method: "zero-shot model A",
                reason: "model A predicts loss only and the task has no learning curve; pass a target loss or "
                    + "train the task at \(LearningCurves.minimumSizes) or more sizes"
            )
            return estimate
        }
        guard let values = auditTask?.values ?? ofTask.last.map(auditValues) else {
            throw .notFound("no audit values (K_F, d_data) of task \(request.task) in \(dataset); audit the dataset")
        }
        let fit = try ScalingLaw.fit(sameFingerprint.filter { $0.model == model },
                                     options: ScalingLawOptions(bootstrapReplicates: 0))
        estimate.fit = fit
        estimate.basis = "zero-shot (model A fit over \(fit.observationCount) observations from \(fit.taskCount) tasks)"
        estimate.prediction = Budget.limited(
            Budget.zeroShot(fit, task: values, targetLoss: request.target),
            largestObservedN: sameFingerprint.filter { $0.model == model }.map(\.n).max()
        )
        let dimension = fit.dimension == .mle ? values.dDataMLE : values.dDataTwoNN
        if let d = dimension {
            estimate.tenPercentLowerLoss = try? Budget.dataMultiplier(
                lossRatio: 0.9, b: fit.modelA.b.value, d: d, dLow: values.dDataLow ?? d, dHigh: values.dDataHigh ?? d
            )
        }
        return estimate
    }

    // MARK: - Steps

    private static func observations(store: Store) throws(ScalingError) -> [ObservationRecord] {
        do {
            return try store.observations()
        } catch {
            throw .storeFailed(error.description)
        }
    }

    private static func chooseDataset(
        _ request: BudgetRequest, audited: [AuditedTask], observations: [ObservationRecord]
    ) throws(ScalingError) -> String {
        var datasets = Set(audited.filter { $0.task == request.task }.map(\.dataset))
        datasets.formUnion(observations.filter { $0.task == request.task }.map(\.dataset))
        if let wanted = request.dataset {
            datasets = datasets.filter { $0 == wanted }
        }

        guard let first = datasets.sorted().first else {
            let place = request.dataset.map { " of \($0)" } ?? ""
            throw .notFound("no audit\(place) measured task \(request.task) and no observation names it; audit the "
                + "dataset, or train or import observations of the task")
        }
        guard datasets.count == 1 else {
            throw .invalidArgument("task \(request.task) occurs in \(datasets.count) datasets ("
                + datasets.sorted().joined(separator: ", ") + "); name one of them as the dataset")
        }
        return first
    }

    private static func chooseModel(
        _ request: BudgetRequest, ofTask: [ObservationRecord], sameFingerprint: [ObservationRecord],
        fingerprint: String?
    ) throws(ScalingError) -> String {
        if let model = request.model {
            return model
        }
        if let model = mostObserved(ofTask) ?? mostObserved(sameFingerprint) {
            return model
        }
        throw .insufficientData("no observation shares the audit fingerprint \(fingerprint ?? "(none)") of task "
            + "\(request.task), so no network has a model-A fit to predict from; train or import observations of "
            + "tasks audited with the same preprocessing")
    }

    /// Returns the network with the most observations (the alphabetically first on a tie), or nil for none.
    static func mostObserved(_ observations: [ObservationRecord]) -> String? {
        let counts = Dictionary(grouping: observations, by: \.model).mapValues(\.count)
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    private static func auditValues(_ observation: ObservationRecord) -> TaskAuditValues {
        TaskAuditValues(
            kF: observation.kF, kFLow: observation.kFLow, kFHigh: observation.kFHigh, dDataMLE: observation.dDataMLE,
            dDataTwoNN: observation.dDataTwoNN, dDataLow: observation.dDataLow, dDataHigh: observation.dDataHigh
        )
    }
}
