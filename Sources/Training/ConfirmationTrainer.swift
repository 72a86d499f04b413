import Audit
import Datasets
import Foundation
import ImageIO
import LinearAlgebra
import NeuralNet
import Store

/// A training request: one task of one dataset, over a ladder of training-set sizes and seeds.
public struct TrainingRequest: Sendable {
    public var dataset: AuditOptions
    public var task: String
    public var model: ModelKind = .resnet
    /// Training-set totals, half per class (default 250, 500, 1000).
    public var sizes: [Int] = [250, 500, 1000]
    /// Requested test-set total, half per class (default 500).
    public var testSize: Int = 500
    public var seeds: [Int] = [0, 1, 2]
    public var maxEpochs: Int = 60
    /// Side of the square training input in pixels (default 64), separate from the audit's resolution.
    public var inputSide: Int = 64
    /// Worker and BLAS threads; 0 uses every core.
    public var threads: Int = 0
    /// Folder for weight files; nil keeps them in `weights/` beside the database.
    public var weightsDirectory: String?
    /// FGSM step sizes in 8-bit levels: ε = level / 255 (default 1, 2, 8).
    public var fgsmLevels: [Int] = [1, 2, 8]

    public init(dataset: AuditOptions, task: String) {
        self.dataset = dataset
        self.task = task
    }
}

public enum TrainingRunError: Error, CustomStringConvertible, Sendable {
    case dataset(String)
    case task(String)
    case cancelled(completedRuns: Int)
    case store(String)
    case weights(String)

    public var description: String {
        switch self {
        case let .dataset(message), let .task(message), let .store(message), let .weights(message):
            return message
        case let .cancelled(completed):
            return "training cancelled; \(completed) finished trainings are stored, the interrupted one is not"
        }
    }
}

/// Trains a small CNN on a task's class-balanced training sets of growing size, evaluates each on
/// one fixed test set, and stores one observation per training (Konz & Mazurowski, ICLR 2024,
/// arXiv 2401.08865, confirmation of the label-sharpness ranking).
///
/// Each training is stored whole or not at all: the weight file is written under a temporary
/// name, the observation is inserted in one transaction, and only then is the file renamed into
/// place. A cancelled or failed training leaves no observation and no weight file.
public final class ConfirmationTrainer {
    let store: Store
    let request: TrainingRequest
    let cancellation: CancellationFlag
    let progress: (@Sendable (TrainingProgress) -> Void)?

    public init(
        store: Store, request: TrainingRequest, cancellation: CancellationFlag = CancellationFlag(),
        progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) {
        self.store = store
        self.request = request
        self.cancellation = cancellation
        self.progress = progress
    }

    public func run() throws(TrainingRunError) -> TrainingReport {
        let threads = request.threads > 0 ? request.threads : ProcessInfo.processInfo.activeProcessorCount
        BLAS.setThreads(threads)

        // Task and images, resolved as the audit resolves them.
        let prepared: PreparedTasks
        do {
            prepared = try Auditor(store: store, options: request.dataset).prepareTasks()
        } catch {
            throw .dataset("\(error)")
        }
        guard let task = prepared.tasks.first(where: { $0.name == request.task }) else {
            let known = prepared.tasks.map(\.name).joined(separator: ", ")
            throw .task("no task named '\(request.task)' in \(prepared.root); candidate tasks: \(known)")
        }
        var settings = prepared.config.preprocessing
        settings.resolution = request.inputSide
        settings.channels = .grey
        progress?(.decoding(images: task.labels.count))
        let data = TrainingData(listing: prepared.listing, task: task, settings: settings, threads: threads)

        // Sets, and the audit measurements this training is paired with.
        let plan: TrainingPlan
        do {
            plan = try TrainingPlan(candidates: data.candidates, sizes: request.sizes, testSize: request.testSize, seed: 0)
        } catch {
            throw .task("task \(task.name): \(error)")
        }
        let (paired, pairingNote): (PairedMeasurements?, String?)
        do {
            (paired, pairingNote) = try pairedMeasurements(store: store, root: prepared.root, task: task.name)
        } catch {
            throw .store("\(error)")
        }
        var notes = plan.notes
        if !data.failures.isEmpty { notes.append("\(data.failures.count) images could not be decoded and were left out, first: \(data.failures[0].path): \(data.failures[0].reason)") }
        if data.duplicatesRemoved > 0 { notes.append("\(data.duplicatesRemoved) exact duplicate images reduced to one copy each") }
        if data.conflictingDuplicatesRemoved > 0 { notes.append("\(data.conflictingDuplicatesRemoved) identical images with different labels left out") }

        var report = TrainingReport(
            dataset: prepared.root, task: task.name, model: request.model.rawValue,
            parameters: Network(kind: request.model, inputSide: request.inputSide, seed: 0).parameterCount,
            inputSide: request.inputSide, trainingPreprocessing: settings.canonicalDescription,
            trainingFingerprint: settings.fingerprint, paired: paired, pairingNote: pairingNote,
            testSource: plan.testSource, testImages: plan.testSet.count, sizes: plan.ladder.map(\.size),
            seeds: request.seeds, maxEpochs: request.maxEpochs, threads: threads, notes: notes,
            undecodable: data.failures.count, database: store.path, weightsDirectory: weightsFolder, runs: [])

        // The ladder: every size with every seed.
        let test = data.batch(plan.testSet)
        for (size, members) in plan.ladder {
            for seed in request.seeds {
                let run = try trainOne(
                    size: size, members: members, seed: seed, data: data, test: test,
                    task: task.name, root: prepared.root, paired: paired, settings: settings, completed: report.runs.count)
                report.runs.append(run)
                progress?(.finished(run))
            }
        }
        return report
    }

