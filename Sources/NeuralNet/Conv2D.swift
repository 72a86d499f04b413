internal import CNeuralKernels
internal import COpenBLAS

/// 2-D convolution (PyTorch `Conv2d`, square kernel, groups 1) on square channel-major batches
/// [C, N, side, side], computed as im2col of a chunk of images followed by one SGEMM per chunk:
/// y [C_out, n·H_out·W_out] = W [C_out, C_in·k·k] · col [C_in·k·k, n·H_out·W_out].
///
/// A chunk contains as many images as fit in `columnBudget` column values (at least one), so the
/// number of SGEMM calls per pass is about batch·C_in·k²·H_out·W_out / columnBudget. The chunking
/// depends only on the layer shape, the batch and the budget, never on the thread count.
///
/// Output side: floor((side + 2·padding − kernel) / stride) + 1. Weights are initialised uniform in
/// ±1/sqrt(C_in·k·k) and so is the optional bias.
final class Conv2D {
    /// Column values per chunk by default: 2^20 floats (4 MiB). Larger chunks mean fewer, larger
    /// SGEMM calls but more memory traffic. In single-threaded CPU time for 320 64×64 images
    /// (neuralnet-bench, shared 2-core x86-64 machine), SmallResNet took 7.9 s at 2^18, 8.1 s at
    /// 2^20, 9.2 s at 2^22 and 9.7 s at 2^24. With 2 threads, 2^18 spent far more time in
    /// OpenBLAS thread hand-offs.
    static let defaultColumnBudget = 1 << 20

    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let padding: Int
    let inputSide: Int
    let outputSide: Int

    let output = FloatBuffer()
    let inputGradient = FloatBuffer()
    private let workspace: ConvolutionWorkspace
    private let columnBudget: Int
    private let store: ParameterStore
    private let weightOffset: Int
    private let biasOffset: Int?

    /// `workspace` contains the column buffers. Layers that never run at the same time may share one.
    init(_ name: String, store: ParameterStore, inChannels: Int, outChannels: Int, kernel: Int,
         stride: Int, padding: Int, bias: Bool, inputSide: Int,
         workspace: ConvolutionWorkspace = ConvolutionWorkspace(), columnBudget: Int = Conv2D.defaultColumnBudget) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.inputSide = inputSide
        outputSide = (inputSide + 2 * padding - kernel) / stride + 1
        self.workspace = workspace
        self.columnBudget = columnBudget
        self.store = store

        let bound = 1 / Float(inChannels * kernel * kernel).squareRoot()
        weightOffset = store.register("\(name).weight", shape: [outChannels, inChannels, kernel, kernel],
                                      trainable: true, initialisation: .uniform(bound: bound))
        biasOffset = bias
            ? store.register("\(name).bias", shape: [outChannels], trainable: true, initialisation: .uniform(bound: bound))
            : nil
    }

    /// Values per image of the input and of the output.
    var inputSize: Int { inChannels * inputArea }
    var outputSize: Int { outChannels * outputArea }
    private var inputArea: Int { inputSide * inputSide }
    private var outputArea: Int { outputSide * outputSide }
    private var patchSize: Int { inChannels * kernel * kernel }

    /// Images per chunk for a batch of `batch`.
    func imagesPerChunk(batch: Int) -> Int {
        max(1, min(batch, columnBudget / (patchSize * outputArea)))
    }

    func forward(_ input: UnsafePointer<Float>, batch: Int) {
        output.reserve(batch * outputSize)
        let weights = store.parameters + weightOffset
        let chunk = imagesPerChunk(batch: batch)
        workspace.columns.reserve(patchSize * chunk * outputArea)
        let columns = workspace.columns.pointer

        for first in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = min(chunk, batch - first)
            unfold(input, batch: batch, first: first, count: count, into: columns)
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                        blasint(outChannels), blasint(count * outputArea), blasint(patchSize),
                        1, weights, blasint(patchSize), columns, blasint(count * outputArea),
                        0, output.pointer + first * outputArea, blasint(batch * outputArea))
        }

        if let biasOffset {
            nk_add_channel_bias(output.pointer, store.parameters + biasOffset, Int32(outChannels), batch * outputArea,
                                KernelThreads.count)
        }
    }

    /// Adds dL/dW (and dL/db) to the store's gradients when `parameterGradients` is set, and writes
    /// dL/dx into `inputGradient` when `inputGradientNeeded` is set. `input` must be the tensor the
    /// last `forward` read; the columns are recomputed from it instead of being kept for the batch.
    func backward(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>, batch: Int,
                  parameterGradients: Bool, inputGradientNeeded: Bool) {
        let weights = store.parameters + weightOffset
        let chunk = imagesPerChunk(batch: batch)
        workspace.columns.reserve(patchSize * chunk * outputArea)
        let columns = workspace.columns.pointer
        if inputGradientNeeded {
            inputGradient.reserve(batch * inputSize)
            workspace.columnGradient.reserve(patchSize * chunk * outputArea)
        }
        if parameterGradients, let biasOffset {
            nk_accumulate_channel_sums(outputGradient, Int32(outChannels), batch * outputArea,
                                       store.gradients + biasOffset, KernelThreads.count)
        }

        for first in Swift.stride(from: 0, to: batch, by: chunk) {
            let count = min(chunk, batch - first)
            let dy = outputGradient + first * outputArea

            if parameterGradients {
                // dW += dY_chunk · colᵀ, summed over the chunk's images and positions by SGEMM.
                unfold(input, batch: batch, first: first, count: count, into: columns)
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                            blasint(outChannels), blasint(patchSize), blasint(count * outputArea),
                            1, dy, blasint(batch * outputArea), columns, blasint(count * outputArea),
                            1, store.gradients + weightOffset, blasint(patchSize))
            }

            if inputGradientNeeded {
                let columnGradient = workspace.columnGradient.pointer
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans,
                            blasint(patchSize), blasint(count * outputArea), blasint(outChannels),
                            1, weights, blasint(patchSize), dy, blasint(batch * outputArea),
                            0, columnGradient, blasint(count * outputArea))
                nk_col2im_batch(columnGradient, Int32(inChannels), batch * inputArea, Int32(count),
                                Int32(inputSide), Int32(inputSide), Int32(kernel), Int32(stride), Int32(padding),
                                Int32(outputSide), Int32(outputSide), inputGradient.pointer + first * inputArea,
                                KernelThreads.count)
            }
        }
    }

    /// im2col of images first..<first+count of the channel-major batch `input`.
    private func unfold(_ input: UnsafePointer<Float>, batch: Int, first: Int, count: Int,
                        into columns: UnsafeMutablePointer<Float>) {
        nk_im2col_batch(input + first * inputArea, Int32(inChannels), batch * inputArea, Int32(count),
                        Int32(inputSide), Int32(inputSide), Int32(kernel), Int32(stride), Int32(padding),
                        Int32(outputSide), Int32(outputSide), columns, KernelThreads.count)
    }
}

/// Column buffers of im2col and of its gradient. Every pass overwrites them, so the convolutions
/// of one network share a single workspace.
final class ConvolutionWorkspace {
    let columns = FloatBuffer()
    let columnGradient = FloatBuffer()
}
