import NeuralNet

/// A trained network measured on the fixed test set: loss, accuracy, AUC and the FGSM loss
/// penalties.
///
/// FGSM penalty at ε: mean BCE(x_adv) − mean BCE(x), with x_adv = clamp(x + ε · sign(∇ₓ BCE), 0, 1)
/// and the gradient taken in evaluation mode of the mean test loss (Goodfellow et al. 2015,
/// arXiv 1412.6572; the robustness measure of Konz & Mazurowski, ICLR 2024, arXiv 2401.08865).
/// A larger penalty means a less robust model.
public struct Evaluation: Sendable {
    public var metrics: ClassifierMetrics
    /// Keyed "\(level)/255".
    public var fgsmPenalty: [String: Double]

    public init(network: Network, test: (images: [Float], labels: [Float]), fgsmLevels: [Int]) {
        let count = test.labels.count

        // Clean logits and the input gradient come from one backward pass.
        let (logits, gradient) = test.images.withUnsafeBufferPointer {
            network.inputGradient($0, labels: test.labels, count: count)
        }
        metrics = classifierMetrics(logits: logits, labels: test.labels)

        // One evaluation of the perturbed set per ε.
        var penalties: [String: Double] = [:]
        for level in fgsmLevels {
            let adversarial = fgsmImages(test.images, gradient: gradient, epsilon: Float(level) / 255)
            let perturbed = adversarial.withUnsafeBufferPointer { network.evaluate($0, count: count).logits }
            penalties["\(level)/255"] = meanBinaryCrossEntropy(logits: perturbed, labels: test.labels) - metrics.loss
        }
        fgsmPenalty = penalties
    }
}
