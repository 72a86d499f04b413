import XCTest
@testable import NeuralNet

final class AdamTests: XCTestCase {
    /// Two steps with lr 0.1 and weight decay 0.01, the gradient fixed at g = (0.1, 0.2, −0.3).
    ///
    /// Step 1: g' = g + 0.01·p = (0.11, 0.18, −0.295); m̂ = g' and v̂ = g'², so each parameter moves
    /// by −0.1·g'/(|g'| + 1e-8): p = (0.9000000091, −2.0999999944, 0.5999999966).
    /// Step 2: g'' = g + 0.01·p₁, m = 0.9·m₁ + 0.1·g'', v = 0.999·v₁ + 0.001·g''², and
    /// p₂ = p₁ − (0.1/0.19)·m/(sqrt(v)/sqrt(0.001999) + 1e-8). Values computed in Double.
    func testTwoStepsWithWeightDecay() {
        let settings = AdamSettings(learningRate: 0.1, weightDecay: 0.01)
        let adam = Adam(parameterCount: 3, settings: settings)
        let parameters = TestTensor([1, -2, 0.5])
        let gradients = TestTensor([0.1, 0.2, -0.3])

        adam.update(parameters: parameters.pointer, gradients: gradients.pointer)
        XCTAssertEqual(adam.step, 1)
        XCTAssertEqual(parameters.pointer[0], 0.9000000091, accuracy: 1e-6)
        XCTAssertEqual(parameters.pointer[1], -2.0999999944, accuracy: 1e-6)
        XCTAssertEqual(parameters.pointer[2], 0.5999999966, accuracy: 1e-6)

        adam.update(parameters: parameters.pointer, gradients: gradients.pointer)
        XCTAssertEqual(parameters.pointer[0], 0.8000248648, accuracy: 1e-6)
        XCTAssertEqual(parameters.pointer[1], -2.1999850797, accuracy: 1e-6)
        XCTAssertEqual(parameters.pointer[2], 0.6999909983, accuracy: 1e-6)
    }

    /// With a zero gradient only the decay term acts: g' = 1e-4·p, and step 1 moves p by −lr·sign(p).
    func testWeightDecayIsAddedToGradient() {
        let adam = Adam(parameterCount: 2)
        let parameters = TestTensor([2, -3])
        let gradients = TestTensor([0, 0])

        adam.update(parameters: parameters.pointer, gradients: gradients.pointer)
        XCTAssertEqual(parameters.pointer[0], 2 - 1e-3, accuracy: 1e-6)
        XCTAssertEqual(parameters.pointer[1], -3 + 1e-3, accuracy: 1e-6)
    }
}
