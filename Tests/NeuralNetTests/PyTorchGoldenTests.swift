import Foundation
import XCTest
@testable import NeuralNet

/// Compares NeuralNet with PyTorch 2.x on fixed weights and inputs. Golden/ holds the weights of
/// both models at 16×16 in the NeuralNet format, four input images and reference.json, written by
///   python scripts/pytorch_reference.py --out Tests/NeuralNetTests/Golden
/// with a Python 3 that has torch 2.x and numpy (for example a virtual environment). The test reads
/// only these committed files and needs no Python.
/// Tolerance for every compared value: |ours − PyTorch| ≤ 1e-4·|PyTorch| + 2e-6.
final class PyTorchGoldenTests: XCTestCase {
    private struct Reference: Decodable {
        struct Model: Decodable {
            let parameters: Int
            let logits: [Float]
            let features: [Float]
            let stepLoss: Double
            let inputGradient: [Float]
            let gradientNorms: [String: Double]
            let logitsAfterStep: [Float]
        }

        let side: Int
        let images: Int
        let labels: [Float]
        let models: [String: Model]
    }

    private let golden = Bundle.module.resourceURL!.appendingPathComponent("Golden")

    private func loadReference() throws -> (Reference, TestTensor) {
        let data = try Data(contentsOf: golden.appendingPathComponent("reference.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: data)
        let raw = try Data(contentsOf: golden.appendingPathComponent("inputs16.bin"))
        let values = raw.withUnsafeBytes { bytes in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        XCTAssertEqual(values.count, reference.images * reference.side * reference.side)
        return (reference, TestTensor(values))
    }

    private func assertClose(_ ours: [Float], _ expected: [Float], _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, expected.count, "\(label): count", file: file, line: line)
        for (index, (a, b)) in zip(ours, expected).enumerated() {
            XCTAssertEqual(a, b, accuracy: 1e-4 * abs(b) + 2e-6, "\(label)[\(index)]", file: file, line: line)
        }
    }

    func testEvaluationLogitsAndFeatures() throws {
        let (reference, images) = try loadReference()
        for kind in ModelKind.allCases {
            let expected = try XCTUnwrap(reference.models[kind.rawValue])
            let network = try Network.loadWeights(from: golden.appendingPathComponent("\(kind.rawValue)16.bin"))
            XCTAssertEqual(network.kind, kind)
            XCTAssertEqual(network.parameterCount, expected.parameters)

            let result = network.evaluate(UnsafeBufferPointer(start: images.pointer, count: images.count), count: reference.images)
            assertClose(result.logits, expected.logits, "\(kind) logits")
            assertClose(result.features, expected.features, "\(kind) features")
        }
    }

    func testTrainingStepGradientsAndUpdate() throws {
        let (reference, images) = try loadReference()
        for kind in ModelKind.allCases {
            let expected = try XCTUnwrap(reference.models[kind.rawValue])
            let network = try Network.loadWeights(from: golden.appendingPathComponent("\(kind.rawValue)16.bin"))
            let model = network.model
            let store = model.store
            let batch = reference.images

            // Gradients of the mean BCE in training mode, as PyTorch autograd computes them.
            model.forward(images.pointer, batch: batch, training: true)
            let logits = (0..<batch).map { model.logits[$0] }
            XCTAssertEqual(binaryCrossEntropy(logits: logits, labels: reference.labels), expected.stepLoss,
                           accuracy: 1e-4 * expected.stepLoss, "\(kind) loss")
            let logitGradient = (0..<batch).map {
                binaryCrossEntropyDerivative(logit: logits[$0], label: reference.labels[$0]) / Float(batch)
            }
            store.zeroGradients()
            let inputGradient = logitGradient.withUnsafeBufferPointer {
                model.backward(images.pointer, logitGradient: $0.baseAddress!, batch: batch, training: true,
                               parameterGradients: true, inputGradientNeeded: true)!
            }
            assertClose(Array(UnsafeBufferPointer(start: inputGradient, count: images.count)), expected.inputGradient,
                        "\(kind) input gradient")
            for entry in store.entries where entry.isTrainable {
                var squares = 0.0
                for i in 0..<entry.count {
                    squares += Double(store.gradients[entry.offset + i]) * Double(store.gradients[entry.offset + i])
                }
                let norm = try XCTUnwrap(expected.gradientNorms[entry.name], "\(entry.name) missing")
                XCTAssertEqual(squares.squareRoot(), norm, accuracy: 1e-4 * norm + 1e-7, "\(kind) \(entry.name) gradient norm")
            }

            // One step through the real training path from the same starting weights.
            let fresh = try Network.loadWeights(from: golden.appendingPathComponent("\(kind.rawValue)16.bin"))
            var scratch = [Float](repeating: 0, count: batch)
            let loss = trainingStep(model: fresh.model, optimiser: Adam(parameterCount: fresh.parameterCount),
                                    images: images.values, labels: reference.labels, batch: batch,
                                    logitGradient: &scratch)
            XCTAssertEqual(loss, expected.stepLoss, accuracy: 1e-4 * expected.stepLoss, "\(kind) step loss")
            let after = fresh.evaluate(UnsafeBufferPointer(start: images.pointer, count: images.count), count: batch)
            assertClose(after.logits, expected.logitsAfterStep, "\(kind) logits after one step")
        }
    }

    func testWeightFileRoundTrip() throws {
        let source = try Network.loadWeights(from: golden.appendingPathComponent("resnet16.bin"))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("neuralnet-roundtrip-\(getpid()).bin")
        defer {
            try? FileManager.default.removeItem(at: url)
            try? FileManager.default.removeItem(atPath: url.path + ".json")
        }
        try source.saveWeights(to: url)
        let copy = try Network.loadWeights(from: url)

        let original = try Data(contentsOf: golden.appendingPathComponent("resnet16.bin"))
        XCTAssertEqual(try Data(contentsOf: url), original)
        XCTAssertEqual(copy.inputSide, 16)
    }

    func testLoadRejectsMismatchedManifest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("neuralnet-bad-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("weights.bin")
        try Data(contentsOf: golden.appendingPathComponent("vgg16.bin")).write(to: url)
        let manifest = try String(contentsOf: golden.appendingPathComponent("vgg16.bin.json"), encoding: .utf8)
        try manifest.replacingOccurrences(of: "\"fc1.weight\"", with: "\"fc9.weight\"")
            .write(toFile: url.path + ".json", atomically: true, encoding: .utf8)

        XCTAssertThrowsError(try Network.loadWeights(from: url)) { error in
            XCTAssertTrue("\(error)".contains("fc9.weight"), "\(error)")
        }
    }
}
