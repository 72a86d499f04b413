import XCTest
@testable import NeuralNet

final class TrainingTests: XCTestCase {
    /// 48 images of 16×16: label 1 has a bright 4×4 square in the top-left quadrant, label 0 in the
    /// bottom-right one, both over uniform noise in [0, 0.3].
    private func toyProblem() -> (images: [Float], labels: [Float]) {
        var generator = SplitMix64(seed: 40)
        var images: [Float] = []
        var labels: [Float] = []
        for index in 0..<48 {
            let label: Float = index % 2 == 0 ? 1 : 0
            let offset = label == 1 ? 2 : 10
            for y in 0..<16 {
                for x in 0..<16 {
                    let inside = (offset..<(offset + 4)).contains(y) && (offset..<(offset + 4)).contains(x)
                    images.append(inside ? 1 : 0.3 * generator.nextUnitFloat())
                }
            }
            labels.append(label)
        }
        return (images, labels)
    }

    private func weights(of network: Network) -> [Float] {
        Array(UnsafeBufferPointer(start: network.model.store.parameters, count: network.parameterCount))
            + Array(UnsafeBufferPointer(start: network.model.store.buffers, count: network.model.store.bufferCount))
    }

    func testToyProblemReachesFullAccuracyDeterministically() throws {
        let (images, labels) = toyProblem()
        for kind in ModelKind.allCases {
            let settings = TrainingSettings(batchSize: 10, maxEpochs: 30, seed: 7)
            var reports: [EpochReport] = []
            let first = Network(kind: kind, inputSide: 16, seed: 1)
            let outcome = try train(first, images: images, labels: labels, settings: settings,
                                    isCancelled: { false }, onEpoch: { reports.append($0) })

            XCTAssertTrue(outcome.reachedFullAccuracy, "\(kind): \(outcome.history.map(\.trainingAccuracy))")
            XCTAssertEqual(outcome.epochs, reports.count)
            XCTAssertEqual(reports.last?.trainingAccuracy, 1)
            if reports.count > 1 {
                XCTAssertLessThan(reports.last!.meanLoss, reports.first!.meanLoss, "\(kind)")
            }
            XCTAssertGreaterThan(outcome.imagesPerSecond, 0)

            let second = Network(kind: kind, inputSide: 16, seed: 1)
            _ = try train(second, images: images, labels: labels, settings: settings, isCancelled: { false }, onEpoch: { _ in })
            XCTAssertEqual(weights(of: first), weights(of: second), "\(kind): same seed, different weights")
        }
    }

    func testDifferentShuffleSeedChangesWeights() throws {
        let (images, labels) = toyProblem()
        let a = Network(kind: .vgg, inputSide: 16, seed: 1)
        let b = Network(kind: .vgg, inputSide: 16, seed: 1)
        _ = try train(a, images: images, labels: labels, settings: TrainingSettings(batchSize: 10, maxEpochs: 1, seed: 1),
                      isCancelled: { false }, onEpoch: { _ in })
        _ = try train(b, images: images, labels: labels, settings: TrainingSettings(batchSize: 10, maxEpochs: 1, seed: 2),
                      isCancelled: { false }, onEpoch: { _ in })
        XCTAssertNotEqual(weights(of: a), weights(of: b))
    }

    func testShuffleIsPermutation() {
        var generator = SplitMix64(seed: 5)
        var order = Array(0..<100)
        shuffle(&order, using: &generator)
        XCTAssertNotEqual(order, Array(0..<100))
        XCTAssertEqual(order.sorted(), Array(0..<100))
    }

    func testInvalidInputIsRejected() {
        let network = Network(kind: .resnet, inputSide: 8, seed: 0)
        let images = [Float](repeating: 0.5, count: 2 * 64)
        let cases: [(String, [Float], [Float], TrainingSettings)] = [
            ("size mismatch", Array(images.dropLast()), [0, 1], TrainingSettings()),
            ("label 2", images, [0, 2], TrainingSettings()),
            ("no labels", [], [], TrainingSettings()),
            ("batch 0", images, [0, 1], TrainingSettings(batchSize: 0)),
            ("epochs 0", images, [0, 1], TrainingSettings(maxEpochs: 0)),
        ]
        for (name, images, labels, settings) in cases {
            XCTAssertThrowsError(try train(network, images: images, labels: labels, settings: settings,
                                           isCancelled: { false }, onEpoch: { _ in }), name) { error in
                guard case TrainingError.invalidInput = error else {
                    return XCTFail("\(name): \(error)")
                }
            }
        }
    }

    func testCancellationStopsTraining() {
        let (images, labels) = toyProblem()
        let network = Network(kind: .vgg, inputSide: 16, seed: 0)
        var polls = 0
        XCTAssertThrowsError(try train(network, images: images, labels: labels, settings: TrainingSettings(batchSize: 10),
                                       isCancelled: { polls += 1; return polls > 2 }, onEpoch: { _ in })) { error in
            XCTAssertEqual(error as? TrainingError, .cancelled)
        }
        XCTAssertEqual(polls, 3)
    }
}