    /// Trains, evaluates and stores one (N, seed).
    private func trainOne(
        size: Int, members: [Int], seed: Int, data: TrainingData, test: (images: [Float], labels: [Float]),
        task: String, root: String, paired: PairedMeasurements?, settings: PreprocessingSettings, completed: Int
    ) throws(TrainingRunError) -> TrainingRunReport {
        let training = data.batch(members)
        let network = Network(kind: request.model, inputSide: request.inputSide, seed: UInt64(seed))
        let trainingSettings = TrainingSettings(maxEpochs: request.maxEpochs, seed: UInt64(seed))
        let cancellation = self.cancellation
        let progress = self.progress
        let outcome: TrainingOutcome
        do {
            outcome = try train(
                network, images: training.images, labels: training.labels, settings: trainingSettings,
                isCancelled: { cancellation.isCancelled },
                onEpoch: { epoch in
                    progress?(.epoch(
                        n: size, seed: seed, epoch: epoch.epoch, maxEpochs: self.request.maxEpochs, loss: epoch.meanLoss,
                        trainingAccuracy: epoch.trainingAccuracy, seconds: epoch.seconds))
                })
        } catch {
            if case .cancelled = error { throw .cancelled(completedRuns: completed) }
            throw .task("training N = \(size), seed \(seed) failed: \(error)")
        }

        // Test metrics, FGSM penalties and d_repr.
        progress?(.evaluating(n: size, seed: seed))
        let evaluation = Evaluation(network: network, test: test, fgsmLevels: request.fgsmLevels)
        let representation = training.images.withUnsafeBufferPointer { network.evaluate($0, count: members.count).features }
        let dRepr = representationDimension(
            features: representation, count: members.count, width: Network.featureCount, seed: UInt64(seed), threads: request.threads > 0 ? request.threads : 2)
        if cancellation.isCancelled { throw .cancelled(completedRuns: completed) }

        var run = TrainingRunReport(
            n: size, seed: seed, epochs: outcome.epochs, reachedFullAccuracy: outcome.reachedFullAccuracy,
            finalTrainingAccuracy: outcome.history.last?.trainingAccuracy ?? 0,
            testLoss: evaluation.metrics.loss, testAccuracy: evaluation.metrics.accuracy, testAUC: evaluation.metrics.auc,
            fgsmPenalty: evaluation.fgsmPenalty, dRepr: ["twonn": dRepr.twoNN.value, "mle": dRepr.mle.value],
            dReprDetail: dRepr, wallSeconds: outcome.seconds, imagesPerSecond: outcome.imagesPerSecond,
            observationID: nil, weightsPath: nil)

        // Weights under a temporary name, the observation, then the final name.
        let record = ObservationRecord(
            dataset: root, task: task, model: request.model.rawValue, seed: seed, n: size,
            testLoss: run.testLoss, testAccuracy: run.testAccuracy, testAUC: run.testAUC,
            fgsmPenalty: run.fgsmPenalty, dRepr: run.dRepr.compactMapValues { $0 },
            kF: paired?.kF, kFLow: paired?.kFInterval?.first, kFHigh: paired?.kFInterval?.last,
            dDataMLE: paired?.dDataMLE, dDataTwoNN: paired?.dDataTwoNN, dDataLow: paired?.dDataLow, dDataHigh: paired?.dDataHigh,
            auditFingerprint: paired?.auditFingerprint, trainingFingerprint: settings.fingerprint,
            epochs: outcome.epochs, wallSeconds: outcome.seconds, imagesPerSecond: outcome.imagesPerSecond,
            source: "trained", weightsPath: nil)
        let (observationID, weightsPath) = try storeRun(record, network: network, root: root, task: task)
        run.observationID = observationID
        run.weightsPath = weightsPath
        return run
    }

    /// Writes the weights beside a temporary name, inserts the observation, renames the weights.
    private func storeRun(
        _ record: ObservationRecord, network: Network, root: String, task: String
    ) throws(TrainingRunError) -> (Int64, String) {
        let folder = weightsFolder
        let stamp = String(Int(Date().timeIntervalSince1970 * 1000))
        let datasetTag = String(contentChecksum(Array(root.utf8)) & 0xFFFF_FFFF, radix: 16)
        let safeTask = String(task.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
        let name = "\(datasetTag)-\(safeTask)-\(record.model)-n\(record.n)-s\(record.seed)-\(stamp).f32"
        let final = URL(fileURLWithPath: folder).appendingPathComponent(name)
        let temporary = URL(fileURLWithPath: folder).appendingPathComponent(".partial-" + name)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try network.saveWeights(to: temporary)
        } catch {
            throw .weights("cannot write weights to \(folder): \(error); pass --weights-dir with a writable folder")
        }

        var stored = record
        stored.weightsPath = final.path
        let id: Int64
        do {
            id = try store.insertObservations([stored])[0]
        } catch {
            removeWeights(temporary)
            throw .store("\(error)")
        }
        do {
            try FileManager.default.moveItem(at: temporary, to: final)
            try FileManager.default.moveItem(
                at: URL(fileURLWithPath: temporary.path + ".json"), to: URL(fileURLWithPath: final.path + ".json"))
        } catch {
            throw .weights("observation \(id) is stored but its weights could not be renamed to \(final.path): \(error)")
        }
        return (id, final.path)
    }

    /// `--weights-dir`, or `weights/` beside the database.
    var weightsFolder: String {
        request.weightsDirectory
            ?? URL(fileURLWithPath: store.path).deletingLastPathComponent().appendingPathComponent("weights").path
    }

    private func removeWeights(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
        try? FileManager.default.removeItem(atPath: url.path + ".json")
    }
}
