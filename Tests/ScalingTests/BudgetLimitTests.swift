import Foundation
import Store
import XCTest

@testable import Scaling

final class BudgetLimitTests: XCTestCase {
    private func available(n: Double, low: Double? = nil, high: Double? = nil) -> BudgetPrediction {
        BudgetPrediction(
            quantity: .loss, target: 0.2, method: "test", status: .available, n: n, low: low, high: high,
            upperUnbounded: false, interval: "test", dimensionSpread: ["mle": n, "twonn": 5e12], reason: nil
        )
    }

    func testSizeAboveBillionNotReachable() {
        let limited = Budget.limited(available(n: 3e12, low: 1e6, high: 1e15), largestObservedN: 400)

        XCTAssertEqual(limited.status, .notReachable)
        XCTAssertNil(limited.n)
        XCTAssertNil(limited.low)
        XCTAssertNil(limited.high)
        XCTAssertTrue(limited.dimensionSpread.isEmpty)
        XCTAssertTrue(limited.reason?.hasPrefix("not reachable within 10^9 images") ?? false, limited.reason ?? "")
    }

    func testFarExtrapolationWarns() {
        // 2e6 is 5000× the largest observed N = 400, beyond the 10^3× bound but below 10^9 images.
        let limited = Budget.limited(available(n: 2e6, low: 1e5, high: 4e9), largestObservedN: 400)

        XCTAssertEqual(limited.status, .available)
        XCTAssertEqual(limited.n, 2e6)
        XCTAssertNil(limited.high)
        XCTAssertTrue(limited.upperUnbounded)
        XCTAssertEqual(limited.dimensionSpread.keys.sorted(), ["mle"])
        XCTAssertTrue(limited.warnings.contains { $0.hasPrefix("extrapolation: N is 5000×") }, "\(limited.warnings)")
        XCTAssertTrue(limited.warnings.contains { $0.contains("d_data twonn") }, "\(limited.warnings)")
    }

    func testModestSizeUnchanged() {
        let prediction = BudgetPrediction(
            quantity: .loss, target: 0.2, method: "test", status: .available, n: 3000, low: 1000, high: 9000,
            upperUnbounded: false, interval: "test", dimensionSpread: ["mle": 3000], reason: nil
        )

        let limited = Budget.limited(prediction, largestObservedN: 400)

        XCTAssertEqual(limited, prediction)
    }

    func testFlatCurveBudgetNotReachable() throws {
        // y = 2 · N^(−0.05) reaches 0.5 at N = 4^20 ≈ 1.1e12, beyond 10^9 images.
        let points = [100, 200, 400].map { n in
            CurvePoint(n: n, mean: 2 * pow(Double(n), -0.05), standardDeviation: nil, seeds: 1)
        }
        let curve = try LearningCurves.fit(points, quantity: .loss, asymptote: .never)
        XCTAssertEqual(curve.beta.value, 0.05, accuracy: 1e-6)

        let limited = Budget.limited(Budget.fromCurve(curve, target: 0.5), largestObservedN: 400)

        XCTAssertEqual(limited.status, .notReachable)
        XCTAssertNil(limited.n)
        XCTAssertTrue(limited.reason?.contains("1.1e+12") ?? false, limited.reason ?? "")
    }

    func testUnavailablePassesThrough() {
        let prediction = BudgetPrediction.unavailable(
            .notAvailable, quantity: .loss, target: 0.2, method: "test", reason: "K_F is infinite"
        )

        XCTAssertEqual(Budget.limited(prediction, largestObservedN: 10), prediction)
    }
}
