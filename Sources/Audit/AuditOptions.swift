import Foundation
import ImageIO
import Store

/// Version string stored with every measurement and printed by `--version`.
public enum SoftwareVersion {
    public static let current = "0.1.0"
}

/// Request for one audit: the dataset, its label source and command-line overrides of the
/// configuration (nil keeps the configured value).
public struct AuditOptions: Sendable {
    public var root: String
    public var labelsPath: String?
    public var configPath: String?
    public var resolution: Int?
    public var normalize: Normalization?
    public var samples: Int?
    public var runs: Int?
    public var neighbors: Int?
    public var idSamples: Int?
    public var seed: Int?
    public var threads: Int?
    /// Comma-separated shell globs over task names.
    public var taskPattern: String?

    public init(root: String) {
        self.root = root
    }
}

/// A cancellation request shared between a signal handler and the running audit.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}

/// Receives progress: the stage name, items done and items in total.
public typealias AuditProgressHandler = @Sendable (_ stage: String, _ completed: Int, _ total: Int) -> Void

/// Failures that stop an audit. Bad individual files or label rows never do: they are recorded
/// in the report instead.
public enum AuditError: Error, CustomStringConvertible, Sendable {
    case configuration(String)
    case dataset(String)
    case store(String)
    case tasks(String)
    /// The database stayed locked by another writer past the busy timeout; retrying later may work.
    case busy(String)
    case cancelled(auditID: Int64?)

    public var description: String {
        switch self {
        case let .configuration(message): return message
        case let .dataset(message): return message
        case let .store(message): return message
        case let .tasks(message): return message
        case let .busy(message): return message
        case let .cancelled(auditID):
            let id = auditID.map { " (audit \($0) is stored as cancelled; cached images are kept)" } ?? ""
            return "audit cancelled\(id)"
        }
    }
}

extension AuditError {
    /// Wraps a failure of the store, keeping apart a busy database (worth a retry) from the rest.
    static func storeFailure(_ error: any Error) -> AuditError {
        if let storeError = error as? StoreError, storeError.kind == .busy {
            return .busy("\(storeError)")
        }
        return .store("\(error)")
    }
}
