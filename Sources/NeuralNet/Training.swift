import Foundation

/// Mini-batch training settings. Defaults: batch 32, at most 60 epochs, Adam with `AdamSettings()`.
public struct TrainingSettings: Sendable, Codable, Equatable {
    public var batchSize: Int
    public var maxEpochs: Int
    /// Seeds the SplitMix64 generator that shuffles the images before every epoch.
    public var seed: UInt64
    public var adam: AdamSettings

    public init(batchSize: Int = 32, maxEpochs: Int = 60, seed: UInt64 = 0, adam: AdamSettings = AdamSettings()) {
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.seed = seed
        self.adam = adam
    }
}

/// Summary of one finished epoch.
public struct EpochReport: Sendable {
    /// Epoch number, from 1.
    public let epoch: Int
    /// Mean binary cross-entropy per image over the epoch's training steps (training mode, weights
    /// as they were at each step).
    public let meanLoss: Double
    /// Fraction in [0, 1] of training images classified correctly (logit > 0 means label 1) in
    /// evaluation mode after the epoch.
    public let trainingAccuracy: Double
    /// Wall-clock seconds of the epoch, the accuracy pass included.
    public let seconds: Double
}

/// Result of `train`.
public struct TrainingOutcome: Sendable {
    public let epochs: Int
    public let reachedFullAccuracy: Bool
    /// Wall-clock seconds of the whole run.
    public let seconds: Double
    /// Images per second of the training steps alone (forward, backward, Adam), accuracy passes excluded.
    public let imagesPerSecond: Double
    public let history: [EpochReport]
}

public enum TrainingError: Error, Equatable {
    case cancelled
    case invalidInput(String)
}

/// Trains `network` in place with Adam on binary cross-entropy until the training accuracy in
/// evaluation mode reaches 100 % or `settings.maxEpochs` epochs have run.
///
/// Each epoch shuffles the images with SplitMix64 (seeded with `settings.seed` once per run) and
/// steps through batches of `settings.batchSize`, keeping the last partial batch (PyTorch
/// `DataLoader` with `drop_last=False`). The loss of a step is the mean over its batch. For a fixed
/// seed and OpenBLAS thread count the weights after training are bit-identical between runs.
///
/// - Parameters:
///   - images: count × side × side values, one image after another.
///   - labels: count values, each 0 or 1.
///   - isCancelled: polled before every step; returning true throws `.cancelled` and leaves the
///     weights as they were after the last finished step.
///   - onEpoch: called after every epoch.
/// - Throws: `.invalidInput` for mismatched sizes, labels other than 0 and 1, or non-positive settings.
public func train(_ network: Network, images: [Float], labels: [Float], settings: TrainingSettings,
                  isCancelled: () -> Bool, onEpoch: (EpochReport) -> Void) throws(TrainingError) -> TrainingOutcome {
    try validateTrainingInput(network: network, images: images, labels: labels, settings: settings)
    let count = labels.count
    let model = network.model
    let optimiser = Adam(parameterCount: network.parameterCount, settings: settings.adam)
    var generator = SplitMix64(seed: settings.seed)
    var order = Array(0..<count)
    var batchImages = [Float](repeating: 0, count: settings.batchSize * network.imageSize)
    var batchLabels = [Float](repeating: 0, count: settings.batchSize)
    var logitGradient = [Float](repeating: 0, count: settings.batchSize)
    var history: [EpochReport] = []
    var stepSeconds = 0.0
    let runStart = Date()

    for epoch in 1...settings.maxEpochs {
        let epochStart = Date()
        shuffle(&order, using: &generator)
        var lossSum = 0.0

        for start in stride(from: 0, to: count, by: settings.batchSize) {
            if isCancelled() { throw .cancelled }
            let stepStart = Date()
            let batch = min(settings.batchSize, count - start)
            gatherBatch(order[start..<(start + batch)], images: images, labels: labels, imageSize: network.imageSize,
                        into: &batchImages, labelsInto: &batchLabels)
            lossSum += trainingStep(model: model, optimiser: optimiser, images: batchImages, labels: batchLabels,
                                    batch: batch, logitGradient: &logitGradient) * Double(batch)
            stepSeconds += Date().timeIntervalSince(stepStart)
        }

        let accuracy = trainingAccuracy(network, images: images, labels: labels)
        let report = EpochReport(epoch: epoch, meanLoss: lossSum / Double(count), trainingAccuracy: accuracy,
                                 seconds: Date().timeIntervalSince(epochStart))
        history.append(report)
        onEpoch(report)
        if accuracy == 1 { break }
    }

    let trainedImages = Double(count * history.count)
    return TrainingOutcome(epochs: history.count, reachedFullAccuracy: history.last?.trainingAccuracy == 1,
                           seconds: Date().timeIntervalSince(runStart),
                           imagesPerSecond: stepSeconds > 0 ? trainedImages / stepSeconds : 0, history: history)
}

