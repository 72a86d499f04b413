import Foundation

/// Everything one audit found, in the shape of the JSON report (snake_case keys on encoding).
///
/// Conventions: an undefined number is `nil` (JSON `null`) with a sibling `reason`; no field
/// holds NaN or ∞ (an infinite K_F is `infinite: true` plus the finite value without conflicts).
public struct AuditReport: Codable, Sendable {
    public var softwareVersion: String
    public var auditID: Int64?
    public var database: String?
    public var generatedAt: String
    public var status: String
    public var dataset: DatasetSummary
    public var preprocessing: PreprocessingSummary
    public var parameters: ParameterSummary
    public var tasks: [TaskReport]
    public var skippedTasks: [SkippedTask]
    public var timings: [String: Double]

    enum CodingKeys: String, CodingKey {
        case softwareVersion = "software_version"
        case auditID = "audit_id"
        case database, status, dataset, preprocessing, parameters, tasks, timings
        case generatedAt = "generated_at"
        case skippedTasks = "skipped_tasks"
    }
}

public struct PathReason: Codable, Sendable, Equatable {
    public var path: String
    public var reason: String
}

public struct DatasetSummary: Codable, Sendable {
    public var root: String
    public var labelSource: String
    /// Image files found by the scan (decodable or not).
    public var images: Int
    public var decoded: Int
    public var cached: Int
    public var unreadable: [PathReason]
    public var rejectedPaths: [PathReason]
    public var ignoredFiles: Int
    public var labelled: Int
    public var unlabelled: Int
    public var classes: [String: Int]
    public var splits: [String: Int]
    public var constantImages: [String]
    public var duplicates: DuplicateSummary
    public var nearDuplicates: NearDuplicateSummary
    public var leakage: LeakageSummary
    public var labelIssues: [LabelIssueSummary]
    public var ignoredColumns: [IgnoredColumnSummary]
    /// NaN voxels that NIfTI reading set to 0, by file path; nil (JSON null) when no file read
    /// in this audit had any. Decoding a report without the key also gives nil.
    public var nanVoxels: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case root, images, decoded, cached, unreadable, labelled, unlabelled, classes, splits, duplicates, leakage
        case nanVoxels = "nan_voxels"
        case nearDuplicates = "near_duplicates"
        case labelSource = "label_source"
        case rejectedPaths = "rejected_paths"
        case ignoredFiles = "ignored_files"
        case constantImages = "constant_images"
        case labelIssues = "label_issues"
        case ignoredColumns = "ignored_columns"
    }
}

public struct IgnoredColumnSummary: Codable, Sendable, Equatable {
    public var column: String
    public var reason: String
}

public struct LabelIssueSummary: Codable, Sendable, Equatable {
    public var line: Int
    public var path: String?
    public var message: String
}

/// Exact duplicates: images whose preprocessed vectors are identical. All but the first member of
/// each group (in path order) are removed before any estimate. Removed copies with identical
/// decoded pixels and copies that only became identical through preprocessing are counted
/// separately.
public struct DuplicateSummary: Codable, Sendable {
    public var imagesRemoved: Int
    public var identicalPixels: Int
    public var identicalAfterPreprocessing: Int
    public var groups: [ImageGroupReport]
    /// Groups with members in two or more splits: leakage between training and test data.
    public var crossSplitGroups: Int

    enum CodingKeys: String, CodingKey {
        case groups
        case imagesRemoved = "images_removed"
        case identicalPixels = "identical_pixels"
        case identicalAfterPreprocessing = "identical_after_preprocessing"
        case crossSplitGroups = "cross_split_groups"
    }
}

/// A group of identical or near-identical images, with each member's class and split
/// (null where the label source gives none).
public struct ImageGroupReport: Codable, Sendable, Equatable {
    public var paths: [String]
    public var labels: [String?]
    public var splits: [String?]
    /// For exact duplicates: whether every member decodes to the same pixels.
    public var identicalPixels: Bool?
    public var crossSplit: Bool
    public var crossLabel: Bool

    enum CodingKeys: String, CodingKey {
        case paths, labels, splits
        case identicalPixels = "identical_pixels"
        case crossSplit = "cross_split"
        case crossLabel = "cross_label"
    }
}

/// One near-duplicate pair: two distinct images closer than the threshold.
public struct NearPairReport: Codable, Sendable, Equatable {
    public var a: String
    public var b: String
    public var distance: Double
    public var labels: [String?]
    public var splits: [String?]
}

/// Near-duplicates: distinct images closer than `threshold` = `threshold_factor` × the median
/// nearest-neighbour distance of a label-free sample of the dataset.
public struct NearDuplicateSummary: Codable, Sendable {
    public var rule: String
    public var thresholdFactor: Double
    public var medianNearestNeighborDistance: Double?
    public var threshold: Double?
    public var sampledImages: Int
    public var pairs: [NearPairReport]
    public var groups: [ImageGroupReport]
    public var crossSplitGroups: Int
    public var crossLabelPairs: Int
    /// Images left out of the near-deduplicated dimension estimates (all but one per group).
    public var imagesReduced: Int
    /// Pairs measured at full resolution after the screening bound.
    public var exactEvaluations: Int
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case rule, threshold, pairs, groups, reason
        case thresholdFactor = "threshold_factor"
        case medianNearestNeighborDistance = "median_nearest_neighbor_distance"
        case sampledImages = "sampled_images"
        case crossSplitGroups = "cross_split_groups"
        case crossLabelPairs = "cross_label_pairs"
        case imagesReduced = "images_reduced"
        case exactEvaluations = "exact_evaluations"
    }
}

