import Datasets
import Estimators
import Foundation
import ImageIO
import LinearAlgebra
import Store

/// Runs one audit of a dataset folder end to end: configuration, scan, labels, decoding with
/// the feature cache, duplicate removal, K_F and d_data per task, ranking and storage.
///
/// The audit row is created first with status `running`. Each task's measurements are committed
/// as the task finishes, and the report is stored last with status `done`. A cancelled or failed
/// audit keeps the cached images and the finished tasks' measurements, and its row says so.
public final class Auditor {
    let store: Store
    let options: AuditOptions
    let cancellation: CancellationFlag
    let progress: AuditProgressHandler?
    let session: AuditSession?

    /// `session`, when given, keeps what this audit measured and lets it update what an earlier
    /// audit in the same session measured on the same images and settings.
    public init(
        store: Store, options: AuditOptions, cancellation: CancellationFlag = CancellationFlag(),
        progress: AuditProgressHandler? = nil, session: AuditSession? = nil
    ) {
        self.store = store
        self.options = options
        self.cancellation = cancellation
        self.progress = progress
        self.session = session
    }

    public func run() throws(AuditError) -> AuditReport {
        let started = Date()
        var timings: [String: Double] = [:]
        func lap(_ name: String, since: Date) { timings[name] = Date().timeIntervalSince(since) }

        // Configuration and parameters.
        let root = try canonicalRoot(options.root)
        var config: AuditConfig
        do {
            config = try AuditConfig.load(datasetRoot: root, overridePath: options.configPath).0
        } catch {
            throw .configuration("\(error)")
        }
        applyOverrides(&config)
        try validate(config)
        let threads = config.threads > 0 ? config.threads : ProcessInfo.processInfo.activeProcessorCount
        BLAS.setThreads(threads)
        let parameters = estimatorParameters(config, threads: threads)
        let settings = config.preprocessing

        // Scan and labels.
        let stageStart = Date()
        let scan: ScanResult
        let listing: LabelledListing
        do {
            scan = try scanDataset(root: root, options: config.scan)
            listing = try LabelledListing(scan: scan, labels: config.labels, tablePath: options.labelsPath.map(absolutePath))
        } catch {
            throw .dataset("\(error)")
        }
        let labelSource = describeLabelSource(config, listing: listing)
        let candidates = buildCandidateTasks(listing: listing, config: config)
        let tasks: [CandidateTask]
        do {
            tasks = try selectTasks(candidates, patterns: options.taskPattern, maxCandidates: config.tasks.maxCandidates)
        } catch {
            throw .tasks("\(error)")
        }
        guard !tasks.isEmpty else {
            throw .tasks(noTaskMessage(scan: scan, listing: listing, dropped: candidates.dropped))
        }
        lap("scan", since: stageStart)

        // Store rows for the dataset and this audit.
        let datasetID: Int64
        let auditID: Int64
        do {
            datasetID = try store.upsertDataset(root: root)
            auditID = try store.beginAudit(
                datasetID: datasetID, labelSource: labelSource, fingerprint: settings.fingerprint,
                parametersJSON: encodeJSON(parameterSummary(parameters)), softwareVersion: SoftwareVersion.current
            )
        } catch {
            throw .storeFailure(error)
        }

        do {
            return try runStages(
                root: root, scan: scan, listing: listing, tasks: tasks, dropped: candidates.dropped,
                settings: settings, parameters: parameters, labelSource: labelSource,
                datasetID: datasetID, auditID: auditID, started: started, timings: &timings
            )
        } catch {
            let status: AuditStatus
            if case .cancelled = error { status = .cancelled } else { status = .failed }
            try? store.finishAudit(id: auditID, status: status, reportJSON: nil)
            if case .cancelled = error { throw .cancelled(auditID: auditID) }
            throw error
        }
    }

    // MARK: - Stages

