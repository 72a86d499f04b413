import Audit
import Foundation
import Store
import XCTest

/// Repository root, found from this file's path (Tests/AuditTests/…).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fixture(_ relativePath: String) -> URL {
    repositoryRoot.appendingPathComponent("fixtures").appendingPathComponent(relativePath)
}

/// A temporary folder removed at the end of the test.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("intrinsic-audit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// Copies `source` to `relativePath` inside the folder, creating parent folders.
    func copy(_ source: URL, to relativePath: String) throws {
        let destination = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: destination)
    }

    func write(_ text: String, to relativePath: String) throws {
        let destination = url.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: destination)
    }

    var path: String { url.path }
}

/// Options for fast audits of small test folders: 32 × 32 pixels, few runs, one thread.
func smallAuditOptions(root: String) -> AuditOptions {
    var options = AuditOptions(root: root)
    options.resolution = 32
    options.runs = 3
    options.neighbors = 5
    options.threads = 1
    return options
}

/// The six decodable 32 × 32 grey PNGs of each class folder of fixtures/broken.
func goodImages(_ classFolder: String) -> [URL] {
    (1...6).map { fixture("broken/\(classFolder)/good-0\($0).png") }
}