/// The same patient in two or more splits.
public struct PatientLeak: Codable, Sendable, Equatable {
    public var patient: String
    public var splits: [String]
    public var images: Int
}

/// Findings that invalidate test results: copies and patients shared between splits.
public struct LeakageSummary: Codable, Sendable {
    public var crossSplitDuplicateGroups: Int
    public var crossSplitNearDuplicateGroups: Int
    public var patientsInSeveralSplits: [PatientLeak]

    enum CodingKeys: String, CodingKey {
        case crossSplitDuplicateGroups = "cross_split_duplicate_groups"
        case crossSplitNearDuplicateGroups = "cross_split_near_duplicate_groups"
        case patientsInSeveralSplits = "patients_in_several_splits"
    }
}

public struct PreprocessingSummary: Codable, Sendable {
    public var resolution: Int
    public var channels: String
    public var normalize: String
    public var fingerprint: String
    public var description: String
    public var scaledJPEGDecoding: Bool
    /// JPEG scale denominator → number of images decoded at that scale.
    public var jpegScaleDenominators: [String: Int]

    enum CodingKeys: String, CodingKey {
        case resolution, channels, normalize, fingerprint, description
        case scaledJPEGDecoding = "scaled_jpeg_decoding"
        case jpegScaleDenominators = "jpeg_scale_denominators"
    }
}

public struct ParameterSummary: Codable, Sendable {
    public var samples: Int
    public var runs: Int
    public var seed: Int
    public var neighbors: Int
    public var idSamples: Int
    public var mleDivisor: String
    public var twonnDiscard: String
    public var bootstrap: Int
    public var threads: Int

    enum CodingKeys: String, CodingKey {
        case samples, runs, seed, neighbors, bootstrap, threads
        case idSamples = "id_samples"
        case mleDivisor = "mle_divisor"
        case twonnDiscard = "twonn_discard"
    }
}

public struct SkippedTask: Codable, Sendable, Equatable {
    public var name: String
    public var reason: String
}

public struct TaskReport: Codable, Sendable {
    public var name: String
    /// Name of the task computed once for this split of the images, when this one reuses it.
    public var sameAs: String?
    public var positiveClasses: [String]
    public var negativeClasses: [String]
    public var positives: Int
    public var negatives: Int
    /// 1 = hardest (largest K_F) among tasks compared at the same sample size; nil when undefined.
    public var rank: Int?
    public var rankGroup: String?
    public var ratioToEasiest: Double?
    public var labelSharpness: LabelSharpnessReport
    public var intrinsicDimension: IntrinsicDimensionReport

    enum CodingKeys: String, CodingKey {
        case name, positives, negatives, rank
        case sameAs = "same_as"
        case positiveClasses = "positive_classes"
        case negativeClasses = "negative_classes"
        case rankGroup = "rank_group"
        case ratioToEasiest = "ratio_to_easiest"
        case labelSharpness = "label_sharpness"
        case intrinsicDimension = "intrinsic_dimension"
    }
}

public struct ClosestPairReport: Codable, Sendable, Equatable {
    public var a: String
    public var b: String
    public var labels: [String]
    public var distance: Double
    /// Whether the pair is closer than the near-duplicate threshold: then K_F is set by a likely
    /// annotation error or copy rather than by genuine sharpness.
    public var nearDuplicate: Bool

    enum CodingKeys: String, CodingKey {
        case a, b, labels, distance
        case nearDuplicate = "near_duplicate"
    }
}

public struct LabelSharpnessReport: Codable, Sendable {
    /// Mean K_F over runs, in 1 / (distance on the preprocessed [0, 1] scale); excludes identical
    /// cross-label pairs.
    public var mean: Double?
    public var ci95: [Double]?
    public var min: Double?
    public var max: Double?
    public var runs: Int
    /// Images per run (both classes together).
    public var samples: Int
    /// Whether a class had fewer than half the requested sample, so every run used all of it.
    public var limitedByClass: String?
    public var closestPair: ClosestPairReport?
    /// Pairs of paths of identical images with different labels.
    public var conflicts: [[String]]
    /// True when `conflicts` is non-empty: the K_F of the labels as given is +∞.
    public var infinite: Bool
    public var reason: String?
    /// Cross-label pairs over all runs and how many were measured at full resolution.
    public var pairs: Int
    public var exactEvaluations: Int
    public var perRun: [Double?]

    enum CodingKeys: String, CodingKey {
        case mean, ci95, min, max, runs, samples, conflicts, infinite, reason, pairs
        case limitedByClass = "limited_by_class"
        case closestPair = "closest_pair"
        case exactEvaluations = "exact_evaluations"
        case perRun = "per_run"
    }
}

public struct DimensionReport: Codable, Sendable {
    public var value: Double?
    public var ci95: [Double]?
    public var points: Int
    public var reason: String?
    public var k: Int?
    public var divisor: String?
    public var discardFraction: Double?
    public var discard: String?

    enum CodingKeys: String, CodingKey {
        case value, ci95, points, reason, k, divisor, discard
        case discardFraction = "discard_fraction"
    }
}

public struct IntrinsicDimensionReport: Codable, Sendable {
    public var mle: DimensionReport
    public var twonn: DimensionReport
    public var samples: Int
    public var limitedByClass: String?
    public var exactEvaluations: Int
    /// The same estimates with every near-duplicate group reduced to one member.
    public var mleNearDedup: DimensionReport?
    public var twonnNearDedup: DimensionReport?

    enum CodingKeys: String, CodingKey {
        case mle, twonn, samples
        case mleNearDedup = "mle_near_dedup"
        case twonnNearDedup = "twonn_near_dedup"
        case limitedByClass = "limited_by_class"
        case exactEvaluations = "exact_evaluations"
    }
}
