internal import CNeuralKernels

/// SmallVGG: three stages of conv3×3 (padding 1, with bias) + ReLU + 2×2 max pooling with 16, 32
/// and 64 channels, flatten in (C, H, W) order, linear → 64 + ReLU (the features), linear 64→1.
/// 285,569 trainable parameters at 64×64 (the first linear layer has 64·(side/8)² inputs); the
/// input side must be a multiple of 8. Tensor names follow scripts/pytorch_reference.py.
final class VGGModel: ConvolutionalModel {
    let store = ParameterStore()
    private let workspace = ConvolutionWorkspace()
    private let convolutions: [Conv2D]
    private let pools: [MaxPool2]
    private let fc1: Linear
    private let fc2: Linear
    /// The last pooling output in image-major order [N, C·H·W], as fc1 reads it, or its gradient
    /// in channel-major order [C, N, H, W].
    private let flattened = FloatBuffer()
    private let flattenedGradient = FloatBuffer()

    init(inputSide: Int, seed: UInt64) {
        var convolutions: [Conv2D] = []
        var pools: [MaxPool2] = []
        var side = inputSide
        var channels = 1
        for (index, width) in [16, 32, 64].enumerated() {
            let conv = Conv2D("conv\(index + 1)", store: store, inChannels: channels, outChannels: width, kernel: 3,
                              stride: 1, padding: 1, bias: true, inputSide: side, workspace: workspace)
            convolutions.append(conv)
            pools.append(MaxPool2(channels: width, inputSide: side, appliesReLU: true))
            side /= 2
            channels = width
        }
        self.convolutions = convolutions
        self.pools = pools
        fc1 = Linear("fc1", store: store, inFeatures: channels * side * side, outFeatures: Network.featureCount)
        fc2 = Linear("fc2", store: store, inFeatures: Network.featureCount, outFeatures: 1)
        store.allocate(seed: seed)
    }

    var logits: UnsafePointer<Float> { UnsafePointer(fc2.output.pointer) }
    var features: UnsafePointer<Float> { UnsafePointer(fc1.output.pointer) }

    func forward(_ input: UnsafePointer<Float>, batch: Int, training: Bool) {
        var x = input
        for (conv, pool) in zip(convolutions, pools) {
            conv.forward(x, batch: batch)
            pool.forward(conv.output.pointer, batch: batch)
            x = UnsafePointer(pool.output.pointer)
        }

        let last = pools[2]
        flattened.reserve(batch * fc1.inFeatures)
        nk_transpose_outer(x, Int32(last.channels), Int32(batch), last.outputSide * last.outputSide, flattened.pointer)
        fc1.forward(flattened.pointer, batch: batch)
        ReLU.forward(fc1.output.pointer, count: batch * fc1.outFeatures)
        fc2.forward(fc1.output.pointer, batch: batch)
    }

    func backward(_ input: UnsafePointer<Float>, logitGradient: UnsafePointer<Float>, batch: Int, training: Bool,
                  parameterGradients: Bool, inputGradientNeeded: Bool) -> UnsafePointer<Float>? {
        fc2.backward(input: fc1.output.pointer, outputGradient: logitGradient, batch: batch,
                     parameterGradients: parameterGradients, inputGradientNeeded: true)
        ReLU.backward(output: fc1.output.pointer, gradient: fc2.inputGradient.pointer, count: batch * fc1.outFeatures)
        fc1.backward(input: flattened.pointer, outputGradient: fc2.inputGradient.pointer, batch: batch,
                     parameterGradients: parameterGradients, inputGradientNeeded: true)
        let last = pools[2]
        flattenedGradient.reserve(batch * fc1.inFeatures)
        nk_transpose_outer(fc1.inputGradient.pointer, Int32(batch), Int32(last.channels),
                           last.outputSide * last.outputSide, flattenedGradient.pointer)

        var gradient = UnsafePointer(flattenedGradient.pointer)
        for index in convolutions.indices.reversed() {
            let conv = convolutions[index]
            let pool = pools[index]
            pool.backward(outputGradient: gradient, batch: batch)
            let convInput = index == 0 ? input : UnsafePointer(pools[index - 1].output.pointer)
            conv.backward(input: convInput, outputGradient: pool.inputGradient.pointer, batch: batch,
                          parameterGradients: parameterGradients, inputGradientNeeded: index > 0 || inputGradientNeeded)
            gradient = UnsafePointer(conv.inputGradient.pointer)
        }
        return inputGradientNeeded ? gradient : nil
    }
}
