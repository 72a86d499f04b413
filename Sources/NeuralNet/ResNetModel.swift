internal import CNeuralKernels

/// BasicBlock of a ResNet (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016):
/// relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), with conv1 3×3 of stride s, conv2 3×3 of
/// stride 1, and shortcut = bn(conv1×1 of stride s) when the shape changes, else the identity.
final class BasicBlock {
    let conv1: Conv2D
    let bn1: BatchNorm2D
    let conv2: Conv2D
    let bn2: BatchNorm2D
    let shortcutConv: Conv2D?
    let shortcutBN: BatchNorm2D?
    let output = FloatBuffer()
    let inputGradient = FloatBuffer()
    private let sumGradient = FloatBuffer()

    init(_ name: String, store: ParameterStore, workspace: ConvolutionWorkspace, inChannels: Int, outChannels: Int,
         stride: Int, inputSide: Int) {
        conv1 = Conv2D("\(name).conv1", store: store, inChannels: inChannels, outChannels: outChannels,
                       kernel: 3, stride: stride, padding: 1, bias: false, inputSide: inputSide, workspace: workspace)
        let side = conv1.outputSide
        bn1 = BatchNorm2D("\(name).bn1", store: store, channels: outChannels, side: side, appliesReLU: true)
        conv2 = Conv2D("\(name).conv2", store: store, inChannels: outChannels, outChannels: outChannels,
                       kernel: 3, stride: 1, padding: 1, bias: false, inputSide: side, workspace: workspace)
        bn2 = BatchNorm2D("\(name).bn2", store: store, channels: outChannels, side: side)
        if stride != 1 || inChannels != outChannels {
            let conv = Conv2D("\(name).shortcut.conv", store: store, inChannels: inChannels, outChannels: outChannels,
                              kernel: 1, stride: stride, padding: 0, bias: false, inputSide: inputSide,
                              workspace: workspace)
            precondition(conv.outputSide == side, "shortcut side \(conv.outputSide) differs from \(side)")
            shortcutConv = conv
            shortcutBN = BatchNorm2D("\(name).shortcut.bn", store: store, channels: outChannels, side: side)
        } else {
            shortcutConv = nil
            shortcutBN = nil
        }
    }

    var outputSide: Int { conv1.outputSide }
    private var outputSize: Int { conv2.outputSize }

    func forward(_ input: UnsafePointer<Float>, batch: Int, training: Bool) {
        conv1.forward(input, batch: batch)
        bn1.forward(conv1.output.pointer, batch: batch, training: training)
        conv2.forward(bn1.output.pointer, batch: batch)
        bn2.forward(conv2.output.pointer, batch: batch, training: training)

        var shortcut = input
        if let shortcutConv, let shortcutBN {
            shortcutConv.forward(input, batch: batch)
            shortcutBN.forward(shortcutConv.output.pointer, batch: batch, training: training)
            shortcut = UnsafePointer(shortcutBN.output.pointer)
        }

        let count = batch * outputSize
        output.reserve(count)
        nk_add_relu(bn2.output.pointer, shortcut, output.pointer, count, KernelThreads.count)
    }

    func backward(_ input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int, training: Bool,
                  parameterGradients: Bool, inputGradientNeeded: Bool) {
        // Gradient of the sum before the final ReLU; it flows into both branches.
        let count = batch * outputSize
        sumGradient.reserve(count)
        nk_relu_backward(output.pointer, outputGradient, sumGradient.pointer, count, KernelThreads.count)

        bn2.backward(outputGradient: sumGradient.pointer, batch: batch, training: training,
                     parameterGradients: parameterGradients)
        conv2.backward(input: bn1.output.pointer, outputGradient: bn2.inputGradient.pointer, batch: batch,
                       parameterGradients: parameterGradients, inputGradientNeeded: true)
        bn1.backward(outputGradient: conv2.inputGradient.pointer, batch: batch, training: training,
                     parameterGradients: parameterGradients)
        conv1.backward(input: input, outputGradient: bn1.inputGradient.pointer, batch: batch,
                       parameterGradients: parameterGradients, inputGradientNeeded: inputGradientNeeded)

        if let shortcutConv, let shortcutBN {
            shortcutBN.backward(outputGradient: sumGradient.pointer, batch: batch, training: training,
                                parameterGradients: parameterGradients)
            shortcutConv.backward(input: input, outputGradient: shortcutBN.inputGradient.pointer, batch: batch,
                                  parameterGradients: parameterGradients, inputGradientNeeded: inputGradientNeeded)
        }
        guard inputGradientNeeded else { return }

        let inputCount = batch * conv1.inputSize
        inputGradient.reserve(inputCount)
        let shortcutGradient = shortcutConv.map { UnsafePointer($0.inputGradient.pointer) } ?? UnsafePointer(sumGradient.pointer)
        nk_add(conv1.inputGradient.pointer, shortcutGradient, inputGradient.pointer, inputCount, KernelThreads.count)
    }
}

