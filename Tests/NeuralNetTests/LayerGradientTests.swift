import XCTest
@testable import NeuralNet

/// Finite-difference checks of each layer's backward pass, for inputs and parameters.
final class LayerGradientTests: XCTestCase {
    private let probe = GradientProbe()

    /// Checks dL/dx and dL/dθ of one convolution configuration on 2 images.
    private func checkConvolution(kernel: Int, stride: Int, padding: Int, bias: Bool, side: Int,
                                  file: StaticString = #filePath, line: UInt = #line) {
        let store = ParameterStore()
        let conv = Conv2D("conv", store: store, inChannels: 3, outChannels: 4, kernel: kernel, stride: stride,
                          padding: padding, bias: bias, inputSide: side)
        store.allocate(seed: 11)
        let batch = 2
        let input = TestTensor(uniformValues(batch * conv.inputSize, seed: 1))
        let weights = uniformValues(batch * conv.outputSize, seed: 2)
        let label = "conv k\(kernel) s\(stride) p\(padding)"

        func loss() -> Double {
            conv.forward(input.pointer, batch: batch)
            return weightedSum(conv.output.pointer, weights)
        }
        _ = loss()
        store.zeroGradients()
        weights.withUnsafeBufferPointer { w in
            conv.backward(input: input.pointer, outputGradient: w.baseAddress!, batch: batch,
                          parameterGradients: true, inputGradientNeeded: true)
        }
        let inputGradient = Array(UnsafeBufferPointer(start: conv.inputGradient.pointer, count: input.count))

        probe.check("\(label) input", values: input.pointer, count: input.count, analytic: inputGradient, seed: 3,
                    loss: loss, file: file, line: line)
        for entry in store.entries {
            let analytic = Array(UnsafeBufferPointer(start: store.gradients + entry.offset, count: entry.count))
            probe.check("\(label) \(entry.name)", values: store.pointer(to: entry), count: entry.count,
                        analytic: analytic, seed: 4, loss: loss, file: file, line: line)
        }
    }

    func testConvolution3x3Stride1Padding1() {
        checkConvolution(kernel: 3, stride: 1, padding: 1, bias: true, side: 6)
    }

    func testConvolution3x3Stride2Padding1() {
        checkConvolution(kernel: 3, stride: 2, padding: 1, bias: false, side: 7)
    }

    func testConvolution1x1Stride2() {
        checkConvolution(kernel: 1, stride: 2, padding: 0, bias: false, side: 6)
    }

    /// Checks BatchNorm in one mode, with gamma and beta moved away from 1 and 0.
    private func checkBatchNorm(training: Bool, file: StaticString = #filePath, line: UInt = #line) {
        let store = ParameterStore()
        let bn = BatchNorm2D("bn", store: store, channels: 3, side: 4)
        store.allocate(seed: 0)
        let affine = uniformValues(store.parameterCount, seed: 5, low: 0.5, high: 1.5)
        store.parameters.update(from: affine, count: affine.count)
        store.buffers.update(from: uniformValues(store.bufferCount, seed: 6, low: 0.2, high: 1.2), count: store.bufferCount)
        let batch = 3
        let input = TestTensor(uniformValues(batch * 3 * 16, seed: 7, low: -2, high: 2))
        let weights = uniformValues(input.count, seed: 8)

        func loss() -> Double {
            bn.forward(input.pointer, batch: batch, training: training)
            return weightedSum(bn.output.pointer, weights)
        }
        _ = loss()
        store.zeroGradients()
        weights.withUnsafeBufferPointer {
            bn.backward(outputGradient: $0.baseAddress!, batch: batch, training: training, parameterGradients: true)
        }
        let inputGradient = Array(UnsafeBufferPointer(start: bn.inputGradient.pointer, count: input.count))

        let mode = training ? "training" : "evaluation"
        probe.check("batch norm \(mode) input", values: input.pointer, count: input.count, analytic: inputGradient,
                    seed: 9, loss: loss, file: file, line: line)
        guard training else { return }
        for entry in store.entries where entry.isTrainable {
            let analytic = Array(UnsafeBufferPointer(start: store.gradients + entry.offset, count: entry.count))
            probe.check("batch norm \(entry.name)", values: store.pointer(to: entry), count: entry.count,
                        analytic: analytic, seed: 10, loss: loss, file: file, line: line)
        }
    }

    func testBatchNormTrainingMode() {
        checkBatchNorm(training: true)
    }

    func testBatchNormEvaluationMode() {
        checkBatchNorm(training: false)
    }

    func testBatchNormRunningStatisticsUseUnbiasedVariance() {
        let store = ParameterStore()
        let bn = BatchNorm2D("bn", store: store, channels: 1, side: 1)
        store.allocate(seed: 0)
        let input: [Float] = [1, 2, 3, 6]
        input.withUnsafeBufferPointer { bn.forward($0.baseAddress!, batch: 4, training: true) }

        // mean 3, biased variance 3.5, unbiased variance 14/3.
        XCTAssertEqual(store.buffers[0], 0.3, accuracy: 1e-6)
        XCTAssertEqual(store.buffers[1], 0.9 + 0.1 * 14 / 3, accuracy: 1e-6)
        XCTAssertEqual(store.buffers[2], 1)
        XCTAssertEqual(bn.output.pointer[0], -2 / Float(3.5 + 1e-5).squareRoot(), accuracy: 1e-6)
    }

