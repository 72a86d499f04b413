import Datasets
import XCTest

final class CandidateTaskTests: XCTestCase {
    /// normal: 2 images, bacteria: 3, virus: 1 (after the filename rules), plus one dropped image.
    private func pneumoniaListing(_ folder: TemporaryFolder, config: AuditConfig) throws -> LabelledListing {
        try folder.write(files: [
            "train/NORMAL/n1.jpeg", "test/NORMAL/n2.jpeg",
            "train/PNEUMONIA/p1_bacteria.jpeg", "train/PNEUMONIA/p2_bacteria.jpeg", "test/PNEUMONIA/p3_bacteria.jpeg",
            "train/PNEUMONIA/p4_virus.jpeg", "train/PNEUMONIA/p5.jpeg",
        ])
        return try LabelledListing(scan: scanDataset(root: folder.path), labels: config.labels)
    }

    private var pneumoniaConfig: AuditConfig {
        var config = AuditConfig.defaults
        config.labels.filenameRules = [
            FilenameRule(className: "bacteria", pattern: "bacteria", from: ["pneumonia"]),
            FilenameRule(className: "virus", pattern: "virus", from: ["pneumonia"]),
        ]
        config.labels.groupings = [TaskGrouping(name: "pneumonia", positive: ["bacteria", "virus"], negative: ["normal"])]
        return config
    }

    func testNamesOrderAndSides() throws {
        let folder = try TemporaryFolder()
        let listing = try pneumoniaListing(folder, config: pneumoniaConfig)

        let list = buildCandidateTasks(listing: listing, config: pneumoniaConfig)

        XCTAssertEqual(list.names, [
            "bacteria_vs_normal", "bacteria_vs_virus", "normal_vs_virus",
            "bacteria_vs_rest", "normal_vs_rest", "virus_vs_rest", "pneumonia",
        ])
        let pair = try XCTUnwrap(list.tasks.first)
        XCTAssertEqual(pair.origin, .pair)
        XCTAssertEqual(pair.positiveClasses, ["bacteria"])
        XCTAssertEqual(pair.negativeClasses, ["normal"])
        XCTAssertEqual(pair.positiveImages.map { listing.images[$0].className }, ["bacteria", "bacteria", "bacteria"])
        XCTAssertEqual(pair.negativeImages.map { listing.images[$0].className }, ["normal", "normal"])
        XCTAssertTrue(list.dropped.isEmpty, "\(list.dropped)")
        XCTAssertEqual(listing.unmatchedCount, 1)
    }

    func testIdenticalSplitsShareMeasurement() throws {
        let folder = try TemporaryFolder()
        let list = buildCandidateTasks(listing: try pneumoniaListing(folder, config: pneumoniaConfig), config: pneumoniaConfig)
        let byName = Dictionary(uniqueKeysWithValues: list.tasks.map { ($0.name, $0) })

        XCTAssertNil(byName["normal_vs_rest"]?.sameAs)
        XCTAssertEqual(byName["pneumonia"]?.sameAs, "normal_vs_rest", "a polarity swap is the same split")
        XCTAssertNil(byName["bacteria_vs_rest"]?.sameAs)
        XCTAssertNil(byName["bacteria_vs_normal"]?.sameAs)
    }