/// SmallResNet: stem conv3×3 1→16 (no bias) + BN + ReLU, BasicBlocks 16→16 (stride 1), 16→32
/// (stride 2) and 32→64 (stride 2), global average pooling to 64 features, linear 64→1.
/// 77,169 trainable parameters; tensor names follow the `state_dict` of the module in
/// scripts/pytorch_reference.py.
final class ResNetModel: ConvolutionalModel {
    let store = ParameterStore()
    private let workspace = ConvolutionWorkspace()
    private let stemConv: Conv2D
    private let stemBN: BatchNorm2D
    private let blocks: [BasicBlock]
    private let pool: GlobalAveragePool
    private let fc: Linear

    init(inputSide: Int, seed: UInt64) {
        stemConv = Conv2D("stem.conv", store: store, inChannels: 1, outChannels: 16, kernel: 3, stride: 1,
                          padding: 1, bias: false, inputSide: inputSide, workspace: workspace)
        stemBN = BatchNorm2D("stem.bn", store: store, channels: 16, side: inputSide, appliesReLU: true)
        let block1 = BasicBlock("block1", store: store, workspace: workspace, inChannels: 16, outChannels: 16, stride: 1, inputSide: inputSide)
        let block2 = BasicBlock("block2", store: store, workspace: workspace, inChannels: 16, outChannels: 32, stride: 2,
                                inputSide: block1.outputSide)
        let block3 = BasicBlock("block3", store: store, workspace: workspace, inChannels: 32, outChannels: 64, stride: 2,
                                inputSide: block2.outputSide)
        blocks = [block1, block2, block3]
        pool = GlobalAveragePool(channels: 64, side: block3.outputSide)
        fc = Linear("fc", store: store, inFeatures: 64, outFeatures: 1)
        store.allocate(seed: seed)
    }

    var logits: UnsafePointer<Float> { UnsafePointer(fc.output.pointer) }
    var features: UnsafePointer<Float> { UnsafePointer(pool.output.pointer) }

    func forward(_ input: UnsafePointer<Float>, batch: Int, training: Bool) {
        stemConv.forward(input, batch: batch)
        stemBN.forward(stemConv.output.pointer, batch: batch, training: training)

        var x = UnsafePointer(stemBN.output.pointer)
        for block in blocks {
            block.forward(x, batch: batch, training: training)
            x = UnsafePointer(block.output.pointer)
        }

        pool.forward(x, batch: batch)
        fc.forward(pool.output.pointer, batch: batch)
    }

    func backward(_ input: UnsafePointer<Float>, logitGradient: UnsafePointer<Float>, batch: Int, training: Bool,
                  parameterGradients: Bool, inputGradientNeeded: Bool) -> UnsafePointer<Float>? {
        fc.backward(input: pool.output.pointer, outputGradient: logitGradient, batch: batch,
                    parameterGradients: parameterGradients, inputGradientNeeded: true)
        pool.backward(outputGradient: fc.inputGradient.pointer, batch: batch)

        var gradient = UnsafePointer(pool.inputGradient.pointer)
        for index in blocks.indices.reversed() {
            let block = blocks[index]
            let blockInput = index == 0 ? stemBN.output.pointer : blocks[index - 1].output.pointer
            block.backward(blockInput, outputGradient: gradient, batch: batch, training: training,
                           parameterGradients: parameterGradients, inputGradientNeeded: true)
            gradient = UnsafePointer(block.inputGradient.pointer)
        }

        stemBN.backward(outputGradient: gradient, batch: batch, training: training,
                        parameterGradients: parameterGradients)
        stemConv.backward(input: input, outputGradient: stemBN.inputGradient.pointer, batch: batch,
                          parameterGradients: parameterGradients, inputGradientNeeded: inputGradientNeeded)
        return inputGradientNeeded ? UnsafePointer(stemConv.inputGradient.pointer) : nil
    }
}
