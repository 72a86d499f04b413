import Foundation

/// Settings of the Adam optimiser (Kingma and Ba, "Adam: A Method for Stochastic Optimization",
/// ICLR 2015, arXiv 1412.6980) with L2 weight decay added to the gradient, as PyTorch's `Adam`
/// does (not the decoupled AdamW rule).
public struct AdamSettings: Sendable, Codable, Equatable {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 1e-4) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}

/// Adam state (first and second moments and step count) for a flat parameter vector.
///
/// Step t (from 1), per parameter p with gradient g, as in PyTorch 2.x `torch.optim.Adam`:
///   g ← g + weightDecay·p
///   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
///   p ← p − (lr / (1 − β1^t)) · m / (sqrt(v) / sqrt(1 − β2^t) + ε)
public final class Adam {
    public let settings: AdamSettings
    public private(set) var step = 0
    private var firstMoment: [Float]
    private var secondMoment: [Float]

    public init(parameterCount: Int, settings: AdamSettings = AdamSettings()) {
        self.settings = settings
        firstMoment = [Float](repeating: 0, count: parameterCount)
        secondMoment = [Float](repeating: 0, count: parameterCount)
    }

    /// Applies one update to `parameters` using `gradients`; both have `parameterCount` values.
    public func update(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>) {
        step += 1
        let beta1 = settings.beta1
        let beta2 = settings.beta2
        let decay = settings.weightDecay
        let epsilon = settings.epsilon
        let stepSize = settings.learningRate / (1 - pow(beta1, step))
        let correction2 = (1 - pow(beta2, step)).squareRoot()

        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                for i in 0..<m.count {
                    let g = gradients[i] + decay * parameters[i]
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    let denominator = v[i].squareRoot() / correction2 + epsilon
                    parameters[i] -= stepSize * m[i] / denominator
                }
            }
        }
    }

    private func pow(_ base: Float, _ exponent: Int) -> Float {
        Float(Foundation.pow(Double(base), Double(exponent)))
    }
}
