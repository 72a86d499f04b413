import Foundation

/// Failures that stop the daemon from starting or from watching a root.
public enum DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The daemon configuration file is unreadable or invalid. `key` is the dotted key path, when one is at fault.
    case invalidConfig(path: String, key: String?, message: String)
    /// Another daemon holds the lock file of this database.
    case alreadyRunning(lockPath: String, holderPID: Int32?)
    /// The lock file could not be created or locked.
    case lockFailed(lockPath: String, reason: String)
    /// A watched root does not exist or is not a folder.
    case rootNotFound(path: String, reason: String)
    /// inotify could not be set up at all.
    case inotifyUnavailable(reason: String)

    public var description: String {
        switch self {
        case let .invalidConfig(path, key, message):
            let location = key.map { " at \($0)" } ?? ""
            return "invalid daemon configuration \(path)\(location): \(message); see docs/daemon.md for the format"
        case let .alreadyRunning(lockPath, holderPID):
            let holder = holderPID.map { "process \($0)" } ?? "another process (its pid is not in the lock file)"
            return "another intrinsic-audit daemon (\(holder)) already serves this database: \(lockPath) is locked; "
                + "stop that process or pass another --db"
        case let .lockFailed(lockPath, reason):
            return "cannot lock \(lockPath): \(reason); check that the database folder is writable"
        case let .rootNotFound(path, reason):
            return "watched folder \(path) is not usable: \(reason); create it or remove it from the watch list"
        case let .inotifyUnavailable(reason):
            return "inotify is not available: \(reason); the daemon needs Linux inotify"
        }
    }
}
