import Audit
import Foundation
@testable import Reports
import XCTest

final class MarkdownReportTests: XCTestCase {
    func testMarkdownHasTablesAndLink() throws {
        let fixture = try AuditedFixture()

        let markdown = MarkdownReport.render(fixture.report, htmlLink: "report.html")

        for heading in ["## Dataset summary", "## Tasks ranked by label sharpness", "## Closest cross-label pairs", "## Label conflicts",
                        "## Exact duplicates", "## Near-duplicates", "### Unreadable files (skipped) (2)"] {
            XCTAssertTrue(markdown.contains("\n\(heading)\n"), heading)
        }
        XCTAssertTrue(markdown.contains("[report.html](report.html)"))
        XCTAssertEqual(occurrences(of: "| rank | task |", in: markdown), 1)
        // One table row per task below the header and the alignment row.
        let taskRows = markdown.components(separatedBy: "\n").filter { line in
            fixture.report.tasks.contains { line.hasPrefix("| \(TaskCells.rank($0)) | \(MarkdownReport.escape($0.name))") }
        }
        XCTAssertEqual(taskRows.count, fixture.report.tasks.count)
        XCTAssertFalse(markdown.contains("data:image"))
        XCTAssertFalse(markdown.contains("http"))
    }

    func testMarkdownWithoutLinkSaysHowToMakeHTML() throws {
        let fixture = try AuditedFixture()

        let markdown = MarkdownReport.render(fixture.report, htmlLink: nil)

        XCTAssertTrue(markdown.contains("`intrinsic-audit report --format html --out FILE`"))
    }

    func testMarkdownRedactsPaths() throws {
        let fixture = try AuditedFixture()

        let markdown = MarkdownReport.render(fixture.report, presentation: ReportPresentation(redactPaths: true), htmlLink: "r.html")

        for path in fixture.allPaths {
            XCTAssertFalse(markdown.contains(path), path)
        }
        XCTAssertFalse(markdown.contains(fixture.folder.path))
    }

    func testMarkdownEscaping() {
        XCTAssertEqual(MarkdownReport.escape("a|b_c*d"), "a\\|b\\_c\\*d")
        XCTAssertEqual(MarkdownReport.code("x|y"), "`x\\|y`")
        XCTAssertEqual(MarkdownReport.code("a`b"), "`` a`b ``")
        XCTAssertEqual(MarkdownReport.linkTarget("my report.html"), "<my report.html>")
    }

    func testRedactionIDIsStable() {
        // FNV-1a 64 of "" is the offset basis 0xcbf29ce484222325; the id is its first 8 hex digits.
        XCTAssertEqual(PathRedaction.id(for: ""), "cbf29ce4")
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c.
        XCTAssertEqual(PathRedaction.id(for: "a"), "af63dc4c")
    }
}
