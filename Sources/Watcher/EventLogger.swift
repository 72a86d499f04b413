import Foundation

/// A one-line-per-event logger: a constant event name plus key=value metadata, written to standard error by
/// default.
///
/// Line format: `2026-12-04T21:00:00Z level=info event=audit.done dataset_id=3 audit_id=7 duration_s=1.25`.
/// Values with spaces, quotes or `=` are written in double quotes with `"` and `\` escaped, and newlines are
/// written as `\n`, so every event stays on one line. Thread-safe.
public final class EventLogger: @unchecked Sendable {
    public enum Level: String, Sendable {
        case debug, info, warning, error
    }

    private let lock = NSLock()
    private let sink: @Sendable (String) -> Void

    /// Creates a logger that passes each finished line (without newline) to `sink`.
    public init(sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    /// A logger that writes to standard error.
    public static func standardError() -> EventLogger {
        EventLogger { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    public func log(_ level: Level, _ event: String, _ metadata: [(String, Any?)] = []) {
        var line = Self.timestamp() + " level=\(level.rawValue) event=\(event)"
        for (key, value) in metadata {
            guard let value else { continue }
            line += " \(key)=\(Self.format(value))"
        }

        lock.lock()
        defer { lock.unlock() }
        sink(line)
    }

    public func info(_ event: String, _ metadata: [(String, Any?)] = []) { log(.info, event, metadata) }
    public func warning(_ event: String, _ metadata: [(String, Any?)] = []) { log(.warning, event, metadata) }
    public func error(_ event: String, _ metadata: [(String, Any?)] = []) { log(.error, event, metadata) }

    static func format(_ value: Any) -> String {
        let text: String
        if let double = value as? Double {
            text = String(format: "%.3f", double)
        } else {
            text = "\(value)"
        }
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline || $0 == "\\" }
        guard needsQuotes else { return text }

        var escaped = ""
        for character in text {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n", "\r\n", "\r": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return "\"\(escaped)\""
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
