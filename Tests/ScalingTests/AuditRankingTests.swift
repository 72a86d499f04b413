import Foundation
import Store
import XCTest

@testable import Scaling

final class AuditRankingTests: XCTestCase {
    private let root = "/data/cxr"

    private func audited(_ task: String, kF: Double?, fingerprint: String = "fp1") -> AuditedTask {
        AuditedTask(
            dataset: root, task: task, measuredAs: task, auditID: 7, auditFingerprint: fingerprint,
            kFInfinite: kF == nil,
            values: TaskAuditValues(
                kF: kF, kFLow: kF.map { $0 * 0.9 }, kFHigh: kF.map { $0 * 1.1 }, dDataMLE: 10, dDataTwoNN: 14,
                dDataLow: 9, dDataHigh: 16
            )
        )
    }

    private func observation(_ task: String, n: Int, loss: Double, dataset: String? = nil) -> ObservationRecord {
        ObservationRecord(dataset: dataset ?? root, task: task, model: "resnet", seed: 1, n: n, testLoss: loss,
                          source: "imported", createdAt: 0)
    }

    func testFillsOnlyObservationsWithoutAuditValues() {
        var measured = observation("easy", n: 100, loss: 0.3)
        measured.kF = 5
        let bare = observation("easy", n: 100, loss: 0.3)
        let unknownTask = observation("other", n: 100, loss: 0.3)

        let filled = AuditedTasks.fillingAuditValues([measured, bare, unknownTask], from: [audited("easy", kF: 2)])

        XCTAssertEqual(filled[0].kF, 5)
        XCTAssertNil(filled[0].auditFingerprint)
        XCTAssertEqual(filled[1].kF, 2)
        XCTAssertEqual(filled[1].kFHigh ?? 0, 2.2, accuracy: 1e-12)
        XCTAssertEqual(filled[1].dDataTwoNN, 14)
        XCTAssertEqual(filled[1].auditFingerprint, "fp1")
        XCTAssertEqual(filled[2], unknownTask)
    }

    func testRowsRankedAgainstEasiestTask() throws {
        let tasks = [audited("hard", kF: 4), audited("conflict", kF: nil), audited("easy", kF: 2)]

        let ranking = AuditRanking(audited: tasks, observations: [])

        XCTAssertEqual(ranking.rows.map(\.task), ["easy", "hard", "conflict"])
        XCTAssertEqual(ranking.rows[0].reference, "\(root) / easy")
        let hard = ranking.rows[1].relativeDifficulty
        XCTAssertEqual(try XCTUnwrap(hard.ratio), 2, accuracy: 1e-12)
        // [K_F,low / K_F,ref,high, K_F,high / K_F,ref,low] = [3.6 / 2.2, 4.4 / 1.8].
        XCTAssertEqual(try XCTUnwrap(hard.low), 3.6 / 2.2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(hard.high), 4.4 / 1.8, accuracy: 1e-12)
        XCTAssertEqual(ranking.rows[2].relativeDifficulty.status, .notAvailable)
        XCTAssertTrue(ranking.rows[2].kFInfinite)
        XCTAssertTrue(ranking.verdicts.isEmpty)
        XCTAssertTrue(ranking.verdictsUnavailable.isEmpty)
    }

    func testReferencePerFingerprint() {
        let tasks = [audited("a", kF: 3, fingerprint: "fp1"), audited("b", kF: 9, fingerprint: "fp2"),
                     audited("c", kF: 1, fingerprint: "fp1")]

        let ranking = AuditRanking(audited: tasks, observations: [])

        XCTAssertEqual(ranking.rows.map(\.task), ["c", "a", "b"])
        XCTAssertEqual(ranking.rows[1].reference, "\(root) / c")
        XCTAssertEqual(ranking.rows[2].reference, "\(root) / b")
        XCTAssertEqual(ranking.rows[2].relativeDifficulty.ratio, 1)
    }

    func testVerdictFromFilledObservations() throws {
        let tasks = [audited("easy", kF: 2), audited("middle", kF: 3), audited("hard", kF: 4)]
        let observations = [
            observation("easy", n: 100, loss: 0.2), observation("middle", n: 100, loss: 0.3),
            observation("hard", n: 100, loss: 0.4), observation("elsewhere", n: 100, loss: 0.5, dataset: "imported"),
        ]

        let ranking = AuditRanking(audited: tasks, observations: observations)

        XCTAssertEqual(ranking.rows.map(\.observationCount), [1, 1, 1])
        XCTAssertEqual(ranking.rows[0].models, ["resnet"])
        XCTAssertEqual(ranking.observedWithoutAudit, ["imported / elsewhere"])
        let verdict = try XCTUnwrap(ranking.verdicts.first)
        XCTAssertEqual(verdict.matchedN, 100)
        XCTAssertEqual(verdict.tasks.map(\.task), ["easy", "middle", "hard"])
        XCTAssertEqual(verdict.kendall.tau, 1, accuracy: 1e-12)
        XCTAssertTrue(verdict.indicativeOnly)
        XCTAssertEqual(verdict.dataset, root)
        XCTAssertEqual(ranking.verdicts.count, 1, "the imported dataset's single task gives no verdict")
        XCTAssertNotNil(ranking.verdictsUnavailable["resnet (imported)"], "\(ranking.verdictsUnavailable)")
    }

    func testVerdictsKeepDatasetsApart() throws {
        let tasks = [audited("easy", kF: 2), audited("hard", kF: 4)]
        let other = "/data/other"
        let observations = [
            observation("easy", n: 100, loss: 0.2), observation("hard", n: 100, loss: 0.4),
            observation("easy", n: 100, loss: 0.9, dataset: other), observation("hard", n: 100, loss: 0.1, dataset: other),
        ]
        var otherTasks = tasks
        for index in otherTasks.indices { otherTasks[index].dataset = other }
        let ranking = AuditRanking(audited: tasks + otherTasks, observations: observations)

        XCTAssertEqual(ranking.verdicts.map(\.dataset), [other, root].sorted().map(Optional.some))
        let own = try XCTUnwrap(ranking.verdicts.first { $0.dataset == root })
        XCTAssertEqual(own.kendall.tau, 1, accuracy: 1e-12)
        let elsewhere = try XCTUnwrap(ranking.verdicts.first { $0.dataset == other })
        XCTAssertEqual(elsewhere.kendall.tau, -1, accuracy: 1e-12)
    }

    func testSingleObservedTaskHasNoVerdict() {
        let ranking = AuditRanking(audited: [audited("easy", kF: 2)],
                                   observations: [observation("easy", n: 100, loss: 0.2)])

        XCTAssertTrue(ranking.verdicts.isEmpty)
        XCTAssertTrue(ranking.verdictsUnavailable["resnet (\(root))"]?.contains("at least 2 tasks") ?? false,
                      "\(ranking.verdictsUnavailable)")
    }
}
