import Foundation

// Dataset folders the audit daemon watches, in addition to those in its configuration file.

/// A folder the daemon watches, with the label source its audits use.
public struct WatchedRootRecord: Sendable, Equatable {
    /// Canonical absolute path of the dataset folder.
    public var path: String
    /// Label table path, or nil for class folders and filename rules.
    public var labels: String?
    /// Configuration file, or nil for the dataset's own `audit.json`.
    public var config: String?
    public var addedAt: Date

    public init(path: String, labels: String?, config: String?, addedAt: Date = Date()) {
        self.path = path
        self.labels = labels
        self.config = config
        self.addedAt = addedAt
    }
}

extension Store {
    /// Inserts the watched root, or replaces the label source of the root with the same path.
    public func addWatchedRoot(_ root: WatchedRootRecord) throws(StoreError) {
        guard root.path.hasPrefix("/") else {
            throw .invalidValue(
                "The watched root \"\(root.path)\" is not an absolute path.", path: path,
                remedy: "Pass the canonical absolute path of the dataset folder."
            )
        }

        try withConnection { connection throws(StoreError) in
            try connection.run(
                """
                INSERT INTO watched_roots (path, labels, config, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET labels = excluded.labels, config = excluded.config
                """,
                [.text(root.path), .optional(root.labels), .optional(root.config), .real(root.addedAt.timeIntervalSince1970)]
            )
        }
    }

    /// Deletes the watched root with this path and returns whether one existed.
    public func removeWatchedRoot(path rootPath: String) throws(StoreError) -> Bool {
        try withConnection { connection throws(StoreError) in
            try connection.run("DELETE FROM watched_roots WHERE path = ?", [.text(rootPath)]) > 0
        }
    }

    /// Returns every watched root ordered by path.
    public func watchedRoots() throws(StoreError) -> [WatchedRootRecord] {
        try withConnection { connection throws(StoreError) in
            try connection.query("SELECT path, labels, config, added_at FROM watched_roots ORDER BY path", []) {
                row throws(StoreError) in
                WatchedRootRecord(
                    path: try row.text(0), labels: row.optionalText(1), config: row.optionalText(2),
                    addedAt: Date(timeIntervalSince1970: try row.double(3))
                )
            }
        }
    }
}
