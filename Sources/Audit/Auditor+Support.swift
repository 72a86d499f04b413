import Datasets
import Estimators
import Foundation
import ImageIO
import Store

extension Auditor {
    /// Resolves the dataset root to its canonical path, which identifies the dataset in the store.
    func canonicalRoot(_ path: String) throws(AuditError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .dataset("dataset folder not found: \(path); pass an existing folder of images")
        }
        guard isDirectory.boolValue else {
            throw .dataset("\(path) is a file, not a folder; pass the folder that contains the images")
        }
        guard let resolved = realpath(path, nil) else {
            throw .dataset("cannot resolve \(path): \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Explains why a dataset has no task to measure and what to do about it.
    func noTaskMessage(scan: ScanResult, listing: LabelledListing, dropped: [DroppedTask]) -> String {
        let labelled = listing.images.filter { $0.className != nil || !$0.columnLabels.isEmpty }.count
        var message = "no labelling task to measure in \(scan.root): \(scan.files.count) image files, \(labelled) of them labelled"
        if listing.classNames.isEmpty {
            message += ", no classes found"
        } else {
            message += ", classes: \(listing.classNames.joined(separator: ", "))"
        }
        for task in dropped.prefix(5) {
            message += "; task \(task.name) dropped: \(task.reason)"
        }
        message += ". A task needs two classes with images: put images in class folders (FOLDER/CLASS/image.png), "
            + "add filename rules in audit.json, or pass --labels with a table of 1/0 task columns"
        return message
    }

    /// Refuses to start when the in-memory feature matrix (2 bytes per pixel and image) would not
    /// fit in the memory the kernel reports as available, instead of being killed halfway.
    ///
    /// NOTE: the whole dataset is held at full resolution in memory; folders larger than a few
    /// tens of thousands of 224 x 224 images need a lower resolution or to be audited in parts.
    func checkMemory(images: Int, vectorLength: Int) throws(AuditError) {
        let needed = Double(images) * Double(vectorLength) * 2
        guard let available = availableMemoryBytes(), needed > 0.8 * available else { return }
        let gib = { (bytes: Double) in String(format: "%.1f GiB", bytes / 1_073_741_824) }
        throw .dataset("the feature matrix of \(images) images at \(vectorLength) values each needs \(gib(needed)), "
            + "but only \(gib(available)) of memory are available; lower --resolution (half the side needs a quarter "
            + "of the memory) or audit the folder in parts")
    }

    /// MemAvailable from /proc/meminfo in bytes, or nil where it cannot be read.
    func availableMemoryBytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kibibytes = Double(fields[1]) { return kibibytes * 1024 }
        }
        return nil
    }

    func applyOverrides(_ config: inout AuditConfig) {
        if let value = options.resolution { config.preprocessing.resolution = value }
        if let value = options.normalize { config.preprocessing.normalize = value }
        if let value = options.samples { config.labelSharpness.samples = value }
        if let value = options.runs { config.labelSharpness.runs = value }
        if let value = options.seed { config.labelSharpness.seed = value }
        if let value = options.neighbors { config.intrinsicDimension.neighbors = value }
        if let value = options.idSamples { config.intrinsicDimension.samples = value }
        if let value = options.threads { config.threads = value }
    }

    /// Rejects settings no estimator can use, naming the setting and the accepted range.
    func validate(_ config: AuditConfig) throws(AuditError) {
        func check(_ condition: Bool, _ message: String) throws(AuditError) {
            if !condition { throw .configuration(message) }
        }
        try check((8...4096).contains(config.preprocessing.resolution),
                  "preprocessing.resolution (--resolution) is \(config.preprocessing.resolution); use 8 to 4096 pixels")
        try check(config.labelSharpness.samples >= 2, "label_sharpness.samples (--samples, the K_F sample size M) is \(config.labelSharpness.samples); use at least 2")
        try check(config.labelSharpness.runs >= 1, "label_sharpness.runs (--runs) is \(config.labelSharpness.runs); use at least 1")
        try check(config.intrinsicDimension.neighbors >= 3, "intrinsic_dimension.neighbors (--neighbors, k) is \(config.intrinsicDimension.neighbors); the MLE needs k >= 3")
        try check(config.intrinsicDimension.samples >= 3, "intrinsic_dimension.samples (--id-samples) is \(config.intrinsicDimension.samples); use at least 3")
        try check(config.threads >= 0, "threads is \(config.threads); use 0 (all cores) or a positive count")
        try check(config.preprocessing.maxPixels > 0, "max_pixels is \(config.preprocessing.maxPixels); use a positive pixel count")
    }

