import Estimators

/// One training of the ladder: model, seed and N, with what was measured on the test set.
public struct TrainingRunReport: Sendable, Codable {
    public var n: Int
    public var seed: Int
    public var epochs: Int
    /// Whether training accuracy reached 100% before the epoch cap.
    public var reachedFullAccuracy: Bool
    public var finalTrainingAccuracy: Double
    public var testLoss: Double
    public var testAccuracy: Double
    public var testAUC: Double?
    /// Mean BCE(x_adv) − mean BCE(x) per ε, keyed "1/255", "2/255", "8/255".
    public var fgsmPenalty: [String: Double]
    /// d_repr by estimator, keyed "twonn" and "mle"; nil values are undefined (see `dReprDetail`).
    public var dRepr: [String: Double?]
    public var dReprDetail: RepresentationDimension
    public var wallSeconds: Double
    /// Training images processed per second, counting every epoch's forward and backward pass.
    public var imagesPerSecond: Double
    public var observationID: Int64?
    public var weightsPath: String?

    enum CodingKeys: String, CodingKey {
        case n, seed, epochs
        case reachedFullAccuracy = "reached_full_accuracy"
        case finalTrainingAccuracy = "final_training_accuracy"
        case testLoss = "test_loss", testAccuracy = "test_accuracy", testAUC = "test_auc"
        case fgsmPenalty = "fgsm_penalty", dRepr = "d_repr", dReprDetail = "d_repr_detail"
        case wallSeconds = "wall_seconds", imagesPerSecond = "images_per_second"
        case observationID = "observation_id", weightsPath = "weights_path"
    }
}

/// Everything one `train` command did, in the order of the ladder.
public struct TrainingReport: Sendable, Codable {
    public var dataset: String
    public var task: String
    public var model: String
    public var parameters: Int
    public var inputSide: Int
    /// Preprocessing of the training inputs, and the fingerprint stored with each observation.
    public var trainingPreprocessing: String
    public var trainingFingerprint: String
    public var paired: PairedMeasurements?
    public var pairingNote: String?
    public var testSource: String
    public var testImages: Int
    public var sizes: [Int]
    public var seeds: [Int]
    public var maxEpochs: Int
    public var threads: Int
    public var notes: [String]
    public var undecodable: Int
    /// Database that contains the observations, and the folder of the weight files.
    public var database: String
    public var weightsDirectory: String
    public var runs: [TrainingRunReport]

    enum CodingKeys: String, CodingKey {
        case dataset, task, model, parameters, paired, notes, runs, sizes, seeds, threads, undecodable
        case inputSide = "input_side"
        case trainingPreprocessing = "training_preprocessing", trainingFingerprint = "training_fingerprint"
        case pairingNote = "pairing_note", testSource = "test_source", testImages = "test_images"
        case maxEpochs = "max_epochs", database, weightsDirectory = "weights_directory"
    }
}

/// Progress of a training ladder, reported as it happens.
public enum TrainingProgress: Sendable {
    case decoding(images: Int)
    case epoch(n: Int, seed: Int, epoch: Int, maxEpochs: Int, loss: Double, trainingAccuracy: Double, seconds: Double)
    case evaluating(n: Int, seed: Int)
    case finished(TrainingRunReport)
}
