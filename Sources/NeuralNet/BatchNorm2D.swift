internal import CNeuralKernels

/// BatchNorm2d as in PyTorch with eps 1e-5 and momentum 0.1, affine, tracking running statistics.
///
/// Training mode normalises with the batch mean and the biased batch variance (divisor N·H·W) and
/// then updates running_mean ← 0.9·running_mean + 0.1·mean and running_var ← 0.9·running_var +
/// 0.1·var·m/(m−1) with the unbiased variance (m = N·H·W; for m = 1 the biased value is used).
/// Evaluation mode normalises with the running statistics. Starts with gamma 1, beta 0, mean 0, var 1.
/// Inputs are channel-major batches [C, N, side, side], so each channel's N·H·W values are contiguous.
/// With `appliesReLU` the layer is BatchNorm followed by ReLU in one pass, and `backward` expects the
/// gradient of the ReLU output.
final class BatchNorm2D {
    static let epsilon: Float = 1e-5
    static let momentum: Float = 0.1

    let channels: Int
    let area: Int
    let appliesReLU: Bool
    let output = FloatBuffer()
    let inputGradient = FloatBuffer()
    private let normalised = FloatBuffer()
    private let batchMean: FloatBuffer
    private let batchVariance: FloatBuffer
    private let inverseStd: FloatBuffer
    private let store: ParameterStore
    private let gammaOffset: Int
    private let betaOffset: Int
    private let runningMeanOffset: Int
    private let runningVarianceOffset: Int
    private let batchesTrackedOffset: Int

    init(_ name: String, store: ParameterStore, channels: Int, side: Int, appliesReLU: Bool = false) {
        self.channels = channels
        area = side * side
        self.appliesReLU = appliesReLU
        self.store = store
        gammaOffset = store.register("\(name).weight", shape: [channels], trainable: true, initialisation: .constant(1))
        betaOffset = store.register("\(name).bias", shape: [channels], trainable: true, initialisation: .constant(0))
        runningMeanOffset = store.register("\(name).running_mean", shape: [channels], trainable: false, initialisation: .constant(0))
        runningVarianceOffset = store.register("\(name).running_var", shape: [channels], trainable: false, initialisation: .constant(1))
        // PyTorch keeps an int64 counter; it is stored as a Float (exact below 2^24 steps).
        batchesTrackedOffset = store.register("\(name).num_batches_tracked", shape: [], trainable: false, initialisation: .constant(0))
        batchMean = FloatBuffer(capacity: channels)
        batchVariance = FloatBuffer(capacity: channels)
        inverseStd = FloatBuffer(capacity: channels)
    }

    private var size: Int { channels * area }

    func forward(_ input: UnsafePointer<Float>, batch: Int, training: Bool) {
        output.reserve(batch * size)
        let gamma = store.parameters + gammaOffset
        let beta = store.parameters + betaOffset
        let runningMean = store.buffers + runningMeanOffset
        let runningVariance = store.buffers + runningVarianceOffset
        guard training else {
            nk_batchnorm_eval_forward(input, Int32(channels), batch * area, gamma, beta, runningMean, runningVariance,
                                      Self.epsilon, appliesReLU ? 1 : 0, output.pointer, KernelThreads.count)
            return
        }

        normalised.reserve(batch * size)
        nk_batchnorm_train_forward(input, Int32(channels), batch * area, gamma, beta, Self.epsilon, appliesReLU ? 1 : 0,
                                   normalised.pointer, output.pointer, batchMean.pointer, batchVariance.pointer,
                                   inverseStd.pointer, KernelThreads.count)

        let count = Float(batch * area)
        let unbiasing = count > 1 ? count / (count - 1) : 1
        for c in 0..<channels {
            runningMean[c] = (1 - Self.momentum) * runningMean[c] + Self.momentum * batchMean.pointer[c]
            runningVariance[c] = (1 - Self.momentum) * runningVariance[c]
                + Self.momentum * batchVariance.pointer[c] * unbiasing
        }
        store.buffers[batchesTrackedOffset] += 1
    }

    /// Writes dL/dx into `inputGradient` and, in training mode with `parameterGradients`, adds
    /// dL/dgamma and dL/dbeta to the store. The mode must match the last `forward`.
    func backward(outputGradient: UnsafePointer<Float>, batch: Int, training: Bool, parameterGradients: Bool) {
        inputGradient.reserve(batch * size)
        let gamma = store.parameters + gammaOffset
        let reluOutput = appliesReLU ? UnsafePointer(output.pointer) : nil
        guard training else {
            // NOTE: evaluation-mode backward computes only dL/dx; nothing trains in evaluation mode.
            nk_batchnorm_eval_backward(outputGradient, reluOutput, Int32(channels), batch * area, gamma,
                                       store.buffers + runningVarianceOffset, Self.epsilon, inputGradient.pointer,
                                       KernelThreads.count)
            return
        }

        nk_batchnorm_train_backward(outputGradient, reluOutput, normalised.pointer, Int32(channels), batch * area,
                                    gamma, inverseStd.pointer, inputGradient.pointer,
                                    parameterGradients ? store.gradients + gammaOffset : nil,
                                    parameterGradients ? store.gradients + betaOffset : nil, KernelThreads.count)
    }
}
