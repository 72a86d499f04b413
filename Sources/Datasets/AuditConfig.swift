import ImageIO

/// Settings of one audit. The built-in defaults (`AuditConfig.defaults`) equal the repository's
/// `config.json`; a dataset's `audit.json` and a `--config` file may override any subset of keys
/// (see `AuditConfig.load`). JSON keys are snake_case; docs/configuration.md lists every key.
public struct AuditConfig: Sendable, Codable, Equatable {
    /// Preprocessing: resolution, channels, normalisation, JPEG scaling and pixel limit.
    public var preprocessing = PreprocessingSettings()
    public var labelSharpness = LabelSharpnessConfig()
    public var intrinsicDimension = IntrinsicDimensionConfig()
    public var labels = LabelConfig()
    public var tasks = TaskConfig()
    public var nearDuplicates = NearDuplicateConfig()
    /// Files to leave out and how container files (IDX, NumPy, NIfTI) become images.
    public var scan = ScanOptions()
    /// Worker threads; 0 uses one per available core.
    public var threads = 0

    public init() {}

    /// The built-in defaults, identical to the repository's `config.json`.
    public static let defaults = AuditConfig()
}

/// Label sharpness K_F = max over cross-label pairs of |y_j - y_k| / ||x_j - x_k||_2
/// (Konz & Mazurowski, ICLR 2024, arXiv 2401.08865, Eq. 1), measured on class-balanced samples.
public struct LabelSharpnessConfig: Sendable, Codable, Equatable {
    /// Images per run M, half from each side of the task (default 1000). K_F grows with M because it
    /// is a maximum, so tasks are compared at the same M.
    public var samples = 1000
    /// Independent samples R, each drawn with its own run key (default 25).
    public var runs = 25
    /// Seed of the stable sampler's run keys (default 0).
    public var seed = 0

    public init() {}
}

/// Divisor of the Levina-Bickel MLE per-point estimate.
public enum MLEDivisor: String, Sendable, Codable, CaseIterable {
    /// 1/(k-2): the MacKay-Ghahramani correction, as in the reference code of Konz & Mazurowski.
    case kMinus2 = "k-2"
    /// 1/(k-1): the maximum-likelihood form of Levina & Bickel (2004).
    case kMinus1 = "k-1"
}

/// Rule for the ratios mu = T_2/T_1 that the TwoNN fit leaves out.
public enum TwoNNDiscard: String, Sendable, Codable, CaseIterable {
    /// The largest `twonn_discard_fraction` of the ratios (Facco et al. 2017).
    case fraction
    /// Only the single largest ratio, as the reference code of Konz & Mazurowski does.
    case largest
}

/// Intrinsic dimension d_data by MLE (Levina & Bickel 2004) and TwoNN (Facco et al. 2017).
public struct IntrinsicDimensionConfig: Sendable, Codable, Equatable {
    /// Images sampled for the estimates of each task (default 2000).
    public var samples = 2000
    /// Neighbours k of the MLE estimate (default 20, at least 3).
    public var neighbors = 20
    public var mleDivisor = MLEDivisor.kMinus2
    public var twonnDiscard = TwoNNDiscard.fraction
    /// Fraction of the largest ratios left out when `twonn_discard` is `fraction` (default 0.1).
    public var twonnDiscardFraction = 0.1
    /// Bootstrap resamples for the confidence interval; 0 turns the interval off (default 1000).
    public var bootstrap = 1000

    public init() {}
}

/// Policy for an image of a refined class that matches no filename rule.
public enum UnmatchedPolicy: String, Sendable, Codable, CaseIterable {
    /// The image keeps its folder or table class.
    case keep
    /// The image is left unlabelled and counted.
    case drop
}

/// Policy for an uncertain value (-1) in a table task column.
public enum UncertainPolicy: String, Sendable, Codable, CaseIterable {
    /// The row is left out of that task.
    case ignore
    /// The row counts as negative.
    case zeros
    /// The row counts as positive.
    case ones
}

/// A rule that gives a class from the file name.
public struct FilenameRule: Sendable, Codable, Equatable {
    /// Class given to matching images, normalised like folder names.
    public var className: String
    /// Regular expression (NSRegularExpression syntax) searched for in the file name, case-insensitively.
    public var pattern: String
    /// When set, the rule only refines images whose class is one of these; otherwise it applies to any image.
    public var from: [String]?

    public init(className: String, pattern: String, from: [String]? = nil) {
        self.className = className
        self.pattern = pattern
        self.from = from
    }
}

/// A task that puts several classes on each side, such as pneumonia (bacteria, virus) vs normal.
public struct TaskGrouping: Sendable, Codable, Equatable {
    /// Task name; the positive side is the one the name describes.
    public var name: String
    public var positive: [String]
    /// Negative classes; empty or absent means every class not in `positive`.
    public var negative: [String]

    public init(name: String, positive: [String], negative: [String] = []) {
        self.name = name
        self.positive = positive
        self.negative = negative
    }
}

/// Label sources and the rules that combine them.
public struct LabelConfig: Sendable, Codable, Equatable {
    /// Ordered rules; the first matching rule wins.
    public var filenameRules: [FilenameRule] = []
    public var unmatched = UnmatchedPolicy.drop
    public var groupings: [TaskGrouping] = []
    /// Text column of the label table that gives classes, like folders do (default none).
    public var classColumn: String?
    /// Column of the label table with patient identifiers (default `patient_id`; absent is fine).
    public var patientColumn = "patient_id"
    public var uncertain = UncertainPolicy.ignore
    /// Table columns to use as binary tasks. Nil detects them: columns whose values are 1, 0, -1 or blank.
    public var taskColumns: [String]?
    /// Names of the integer labels stored in container files: entry i names class i of a
    /// single-label array and task column i of a multi-label array (default none: classes are
    /// named by their decimal value, columns `label_i`). Normalised like folder names, so
    /// `T-shirt/top` becomes the class `t-shirt-top`.
    public var classNames: [String] = []

    public init() {}
}

/// Kinds of candidate tasks to generate, and the limit without a selection.
public struct TaskConfig: Sendable, Codable, Equatable {
    /// Every pair of classes, `A_vs_B` (default true).
    public var pairs = true
    /// Each class against all others when there are 3 or more classes, `A_vs_rest` (default true).
    public var oneVsRest = true
    /// Largest number of candidate tasks accepted without a `--tasks` selection (default 50).
    public var maxCandidates = 50

    public init() {}
}

/// Near-duplicate findings: pairs of distinct images closer than `thresholdFactor` times the
/// median nearest-neighbour distance of the dataset.
public struct NearDuplicateConfig: Sendable, Codable, Equatable {
    /// Threshold relative to the median nearest-neighbour distance (default 0.2).
    public var thresholdFactor = 0.2
    /// Images sampled to measure the median nearest-neighbour distance (default 2000).
    public var samples = 2000

    public init() {}
}
