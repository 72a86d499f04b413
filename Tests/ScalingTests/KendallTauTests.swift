import XCTest

@testable import Scaling

final class KendallTauTests: XCTestCase {
    func testHandComputedCaseWithTies() throws {
        // Pairs: 4 concordant, 0 discordant, one tied in x, one tied in y, so τ_b = 4 / √(5 · 5).
        let result = try KendallTau([1, 2, 2, 3], [1, 2, 3, 3])

        XCTAssertEqual(result.concordant, 4)
        XCTAssertEqual(result.discordant, 0)
        XCTAssertEqual(result.tau, 0.8, accuracy: 1e-12)
        XCTAssertEqual(result.method, .normalApproximation)
    }

    func testExactPValueSmallCase() throws {
        // n = 3, perfectly concordant: P(D = 0) = 1/6, two-sided 1/3.
        let result = try KendallTau([1, 2, 3], [10, 20, 30])

        XCTAssertEqual(result.tau, 1)
        XCTAssertEqual(result.method, .exact)
        XCTAssertEqual(result.pValue, 1.0 / 3.0, accuracy: 1e-12)
    }

    func testMatchesScipy() throws {
        let cases = try loadGolden()["kendall"] as! [[String: Any]]
        XCTAssertEqual(cases.count, 2)

        for testCase in cases {
            let result = try KendallTau(testCase["x"] as! [Double], testCase["y"] as! [Double])
            XCTAssertEqual(result.tau, testCase["tau"] as! Double, accuracy: 1e-12)
            XCTAssertEqual(result.pValue, testCase["p"] as! Double, accuracy: 1e-9)
        }
    }

    func testConstantRankingIsRejected() {
        XCTAssertThrowsError(try KendallTau([1, 1, 1], [1, 2, 3]))
    }

    func testVerdictIndicativeWithFewTasks() throws {
        let observations = syntheticObservations(a: 0.8, b: 1.5, withSharpness: true, noise: 0.02, seed: 5)
            .filter { ["task0", "task1", "task2"].contains($0.task) }

        let verdict = try RankingVerdict(observations, model: "resnet")

        XCTAssertEqual(verdict.tasks.count, 3)
        XCTAssertTrue(verdict.indicativeOnly)
        XCTAssertTrue(verdict.verdict.contains("indicative only"), verdict.verdict)
        XCTAssertEqual(verdict.matchedN, 10000)
    }

    func testVerdictConfirmedWithSixTasks() throws {
        let observations = syntheticObservations(a: 0.8, b: 1.5, withSharpness: true, noise: 0.02, seed: 5)
            .filter { $0.n == 100 }

        let verdict = try RankingVerdict(observations, model: "resnet")

        XCTAssertFalse(verdict.indicativeOnly)
        XCTAssertGreaterThan(verdict.kendall.tau, 0.5)
        XCTAssertEqual(verdict.tasks.first?.relativeDifficulty.ratio, 1)
    }
}