    func testReLU() {
        let input = TestTensor(valuesAwayFromZero(50, seed: 12))
        let weights = uniformValues(50, seed: 13)
        let output = TestTensor(input.values)

        func loss() -> Double {
            output.pointer.update(from: input.pointer, count: 50)
            ReLU.forward(output.pointer, count: 50)
            return weightedSum(output.pointer, weights)
        }
        _ = loss()
        let gradient = TestTensor(weights)
        ReLU.backward(output: output.pointer, gradient: gradient.pointer, count: 50)

        XCTAssertEqual(gradient.values.filter { $0 == 0 }.count, input.values.filter { $0 < 0 }.count)
        probe.check("relu input", values: input.pointer, count: 50, analytic: gradient.values, seed: 14, loss: loss)
    }

    func testMaxPool() {
        let pool = MaxPool2(channels: 3, inputSide: 8)
        let batch = 2
        let count = batch * 3 * 64
        // Distinct values 2/count apart, more than twice the step, so no window changes its maximum.
        var generator = SplitMix64(seed: 15)
        var ranks = Array(0..<count)
        shuffle(&ranks, using: &generator)
        let input = TestTensor(ranks.map { Float($0) * 2 / Float(count) - 1 })
        let weights = uniformValues(batch * 3 * 16, seed: 16)

        func loss() -> Double {
            pool.forward(input.pointer, batch: batch)
            return weightedSum(pool.output.pointer, weights)
        }
        _ = loss()
        weights.withUnsafeBufferPointer { pool.backward(outputGradient: $0.baseAddress!, batch: batch) }
        let analytic = Array(UnsafeBufferPointer(start: pool.inputGradient.pointer, count: count))

        XCTAssertEqual(analytic.filter { $0 != 0 }.count, weights.count)
        probe.check("max pool input", values: input.pointer, count: count, analytic: analytic, seed: 17, loss: loss)
    }

    func testMaxPoolTieKeepsFirstMaximum() {
        let pool = MaxPool2(channels: 1, inputSide: 2)
        let input: [Float] = [0, 0, 0, 0]
        input.withUnsafeBufferPointer { pool.forward($0.baseAddress!, batch: 1) }
        let gradient: [Float] = [1]
        gradient.withUnsafeBufferPointer { pool.backward(outputGradient: $0.baseAddress!, batch: 1) }

        XCTAssertEqual(Array(UnsafeBufferPointer(start: pool.inputGradient.pointer, count: 4)), [1, 0, 0, 0])
    }

    func testGlobalAveragePool() {
        let pool = GlobalAveragePool(channels: 4, side: 3)
        let input = TestTensor(uniformValues(2 * 4 * 9, seed: 18))
        let weights = uniformValues(8, seed: 19)

        func loss() -> Double {
            pool.forward(input.pointer, batch: 2)
            return weightedSum(pool.output.pointer, weights)
        }
        _ = loss()
        weights.withUnsafeBufferPointer { pool.backward(outputGradient: $0.baseAddress!, batch: 2) }
        let analytic = Array(UnsafeBufferPointer(start: pool.inputGradient.pointer, count: input.count))

        probe.check("average pool input", values: input.pointer, count: input.count, analytic: analytic, seed: 20, loss: loss)
    }

    func testLinear() {
        let store = ParameterStore()
        let linear = Linear("fc", store: store, inFeatures: 7, outFeatures: 5)
        store.allocate(seed: 21)
        let input = TestTensor(uniformValues(3 * 7, seed: 22))
        let weights = uniformValues(3 * 5, seed: 23)

        func loss() -> Double {
            linear.forward(input.pointer, batch: 3)
            return weightedSum(linear.output.pointer, weights)
        }
        _ = loss()
        store.zeroGradients()
        weights.withUnsafeBufferPointer { w in
            linear.backward(input: input.pointer, outputGradient: w.baseAddress!, batch: 3,
                            parameterGradients: true, inputGradientNeeded: true)
        }
        let inputGradient = Array(UnsafeBufferPointer(start: linear.inputGradient.pointer, count: input.count))

        probe.check("linear input", values: input.pointer, count: input.count, analytic: inputGradient, seed: 24, loss: loss)
        for entry in store.entries {
            let analytic = Array(UnsafeBufferPointer(start: store.gradients + entry.offset, count: entry.count))
            probe.check("linear \(entry.name)", values: store.pointer(to: entry), count: entry.count,
                        analytic: analytic, seed: 25, loss: loss)
        }
    }

    func testBinaryCrossEntropy() {
        let logits = TestTensor([-30, -2, -0.5, 0, 0.7, 3, 40])
        let labels: [Float] = [0, 1, 0, 1, 1, 0, 1]
        let analytic = zip(logits.values, labels).map {
            binaryCrossEntropyDerivative(logit: $0, label: $1) / Float(labels.count)
        }

        GradientProbe(step: 1e-2).check("binary cross-entropy", values: logits.pointer, count: logits.count,
                                        analytic: analytic, seed: 26) {
            binaryCrossEntropy(logits: logits.values, labels: labels)
        }
    }

    func testBinaryCrossEntropyHandValues() {
        // log(2) at logit 0; log(1 + e^-40) + 40 at logit -40 with label 1 must not overflow.
        XCTAssertEqual(binaryCrossEntropy(logits: [0], labels: [1]), log(2), accuracy: 1e-12)
        XCTAssertEqual(binaryCrossEntropy(logits: [-40], labels: [1]), 40, accuracy: 1e-9)
        XCTAssertEqual(binaryCrossEntropy(logits: [100], labels: [1]), 0, accuracy: 1e-12)
        XCTAssertEqual(binaryCrossEntropy(logits: [], labels: []), 0)
    }
}
