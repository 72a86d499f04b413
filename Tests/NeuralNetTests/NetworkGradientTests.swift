import XCTest
@testable import NeuralNet

/// Finite-difference checks of whole networks on 2 images: every parameter tensor and the input, in
/// training mode (batch statistics, 16×16 images) and through the public evaluation-mode
/// `inputGradient` (8×8 images).
///
/// Only single coordinates move (step 2e-4) and the tolerance is loose (20 % + 1e-3). The networks
/// run in Float32, so the loss carries rounding of about 1e-7 relative. A step can also cross a ReLU
/// kink or sharp BatchNorm curvature near 0. A wrong or missing backward term still fails it;
/// PyTorchGoldenTests compares the full gradients with PyTorch autograd to 1e-4.
final class NetworkGradientTests: XCTestCase {
    private let labels: [Float] = [0, 1]

    private func checkTrainingGradients(kind: ModelKind, file: StaticString = #filePath, line: UInt = #line) {
        let network = Network(kind: kind, inputSide: 16, seed: 3)
        let model = network.model
        let store = model.store
        let images = TestTensor(uniformValues(2 * 256, seed: 30, low: 0, high: 1))
        let labels = self.labels

        func loss() -> Double {
            model.forward(images.pointer, batch: 2, training: true)
            return binaryCrossEntropy(logits: [model.logits[0], model.logits[1]], labels: labels)
        }
        _ = loss()
        store.zeroGradients()
        let logitGradient = (0..<2).map { binaryCrossEntropyDerivative(logit: model.logits[$0], label: labels[$0]) / 2 }
        let result = logitGradient.withUnsafeBufferPointer {
            model.backward(images.pointer, logitGradient: $0.baseAddress!, batch: 2, training: true,
                           parameterGradients: true, inputGradientNeeded: true)!
        }
        let inputGradient = Array(UnsafeBufferPointer(start: result, count: images.count))

        let probe = GradientProbe(relative: 0.2, absolute: 1e-3, step: 2e-4, directional: false)
        probe.check("\(kind) input", values: images.pointer, count: images.count, analytic: inputGradient, seed: 31,
                    loss: loss, file: file, line: line)
        for entry in store.entries where entry.isTrainable {
            let analytic = Array(UnsafeBufferPointer(start: store.gradients + entry.offset, count: entry.count))
            probe.check("\(kind) \(entry.name)", values: store.pointer(to: entry), count: entry.count,
                        analytic: analytic, seed: 32, loss: loss, file: file, line: line)
        }
    }

    func testResNetTrainingModeGradients() {
        checkTrainingGradients(kind: .resnet)
    }

    func testVGGTrainingModeGradients() {
        checkTrainingGradients(kind: .vgg)
    }

    func testEvaluationInputGradient() {
        for kind in ModelKind.allCases {
            let network = Network(kind: kind, inputSide: 8, seed: 4)
            // Non-default running statistics, so evaluation mode differs from training mode.
            let store = network.model.store
            store.buffers.update(from: uniformValues(store.bufferCount, seed: 33, low: 0.3, high: 1.3), count: store.bufferCount)
            let images = TestTensor(uniformValues(2 * 64, seed: 34, low: 0, high: 1))
            let labels = self.labels

            let (logits, gradient) = network.inputGradient(UnsafeBufferPointer(start: images.pointer, count: images.count),
                                                           labels: labels, count: 2)
            let evaluated = network.evaluate(UnsafeBufferPointer(start: images.pointer, count: images.count), count: 2)
            XCTAssertEqual(logits, evaluated.logits, "\(kind)")

            GradientProbe(relative: 0.2, absolute: 1e-3, step: 2e-4, directional: false).check("\(kind) evaluation input", values: images.pointer,
                                                                 count: images.count, analytic: gradient, seed: 35) {
                let z = network.evaluate(UnsafeBufferPointer(start: images.pointer, count: images.count), count: 2).logits
                return binaryCrossEntropy(logits: z, labels: labels)
            }
        }
    }

    func testParameterCountsAt64() {
        XCTAssertEqual(Network(kind: .resnet, seed: 0).parameterCount, 77_169)
        XCTAssertEqual(Network(kind: .vgg, seed: 0).parameterCount, 285_569)
    }

    func testInputSideValidation() {
        XCTAssertNil(Network.validate(inputSide: 4, for: .resnet))
        XCTAssertNotNil(Network.validate(inputSide: 3, for: .resnet))
        XCTAssertNil(Network.validate(inputSide: 16, for: .vgg))
        XCTAssertNotNil(Network.validate(inputSide: 12, for: .vgg))
        XCTAssertNotNil(Network.validate(inputSide: 0, for: .vgg))
    }
}