    func estimatorParameters(_ config: AuditConfig, threads: Int) -> EstimatorParameters {
        let id = config.intrinsicDimension
        let divisor: Estimators.MLEDivisor = id.mleDivisor == .kMinus1 ? .kMinus1 : .kMinus2
        let discard: Estimators.TwoNNDiscard = id.twonnDiscard == .largest ? .largest : .fraction(id.twonnDiscardFraction)
        let discardLabel = id.twonnDiscard == .largest ? "largest" : "fraction"
        return EstimatorParameters(
            samples: config.labelSharpness.samples, runs: config.labelSharpness.runs, seed: config.labelSharpness.seed,
            neighbors: id.neighbors, idSamples: id.samples,
            mleDivisor: divisor, twonnDiscard: discard, twonnDiscardLabel: discardLabel,
            bootstrap: id.bootstrap, threads: threads,
            nearDuplicateFactor: config.nearDuplicates.thresholdFactor, nearDuplicateSamples: config.nearDuplicates.samples
        )
    }

    /// Describes where the labels came from; measurements are keyed by this text. `+stored`
    /// marks labels read from container files (IDX label files, NumPy label arrays, NIfTI masks).
    func describeLabelSource(_ config: AuditConfig, listing: LabelledListing) -> String {
        let stored = listing.images.contains { $0.file.embeddedLabels != nil } ? "+stored" : ""
        if let table = options.labelsPath {
            return "table:\(absolutePath(table))\(stored)"
        }
        let rules = config.labels.filenameRules.isEmpty ? "" : "+filename-rules"
        return "folders\(stored)\(rules)"
    }

