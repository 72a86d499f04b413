import CSQLite

/// A value bound to a statement parameter, one case per SQLite storage class.
enum DatabaseValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    static func optional(_ value: Int64?) -> DatabaseValue { value.map { .integer($0) } ?? .null }
    static func optional(_ value: Double?) -> DatabaseValue { value.map { .real($0) } ?? .null }
    static func optional(_ value: String?) -> DatabaseValue { value.map { .text($0) } ?? .null }
}

/// A prepared statement, owned and cached by one `Connection`.
///
/// The connection binds, steps and resets it inside one call, so a statement never stays
/// un-reset (and never keeps a read transaction open) after that call returns.
final class Statement {
    let sql: String
    let handle: OpaquePointer
    private let path: String

    /// True between the first `bind` and the `reset` of one use; guards against re-entrant use of a cached statement.
    private(set) var isInUse = false

    init(sql: String, handle: OpaquePointer, path: String) {
        self.sql = sql
        self.handle = handle
        self.path = path
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to parameters 1...n. Rejects NaN and infinity, which `sqlite3_bind_double` would store as
    /// NULL and ±Inf.
    func bind(_ values: [DatabaseValue]) throws(StoreError) {
        precondition(!isInUse, "statement reused while still in use: \(sql)")
        precondition(
            values.count == Int(sqlite3_bind_parameter_count(handle)),
            "\(values.count) values bound to \(sqlite3_bind_parameter_count(handle)) parameters: \(sql)"
        )
        isInUse = true

        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let resultCode: Int32

            switch value {
            case .null:
                resultCode = sqlite3_bind_null(handle, index)
            case .integer(let integer):
                resultCode = sqlite3_bind_int64(handle, index, integer)
            case .real(let real):
                guard real.isFinite else {
                    reset()
                    throw StoreError.invalidValue(
                        "Rejected the non-finite value \(real) for parameter \(index) of an SQL statement.",
                        path: path,
                        remedy: "Pass nil together with a reason instead of NaN or infinity."
                    )
                }
                resultCode = sqlite3_bind_double(handle, index, real)
            case .text(let text):
                resultCode = sqlite3_bind_text(handle, index, text, Int32(text.utf8.count), csqlite_transient())
            case .blob(let bytes):
                // A nil pointer would bind NULL, so an empty blob goes through zeroblob.
                if bytes.isEmpty {
                    resultCode = sqlite3_bind_zeroblob(handle, index, 0)
                } else {
                    resultCode = bytes.withUnsafeBytes { buffer in
                        sqlite3_bind_blob(handle, index, buffer.baseAddress, Int32(buffer.count), csqlite_transient())
                    }
                }
            }

            guard resultCode == SQLITE_OK else {
                let error = failure(resultCode, summary: "Failed to bind parameter \(index).")
                reset()
                throw error
            }
        }
    }

    /// Advances to the next row. Returns false when the statement has finished.
    func step() throws(StoreError) -> Bool {
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            throw failure(resultCode, summary: "Failed to execute an SQL statement.")
        }
    }

    /// Resets the statement and clears its bindings so it can be reused and keeps no read transaction open.
    func reset() {
        // sqlite3_reset repeats the error of the last step, which `step` has already thrown.
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        isInUse = false
    }

    private func failure(_ resultCode: Int32, summary: String) -> StoreError {
        let database = sqlite3_db_handle(handle)
        let message = database.map { String(cString: sqlite3_errmsg($0)) }
        return .sqlite(resultCode, message: message, path: path, sql: sql, summary: summary)
    }
}

/// The current result row of a statement. Valid only inside the closure that receives it.
struct Row {
    let statement: Statement
    let path: String

    private var handle: OpaquePointer { statement.handle }

    func isNull(_ column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    func int64(_ column: Int32) throws(StoreError) -> Int64 {
        try requireNotNull(column)
        return sqlite3_column_int64(handle, column)
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite3_column_int64(handle, column)
    }

    func double(_ column: Int32) throws(StoreError) -> Double {
        try requireNotNull(column)
        return sqlite3_column_double(handle, column)
    }

    func optionalDouble(_ column: Int32) -> Double? {
        isNull(column) ? nil : sqlite3_column_double(handle, column)
    }

    func text(_ column: Int32) throws(StoreError) -> String {
        try requireNotNull(column)
        return readText(column)
    }

    func optionalText(_ column: Int32) -> String? {
        isNull(column) ? nil : readText(column)
    }

    func blob(_ column: Int32) throws(StoreError) -> [UInt8] {
        try requireNotNull(column)

        // sqlite3_column_blob must run before sqlite3_column_bytes, and returns nil for an empty blob.
        guard let pointer = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Builds the error for a stored value that breaks the schema's contract, naming the column.
    func invalidStoredValue(_ column: Int32, _ summary: String) -> StoreError {
        StoreError(
            kind: .invalidStoredValue, path: path,
            summary: "Column \(columnName(column)): \(summary)",
            remedy: "The database was changed outside intrinsic-audit or is damaged. "
                + "Move it aside to start a new database, or use another database path.",
            sql: statement.sql
        )
    }

    private func readText(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    private func columnName(_ column: Int32) -> String {
        sqlite3_column_name(handle, column).map { String(cString: $0) } ?? "#\(column)"
    }

    private func requireNotNull(_ column: Int32) throws(StoreError) {
        if isNull(column) {
            throw invalidStoredValue(column, "expected a value but found NULL.")
        }
    }
}
