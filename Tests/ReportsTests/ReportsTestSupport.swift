import Audit
import Foundation
import Reports
import Store
import XCTest

/// Repository root, found from this file's path (Tests/ReportsTests/…).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fixture(_ relativePath: String) -> URL {
    repositoryRoot.appendingPathComponent("fixtures").appendingPathComponent(relativePath)
}

/// A temporary folder removed at the end of the test.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("intrinsic-audit-report-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    func copy(_ source: URL, to relativePath: String) throws {
        let destination = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: destination)
    }

    var path: String { url.path }
}

/// A dataset audited at 32 × 32 pixels, with every finding the reports draw.
///
/// The files come from fixtures/broken. Classes `a` and `b` have six good PNGs each, and
/// `a/zero-byte.png` and `a/corrupt.png` are unreadable. `b/conflict-copy.png` is a copy of
/// `a/good-01.png`, so the pair is a label conflict. `a/dup-copy.png` is a copy of `a/good-02.png`
/// (a same-label duplicate) and is deleted after the audit, so its thumbnail becomes a placeholder.
struct AuditedFixture {
    let folder: TemporaryFolder
    let report: AuditReport
    let databasePath: String
    let deletedPath = "a/dup-copy.png"

    init() throws {
        folder = try TemporaryFolder()
        for index in 1...6 {
            try folder.copy(fixture("broken/a/good-0\(index).png"), to: "data/a/good-0\(index).png")
            try folder.copy(fixture("broken/b/good-0\(index).png"), to: "data/b/good-0\(index).png")
        }
        try folder.copy(fixture("broken/a/zero-byte.png"), to: "data/a/zero-byte.png")
        try folder.copy(fixture("broken/a/corrupt.png"), to: "data/a/corrupt.png")
        try folder.copy(fixture("broken/a/good-01.png"), to: "data/b/conflict-copy.png")
        try folder.copy(fixture("broken/a/good-02.png"), to: "data/a/dup-copy.png")

        databasePath = folder.url.appendingPathComponent("audit.sqlite").path
        let store = try Store(path: databasePath)
        var options = AuditOptions(root: folder.url.appendingPathComponent("data").path)
        options.resolution = 32
        options.runs = 3
        options.neighbors = 5
        options.threads = 1
        report = try Auditor(store: store, options: options).run()
        try FileManager.default.removeItem(atPath: (report.dataset.root as NSString).appendingPathComponent(deletedPath))
    }

    /// Every relative path the report names.
    var allPaths: [String] {
        var paths = report.dataset.unreadable.map(\.path) + report.dataset.constantImages
        paths += report.dataset.duplicates.groups.flatMap(\.paths)
        paths += report.dataset.nearDuplicates.pairs.flatMap { [$0.a, $0.b] }
        for task in report.tasks {
            if let pair = task.labelSharpness.closestPair {
                paths += [pair.a, pair.b]
            }
            paths += task.labelSharpness.conflicts.flatMap { $0 }
        }
        return Array(Set(paths)).sorted()
    }

    /// Image references the HTML report draws, in any order: both images of each task's closest
    /// pair, both images of each distinct conflict pair, every member of each duplicate group and
    /// both images of each near-duplicate pair.
    var drawnImages: [String] {
        var images: [String] = []
        var conflictPairs = Set<[String]>()
        for task in report.tasks where task.sameAs == nil {
            if let pair = task.labelSharpness.closestPair {
                images += [pair.a, pair.b]
            }
            for pair in task.labelSharpness.conflicts where conflictPairs.insert(pair).inserted {
                images += pair
            }
        }
        images += report.dataset.duplicates.groups.flatMap(\.paths)
        images += report.dataset.nearDuplicates.pairs.flatMap { [$0.a, $0.b] }
        return images
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (report.dataset.root as NSString).appendingPathComponent(path))
    }
}

/// Non-overlapping occurrences of `needle` in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}
