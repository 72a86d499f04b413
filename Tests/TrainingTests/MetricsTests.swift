import Foundation
import XCTest

@testable import Training

final class MetricsTests: XCTestCase {
    func testAUCOfHandComputedCase() throws {
        // Pairs (positive, negative): (0.35, 0.1) yes, (0.35, 0.4) no, (0.8, 0.1) yes, (0.8, 0.4) yes → 3/4.
        let auc = try XCTUnwrap(rocAUC(scores: [0.1, 0.4, 0.35, 0.8], labels: [0, 0, 1, 1]))
        XCTAssertEqual(auc, 0.75, accuracy: 1e-12)
    }

    func testAUCCountsTiesAsHalf() throws {
        // Positives at 1 and 2, negatives at 1 and 2: one win, two ties, one loss → (1 + 2 · 0.5) / 4.
        let auc = try XCTUnwrap(rocAUC(scores: [1, 1, 2, 2], labels: [0, 1, 0, 1]))
        XCTAssertEqual(auc, 0.5, accuracy: 1e-12)
    }

    func testAUCIsUndefinedForOneClass() {
        XCTAssertNil(rocAUC(scores: [0.2, 0.3], labels: [1, 1]))
    }

    func testBinaryCrossEntropyHandValues() {
        XCTAssertEqual(meanBinaryCrossEntropy(logits: [0], labels: [1]), log(2.0), accuracy: 1e-12)
        // A confident wrong logit costs its own size and does not overflow.
        XCTAssertEqual(meanBinaryCrossEntropy(logits: [100], labels: [0]), 100, accuracy: 1e-9)
        XCTAssertEqual(meanBinaryCrossEntropy(logits: [-100], labels: [0]), 0, accuracy: 1e-12)
    }

    func testAccuracyUsesTheLogitSign() {
        let metrics = classifierMetrics(logits: [2, -1, 0.5, -3], labels: [1, 0, 0, 1])
        XCTAssertEqual(metrics.accuracy, 0.5, accuracy: 1e-12)
    }

    func testFGSMStepsBySignAndClamps() {
        let adversarial = fgsmImages([0.5, 0.999, 0.001, 0.5], gradient: [1, 1, -1, 0], epsilon: 0.01)
        XCTAssertEqual(adversarial[0], 0.51, accuracy: 1e-6)
        XCTAssertEqual(adversarial[1], 1)
        XCTAssertEqual(adversarial[2], 0)
        XCTAssertEqual(adversarial[3], 0.5, "a zero gradient leaves the pixel unchanged")
    }

    /// Values from scikit-learn 1.8 and numpy 2.4 by scripts/golden_training_metrics.py.
    func testMetricsAgreeWithScikitLearn() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "metrics", withExtension: "json", subdirectory: "Golden"))
        struct Golden: Decodable {
            var scores: [Float]
            var labels: [Float]
            var auc: Double
            var mean_bce: Double
            var images: [Float]
            var gradient: [Float]
            var epsilon_levels: Int
            var adversarial: [Float]
        }
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))

        let auc = try XCTUnwrap(rocAUC(scores: golden.scores, labels: golden.labels))
        XCTAssertEqual(auc, golden.auc, accuracy: 1e-12)
        XCTAssertEqual(meanBinaryCrossEntropy(logits: golden.scores, labels: golden.labels), golden.mean_bce, accuracy: 1e-9)
        let adversarial = fgsmImages(golden.images, gradient: golden.gradient, epsilon: Float(golden.epsilon_levels) / 255)
        XCTAssertEqual(adversarial, golden.adversarial)
    }
}
