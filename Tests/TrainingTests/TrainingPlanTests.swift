import XCTest

@testable import Training

final class TrainingPlanTests: XCTestCase {
    /// `perClass` images per class, optional splits and patients from closures.
    private func candidates(
        perClass: Int, split: (Int) -> String? = { _ in nil }, patient: (Int) -> String? = { _ in nil }
    ) -> [TrainingCandidate] {
        (0..<(2 * perClass)).map { index in
            TrainingCandidate(
                image: index, positive: index < perClass, split: split(index), patientID: patient(index),
                key: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 17)
        }
    }

    func testLadderIsNestedAndBalanced() throws {
        let pool = candidates(perClass: 600)
        let plan = try TrainingPlan(candidates: pool, sizes: [250, 500, 1000], testSize: 200, seed: 0)

        XCTAssertEqual(plan.ladder.map(\.size), [250, 500, 1000])
        for (size, members) in plan.ladder {
            XCTAssertEqual(members.filter { pool[$0].positive }.count, size / 2)
            XCTAssertEqual(members.filter { !pool[$0].positive }.count, size / 2)
        }
        XCTAssertTrue(Set(plan.ladder[0].members).isSubset(of: Set(plan.ladder[1].members)))
        XCTAssertTrue(Set(plan.ladder[1].members).isSubset(of: Set(plan.ladder[2].members)))
        XCTAssertTrue(Set(plan.testSet).isDisjoint(with: Set(plan.ladder[2].members)))
        XCTAssertEqual(plan.testSet.count, 200)
        XCTAssertEqual(plan.testSource, "held out")
    }

    func testPlanDependsOnlyOnSeed() throws {
        let pool = candidates(perClass: 300)
        let first = try TrainingPlan(candidates: pool, sizes: [100], testSize: 100, seed: 0)
        let again = try TrainingPlan(candidates: pool, sizes: [100], testSize: 100, seed: 0)
        let other = try TrainingPlan(candidates: pool, sizes: [100], testSize: 100, seed: 1)
        XCTAssertEqual(first, again)
        XCTAssertNotEqual(first.testSet, other.testSet)
    }

    func testTestSplitUsedWhenComplete() throws {
        // Every fifth image of each class is in the test split.
        let pool = candidates(perClass: 100, split: { $0 % 5 == 0 ? "test" : "train" })
        let plan = try TrainingPlan(candidates: pool, sizes: [60], testSize: 500, seed: 0)

        XCTAssertEqual(plan.testSource, "test split")
        XCTAssertEqual(plan.testSet.count, 40, "20 test-split images per class")
        XCTAssertTrue(plan.testSet.allSatisfy { pool[$0].split == "test" })
        XCTAssertTrue(plan.ladder[0].members.allSatisfy { pool[$0].split != "test" })
    }

    func testNoPatientIsInBothTestAndTraining() throws {
        // Patients of 3 images each; images 0–299 positive, 300–599 negative.
        let pool = candidates(perClass: 300, patient: { "p\($0 / 3)" })
        let plan = try TrainingPlan(candidates: pool, sizes: [200], testSize: 100, seed: 0)

        let testPatients = Set(plan.testSet.map { pool[$0].patientID! })
        let trainingPatients = Set(plan.ladder[0].members.map { pool[$0].patientID! })
        XCTAssertTrue(testPatients.isDisjoint(with: trainingPatients))
        XCTAssertEqual(plan.testSet.count, 100)
    }

    func testFortyPerClassCutsLadder() throws {
        let pool = candidates(perClass: 40)
        let plan = try TrainingPlan(candidates: pool, sizes: [250, 500, 1000], testSize: 500, seed: 0)

        XCTAssertEqual(plan.testSet.count, 40, "half of each class is held out")
        XCTAssertEqual(plan.ladder.map(\.size), [40])
        XCTAssertTrue(plan.notes.contains { $0.contains("test set cut to 20 images per class") })
        XCTAssertTrue(plan.notes.contains { $0.contains("training size 250 cut") })
    }

    func testAClassOfOneImageIsAnError() {
        var pool = candidates(perClass: 10)
        pool = pool.filter { !$0.positive } + [pool[0]]
        XCTAssertThrowsError(try TrainingPlan(candidates: pool, sizes: [10], testSize: 10, seed: 0)) { error in
            XCTAssertEqual(error as? TrainingPlanError, .classTooSmall(images: 1))
        }
    }
}