    private func runStages(
        root: String, scan: ScanResult, listing: LabelledListing, tasks: [CandidateTask], dropped: [DroppedTask],
        settings: PreprocessingSettings, parameters: EstimatorParameters, labelSource: String,
        datasetID: Int64, auditID: Int64, started: Date, timings: inout [String: Double]
    ) throws(AuditError) -> AuditReport {
        // Decode every scanned file (or reuse its cached vector).
        var stageStart = Date()
        try checkMemory(images: listing.images.count, vectorLength: settings.vectorLength)
        let features = QuantizedFeatureMatrix(rows: listing.images.count, columns: settings.vectorLength)
        let loader = FeatureLoader(
            store: store, datasetID: datasetID, settings: settings, threads: parameters.threads,
            cancellation: cancellation, progress: progress
        )
        var replacedNaNVoxels: [String: Int] = [:]
        let loaded = try loader.load(listing, into: features, replacedNaNVoxels: &replacedNaNVoxels)
        do {
            _ = try store.removeImages(datasetID: datasetID, notIn: Set(listing.images.map(\.file.relativePath)))
        } catch {
            throw .storeFailure(error)
        }
        timings["decode"] = Date().timeIntervalSince(stageStart)

        // Exact duplicates among the decoded images.
        stageStart = Date()
        let paths = listing.images.map(\.file.relativePath)
        let decodedRows = loaded.indices.filter { loaded[$0].decoded }
        let checksums = loaded.map { $0.checksum ?? 0 }
        let sessionKey = [root, labelSource, settings.fingerprint, encodeJSON(parameterSummary(parameters))].joined(separator: "\n")
        let prior = session?.memory(for: sessionKey)
        let recorder = session == nil ? nil : AuditMemoryRecorder()
        var rowHashes: [Int: UInt64] = [:]
        if session != nil {
            for row in decodedRows {
                rowHashes[row] = prior?.rowHashes[checksums[row]] ?? features.rowHash(row)
            }
        }
        let knownHashes = rowHashes
        let duplicates = findDuplicates(
            decodedRows, features: features, loaded: loaded, hash: session == nil ? nil : { knownHashes[$0] ?? features.rowHash($0) })
        timings["duplicates"] = Date().timeIntervalSince(stageStart)

        // Screening projection shared by every task.
        stageStart = Date()
        let planes = settings.channels == .rgb ? 3 : 1
        var reusedProjections: [Int: [Float]] = [:]
        if let prior {
            for row in decodedRows {
                if let projection = prior.projections[checksums[row]] { reusedProjections[row] = projection }
            }
        }
        let screening = ScreeningProjection(
            features: features, planes: planes, side: settings.resolution,
            block: ScreeningProjection.blockSide(forSide: settings.resolution), threads: parameters.threads,
            reuse: reusedProjections, keepUncentred: session != nil
        )
        if let recorder, let uncentred = screening.uncentred {
            var projections: [UInt64: [Float]] = [:]
            var hashes: [UInt64: UInt64] = [:]
            for row in decodedRows {
                projections[checksums[row]] = uncentred.rowArray(row)
                hashes[checksums[row]] = rowHashes[row]
            }
            recorder.record(projections: projections, rowHashes: hashes)
        }
        timings["screening"] = Date().timeIntervalSince(stageStart)

        // Near-duplicates among the distinct images.
        stageStart = Date()
        progress?("near-duplicates", 0, 1)
        // Keyed by content checksum, so a session can carry exact distances into its next audit.
        let distanceCache = session?.distanceCache(for: sessionKey) ?? PairDistanceCache()
        distanceCache.bind(rowKeys: checksums)
        let nearDuplicates = findNearDuplicates(
            decodedRows.filter { !duplicates.removed.contains($0) },
            factor: parameters.nearDuplicateFactor, samples: parameters.nearDuplicateSamples, seed: parameters.seed,
            checksums: checksums, features: features, screening: screening, planes: planes,
            cache: distanceCache, threads: parameters.threads, prior: prior, recorder: recorder
        )
        timings["near_duplicates"] = Date().timeIntervalSince(stageStart)

        // Per-task measurements.
        stageStart = Date()
        let measurer = TaskMeasurer(
            features: features, screening: screening,
            checksums: checksums, paths: paths,
            classNames: listing.images.map(\.className), parameters: parameters,
            nearDuplicateThreshold: nearDuplicates.threshold, distanceCache: distanceCache,
            prior: prior, recorder: recorder
        )
        var reports: [TaskReport] = []
        var skipped = dropped.map { SkippedTask(name: $0.name, reason: $0.reason) }
        for (position, task) in tasks.enumerated() {
            if cancellation.isCancelled { throw .cancelled(auditID: auditID) }
            progress?("tasks", position, tasks.count)
            let positives = task.positiveImages.filter { loaded[$0].decoded }
            let negatives = task.negativeImages.filter { loaded[$0].decoded }
            if let original = task.sameAs, var copy = reports.first(where: { $0.name == original }) {
                copy.name = task.name
                copy.sameAs = original
                copy.positiveClasses = task.positiveClasses
                copy.negativeClasses = task.negativeClasses
                copy.positives = positives.count
                copy.negatives = negatives.count
                reports.append(copy)
                try storeTask(copy, task: task, datasetID: datasetID, auditID: auditID, labelSource: labelSource, settings: settings, parameters: parameters)
                continue
            }
            guard !positives.isEmpty, !negatives.isEmpty else {
                skipped.append(SkippedTask(name: task.name, reason: "no decodable image on the \(positives.isEmpty ? "positive" : "negative") side"))
                continue
            }
            let pools = TaskPools(
                negatives: negatives.filter { !duplicates.removed.contains($0) },
                positives: positives.filter { !duplicates.removed.contains($0) }
            )
            let conflicts = conflictPairs(duplicates.groups, task: task, paths: paths)
            let (sharpness, _) = measurer.measureLabelSharpness(pools, taskName: task.name, conflicts: conflicts)
            let (measuredDimension, points) = measurer.measureIntrinsicDimension(pools, memoryKey: task.name)
            var dimension = measuredDimension
            if nearDuplicates.threshold != nil {
                // The same estimates with every near-duplicate group reduced to one member.
                let reduced = TaskPools(
                    negatives: pools.negatives.filter { !nearDuplicates.reducedAway.contains($0) },
                    positives: pools.positives.filter { !nearDuplicates.reducedAway.contains($0) }
                )
                var reducedDimension = dimension
                if reduced.negatives.count != pools.negatives.count || reduced.positives.count != pools.positives.count {
                    let (measured, reducedPoints) = measurer.measureIntrinsicDimension(reduced, memoryKey: task.name + "#near-dedup")
                    if reducedPoints != points { reducedDimension = measured }
                }
                dimension.mleNearDedup = reducedDimension.mle
                dimension.twonnNearDedup = reducedDimension.twonn
            }
            let report = TaskReport(
                name: task.name, sameAs: nil,
                positiveClasses: task.positiveClasses, negativeClasses: task.negativeClasses,
                positives: positives.count, negatives: negatives.count,
                rank: nil, rankGroup: nil, ratioToEasiest: nil,
                labelSharpness: sharpness, intrinsicDimension: dimension
            )
            reports.append(report)
            try storeTask(report, task: task, datasetID: datasetID, auditID: auditID, labelSource: labelSource, settings: settings, parameters: parameters)
        }
        progress?("tasks", tasks.count, tasks.count)
        timings["tasks"] = Date().timeIntervalSince(stageStart)

        // Ranking, summary and the stored report.
        rankTasks(&reports)
        timings["total"] = Date().timeIntervalSince(started)
        let report = AuditReport(
            softwareVersion: SoftwareVersion.current, auditID: auditID, database: store.path,
            generatedAt: ISO8601DateFormatter().string(from: Date()), status: "done",
            dataset: datasetSummary(
                root: root, scan: scan, listing: listing, loaded: loaded, duplicates: duplicates,
                nearDuplicates: nearDuplicates, labelSource: labelSource, replacedNaNVoxels: replacedNaNVoxels
            ),
            preprocessing: preprocessingSummary(settings, loaded: loaded),
            parameters: parameterSummary(parameters),
            tasks: reports, skippedTasks: skipped, timings: timings
        )
        do {
            try store.finishAudit(id: auditID, status: .done, reportJSON: encodeJSON(report))
            if let recorder {
                session?.store(recorder.result, for: sessionKey)
                distanceCache.prune(keeping: Set(decodedRows.map { checksums[$0] }))
            }
        } catch {
            throw .storeFailure(error)
        }
        return report
    }
}
