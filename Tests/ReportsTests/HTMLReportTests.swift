import Audit
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reports
import XCTest

final class HTMLReportTests: XCTestCase {
    func testHTMLIsWellFormedXML() throws {
        let fixture = try AuditedFixture()
        let html = HTMLReport.render(fixture.report)

        let document = try XMLDocument(xmlString: html, options: [])

        XCTAssertEqual(document.rootElement()?.name, "html")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n"))
    }

    func testEverySectionIsPresent() throws {
        let fixture = try AuditedFixture()
        let html = HTMLReport.render(fixture.report)

        for id in ["summary", "tasks", "dimension", "closest-pairs", "conflicts", "duplicates", "near-duplicates"] {
            XCTAssertEqual(occurrences(of: "<section id=\"\(id)\">", in: html), 1, "section \(id)")
            XCTAssertTrue(html.contains("href=\"#\(id)\""), "navigation link to \(id)")
        }
        XCTAssertTrue(html.contains("a/zero-byte.png"), "unreadable files are listed")
        XCTAssertTrue(html.contains(fixture.report.preprocessing.fingerprint))
        XCTAssertFalse(html.contains("Training"), "no training section without training data")
        XCTAssertFalse(html.contains("scaling law fit"), "no scaling-law section without fits")
    }

    func testFixtureHasConflictAndDuplicate() throws {
        // Guards the counts below: the fixture must produce what the galleries draw.
        let fixture = try AuditedFixture()

        XCTAssertEqual(fixture.report.dataset.unreadable.count, 2)
        XCTAssertEqual(Set(fixture.report.tasks.flatMap(\.labelSharpness.conflicts).map(Set.init)), [["a/good-01.png", "b/conflict-copy.png"]])
        XCTAssertTrue(fixture.report.dataset.duplicates.groups.contains { $0.paths.contains(fixture.deletedPath) })
    }

    func testThumbnailCountMatchesDrawnImages() throws {
        let fixture = try AuditedFixture()
        let drawn = fixture.drawnImages
        let existing = drawn.filter { fixture.exists($0) }

        let html = HTMLReport.render(fixture.report)

        XCTAssertGreaterThan(existing.count, 4)
        XCTAssertEqual(occurrences(of: "<img ", in: html), existing.count)
        XCTAssertEqual(occurrences(of: "src=\"data:image/png;base64,", in: html), existing.count)
        XCTAssertEqual(occurrences(of: "class=\"missing\"", in: html), drawn.count - existing.count)
    }

    func testDeletedFileGetsPlaceholder() throws {
        let fixture = try AuditedFixture()

        let html = HTMLReport.render(fixture.report)

        XCTAssertEqual(occurrences(of: "file no longer exists", in: html), 2, "box text and its aria-label")
        XCTAssertFalse(fixture.exists(fixture.deletedPath))
    }

    func testSVGMarksMatchTasks() throws {
        let fixture = try AuditedFixture()
        let tasks = fixture.report.tasks
        let defined = tasks.filter { $0.labelSharpness.mean != nil }
        let own = tasks.filter { $0.sameAs == nil }

        let html = HTMLReport.render(fixture.report)

        XCTAssertFalse(defined.isEmpty)
        XCTAssertEqual(occurrences(of: "class=\"mark kf-mean\"", in: html), defined.count)
        XCTAssertEqual(occurrences(of: "class=\"mark kf-interval\"", in: html), defined.filter { $0.labelSharpness.ci95 != nil }.count)
        XCTAssertEqual(occurrences(of: "class=\"mark mle\"", in: html), own.filter { $0.intrinsicDimension.mle.value != nil }.count)
        XCTAssertEqual(occurrences(of: "class=\"mark twonn\"", in: html), own.filter { $0.intrinsicDimension.twonn.value != nil }.count)
    }

