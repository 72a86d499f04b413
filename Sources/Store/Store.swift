import Foundation

// The audit database: datasets, their images, a feature cache, audits, tasks and measurements in one SQLite file.
//
// Invariants (checked in debug builds where noted):
//
//  1. `PRAGMA user_version` is the number of migrations applied (Store+Migrations.swift). A store never opens a
//     file whose version is newer than `Store.schemaVersion`, and migrations run inside one transaction, so a
//     file is at one version or another, never between.
//  2. Every connection runs in WAL journal mode with foreign keys on, synchronous NORMAL and a busy timeout of
//     5000 ms, all set before the first migration or query.
//  3. REAL columns hold no NaN and no infinity. Binding rejects non-finite doubles, and CHECK constraints on
//     `measurements` reject infinity written by other tools. SQLite cannot store NaN at all: it stores NULL.
//  4. Every cached statement is reset before the public method that used it returns, so a store holds no read
//     transaction between calls (which would block WAL checkpoints). Checked after each outermost call.
//  5. All access to the connection happens while `lock` is held. `transaction` keeps it locked from BEGIN to COMMIT or
//     ROLLBACK, so calls from other threads wait instead of joining the open transaction. Outside `transaction`,
//     no transaction stays open after a call returns. Checked after each outermost call.
//  6. A `feature_cache` row applies only to its image, fingerprint, size and mtime; a lookup with another size or
//     mtime is a miss. Deleting an image deletes its cache rows (ON DELETE CASCADE).
//  7. Times are unix seconds as REAL in UTC; `mtime_ns` is nanoseconds as INTEGER.
//  8. An audit leaves status `running` exactly once: `finishAudit` updates only running audits.

/// The audit database at one path.
///
/// Thread safety: every public method serializes on an internal recursive lock, so one `Store` may be shared
/// across threads. A `transaction` body blocks other threads' calls until it commits or rolls back.
/// Several processes (or several `Store` values) may open the same file: WAL lets readers proceed while one
/// connection writes, and writers wait up to 5 seconds for each other before failing with `StoreError.Kind.busy`.
public final class Store: @unchecked Sendable {
    /// The database file path, as passed to `init(path:)`.
    public let path: String

    private let lock = NSRecursiveLock()
    /// Guarded by `lock`.
    private let connection: Connection
    /// Nesting depth of `withConnection` calls on the thread holding `lock`. Guarded by `lock`.
    private var callDepth = 0

    /// Returns `$XDG_DATA_HOME/intrinsic-audit/audit.sqlite`, or `$HOME/.local/share/intrinsic-audit/audit.sqlite`
    /// when XDG_DATA_HOME is unset, empty or relative (the XDG Base Directory Specification requires ignoring a
    /// relative value).
    ///
    /// Reads only `environment`, except when it has no usable HOME: then the home directory comes from the
    /// user database (`FileManager.homeDirectoryForCurrentUser`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let dataHome: String
        if let xdgDataHome = environment["XDG_DATA_HOME"], xdgDataHome.hasPrefix("/") {
            dataHome = xdgDataHome
        } else {
            var home = environment["HOME"] ?? ""
            if !home.hasPrefix("/") {
                home = FileManager.default.homeDirectoryForCurrentUser.path
            }
            dataHome = joinPath(home, ".local/share")
        }
        return joinPath(dataHome, "intrinsic-audit/audit.sqlite")
    }

    /// Opens the database at `path`, creating it and its parent directory if needed, and migrates it to
    /// `Store.schemaVersion`.
    ///
    /// Throws `.cannotOpen` if the directory or file cannot be created, `.corrupt` if the file is not an SQLite
    /// database, and `.schemaTooNew` if a newer intrinsic-audit created it.
    public init(path: String) throws(StoreError) {
        guard !path.isEmpty else {
            throw StoreError(
                kind: .cannotOpen, path: path, summary: "The database path is empty.",
                remedy: "Pass a file path, or use Store.defaultPath()."
            )
        }

        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(
                kind: .cannotOpen, path: path,
                summary: "Failed to create the directory \(directory): \(error.localizedDescription)",
                remedy: "Check that you can create directories there, or use another database path."
            )
        }

        let connection = try Connection(path: path)
        try connection.configure()
        try Self.migrate(connection)

        self.path = path
        self.connection = connection
    }

    /// Runs `body` in one transaction: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK and rethrow if `body` throws.
    ///
    /// Store methods called inside `body` join the transaction. A nested `transaction` becomes a savepoint, so its
    /// failure undoes only its own changes if the outer body catches the error. Errors thrown by `body` are
    /// rethrown unchanged; failures of BEGIN or COMMIT are `StoreError`s.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        callDepth += 1
        defer {
            callDepth -= 1
            checkIdleInvariants()
            lock.unlock()
        }

        return try connection.transaction(body)
    }

    /// Runs `body` with exclusive use of the connection. Every public method goes through here.
    func withConnection<T>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        callDepth += 1
        defer {
            callDepth -= 1
            checkIdleInvariants()
            lock.unlock()
        }

        return try body(connection)
    }

    /// Runs `body` in a transaction (a savepoint when one is open), keeping the typed error.
    func withTransaction<T>(_ body: (Connection) throws(StoreError) -> T) throws(StoreError) -> T {
        try withConnection { connection throws(StoreError) in
            do {
                return try connection.transaction { try body(connection) }
            } catch let error as StoreError {
                throw error
            } catch {
                preconditionFailure("transaction body threw a non-StoreError: \(error)")
            }
        }
    }

    /// Checks invariants 4 and 5 after the outermost call returns. Compiled out of release builds.
    private func checkIdleInvariants() {
        guard callDepth == 0 else { return }
        assert(connection.hasNoActiveStatements, "a cached statement was left un-reset")
        assert(!connection.isInsideTransaction, "a transaction was left open")
    }

    private static func joinPath(_ directory: String, _ relative: String) -> String {
        var trimmed = Substring(directory)
        while trimmed.count > 1, trimmed.hasSuffix("/") {
            trimmed = trimmed.dropLast()
        }
        return trimmed == "/" ? "/" + relative : trimmed + "/" + relative
    }
}
