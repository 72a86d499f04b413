@testable import Reports
import XCTest

final class SVGAxisTests: XCTestCase {
    func testLogTicksOverFiveDecades() throws {
        // 0.03 lies in [10^-2, 10^-1) and 250 in (10^2, 10^3], so the domain is 10^-2 ... 10^3.
        let axis = try XCTUnwrap(LogAxis(covering: 0.03, 250))

        XCTAssertEqual(axis.domain, 0.01...1000)
        XCTAssertEqual(axis.ticks, [0.01, 0.1, 1, 10, 100, 1000])
        XCTAssertEqual(axis.ticks.map(axis.label), ["0.01", "0.1", "1", "10", "100", "1000"])
    }

    func testLogPositions() throws {
        let axis = try XCTUnwrap(LogAxis(covering: 0.03, 250))

        // 5 decades over 500 px: 100 px per decade.
        XCTAssertEqual(axis.position(of: 1, in: 0...500), 200, accuracy: 1e-9)
        XCTAssertEqual(axis.position(of: 1000, in: 0...500), 500, accuracy: 1e-9)
        // log10(0.03) = -1.52288, so (−1.52288 + 2) × 100 = 47.712 px.
        XCTAssertEqual(axis.position(of: 0.03, in: 0...500), 47.712, accuracy: 1e-3)
        XCTAssertEqual(axis.position(of: 0, in: 10...500), 10, "non-positive values pin to the lower end")
    }

    func testLogTicksWithinOneDecade() throws {
        let axis = try XCTUnwrap(LogAxis(covering: 1.5, 8))

        XCTAssertEqual(axis.domain, 1...10)
        XCTAssertEqual(axis.ticks, [1, 2, 5, 10])
    }

    func testLogTicksOverManyDecades() throws {
        // 12 decades: every ⌈12 / 6⌉ = 2nd decade.
        let axis = try XCTUnwrap(LogAxis(covering: 1e-6, 1e6))

        XCTAssertEqual(axis.ticks, [1e-6, 1e-4, 1e-2, 1, 1e2, 1e4, 1e6])
        XCTAssertEqual(axis.label(1e-6), "1e-6")
        XCTAssertEqual(axis.label(1e6), "1e6")
        XCTAssertEqual(axis.label(2e5), "2e5")
    }

    func testLogAxisOfExactPower() throws {
        let axis = try XCTUnwrap(LogAxis(covering: 100, 100))

        XCTAssertEqual(axis.domain, 100...1000)
    }

    func testLogAxisRejectsNonPositive() {
        XCTAssertNil(LogAxis(covering: 0, 10))
        XCTAssertNil(LogAxis(covering: -1, 10))
        XCTAssertNil(LogAxis(covering: 1, .infinity))
        XCTAssertNil(LogAxis(covering: .nan, 10))
    }

    func testLinearTicksHandComputed() {
        // Raw step 0.137 / 5 = 0.0274 rounds up to 0.05.
        let axis = LinearAxis(covering: 0, 0.137)

        XCTAssertEqual(axis.ticks, [0, 0.05, 0.1, 0.15])
        XCTAssertEqual(axis.domain, 0...0.15)
        XCTAssertEqual(axis.ticks.map(axis.label), ["0.00", "0.05", "0.10", "0.15"])
    }

    func testLinearTicksAwayFromZero() {
        // Raw step (0.154 − 0.116) / 4 = 0.0095 rounds up to 0.01.
        let axis = LinearAxis(covering: 0.116, 0.154, targetTickCount: 4)

        XCTAssertEqual(axis.ticks, [0.11, 0.12, 0.13, 0.14, 0.15, 0.16])
        XCTAssertEqual(axis.position(of: 0.135, in: 0...100), 50, accuracy: 1e-9)
    }

    func testLinearAxisOfOneValue() {
        let axis = LinearAxis(covering: 7, 7)

        XCTAssertTrue(axis.domain.contains(7))
        XCTAssertLessThan(axis.domain.lowerBound, axis.domain.upperBound)
        XCTAssertGreaterThanOrEqual(axis.domain.lowerBound, 0, "non-negative data keeps a non-negative axis")
    }

    func testLinearAxisOfNonFiniteBounds() {
        let axis = LinearAxis(covering: .nan, .infinity)

        XCTAssertEqual(axis.domain, 0...1)
    }
}
