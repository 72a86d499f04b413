import Audit
import Foundation
import Store
import XCTest

@testable import Training

/// End-to-end ladders on the bundled Kermany X-ray fixture, at a small input side and epoch cap
/// so that the debug build finishes in seconds.
final class ConfirmationTrainerTests: XCTestCase {
    private let fixture = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/kermany-cxr-mini")
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("training-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func request(task: String = "normal_vs_virus") -> TrainingRequest {
        var request = TrainingRequest(dataset: AuditOptions(root: fixture.path), task: task)
        request.sizes = [20, 40]
        request.testSize = 20
        request.seeds = [0]
        request.maxEpochs = 1
        request.inputSide = 16
        request.threads = 1
        request.weightsDirectory = folder.appendingPathComponent("weights").path
        return request
    }

    func testLadderStoresOneObservationPerTrainingWithWeights() throws {
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        let report = try ConfirmationTrainer(store: store, request: request()).run()

        XCTAssertEqual(report.runs.map(\.n), [20, 40])
        XCTAssertEqual(report.testSource, "test split")
        XCTAssertNil(report.paired, "no audit in this store")
        XCTAssertTrue(report.pairingNote?.contains("intrinsic-audit audit") ?? false)

        let stored = try store.observations(task: "normal_vs_virus")
        XCTAssertEqual(stored.map(\.n).sorted(), [20, 40])
        for observation in stored {
            XCTAssertEqual(observation.source, "trained")
            XCTAssertEqual(observation.model, "resnet")
            XCTAssertTrue(observation.testLoss.isFinite)
            XCTAssertEqual(Set(observation.fgsmPenalty.keys), ["1/255", "2/255", "8/255"])
            let weights = try XCTUnwrap(observation.weightsPath)
            XCTAssertTrue(FileManager.default.fileExists(atPath: weights))
            XCTAssertTrue(FileManager.default.fileExists(atPath: weights + ".json"))
        }
    }

    func testSameSeedSameTestLoss() throws {
        let first = try ConfirmationTrainer(store: Store(path: folder.appendingPathComponent("a.sqlite").path), request: request()).run()
        let second = try ConfirmationTrainer(store: Store(path: folder.appendingPathComponent("b.sqlite").path), request: request()).run()
        XCTAssertEqual(first.runs.map(\.testLoss), second.runs.map(\.testLoss))
    }

    func testCancelledTrainingStoresNothing() throws {
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        let cancellation = CancellationFlag()
        cancellation.cancel()

        XCTAssertThrowsError(try ConfirmationTrainer(store: store, request: request(), cancellation: cancellation).run()) { error in
            guard case TrainingRunError.cancelled(completedRuns: 0)? = error as? TrainingRunError else {
                return XCTFail("expected a cancellation, got \(error)")
            }
        }
        XCTAssertEqual(try store.observations().count, 0)
        let weights = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("weights").path)) ?? []
        XCTAssertEqual(weights, [])
    }

    func testUnknownTaskNamesTheCandidates() throws {
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        XCTAssertThrowsError(try ConfirmationTrainer(store: store, request: request(task: "cats_vs_dogs")).run()) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("cats_vs_dogs"), message)
            XCTAssertTrue(message.contains("normal_vs_virus"), message)
        }
    }

    func testPairsWithTheLatestAudit() throws {
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        var options = AuditOptions(root: fixture.path)
        options.runs = 2
        options.idSamples = 100
        options.taskPattern = "normal_vs_virus"
        let audit = try Auditor(store: store, options: options).run()
        let report = try ConfirmationTrainer(store: store, request: request()).run()

        let paired = try XCTUnwrap(report.paired)
        let measured = try XCTUnwrap(audit.tasks.first { $0.name == "normal_vs_virus" })
        XCTAssertEqual(paired.kF, measured.labelSharpness.mean)
        XCTAssertEqual(paired.dDataMLE, measured.intrinsicDimension.mle.value)
        XCTAssertEqual(try store.observations().first?.auditFingerprint, audit.preprocessing.fingerprint)
    }
}