/// Runs one forward and backward pass in training mode and one Adam update; returns the mean loss.
func trainingStep(model: any ConvolutionalModel, optimiser: Adam, images: [Float], labels: [Float], batch: Int,
                  logitGradient: inout [Float]) -> Double {
    let store = model.store
    store.zeroGradients()

    var loss = 0.0
    images.withUnsafeBufferPointer { input in
        model.forward(input.baseAddress!, batch: batch, training: true)
        for i in 0..<batch {
            let z = model.logits[i]
            loss += binaryCrossEntropyTerm(logit: Double(z), label: Double(labels[i]))
            logitGradient[i] = binaryCrossEntropyDerivative(logit: z, label: labels[i]) / Float(batch)
        }
        logitGradient.withUnsafeBufferPointer { dz in
            _ = model.backward(input.baseAddress!, logitGradient: dz.baseAddress!, batch: batch, training: true,
                               parameterGradients: true, inputGradientNeeded: false)
        }
    }

    optimiser.update(parameters: store.parameters, gradients: store.gradients)
    return loss / Double(batch)
}

/// Fisher–Yates shuffle driven by SplitMix64, so the order depends only on the seed.
func shuffle(_ order: inout [Int], using generator: inout SplitMix64) {
    guard order.count > 1 else { return }
    for i in stride(from: order.count - 1, to: 0, by: -1) {
        let j = generator.nextIndex(below: i + 1)
        order.swapAt(i, j)
    }
}

private func gatherBatch(_ indices: ArraySlice<Int>, images: [Float], labels: [Float], imageSize: Int,
                         into batchImages: inout [Float], labelsInto batchLabels: inout [Float]) {
    images.withUnsafeBufferPointer { source in
        batchImages.withUnsafeMutableBufferPointer { target in
            for (slot, index) in indices.enumerated() {
                (target.baseAddress! + slot * imageSize).update(from: source.baseAddress! + index * imageSize,
                                                                 count: imageSize)
                batchLabels[slot] = labels[index]
            }
        }
    }
}

private func trainingAccuracy(_ network: Network, images: [Float], labels: [Float]) -> Double {
    let logits = images.withUnsafeBufferPointer { network.evaluate($0, count: labels.count).logits }
    var correct = 0
    for (logit, label) in zip(logits, labels) where (logit > 0) == (label == 1) {
        correct += 1
    }
    return Double(correct) / Double(labels.count)
}

private func validateTrainingInput(network: Network, images: [Float], labels: [Float],
                                   settings: TrainingSettings) throws(TrainingError) {
    guard !labels.isEmpty else {
        throw .invalidInput("no training images: labels is empty; pass at least one labelled image")
    }
    guard images.count == labels.count * network.imageSize else {
        throw .invalidInput("images has \(images.count) values but \(labels.count) labels need \(labels.count) × "
            + "\(network.imageSize) = \(labels.count * network.imageSize) for \(network.inputSide)×\(network.inputSide) images")
    }
    if let index = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
        throw .invalidInput("label \(labels[index]) at index \(index) is not 0 or 1")
    }
    guard settings.batchSize > 0 else {
        throw .invalidInput("batch size \(settings.batchSize) must be at least 1")
    }
    guard settings.maxEpochs > 0 else {
        throw .invalidInput("maximum epoch count \(settings.maxEpochs) must be at least 1")
    }
}
