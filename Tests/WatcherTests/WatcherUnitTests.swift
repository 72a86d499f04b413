import Foundation
import Watcher
import XCTest

final class WatcherUnitTests: XCTestCase {
    func testSecondLockNamesHolderPID() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = InstanceLock.path(forDatabase: directory.appendingPathComponent("audit.sqlite").path)
        let first = try InstanceLock(path: path)

        XCTAssertThrowsError(try InstanceLock(path: path)) { error in
            XCTAssertEqual(error as? DaemonError, .alreadyRunning(lockPath: path, holderPID: getpid()))
            let message = "\(error)"
            XCTAssertTrue(message.contains("process \(getpid())"), message)
            XCTAssertTrue(message.contains(path), message)
        }

        first.release()
        XCTAssertNoThrow(try InstanceLock(path: path), "a released lock can be taken again")
    }

    func testEventParsingRoundTrip() {
        let events = [
            InotifyEvent(watchDescriptor: 1, mask: InotifyMask.closeWrite, name: "x.png"),
            InotifyEvent(watchDescriptor: 2, mask: InotifyMask.create | InotifyMask.isDirectory, name: "a-longer-folder-name"),
            InotifyEvent(watchDescriptor: -1, mask: InotifyMask.queueOverflow, name: ""),
        ]
        let bytes = events.flatMap { $0.encoded() }

        XCTAssertEqual(InotifyEvent.parse(bytes[...]), events)
        XCTAssertEqual(InotifyEvent.parse(bytes.dropLast(3)), Array(events.prefix(2)), "a truncated record is ignored")
    }

    func testFedEventsBecomeChanges() throws {
        let directory = try makeTemporaryDirectory(self)
        let tree = try InotifyTree()
        XCTAssertNil(try tree.addTree(root: directory.path))
        let wd = try XCTUnwrap(tree.watchDescriptor(of: directory.path))

        // A folder created with files in it before its watch existed.
        let nested = directory.appendingPathComponent("new/inner")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try Data([1]).write(to: nested.appendingPathComponent("early.png"))
        try Data([1]).write(to: nested.appendingPathComponent("early.png.part"))

        let changes = tree.apply([
            InotifyEvent(watchDescriptor: wd, mask: InotifyMask.create | InotifyMask.isDirectory, name: "new"),
            InotifyEvent(watchDescriptor: wd, mask: InotifyMask.closeWrite, name: "done.png"),
            InotifyEvent(watchDescriptor: wd, mask: InotifyMask.closeWrite, name: "copy.tmp"),
            InotifyEvent(watchDescriptor: wd, mask: InotifyMask.movedTo, name: ".hidden.png"),
            InotifyEvent(watchDescriptor: wd, mask: InotifyMask.modify, name: "growing.png"),
            InotifyEvent(watchDescriptor: wd, mask: InotifyMask.delete, name: "gone.png"),
            InotifyEvent(watchDescriptor: -1, mask: InotifyMask.queueOverflow, name: ""),
        ])

        let root = directory.path
        XCTAssertEqual(changes, [
            .fileReady(root: root, path: root + "/new/inner/early.png"),
            .fileReady(root: root, path: root + "/done.png"),
            .activity(root: root),
            .removed(root: root, path: root + "/gone.png"),
            .overflow,
        ])
        XCTAssertNotNil(tree.watchDescriptor(of: root + "/new/inner"), "the new folder tree is watched")
        XCTAssertEqual(tree.watchCount, 3)
    }

    func testTemporaryNames() {
        for name in ["a.part", "b.TMP", ".~lock.x#", ".hidden", "x.crdownload", "backup~"] {
            XCTAssertTrue(NameFilter.isTemporary(name), name)
        }
        for name in ["image.png", "scan.jpeg", "part.png", "tmp"] {
            XCTAssertFalse(NameFilter.isTemporary(name), name)
        }
    }

    func testConfigParsesAndValidates() throws {
        let text = #"{"watch": {"roots": [{"path": "data", "labels": "l.csv", "config": null, "html_report": "r.html"}], "settle_seconds": 0.5, "poll_seconds": 30}, "training_policy": {"enabled": true, "max_per_day": 2}}"#
        let config = try DaemonConfig.parse(Data(text.utf8), path: "/etc/d.json", baseDirectory: "/etc")

        XCTAssertEqual(config.roots, [RootSpec(path: "/etc/data", labels: "/etc/l.csv", config: nil, htmlReport: "/etc/r.html")])
        XCTAssertEqual(config.settleSeconds, 0.5)
        XCTAssertEqual(config.pollSeconds, 30)
        XCTAssertEqual(config.trainingPolicy, TrainingPolicy(enabled: true, maxPerDay: 2, minNewImages: 100))
    }

    func testConfigRejectsBadValues() {
        let cases: [(String, String)] = [
            (#"{"watch": {"settle_seconds": -1}}"#, "watch.settle_seconds"),
            (#"{"watch": {"poll_seconds": "60"}}"#, "watch.poll_seconds"),
            (#"{"watch": {"roots": [{"labels": null}]}}"#, "watch.roots[0].path"),
            (#"{"watch": {"rots": []}}"#, "watch.rots"),
            (#"{"training_policy": {"enabled": 1}}"#, "training_policy.enabled"),
            (#"{"training_policy": {"max_per_day": 1.5}}"#, "training_policy.max_per_day"),
            (#"[]"#, ""),
        ]

        for (text, key) in cases {
            XCTAssertThrowsError(try DaemonConfig.parse(Data(text.utf8), path: "d.json", baseDirectory: ".")) { error in
                guard case let .invalidConfig(_, foundKey, _)? = error as? DaemonError else {
                    return XCTFail("unexpected error \(error) for \(text)")
                }
                XCTAssertEqual(foundKey ?? "", key, text)
            }
        }
    }

    func testLoggerQuotesValues() {
        let lines = LogCollector()
        let logger = EventLogger { lines.append($0) }

        logger.info("audit.done", [("audit_id", 7), ("error", "two words \"quoted\"\nnext"), ("skipped", nil)])

        let line = try? XCTUnwrap(lines.lines.first)
        XCTAssertTrue(line?.contains(" level=info event=audit.done audit_id=7 error=\"two words \\\"quoted\\\"\\nnext\"") ?? false, line ?? "")
        XCTAssertFalse(line?.contains("skipped") ?? true)
    }
}