    func testTwoClassesHaveNoRestTasks() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: ["a/1.png", "b/2.png"])
        let listing = try LabelledListing(scan: scanDataset(root: folder.path), labels: LabelConfig())

        let list = buildCandidateTasks(listing: listing, config: .defaults)

        XCTAssertEqual(list.names, ["a_vs_b"])
    }

    func testEmptySidesAndBadGroupingsDropped() throws {
        let folder = try TemporaryFolder()
        var config = pneumoniaConfig
        config.labels.groupings += [
            TaskGrouping(name: "typo", positive: ["bacterium"], negative: ["normal"]),
            TaskGrouping(name: "overlap", positive: ["virus"], negative: ["virus", "normal"]),
            TaskGrouping(name: "pneumonia", positive: ["virus"]),
        ]
        let listing = try pneumoniaListing(folder, config: config)

        let list = buildCandidateTasks(listing: listing, config: config)

        XCTAssertEqual(list.dropped.map(\.name), ["typo", "overlap", "pneumonia"])
        XCTAssertTrue(list.dropped[0].reason.contains("'bacterium'"), list.dropped[0].reason)
        XCTAssertTrue(list.dropped[1].reason.contains("both sides"), list.dropped[1].reason)
        XCTAssertTrue(list.dropped[2].reason.contains("same name but splits the images differently"), list.dropped[2].reason)
    }

    func testColumnTasksAndEmptyColumnDropped() throws {
        let folder = try TemporaryFolder()
        try folder.write(files: ["a.png", "b.png", "c.png"])
        let table = try folder.write("labels.csv", "path,effusion,all_zero\na.png,1,0\nb.png,0,0\nc.png,0,0\n")
        let listing = try LabelledListing(scan: scanDataset(root: folder.path), labels: LabelConfig(), tablePath: table)

        let list = buildCandidateTasks(listing: listing, config: .defaults)

        XCTAssertEqual(list.names, ["effusion"])
        XCTAssertEqual(list.tasks[0].origin, .column)
        XCTAssertEqual(list.tasks[0].labels, [0: true, 1: false, 2: false])
        XCTAssertEqual(list.dropped.map(\.name), ["all_zero"])
        XCTAssertTrue(list.dropped[0].reason.contains("positive side"), list.dropped[0].reason)
    }

    func testSelectionGlobs() throws {
        let folder = try TemporaryFolder()
        let list = buildCandidateTasks(listing: try pneumoniaListing(folder, config: pneumoniaConfig), config: pneumoniaConfig)

        let rest = try selectTasks(list, patterns: "*_vs_rest", maxCandidates: 50)
        XCTAssertEqual(rest.map(\.name), ["bacteria_vs_rest", "normal_vs_rest", "virus_vs_rest"])

        let mixed = try selectTasks(list, patterns: " pneumonia , bacteria_vs_?ormal", maxCandidates: 50)
        XCTAssertEqual(mixed.map(\.name), ["bacteria_vs_normal", "pneumonia"])
        XCTAssertNil(mixed[1].sameAs, "its twin normal_vs_rest is not selected, so it is measured itself")

        let both = try selectTasks(list, patterns: "normal_vs_rest,pneumonia", maxCandidates: 50)
        XCTAssertEqual(both.map(\.sameAs), [nil, "normal_vs_rest"])
    }

    func testSelectionWithoutMatchListsTasks() throws {
        let folder = try TemporaryFolder()
        let list = buildCandidateTasks(listing: try pneumoniaListing(folder, config: pneumoniaConfig), config: pneumoniaConfig)

        XCTAssertThrowsError(try selectTasks(list, patterns: "pneumonia,viral*", maxCandidates: 50)) { error in
            XCTAssertEqual(error as? DatasetError, .noTaskMatches(pattern: "viral*", available: list.names))
        }
        XCTAssertThrowsError(try selectTasks(list, patterns: " , ", maxCandidates: 50)) { error in
            XCTAssertEqual(error as? DatasetError, .emptyTaskSelection)
        }
    }

    func testTooManyCandidatesNeedsSelection() throws {
        let folder = try TemporaryFolder()
        // 10 classes: 45 pairs + 10 one-vs-rest tasks = 55.
        try folder.write(files: (0..<10).map { "class\($0)/image.png" })
        let listing = try LabelledListing(scan: scanDataset(root: folder.path), labels: LabelConfig())
        let list = buildCandidateTasks(listing: listing, config: .defaults)
        XCTAssertEqual(list.tasks.count, 55)

        XCTAssertThrowsError(try selectTasks(list, patterns: nil, maxCandidates: 50)) { error in
            XCTAssertEqual(error as? DatasetError, .tooManyCandidateTasks(count: 55, maximum: 50))
            XCTAssertTrue(String(describing: error).contains("--tasks"))
        }
        XCTAssertEqual(try selectTasks(list, patterns: "class0_*", maxCandidates: 50).count, 10)
        XCTAssertEqual(try selectTasks(list, patterns: nil, maxCandidates: 55).count, 55)
    }
}
