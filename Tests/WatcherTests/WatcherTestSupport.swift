import Audit
import Foundation
import Store
import Watcher
import XCTest

let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// One of the decodable 32 × 32 grey PNGs in fixtures/broken (`a` has good-01 to 06, `b` good-01 to 03).
func goodImage(_ classFolder: String, _ number: Int) -> URL {
    repositoryRoot.appendingPathComponent("fixtures/broken/\(classFolder)/good-0\(number).png")
}

func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("watcher-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory.resolvingSymlinksInPath()
}

/// A dataset with classes `a` and `b`, three decodable PNGs each.
func makeDataset(in directory: URL) throws -> URL {
    let root = directory.appendingPathComponent("dataset")
    for folder in ["a", "b"] {
        try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        for number in 1...3 {
            try FileManager.default.copyItem(at: goodImage(folder, number), to: root.appendingPathComponent("\(folder)/good-0\(number).png"))
        }
    }
    return root
}

/// Daemon settings for fast audits: 16 × 16 pixels, few runs, one thread.
func smallSettings(roots: [RootSpec], settle: Double) -> DaemonSettings {
    var config = DaemonConfig()
    config.roots = roots
    config.settleSeconds = settle
    config.pollSeconds = 60
    var settings = DaemonSettings(config: config)
    settings.makeOptions = { job in
        var options = AuditOptions(root: job.root)
        options.labelsPath = job.labels
        options.configPath = job.config
        options.resolution = 16
        options.runs = 3
        options.neighbors = 3
        options.idSamples = 50
        options.samples = 10
        options.threads = 1
        return options
    }
    return settings
}

/// Collects log lines.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ line: String) {
        lock.lock()
        storage.append(line)
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}

/// A daemon running on a background thread for the length of a test.
final class RunningDaemon {
    let daemon: Daemon
    let logs = LogCollector()
    private let finished = DispatchSemaphore(value: 0)

    init(store: Store, settings: DaemonSettings) {
        let logs = self.logs
        daemon = Daemon(store: store, settings: settings, logger: EventLogger { logs.append($0) })
        let daemon = self.daemon
        let finished = self.finished
        Thread.detachNewThread {
            try? daemon.run()
            finished.signal()
        }
    }

    /// Waits until the daemon has been idle for `quiet` seconds in a row; fails the test after `timeout`.
    func waitUntilIdle(timeout: Double = 40, quiet: Double = 0.6, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(timeout)
        var idleSince: Date?
        while Date() < deadline {
            if daemon.isIdle {
                idleSince = idleSince ?? Date()
                if Date().timeIntervalSince(idleSince!) >= quiet { return }
            } else {
                idleSince = nil
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("the daemon was not idle after \(timeout) s; log:\n" + logs.lines.suffix(20).joined(separator: "\n"), file: file, line: line)
    }

    func stop() {
        daemon.stop()
        _ = finished.wait(timeout: .now() + 30)
    }
}

/// Every audit of the store, in id order.
func allAudits(_ store: Store) throws -> [AuditRecord] {
    var audits: [AuditRecord] = []
    var id: Int64 = 1
    while let audit = try store.audit(id: id) {
        audits.append(audit)
        id += 1
    }
    return audits
}

/// Newly decoded images of a finished audit: decoded minus those read from the feature cache.
func freshlyDecoded(_ audit: AuditRecord) throws -> Int {
    guard let json = audit.reportJSON, let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
          let dataset = object["dataset"] as? [String: Any], let decoded = dataset["decoded"] as? Int,
          let cached = dataset["cached"] as? Int else { return 0 }
    return decoded - cached
}
