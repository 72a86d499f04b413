import CSQLite
import Foundation

/// A failure of the audit database, with everything needed to act on it.
///
/// `description` renders one message: what failed, the database path, the SQLite result code and message,
/// the SQL, and what to do next. Every public `Store` method throws only this type.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, for callers that react differently (for example, retry on `.busy`).
    public enum Kind: Sendable, Equatable {
        /// The parent directory could not be created or `sqlite3_open_v2` failed.
        case cannotOpen
        /// SQLite reported `SQLITE_CORRUPT` or `SQLITE_NOTADB`: the file is damaged or not a database.
        case corrupt
        /// The file's `PRAGMA user_version` is newer than the migrations this build contains.
        case schemaTooNew(found: Int32, supported: Int32)
        /// Another connection held the lock for longer than the busy timeout (`SQLITE_BUSY`, `SQLITE_LOCKED`).
        case busy
        /// Any other failing SQLite call.
        case sqlite
        /// An argument was rejected before it reached SQLite, for example a NaN or an infinite value.
        case invalidValue
        /// A row that the call refers to does not exist.
        case notFound
        /// A stored value violates the schema's contract, for example a feature blob of odd length.
        case invalidStoredValue
    }

    public let kind: Kind
    /// The database file path.
    public let path: String
    /// The SQL statement that failed, if the failure came from one.
    public let sql: String?
    /// The SQLite extended result code, if SQLite reported the failure.
    public let resultCode: Int32?
    /// The message of `sqlite3_errmsg` at the time of the failure, if SQLite reported it.
    public let sqliteMessage: String?
    /// Description of the failure, as one sentence.
    public let summary: String
    /// Suggested next step for the user, as one or two sentences.
    public let remedy: String

    public init(
        kind: Kind, path: String, summary: String, remedy: String,
        sql: String? = nil, resultCode: Int32? = nil, sqliteMessage: String? = nil
    ) {
        self.kind = kind
        self.path = path
        self.summary = summary
        self.remedy = remedy
        self.sql = sql
        self.resultCode = resultCode
        self.sqliteMessage = sqliteMessage
    }

    public var description: String {
        var parts = ["\(summary) Database: \(path)."]

        if let resultCode {
            let codeText = String(cString: sqlite3_errstr(resultCode))
            var sqliteText = "SQLite error \(resultCode) (\(codeText))"
            if let sqliteMessage, sqliteMessage != codeText {
                sqliteText += ": \(sqliteMessage)"
            }
            parts.append(sqliteText + ".")
        }

        if let sql {
            // Multi-line SQL is joined into one line so the message stays one line.
            let lines = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            parts.append("SQL: \(lines.joined(separator: " "))")
        }

        parts.append(remedy)
        return parts.joined(separator: " ")
    }
}

extension StoreError: LocalizedError {
    public var errorDescription: String? { description }
}

extension StoreError {
    /// Builds the error for a failing SQLite call, choosing kind and remedy from the primary result code.
    static func sqlite(
        _ resultCode: Int32, message: String?, path: String, sql: String?, summary: String
    ) -> StoreError {
        let (kind, remedy) = classify(resultCode)
        return StoreError(
            kind: kind, path: path, summary: summary, remedy: remedy,
            sql: sql, resultCode: resultCode, sqliteMessage: message
        )
    }

    /// Builds the error for an argument rejected before it reaches SQLite.
    static func invalidValue(_ summary: String, path: String, remedy: String) -> StoreError {
        StoreError(kind: .invalidValue, path: path, summary: summary, remedy: remedy)
    }

    private static func classify(_ resultCode: Int32) -> (Kind, String) {
        let bugRemedy = "This is probably a bug in intrinsic-audit: report it with this message."

        // The low 8 bits of an extended result code are the primary code.
        switch resultCode & 0xff {
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return (.corrupt, "The file is damaged or is not an SQLite database. Move it aside to start a new "
                + "database (stored audit results stay in the moved file), or use another database path.")
        case SQLITE_BUSY, SQLITE_LOCKED:
            return (.busy, "Another process held the database lock for more than 5 seconds. "
                + "Wait for the other intrinsic-audit process to finish, then retry.")
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH:
            return (.sqlite, "Make the database file, its -wal and -shm files and its directory writable, "
                + "or use another database path.")
        case SQLITE_CANTOPEN:
            return (.cannotOpen, "Check that the directory exists and that you can create files in it, "
                + "or use another database path.")
        case SQLITE_FULL:
            return (.sqlite, "Free disk space on the volume that contains the database, then retry.")
        case SQLITE_IOERR:
            return (.sqlite, "Check the disk and the file permissions, then retry.")
        case SQLITE_CONSTRAINT:
            return (.sqlite, "A row violated a schema constraint. " + bugRemedy)
        default:
            return (.sqlite, bugRemedy)
        }
    }
}
