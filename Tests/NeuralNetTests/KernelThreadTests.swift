import CNeuralKernels
import XCTest
@testable import NeuralNet

/// The C kernels split their loops over threads; every output must have the same bits for 1, 2 and
/// 3 threads. The inputs are large enough that 2 and 3 threads really split the work.
final class KernelThreadTests: XCTestCase {
    private let threadCounts: [Int32] = [1, 2, 3]

    /// Runs `kernel` once per thread count and checks that every run writes the same values.
    private func assertSameForEveryThreadCount(_ label: String, outputCount: Int,
                                               _ kernel: (UnsafeMutablePointer<Float>, Int32) -> Void,
                                               file: StaticString = #filePath, line: UInt = #line) {
        var results: [[Float]] = []
        for threads in threadCounts {
            var output = [Float](repeating: .nan, count: outputCount)
            output.withUnsafeMutableBufferPointer { kernel($0.baseAddress!, threads) }
            results.append(output)
        }
        for (threads, result) in zip(threadCounts.dropFirst(), results.dropFirst()) {
            XCTAssertEqual(result, results[0], "\(label): \(threads) threads differ from 1", file: file, line: line)
        }
    }

    func testIm2colAndCol2im() {
        let (channels, images, side) = (2, 8, 32)
        let input = uniformValues(channels * images * side * side, seed: 60)
        let columnCount = channels * 9 * images * side * side
        let columns = uniformValues(columnCount, seed: 61)

        assertSameForEveryThreadCount("im2col", outputCount: columnCount) { output, threads in
            nk_im2col_batch(input, Int32(channels), images * side * side, Int32(images), Int32(side), Int32(side),
                            3, 1, 1, Int32(side), Int32(side), output, threads)
        }
        assertSameForEveryThreadCount("col2im", outputCount: input.count) { output, threads in
            nk_col2im_batch(columns, Int32(channels), images * side * side, Int32(images), Int32(side), Int32(side),
                            3, 1, 1, Int32(side), Int32(side), output, threads)
        }
    }

    func testBatchNormForwardAndBackward() {
        let (channels, m) = (4, 65_536)
        let input = uniformValues(channels * m, seed: 62)
        let gradient = uniformValues(channels * m, seed: 63)
        let gamma = uniformValues(channels, seed: 64, low: 0.5, high: 1.5)
        let beta = uniformValues(channels, seed: 65)
        var normalised = [Float](repeating: 0, count: channels * m)
        var inverseStd = [Float](repeating: 0, count: channels)

        assertSameForEveryThreadCount("batchnorm forward with ReLU", outputCount: channels * m) { output, threads in
            var mean = [Float](repeating: 0, count: channels)
            var variance = [Float](repeating: 0, count: channels)
            nk_batchnorm_train_forward(input, Int32(channels), m, gamma, beta, 1e-5, 1, &normalised, output, &mean,
                                       &variance, &inverseStd, threads)
        }
        var reluOutput = [Float](repeating: 0, count: channels * m)
        var mean = [Float](repeating: 0, count: channels)
        var variance = [Float](repeating: 0, count: channels)
        nk_batchnorm_train_forward(input, Int32(channels), m, gamma, beta, 1e-5, 1, &normalised, &reluOutput, &mean,
                                   &variance, &inverseStd, 1)
        XCTAssertTrue(reluOutput.contains(0), "the ReLU should zero some values")

        assertSameForEveryThreadCount("batchnorm backward", outputCount: channels * m + 2 * channels) { output, threads in
            let parameterGradients = output + channels * m
            parameterGradients.update(repeating: 0, count: 2 * channels)
            nk_batchnorm_train_backward(gradient, reluOutput, normalised, Int32(channels), m, gamma, inverseStd,
                                        output, parameterGradients, parameterGradients + channels, threads)
        }
    }

    func testMaxPoolAndElementwise() {
        let (planes, side) = (256, 32)
        let input = uniformValues(planes * side * side, seed: 66)
        let pooledCount = planes * side * side / 4

        assertSameForEveryThreadCount("max pool with ReLU", outputCount: pooledCount) { output, threads in
            var argmax = [Int32](repeating: 0, count: pooledCount)
            nk_maxpool2_forward(input, Int32(planes), Int32(side), Int32(side), 1, output, &argmax, threads)
        }
        assertSameForEveryThreadCount("add and ReLU", outputCount: input.count) { output, threads in
            nk_add_relu(input, input.reversed(), output, input.count, threads)
        }
    }
}
