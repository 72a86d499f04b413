import Foundation

/// Architecture of a `Network`.
public enum ModelKind: String, Sendable, CaseIterable, Codable {
    /// SmallResNet: stem conv + BN + ReLU, three BasicBlocks (16, 32, 64 channels), global
    /// average pooling, linear 64→1; 77,169 parameters at any input side.
    case resnet
    /// SmallVGG: three conv + ReLU + max-pool stages (16, 32, 64 channels), linear → 64 + ReLU,
    /// linear 64→1; 285,569 parameters at 64×64.
    case vgg
}

/// A binary classifier CNN on single-channel square images (N×1×side×side Float32, NCHW, values
/// in [0, 1]) that outputs one logit per image and exposes 64 pooled features.
///
/// Not thread-safe: every pass writes the network's own buffers, which are allocated for the
/// largest batch seen and then reused.
public final class Network {
    public let kind: ModelKind
    public let inputSide: Int
    let model: any ConvolutionalModel

    /// Number of features per image that `evaluate` returns.
    public static let featureCount = 64

    /// Images per internal batch of `evaluate` and `inputGradient`. The SGEMM shapes follow the
    /// batch, so another value can change the results in the last bits.
    static let evaluationBatch = 64

    /// Creates a network with PyTorch-style initialisation: conv and linear weights and biases
    /// uniform in ±1/sqrt(fan_in) drawn from SplitMix64(`seed`), BatchNorm gamma 1, beta 0.
    ///
    /// - Precondition: `validate(inputSide:for:)` returns nil for `inputSide` and `kind`. Any other
    ///   side traps, so check sides that come from users or files with `validate` first.
    public init(kind: ModelKind, inputSide: Int = 64, seed: UInt64) {
        if let problem = Network.validate(inputSide: inputSide, for: kind) {
            preconditionFailure(problem)
        }
        self.kind = kind
        self.inputSide = inputSide
        switch kind {
        case .resnet:
            model = ResNetModel(inputSide: inputSide, seed: seed)
        case .vgg:
            model = VGGModel(inputSide: inputSide, seed: seed)
        }
    }

    /// Checks whether `kind` can run on `inputSide`×`inputSide` images: SmallResNet needs a side of
    /// at least 4, SmallVGG a positive multiple of 8. This is the check for user input; call it
    /// before `init(kind:inputSide:seed:)`, which traps on a side it rejects.
    ///
    /// - Returns: nil when the side is supported, else a message with the side and the rule.
    public static func validate(inputSide: Int, for kind: ModelKind) -> String? {
        switch kind {
        case .resnet where inputSide < 4:
            return "SmallResNet needs an input side of at least 4 pixels, got \(inputSide)"
        case .vgg where inputSide < 8 || inputSide % 8 != 0:
            return "SmallVGG needs an input side that is a positive multiple of 8 pixels, got \(inputSide)"
        default:
            return nil
        }
    }

    /// Number of trainable parameters (BatchNorm running statistics excluded).
    public var parameterCount: Int { model.store.parameterCount }

    /// Values per image: inputSide².
    public var imageSize: Int { inputSide * inputSide }

    /// Runs the network in evaluation mode (BatchNorm with running statistics) and returns the
    /// logits [count] and the features [count × 64], row-major.
    ///
    /// - Precondition: `images` contains at least `count`·`imageSize` values. Fewer is a caller
    ///   bug and traps. Check sizes of user data before calling.
    public func evaluate(_ images: UnsafeBufferPointer<Float>, count: Int) -> (logits: [Float], features: [Float]) {
        precondition(images.count >= count * imageSize, "\(images.count) values for \(count) images of \(imageSize)")
        var logits = [Float](repeating: 0, count: count)
        var features = [Float](repeating: 0, count: count * Network.featureCount)
        guard let base = images.baseAddress, count > 0 else { return (logits, features) }

        for start in stride(from: 0, to: count, by: Network.evaluationBatch) {
            let batch = min(Network.evaluationBatch, count - start)
            model.forward(base + start * imageSize, batch: batch, training: false)
            for i in 0..<batch {
                logits[start + i] = model.logits[i]
            }
            features.withUnsafeMutableBufferPointer { buffer in
                (buffer.baseAddress! + start * Network.featureCount)
                    .update(from: model.features, count: batch * Network.featureCount)
            }
        }
        return (logits, features)
    }

    /// Computes, in evaluation mode, the gradient of the mean binary cross-entropy over the `count`
    /// images with respect to every input pixel (same layout as `images`), and the logits. Labels
    /// are 0 or 1. Parameter gradients and running statistics are left unchanged.
    ///
    /// - Precondition: `images` contains at least `count`·`imageSize` values and `labels` at
    ///   least `count`. Fewer is a caller bug and traps. Check sizes of user data before calling.
    public func inputGradient(_ images: UnsafeBufferPointer<Float>, labels: [Float], count: Int)
        -> (logits: [Float], gradient: [Float])
    {
        precondition(images.count >= count * imageSize, "\(images.count) values for \(count) images of \(imageSize)")
        precondition(labels.count >= count, "\(labels.count) labels for \(count) images")
        var logits = [Float](repeating: 0, count: count)
        var gradient = [Float](repeating: 0, count: count * imageSize)
        guard let base = images.baseAddress, count > 0 else { return (logits, gradient) }

        var logitGradient = [Float](repeating: 0, count: Network.evaluationBatch)
        for start in stride(from: 0, to: count, by: Network.evaluationBatch) {
            let batch = min(Network.evaluationBatch, count - start)
            let input = base + start * imageSize
            model.forward(input, batch: batch, training: false)
            for i in 0..<batch {
                let z = model.logits[i]
                logits[start + i] = z
                logitGradient[i] = binaryCrossEntropyDerivative(logit: z, label: labels[start + i]) / Float(count)
            }

            let result = logitGradient.withUnsafeBufferPointer { dz in
                model.backward(input, logitGradient: dz.baseAddress!, batch: batch, training: false,
                               parameterGradients: false, inputGradientNeeded: true)!
            }
            gradient.withUnsafeMutableBufferPointer { buffer in
                (buffer.baseAddress! + start * imageSize).update(from: result, count: batch * imageSize)
            }
        }
        return (logits, gradient)
    }
}
