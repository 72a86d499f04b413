internal import CNeuralKernels

/// 2×2 max pooling with stride 2 (PyTorch `MaxPool2d(2)`) on planes with an even side. Ties route
/// the gradient to the first maximum in row-major order. With `appliesReLU` it pools ReLU(x) in the
/// same pass (max(max(window), 0) equals the maximum of the rectified window), and `backward` also
/// applies that ReLU's mask.
final class MaxPool2 {
    let channels: Int
    let inputSide: Int
    let appliesReLU: Bool
    var outputSide: Int { inputSide / 2 }
    let output = FloatBuffer()
    let inputGradient = FloatBuffer()
    private let argmax = IndexBuffer()

    init(channels: Int, inputSide: Int, appliesReLU: Bool = false) {
        precondition(inputSide % 2 == 0, "max pooling needs an even side, got \(inputSide)")
        self.channels = channels
        self.inputSide = inputSide
        self.appliesReLU = appliesReLU
    }

    func forward(_ input: UnsafePointer<Float>, batch: Int) {
        let outputCount = batch * channels * outputSide * outputSide
        output.reserve(outputCount)
        argmax.reserve(outputCount)
        nk_maxpool2_forward(input, Int32(batch * channels), Int32(inputSide), Int32(inputSide), appliesReLU ? 1 : 0,
                            output.pointer, argmax.pointer, KernelThreads.count)
    }

    func backward(outputGradient: UnsafePointer<Float>, batch: Int) {
        inputGradient.reserve(batch * channels * inputSide * inputSide)
        nk_maxpool2_backward(outputGradient, appliesReLU ? UnsafePointer(output.pointer) : nil, argmax.pointer,
                             Int32(batch * channels), Int32(inputSide), Int32(inputSide), inputGradient.pointer,
                             KernelThreads.count)
    }
}

/// Global average pooling of a channel-major batch [C, N, H, W]: the mean of each H×W plane,
/// giving image-major features [N, C].
final class GlobalAveragePool {
    let channels: Int
    let area: Int
    let output = FloatBuffer()
    let inputGradient = FloatBuffer()
    /// Plane means or their gradients in channel-major order [C, N].
    private let channelMajor = FloatBuffer()

    init(channels: Int, side: Int) {
        self.channels = channels
        area = side * side
    }

    func forward(_ input: UnsafePointer<Float>, batch: Int) {
        output.reserve(batch * channels)
        channelMajor.reserve(batch * channels)
        nk_global_average_forward(input, Int32(batch * channels), Int32(area), channelMajor.pointer)
        nk_transpose_outer(channelMajor.pointer, Int32(channels), Int32(batch), 1, output.pointer)
    }

    func backward(outputGradient: UnsafePointer<Float>, batch: Int) {
        inputGradient.reserve(batch * channels * area)
        channelMajor.reserve(batch * channels)
        nk_transpose_outer(outputGradient, Int32(batch), Int32(channels), 1, channelMajor.pointer)
        nk_global_average_backward(channelMajor.pointer, Int32(batch * channels), Int32(area), inputGradient.pointer)
    }
}

/// In-place ReLU helpers; the backward pass reads the ReLU output, which is positive exactly where
/// the input was.
enum ReLU {
    static func forward(_ values: UnsafeMutablePointer<Float>, count: Int) {
        nk_relu_forward(values, count, KernelThreads.count)
    }

    static func backward(output: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) {
        nk_relu_backward(output, gradient, gradient, count, KernelThreads.count)
    }
}
