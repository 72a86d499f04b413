@testable import Datasets
import XCTest

final class FolderLabelTests: XCTestCase {
    func testClassNameNormalisation() {
        let cases: [(raw: String, expected: String)] = [
            ("Bacterial Pneumonia!", "bacterial-pneumonia-"),
            ("NORMAL", "normal"),
            ("covid_19-pos", "covid_19-pos"),
            ("a.b/c", "a-b-c"),
            ("Ödem", "ödem"),
            (" x ", "-x-"),
        ]
        for (raw, expected) in cases {
            XCTAssertEqual(normaliseClassName(raw), expected, "raw: \(raw)")
        }
    }

    func testSplitNames() {
        let cases: [(raw: String, expected: String?)] = [
            ("train", "train"), ("TRAINING", "train"), ("Val", "val"), ("valid", "val"),
            ("VALIDATION", "val"), ("test", "test"), ("Testing", "test"), ("tests", nil), ("holdout", nil),
        ]
        for (raw, expected) in cases {
            XCTAssertEqual(normaliseSplitName(raw), expected, "raw: \(raw)")
        }
    }

    func testTrainAndTestFoldersGiveOneClass() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: ["train/NORMAL/a.png", "test/NORMAL/b.png", "train/PNEUMONIA/c.png", "loose.png"])
        let scan = try scanDataset(root: folder.path)

        let listing = try LabelledListing(scan: scan, labels: LabelConfig())

        XCTAssertEqual(listing.classNames, ["normal", "pneumonia"])
        XCTAssertEqual(listing.images.map(\.className), [nil, "normal", "normal", "pneumonia"])
        XCTAssertEqual(listing.images.map(\.split), [nil, "test", "train", "train"])
        XCTAssertTrue(listing.issues.isEmpty)
    }

    private func pneumoniaScan(_ folder: TemporaryFolder) throws -> ScanResult {
        try folder.write(files: [
            "NORMAL/n1.jpeg",
            "PNEUMONIA/person1_bacteria_1.jpeg",
            "PNEUMONIA/person2_VIRUS_2.jpeg",
            "PNEUMONIA/person3_unknown.jpeg",
        ])
        return try scanDataset(root: folder.path)
    }

    private var refiningRules: [FilenameRule] {
        [
            FilenameRule(className: "bacteria", pattern: "bacteria", from: ["PNEUMONIA"]),
            FilenameRule(className: "virus", pattern: "virus", from: ["pneumonia"]),
        ]
    }

    func testFilenameRulesRefineAndDropUnmatched() throws {
        let folder = try TemporaryFolder()
        var labels = LabelConfig()
        labels.filenameRules = refiningRules

        let listing = try LabelledListing(scan: pneumoniaScan(folder), labels: labels)

        XCTAssertEqual(listing.images.map(\.className), ["normal", "bacteria", "virus", nil])
        XCTAssertEqual(listing.unmatchedCount, 1)
        XCTAssertEqual(listing.classNames, ["bacteria", "normal", "virus"])
    }

    func testFilenameRulesKeepUnmatched() throws {
        let folder = try TemporaryFolder()
        var labels = LabelConfig()
        labels.filenameRules = refiningRules
        labels.unmatched = .keep

        let listing = try LabelledListing(scan: pneumoniaScan(folder), labels: labels)

        XCTAssertEqual(listing.images.map(\.className), ["normal", "bacteria", "virus", "pneumonia"])
        XCTAssertEqual(listing.unmatchedCount, 0)
    }

    func testRefiningRuleSkipsOtherClasses() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: ["NORMAL/virus_lookalike.png", "PNEUMONIA/virus.png"])
        var labels = LabelConfig()
        labels.filenameRules = [FilenameRule(className: "virus", pattern: "virus", from: ["pneumonia"])]

        let listing = try LabelledListing(scan: scanDataset(root: folder.path), labels: labels)

        XCTAssertEqual(listing.images.map(\.className), ["normal", "virus"])
    }

    func testReplacingRuleAppliesToAnyImage() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: ["a/scan_CT.png", "b/scan_mr.png", "loose_ct.png", "c/other.png"])
        var labels = LabelConfig()
        labels.filenameRules = [FilenameRule(className: "CT", pattern: "_ct\\.png$")]

        let listing = try LabelledListing(scan: scanDataset(root: folder.path), labels: labels)

        XCTAssertEqual(listing.images.map(\.file.relativePath), ["a/scan_CT.png", "b/scan_mr.png", "c/other.png", "loose_ct.png"])
        XCTAssertEqual(listing.images.map(\.className), ["ct", "b", "c", "ct"])
        XCTAssertEqual(listing.unmatchedCount, 0)
    }

    func testFirstMatchingRuleWins() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: ["x/bacteria_virus.png"])
        var labels = LabelConfig()
        labels.filenameRules = [
            FilenameRule(className: "virus", pattern: "virus"),
            FilenameRule(className: "bacteria", pattern: "bacteria"),
        ]

        let listing = try LabelledListing(scan: scanDataset(root: folder.path), labels: labels)

        XCTAssertEqual(listing.images.first?.className, "virus")
    }

    func testInvalidRulePatternThrows() throws {
        let folder = try TemporaryFolder()
        try folder.write("a/b.png")
        var labels = LabelConfig()
        labels.filenameRules = [FilenameRule(className: "x", pattern: "ok"), FilenameRule(className: "y", pattern: "(unclosed")]

        XCTAssertThrowsError(try LabelledListing(scan: scanDataset(root: folder.path), labels: labels)) { error in
            guard case let .invalidFilenameRule(index, pattern, _) = error as? DatasetError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(index, 1)
            XCTAssertEqual(pattern, "(unclosed")
        }
    }
}
