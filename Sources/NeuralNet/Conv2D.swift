internal import CNeuralKernels
internal import COpenBLAS

/// 2-D convolution (PyTorch `Conv2d`, square kernel, groups 1) on square NCHW inputs, computed per
/// image as im2col followed by one SGEMM: y [C_out, H_out·W_out] = W [C_out, C_in·k·k] · col.
///
/// Output side: floor((side + 2·padding − kernel) / stride) + 1. Weights are initialised uniform in
/// ±1/sqrt(C_in·k·k) and so is the optional bias.
final class Conv2D {
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    let inputSide: Int
    let outputSide: Int

    let output = FloatBuffer()
    let inputGradient = FloatBuffer()
    private let columns: FloatBuffer
    private let columnGradient: FloatBuffer
    private let store: ParameterStore
    private let weightOffset: Int
    private let biasOffset: Int?

    init(_ name: String, store: ParameterStore, inChannels: Int, outChannels: Int, kernel: Int,
         stride: Int, padding: Int, bias: Bool, inputSide: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.inputSide = inputSide
        outputSide = (inputSide + 2 * padding - kernel) / stride + 1
        self.store = store

        let bound = 1 / Float(inChannels * kernel * kernel).squareRoot()
        weightOffset = store.register("\(name).weight", shape: [outChannels, inChannels, kernel, kernel],
                                      trainable: true, initialisation: .uniform(bound: bound))
        biasOffset = bias
            ? store.register("\(name).bias", shape: [outChannels], trainable: true, initialisation: .uniform(bound: bound))
            : nil

        let columnCount = inChannels * kernel * kernel * outputSide * outputSide
        columns = FloatBuffer(capacity: columnCount)
        columnGradient = FloatBuffer(capacity: columnCount)
    }

    var inputSize: Int { inChannels * inputSide * inputSide }
    var outputSize: Int { outChannels * outputSide * outputSide }
    private var patchSize: Int { inChannels * kernel * kernel }
    private var outputArea: Int { outputSide * outputSide }

    func forward(_ input: UnsafePointer<Float>, batch: Int) {
        output.reserve(batch * outputSize)
        let weights = store.parameters + weightOffset

        for image in 0..<batch {
            let x = input + image * inputSize
            let y = output.pointer + image * outputSize
            nk_im2col(x, Int32(inChannels), Int32(inputSide), Int32(inputSide), Int32(kernel),
                      Int32(stride), Int32(padding), Int32(outputSide), Int32(outputSide), columns.pointer)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                        blasint(outChannels), blasint(outputArea), blasint(patchSize),
                        1, weights, blasint(patchSize), columns.pointer, blasint(outputArea),
                        0, y, blasint(outputArea))
            if let biasOffset {
                nk_add_channel_bias(y, store.parameters + biasOffset, Int32(outChannels), Int32(outputArea))
            }
        }
    }

    /// Adds dL/dW (and dL/db) to the store's gradients when `parameterGradients` is set, and writes
    /// dL/dx into `inputGradient` when `inputGradientNeeded` is set. `input` must be the tensor the
    /// last `forward` read; the columns are recomputed from it instead of being kept for the batch.
    func backward(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int,
                  parameterGradients: Bool, inputGradientNeeded: Bool) {
        let weights = store.parameters + weightOffset
        if inputGradientNeeded {
            inputGradient.reserve(batch * inputSize)
            inputGradient.zero(batch * inputSize)
        }
        if parameterGradients, let biasOffset {
            nk_accumulate_channel_sums(outputGradient, Int32(batch), Int32(outChannels), Int32(outputArea),
                                       store.gradients + biasOffset)
        }

        for image in 0..<batch {
            let dy = outputGradient + image * outputSize
            if parameterGradients {
                nk_im2col(input + image * inputSize, Int32(inChannels), Int32(inputSide), Int32(inputSide),
                          Int32(kernel), Int32(stride), Int32(padding), Int32(outputSide), Int32(outputSide),
                          columns.pointer)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                            blasint(outChannels), blasint(patchSize), blasint(outputArea),
                            1, dy, blasint(outputArea), columns.pointer, blasint(outputArea),
                            1, store.gradients + weightOffset, blasint(patchSize))
            }
            if inputGradientNeeded {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
                            blasint(patchSize), blasint(outputArea), blasint(outChannels),
                            1, weights, blasint(patchSize), dy, blasint(outputArea),
                            0, columnGradient.pointer, blasint(outputArea))
                nk_col2im(columnGradient.pointer, Int32(inChannels), Int32(inputSide), Int32(inputSide),
                          Int32(kernel), Int32(stride), Int32(padding), Int32(outputSide), Int32(outputSide),
                          inputGradient.pointer + image * inputSize)
            }
        }
    }
}
