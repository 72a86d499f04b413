import XCTest
@testable import NeuralNet

/// Compares the chunked im2col + SGEMM convolution with a direct six-loop convolution in Double,
/// once with one image per chunk and once with the whole batch in one chunk. Activations are
/// channel-major [C, N, H, W]. Tolerance: 1e-5 relative plus 1e-5 absolute, because SGEMM sums in
/// Float32 in another order than the reference.
final class ConvolutionChunkTests: XCTestCase {
    private struct Shape {
        let kernel: Int
        let stride: Int
        let padding: Int
        let bias: Bool
    }

    private let inChannels = 2
    private let outChannels = 3
    private let batch = 3
    private let side = 5

    /// Direct results: output y, input gradient dx, weight gradient dW and bias gradient db for
    /// the loss Σ y·g with the output weights g.
    private struct Reference {
        var output: [Double]
        var inputGradient: [Double]
        var weightGradient: [Double]
        var biasGradient: [Double]
    }

    private func directConvolution(_ shape: Shape, input: [Float], weights: [Float], bias: [Float]?,
                                   outputWeights: [Float], outputSide: Int) -> Reference {
        let k = shape.kernel
        let inputArea = side * side
        let outputArea = outputSide * outputSide
        var reference = Reference(output: Array(repeating: 0, count: outChannels * batch * outputArea),
                                  inputGradient: Array(repeating: 0, count: inChannels * batch * inputArea),
                                  weightGradient: Array(repeating: 0, count: weights.count),
                                  biasGradient: Array(repeating: 0, count: outChannels))

        for co in 0..<outChannels {
            for n in 0..<batch {
                for oy in 0..<outputSide {
                    for ox in 0..<outputSide {
                        let outputIndex = (co * batch + n) * outputArea + oy * outputSide + ox
                        let g = Double(outputWeights[outputIndex])
                        var sum = Double(bias?[co] ?? 0)
                        reference.biasGradient[co] += g
                        for ci in 0..<inChannels {
                            for ky in 0..<k {
                                for kx in 0..<k {
                                    let iy = oy * shape.stride - shape.padding + ky
                                    let ix = ox * shape.stride - shape.padding + kx
                                    guard (0..<side).contains(iy), (0..<side).contains(ix) else { continue }
                                    let inputIndex = (ci * batch + n) * inputArea + iy * side + ix
                                    let weightIndex = ((co * inChannels + ci) * k + ky) * k + kx
                                    sum += Double(weights[weightIndex]) * Double(input[inputIndex])
                                    reference.inputGradient[inputIndex] += Double(weights[weightIndex]) * g
                                    reference.weightGradient[weightIndex] += Double(input[inputIndex]) * g
                                }
                            }
                        }
                        reference.output[outputIndex] = sum
                    }
                }
            }
        }
        return reference
    }

    private func assertClose(_ ours: UnsafePointer<Float>, _ expected: [Double], _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        for (index, value) in expected.enumerated() {
            XCTAssertEqual(Double(ours[index]), value, accuracy: 1e-5 * abs(value) + 1e-5, "\(label)[\(index)]",
                           file: file, line: line)
        }
    }

    private func check(_ shape: Shape, file: StaticString = #filePath, line: UInt = #line) {
        let input = TestTensor(uniformValues(inChannels * batch * side * side, seed: 50))
        for columnBudget in [1, Conv2D.defaultColumnBudget] {
            let store = ParameterStore()
            let conv = Conv2D("conv", store: store, inChannels: inChannels, outChannels: outChannels,
                              kernel: shape.kernel, stride: shape.stride, padding: shape.padding, bias: shape.bias,
                              inputSide: side, columnBudget: columnBudget)
            store.allocate(seed: 51)
            let label = "k\(shape.kernel) s\(shape.stride) p\(shape.padding) budget \(columnBudget)"
            XCTAssertEqual(conv.imagesPerChunk(batch: batch), columnBudget == 1 ? 1 : batch, label, file: file, line: line)

            let weightCount = outChannels * inChannels * shape.kernel * shape.kernel
            let weights = Array(UnsafeBufferPointer(start: store.parameters, count: weightCount))
            let bias = shape.bias ? Array(UnsafeBufferPointer(start: store.parameters + weightCount, count: outChannels)) : nil
            let outputWeights = uniformValues(batch * conv.outputSize, seed: 52)
            let reference = directConvolution(shape, input: input.values, weights: weights, bias: bias,
                                              outputWeights: outputWeights, outputSide: conv.outputSide)

            conv.forward(input.pointer, batch: batch)
            store.zeroGradients()
            outputWeights.withUnsafeBufferPointer { g in
                conv.backward(input: input.pointer, outputGradient: g.baseAddress!, batch: batch,
                              parameterGradients: true, inputGradientNeeded: true)
            }

            assertClose(conv.output.pointer, reference.output, "\(label) output", file: file, line: line)
            assertClose(conv.inputGradient.pointer, reference.inputGradient, "\(label) input gradient", file: file, line: line)
            assertClose(store.gradients, reference.weightGradient, "\(label) weight gradient", file: file, line: line)
            if shape.bias {
                assertClose(store.gradients + weightCount, reference.biasGradient, "\(label) bias gradient",
                            file: file, line: line)
            }
        }
    }

    func testKernel3Stride1WithBias() {
        check(Shape(kernel: 3, stride: 1, padding: 1, bias: true))
    }

    func testKernel3Stride2() {
        check(Shape(kernel: 3, stride: 2, padding: 1, bias: false))
    }

    func testKernel1Stride2() {
        check(Shape(kernel: 1, stride: 2, padding: 0, bias: false))
    }

    func testKernel3WithoutPadding() {
        check(Shape(kernel: 3, stride: 2, padding: 0, bias: true))
    }
}
