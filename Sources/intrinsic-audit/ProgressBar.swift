import Audit
import Foundation

/// A one-line progress bar on stderr, drawn only when stderr is a terminal.
enum ProgressBar {
    static let enabled = isatty(STDERR_FILENO) == 1
    private static let lock = NSLock()
    nonisolated(unsafe) private static var drawn = false

    static func makeHandler() -> AuditProgressHandler? {
        guard enabled else { return nil }
        return { stage, completed, total in
            let width = 30
            let filled = total > 0 ? min(width, completed * width / total) : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = "\r\(stage.padding(toLength: 15, withPad: " ", startingAt: 0)) [\(bar)] \(completed)/\(total)"
            lock.lock()
            drawn = true
            FileHandle.standardError.write(Data(line.utf8))
            lock.unlock()
        }
    }

    /// Ends the bar's line so later output starts on a fresh line.
    static func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            drawn = false
        }
    }
}