    func testSVGHaveTextAlternatives() throws {
        let fixture = try AuditedFixture()

        let html = HTMLReport.render(fixture.report)

        let svgCount = occurrences(of: "<svg ", in: html)
        XCTAssertEqual(occurrences(of: "role=\"img\" aria-label=\"", in: html) - occurrences(of: "class=\"missing\"", in: html), svgCount)
        XCTAssertEqual(occurrences(of: "<svg class=\"strip\"", in: html), fixture.report.tasks.count + 1, "one strip per task plus the axis")
        XCTAssertTrue(html.contains("<svg class=\"chart\""))
        XCTAssertTrue(html.contains("intrinsic dimension d_data (number of dimensions)"), "axis label")
        XCTAssertTrue(html.contains("K_F (1 / distance, pixels in [0, 1])"), "axis label")
    }

    func testHTMLFetchesNothing() throws {
        let fixture = try AuditedFixture()

        let html = HTMLReport.render(fixture.report)

        XCTAssertFalse(html.contains("http://"))
        XCTAssertFalse(html.contains("https://"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<link"))
        XCTAssertFalse(html.contains("url("))
    }

    func testNoThumbnailsLeavesNoImages() throws {
        let fixture = try AuditedFixture()

        let html = HTMLReport.render(fixture.report, presentation: ReportPresentation(includeThumbnails: false))

        XCTAssertFalse(html.contains("data:image"))
        XCTAssertFalse(html.contains("<img"))
        XCTAssertFalse(html.contains("class=\"missing\""))
        XCTAssertTrue(html.contains("a/good-01.png"), "paths stay in the captions")
    }

    func testRedactPathsLeavesNoOriginalPath() throws {
        let fixture = try AuditedFixture()
        let paths = fixture.allPaths

        let html = HTMLReport.render(fixture.report, presentation: ReportPresentation(redactPaths: true))

        XCTAssertGreaterThan(paths.count, 5)
        for path in paths {
            XCTAssertFalse(html.contains(path), "path \(path) must be redacted")
            XCTAssertTrue(html.contains(PathRedaction.id(for: path)), "id of \(path)")
        }
        XCTAssertFalse(html.contains(fixture.report.dataset.root))
        XCTAssertFalse(html.contains(fixture.folder.path))
        XCTAssertFalse(html.contains("good-0"), "no file name survives in alt text or captions")
        XCTAssertNoThrow(try XMLDocument(xmlString: html, options: []))
    }

    func testNearDuplicatesAndLeakageAreDrawn() throws {
        let fixture = try AuditedFixture()
        var report = fixture.report
        let pair = try JSONDecoder().decode(NearPairReport.self, from: Data("""
            {"a": "a/good-03.png", "b": "b/good-04.png", "distance": 0.5, "labels": ["a", "b"], "splits": ["train", "test"]}
            """.utf8))
        report.dataset.nearDuplicates.pairs = [pair]
        report.dataset.nearDuplicates.threshold = report.dataset.nearDuplicates.threshold ?? 1
        report.dataset.leakage = try JSONDecoder().decode(LeakageSummary.self, from: Data("""
            {"cross_split_duplicate_groups": 0, "cross_split_near_duplicate_groups": 1,
             "patients_in_several_splits": [{"patient": "P-0042", "splits": ["test", "train"], "images": 3}]}
            """.utf8))

        let html = HTMLReport.render(report)
        let redacted = HTMLReport.render(report, presentation: ReportPresentation(redactPaths: true))

        XCTAssertTrue(html.contains("Leakage between splits"))
        XCTAssertTrue(html.contains("patient P-0042"))
        XCTAssertTrue(html.contains("distance 0.5 "))
        XCTAssertEqual(occurrences(of: "<img ", in: html), fixture.drawnImages.filter { fixture.exists($0) }.count + 2)
        XCTAssertFalse(redacted.contains("P-0042"), "patient ids are redacted")
        XCTAssertTrue(redacted.contains("patient-" + PathRedaction.id(for: "P-0042")))
    }

    func testEscapingOfMarkupCharacters() {
        XCTAssertEqual(Markup.escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        XCTAssertEqual(Markup.escape("bell\u{07}tab\t"), "belltab\t")
        XCTAssertEqual(Markup.number(3.14159), "3.14")
        XCTAssertEqual(Markup.number(2.0), "2")
        XCTAssertEqual(Markup.number(0.5), "0.5")
    }
}