    func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }

    func parameterSummary(_ parameters: EstimatorParameters) -> ParameterSummary {
        ParameterSummary(
            samples: parameters.samples, runs: parameters.runs, seed: parameters.seed,
            neighbors: parameters.neighbors, idSamples: parameters.idSamples,
            mleDivisor: parameters.mleDivisor.rawValue, twonnDiscard: parameters.twonnDiscardLabel,
            bootstrap: parameters.bootstrap, threads: parameters.threads
        )
    }

    /// Stores the task and one measurement per estimate in one transaction.
    func storeTask(
        _ report: TaskReport, task: CandidateTask, datasetID: Int64, auditID: Int64, labelSource: String,
        settings: PreprocessingSettings, parameters: EstimatorParameters
    ) throws(AuditError) {
        let sharpness = report.labelSharpness
        let dimension = report.intrinsicDimension
        let seeds = encodeJSON(["seed": parameters.seed])
        do {
            try store.transaction {
                let definition = encodeJSON([
                    "positive_classes": task.positiveClasses, "negative_classes": task.negativeClasses,
                    "origin": [task.origin.rawValue], "same_as": task.sameAs.map { [$0] } ?? [],
                ])
                let taskID = try store.upsertTask(TaskRecord(
                    datasetID: datasetID, labelSource: labelSource, name: report.name,
                    definitionJSON: definition, positives: report.positives, negatives: report.negatives
                ))
                func record(_ kind: String, _ value: Double?, _ interval: [Double]?, _ reason: String?, _ parameters: String, _ size: Int) throws {
                    _ = try store.insertMeasurement(MeasurementRecord(
                        auditID: auditID, taskID: taskID, datasetID: datasetID, kind: kind,
                        value: value, ciLow: interval?[0], ciHigh: interval?[1], reason: reason,
                        parametersJSON: parameters, seedsJSON: seeds, sampleSize: size,
                        fingerprint: settings.fingerprint, labelSource: labelSource,
                        softwareVersion: SoftwareVersion.current, createdAt: Date()
                    ))
                }
                try record("label_sharpness", sharpness.mean, sharpness.ci95,
                           sharpness.reason ?? (sharpness.mean == nil ? "no finite K_F" : nil),
                           encodeJSON(sharpness), sharpness.samples)
                try record("mle", dimension.mle.value, dimension.mle.ci95, dimension.mle.reason,
                           encodeJSON(dimension.mle), dimension.samples)
                try record("twonn", dimension.twonn.value, dimension.twonn.ci95, dimension.twonn.reason,
                           encodeJSON(dimension.twonn), dimension.samples)
            }
        } catch {
            throw .storeFailure(error)
        }
    }

    func datasetSummary(
        root: String, scan: ScanResult, listing: LabelledListing, loaded: [LoadedImage],
        duplicates: DuplicateFindings, nearDuplicates: NearDuplicateFindings, labelSource: String,
        replacedNaNVoxels: [String: Int]
    ) -> DatasetSummary {
        var classes: [String: Int] = [:]
        var splits: [String: Int] = [:]
        var labelled = 0
        for (index, image) in listing.images.enumerated() where loaded[index].decoded {
            if let className = image.className {
                classes[className, default: 0] += 1
            }
            if image.className != nil || !image.columnLabels.isEmpty {
                labelled += 1
            }
            if let split = image.split { splits[split, default: 0] += 1 }
        }
        let paths = listing.images.map(\.file.relativePath)
        let labels = listing.images.map(\.className)
        let splitNames = listing.images.map(\.split)
        func group(_ rows: [Int], identicalPixels: Bool?) -> ImageGroupReport {
            ImageGroupReport(
                paths: rows.map { paths[$0] }, labels: rows.map { labels[$0] }, splits: rows.map { splitNames[$0] },
                identicalPixels: identicalPixels,
                crossSplit: Set(rows.compactMap { splitNames[$0] }).count > 1,
                crossLabel: Set(rows.compactMap { labels[$0] }).count > 1
            )
        }
        let duplicateGroups = duplicates.groups.map { rows in
            group(rows, identicalPixels: rows.allSatisfy { loaded[$0].pixelChecksum != nil && loaded[$0].pixelChecksum == loaded[rows[0]].pixelChecksum })
        }
        let nearGroups = nearDuplicates.groups.map { group($0, identicalPixels: nil) }
        let nearPairs = nearDuplicates.pairs.map { pair in
            NearPairReport(
                a: paths[pair.rowA], b: paths[pair.rowB], distance: pair.distance,
                labels: [labels[pair.rowA], labels[pair.rowB]], splits: [splitNames[pair.rowA], splitNames[pair.rowB]]
            )
        }
        let factor = nearDuplicates.thresholdFactor
        let nearSummary = NearDuplicateSummary(
            rule: "distinct images closer than \(factor) × the median nearest-neighbour distance of \(nearDuplicates.sampledImages) sampled images",
            thresholdFactor: factor,
            medianNearestNeighborDistance: nearDuplicates.medianNearestNeighborDistance,
            threshold: nearDuplicates.threshold,
            sampledImages: nearDuplicates.sampledImages,
            pairs: nearPairs, groups: nearGroups,
            crossSplitGroups: nearGroups.filter(\.crossSplit).count,
            crossLabelPairs: nearPairs.filter { $0.labels[0] != nil && $0.labels[1] != nil && $0.labels[0] != $0.labels[1] }.count,
            imagesReduced: nearDuplicates.reducedAway.count,
            exactEvaluations: nearDuplicates.exactEvaluations,
            reason: nearDuplicates.reason
        )
        let unreadable = loaded.indices.filter { !loaded[$0].decoded }.map {
            PathReason(path: paths[$0], reason: loaded[$0].failure ?? "not decoded")
        }
        return DatasetSummary(
            root: root, labelSource: labelSource,
            images: listing.images.count,
            decoded: loaded.filter(\.decoded).count,
            cached: loaded.filter(\.fromCache).count,
            unreadable: unreadable,
            rejectedPaths: scan.rejected.map { PathReason(path: $0.relativePath, reason: $0.reason) },
            ignoredFiles: scan.ignoredCount,
            labelled: labelled,
            unlabelled: loaded.filter(\.decoded).count - labelled,
            classes: classes, splits: splits,
            constantImages: loaded.indices.filter { loaded[$0].decoded && loaded[$0].isConstant }.map { paths[$0] },
            duplicates: DuplicateSummary(
                imagesRemoved: duplicates.removed.count,
                identicalPixels: duplicates.identicalPixels,
                identicalAfterPreprocessing: duplicates.identicalAfterPreprocessing,
                groups: duplicateGroups,
                crossSplitGroups: duplicateGroups.filter(\.crossSplit).count
            ),
            nearDuplicates: nearSummary,
            leakage: LeakageSummary(
                crossSplitDuplicateGroups: duplicateGroups.filter(\.crossSplit).count,
                crossSplitNearDuplicateGroups: nearSummary.crossSplitGroups,
                patientsInSeveralSplits: patientLeaks(listing, loaded: loaded)
            ),
            labelIssues: listing.issues.map { LabelIssueSummary(line: $0.line, path: $0.path, message: $0.message) },
            ignoredColumns: listing.ignoredColumns.map { IgnoredColumnSummary(column: $0.header, reason: $0.reason) },
            nanVoxels: replacedNaNVoxels.isEmpty ? nil : replacedNaNVoxels
        )
    }

    func preprocessingSummary(_ settings: PreprocessingSettings, loaded: [LoadedImage]) -> PreprocessingSummary {
        var denominators: [String: Int] = [:]
        for image in loaded where image.decoded {
            if let denominator = image.jpegScaleDenominator {
                denominators["1/\(denominator)", default: 0] += 1
            }
        }
        return PreprocessingSummary(
            resolution: settings.resolution, channels: settings.channels.rawValue, normalize: settings.normalize.rawValue,
            fingerprint: settings.fingerprint, description: settings.canonicalDescription,
            scaledJPEGDecoding: settings.scaledJPEGDecoding, jpegScaleDenominators: denominators
        )
    }
}

/// Encodes a value as compact JSON with sorted keys.
///
/// Returns "{}" if encoding fails, which only NaN or infinity can cause; the report types never
/// contain either (undefined values are nil).
func encodeJSON<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    guard let data = try? encoder.encode(value) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}
