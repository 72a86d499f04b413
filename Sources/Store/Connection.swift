import CSQLite

/// One open SQLite connection with a cache of prepared statements keyed by SQL text.
///
/// Not thread-safe: `Store` serializes every use behind its lock. The connection is opened with
/// `SQLITE_OPEN_NOMUTEX` because of that lock.
final class Connection {
    /// Milliseconds SQLite retries a locked database before a call fails with `SQLITE_BUSY`.
    static let busyTimeoutMilliseconds: Int32 = 5000

    let path: String
    private let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    private var savepointDepth = 0

    /// Opens or creates the database file. The file is not read until the first statement runs.
    init(path: String) throws(StoreError) {
        var database: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let resultCode = sqlite3_open_v2(path, &database, flags, nil)

        guard resultCode == SQLITE_OK, let database else {
            let message = database.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_close_v2(database)
            throw .sqlite(resultCode, message: message, path: path, sql: nil, summary: "Failed to open the database.")
        }

        self.path = path
        self.handle = database
        sqlite3_extended_result_codes(database, 1)
    }

    deinit {
        // Statements must be finalized before close; sqlite3_close_v2 would otherwise defer the close.
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Sets the busy timeout, WAL journal mode, NORMAL synchronous mode and foreign keys, and checks each took effect.
    ///
    /// This is the first statement that reads the file, so a damaged or non-database file fails here.
    func configure() throws(StoreError) {
        sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds)

        let journalMode = try queryOne("PRAGMA journal_mode = WAL") { row throws(StoreError) in try row.text(0) }
        guard journalMode?.lowercased() == "wal" else {
            throw StoreError(
                kind: .sqlite, path: path,
                summary: "SQLite kept journal mode \(journalMode ?? "unknown") instead of WAL.",
                remedy: "Put the database on a local file system that supports shared memory, or use another path.",
                sql: "PRAGMA journal_mode = WAL"
            )
        }

        // In WAL mode, NORMAL keeps the database consistent after a crash; a power loss may drop the last commits.
        try execute("PRAGMA synchronous = NORMAL")
        try execute("PRAGMA foreign_keys = ON")

        let foreignKeys = try queryOne("PRAGMA foreign_keys") { row throws(StoreError) in try row.int64(0) }
        guard foreignKeys == 1 else {
            throw StoreError(
                kind: .sqlite, path: path,
                summary: "SQLite did not enable foreign keys.",
                remedy: "Use an SQLite library built without SQLITE_OMIT_FOREIGN_KEY.",
                sql: "PRAGMA foreign_keys = ON"
            )
        }
    }

    // MARK: - Statements

    /// Runs one or more SQL statements without parameters or results, as migrations and pragmas need.
    func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let resultCode = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }

        guard resultCode == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) }
            throw .sqlite(
                sqlite3_extended_errcode(handle), message: message, path: path, sql: sql,
                summary: "Failed to execute an SQL statement."
            )
        }
    }

    /// Runs one statement with `values` bound and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [DatabaseValue] = []) throws(StoreError) -> Int {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        defer { statement.reset() }

        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs one query with `values` bound and maps each result row through `read`.
    func query<T>(
        _ sql: String, _ values: [DatabaseValue] = [], _ read: (Row) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        defer { statement.reset() }

        var results: [T] = []
        let row = Row(statement: statement, path: path)
        while try statement.step() {
            results.append(try read(row))
        }
        return results
    }

    /// Runs one query and maps its first row, or returns nil when it has none. Later rows are not read.
    func queryOne<T>(
        _ sql: String, _ values: [DatabaseValue] = [], _ read: (Row) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        let statement = try cachedStatement(sql)
        try statement.bind(values)
        defer { statement.reset() }

        guard try statement.step() else { return nil }
        return try read(Row(statement: statement, path: path))
    }

    /// Runs an `INSERT ... RETURNING id` statement (or an upsert) and returns the id of the written row.
    func insertReturningID(_ sql: String, _ values: [DatabaseValue]) throws(StoreError) -> Int64 {
        let id = try queryOne(sql, values) { row throws(StoreError) in try row.int64(0) }
        guard let id else {
            preconditionFailure("RETURNING produced no row: \(sql)")
        }
        return id
    }

    /// Returns the prepared statement for `sql`, preparing and caching it on first use.
    private func cachedStatement(_ sql: String) throws(StoreError) -> Statement {
        if let statement = statements[sql] {
            return statement
        }

        var statementHandle: OpaquePointer?
        let resultCode = sqlite3_prepare_v3(
            handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statementHandle, nil
        )
        guard resultCode == SQLITE_OK, let statementHandle else {
            throw .sqlite(
                resultCode, message: String(cString: sqlite3_errmsg(handle)), path: path, sql: sql,
                summary: "Failed to prepare an SQL statement."
            )
        }

        let statement = Statement(sql: sql, handle: statementHandle, path: path)
        statements[sql] = statement
        return statement
    }

    // MARK: - State

    /// True while a transaction is open (`sqlite3_get_autocommit` is 0).
    var isInsideTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// True when no statement of this connection is between its first step and its reset.
    var hasNoActiveStatements: Bool {
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 {
                return false
            }
            statement = sqlite3_next_stmt(handle, current)
        }
        return true
    }

    // MARK: - Transactions

    /// Runs `body` in a transaction and commits it, or rolls it back and rethrows when `body` throws.
    ///
    /// The outermost call uses BEGIN IMMEDIATE, which takes the write lock up front (waiting up to the busy
    /// timeout). A body that reads and then writes therefore never has to upgrade a read lock, which in WAL mode
    /// fails with SQLITE_BUSY_SNAPSHOT when another connection committed in between. Nested calls use savepoints,
    /// so an inner failure undoes only the inner body when the outer body catches the error.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        if savepointDepth > 0 || isInsideTransaction {
            return try savepoint(body)
        }

        try execute("BEGIN IMMEDIATE")
        savepointDepth = 1
        defer { savepointDepth = 0 }

        let result: T
        do {
            result = try body()
        } catch {
            rollbackIgnoringErrors("ROLLBACK")
            throw error
        }

        do {
            try execute("COMMIT")
        } catch {
            rollbackIgnoringErrors("ROLLBACK")
            throw error
        }

        assert(!isInsideTransaction, "transaction still open after COMMIT")
        return result
    }

    private func savepoint<T>(_ body: () throws -> T) throws -> T {
        let name = "nested\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        savepointDepth += 1
        defer { savepointDepth -= 1 }

        let result: T
        do {
            result = try body()
        } catch {
            rollbackIgnoringErrors("ROLLBACK TO \(name); RELEASE \(name)")
            throw error
        }

        try execute("RELEASE \(name)")
        return result
    }

    /// Rolls back after a failure. The original error is more useful than a rollback error, so the latter is dropped.
    private func rollbackIgnoringErrors(_ sql: String) {
        // Some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM) make SQLite roll back on its own.
        guard isInsideTransaction else { return }
        try? execute(sql)
    }
}
