import Foundation
import XCTest

/// Runs the built `intrinsic-audit` executable and checks exit codes and messages.
final class CommandLineTests: XCTestCase {
    typealias Result = CommandResult

    var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures")
    }

    func run(_ arguments: [String]) throws -> Result {
        try runIntrinsicAudit(arguments)
    }

    func temporaryDatabase() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder.appendingPathComponent("audit.sqlite").path
    }

    func testVersionAndHelpExitZero() throws {
        let version = try run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.output.hasPrefix("intrinsic-audit "), version.output)
        for command in ["audit", "report", "cache"] {
            let help = try run([command, "--help"])
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.output.contains("Usage: intrinsic-audit \(command)"), help.output)
        }
    }

    func testMistypedOptionIsUsageErrorWithSuggestion() throws {
        let result = try run(["audit", "x", "--sampels", "10"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.error.contains("Error: unknown option '--sampels'; did you mean '--samples'?"), result.error)
        XCTAssertTrue(result.error.contains("See 'intrinsic-audit audit --help'."), result.error)
    }

    func testOutOfRangeValueNamesTheRange() throws {
        let result = try run(["audit", "x", "--resolution", "4"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.error.contains("invalid value '4' for --resolution; expected an integer from 8 to 4096"), result.error)
    }

    func testAuditThenReportByAuditID() throws {
        let database = try temporaryDatabase()
        let audit = try run(["audit", fixtures.appendingPathComponent("broken").path, "--db", database,
                             "--resolution", "32", "--runs", "2", "--neighbors", "3", "--threads", "1", "--format", "json"])
        XCTAssertEqual(audit.status, 0, audit.error)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [String: Any])
        let auditID = try XCTUnwrap(report["audit_id"] as? Int)
        XCTAssertEqual((report["dataset"] as? [String: Any])?["decoded"] as? Int, 12)

        let stored = try run(["report", "--db", database, "--audit", String(auditID)])
        XCTAssertEqual(stored.status, 0, stored.error)
        XCTAssertTrue(stored.output.contains("unreadable files (skipped):"), stored.output)
    }

    func testReportWithoutDatabaseFailsWithoutCreatingIt() throws {
        let database = try temporaryDatabase()
        let result = try run(["report", "--db", database])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("no database at \(database)"), result.error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: database))
    }

    func testFolderWithoutTasksExplainsWhat() throws {
        let database = try temporaryDatabase()
        let result = try run(["audit", fixtures.appendingPathComponent("broken/a").path, "--db", database])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.error.contains("no labelling task to measure"), result.error)
        XCTAssertTrue(result.error.contains("class folders"), result.error)
    }
}
