import Foundation

// Datasets and the image files found under their roots.

extension Store {
    // MARK: - Datasets

    /// Inserts the dataset with this canonical absolute root if it is new, and returns its id either way.
    public func upsertDataset(root: String) throws(StoreError) -> Int64 {
        guard root.hasPrefix("/") else {
            throw .invalidValue(
                "The dataset root \"\(root)\" is not an absolute path.", path: path,
                remedy: "Pass the canonical absolute path of the dataset directory."
            )
        }

        return try withConnection { connection throws(StoreError) in
            // DO UPDATE with an unchanged value, because DO NOTHING returns no row for RETURNING.
            try connection.insertReturningID(
                """
                INSERT INTO datasets (root, created_at) VALUES (?, ?)
                ON CONFLICT (root) DO UPDATE SET root = excluded.root
                RETURNING id
                """,
                [.text(root), .real(Date().timeIntervalSince1970)]
            )
        }
    }

    /// Returns the dataset with this root, or nil if it was never stored.
    public func dataset(root: String) throws(StoreError) -> DatasetRecord? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne(
                "SELECT id, root, created_at, last_audit_at FROM datasets WHERE root = ?", [.text(root)],
                Self.readDataset
            )
        }
    }

    /// Returns every stored dataset, ordered by id.
    public func datasets() throws(StoreError) -> [DatasetRecord] {
        try withConnection { connection throws(StoreError) in
            try connection.query("SELECT id, root, created_at, last_audit_at FROM datasets ORDER BY id", [], Self.readDataset)
        }
    }

    /// Returns the dataset with this id, or nil if there is none.
    public func dataset(id: Int64) throws(StoreError) -> DatasetRecord? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne(
                "SELECT id, root, created_at, last_audit_at FROM datasets WHERE id = ?", [.integer(id)],
                Self.readDataset
            )
        }
    }

    /// Returns the dataset whose latest audit with status `done` finished last, or nil if no audit is done.
    public func mostRecentlyAuditedDataset() throws(StoreError) -> DatasetRecord? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne(
                """
                SELECT id, root, created_at, last_audit_at FROM datasets
                WHERE last_audit_at IS NOT NULL
                ORDER BY last_audit_at DESC, id DESC
                LIMIT 1
                """,
                [], Self.readDataset
            )
        }
    }

    private static func readDataset(_ row: Row) throws(StoreError) -> DatasetRecord {
        DatasetRecord(
            id: try row.int64(0),
            root: try row.text(1),
            createdAt: Date(timeIntervalSince1970: try row.double(2)),
            lastAuditAt: row.optionalDouble(3).map(Date.init(timeIntervalSince1970:))
        )
    }

    // MARK: - Images

    /// Inserts the image, or updates every column of the row with the same dataset and path. Returns the row id.
    ///
    /// `image.id` is ignored. Uses one cached statement, so thousands of calls inside one `transaction` are fast.
    public func upsertImage(_ image: ImageRecord) throws(StoreError) -> Int64 {
        try validate(image)

        let values: [DatabaseValue] = [
            .integer(image.datasetID), .text(image.path), .integer(image.size), .integer(image.mtimeNs),
            .optional(image.checksum.map { Int64(bitPattern: $0) }), .text(image.status.rawValue),
            .optional(image.reason), .optional(image.width.map(Int64.init)), .optional(image.height.map(Int64.init)),
            .optional(image.format), .optional(image.split), .optional(image.patient),
            .real(image.seenAt.timeIntervalSince1970), .optional(image.pixelChecksum.map { Int64(bitPattern: $0) }),
        ]

        return try withConnection { connection throws(StoreError) in
            try connection.insertReturningID(
                """
                INSERT INTO images (dataset_id, path, size, mtime_ns, checksum, status, reason, width, height,
                                    format, split, patient, seen_at, pixel_checksum)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (dataset_id, path) DO UPDATE SET
                    size = excluded.size, mtime_ns = excluded.mtime_ns, checksum = excluded.checksum,
                    status = excluded.status, reason = excluded.reason, width = excluded.width,
                    height = excluded.height, format = excluded.format, split = excluded.split,
                    patient = excluded.patient, seen_at = excluded.seen_at,
                    pixel_checksum = excluded.pixel_checksum
                RETURNING id
                """,
                values
            )
        }
    }

    /// Returns the images of a dataset ordered by path (byte order of the UTF-8 text).
    public func images(datasetID: Int64) throws(StoreError) -> [ImageRecord] {
        try withConnection { connection throws(StoreError) in
            try connection.query(
                """
                SELECT id, dataset_id, path, size, mtime_ns, checksum, status, reason, width, height,
                       format, split, patient, seen_at, pixel_checksum
                FROM images WHERE dataset_id = ? ORDER BY path
                """,
                [.integer(datasetID)], Self.readImage
            )
        }
    }

    /// Deletes the dataset's images whose path is not in `paths` (files gone from disk), with their cached
    /// features. Returns the number of images deleted.
    public func removeImages(datasetID: Int64, notIn paths: Set<String>) throws(StoreError) -> Int {
        try withTransaction { connection throws(StoreError) in
            let stored = try connection.query(
                "SELECT id, path FROM images WHERE dataset_id = ?", [.integer(datasetID)]
            ) { row throws(StoreError) in (id: try row.int64(0), path: try row.text(1)) }

            var removed = 0
            for image in stored where !paths.contains(image.path) {
                removed += try connection.run("DELETE FROM images WHERE id = ?", [.integer(image.id)])
            }
            return removed
        }
    }

    private func validate(_ image: ImageRecord) throws(StoreError) {
        let remedy = "Fix the caller: image paths are relative to the dataset root and use '/' separators."
        if image.path.isEmpty || image.path.hasPrefix("/") {
            throw .invalidValue("The image path \"\(image.path)\" is not a relative path.", path: path, remedy: remedy)
        }
        if image.status == .unreadable && (image.reason ?? "").isEmpty {
            throw .invalidValue(
                "The unreadable image \"\(image.path)\" has no reason.", path: path,
                remedy: "Pass the decoder's error message as the reason."
            )
        }
    }

    private static func readImage(_ row: Row) throws(StoreError) -> ImageRecord {
        let statusText = try row.text(6)
        guard let status = ImageStatus(rawValue: statusText) else {
            throw row.invalidStoredValue(6, "unknown image status \"\(statusText)\".")
        }

        return ImageRecord(
            id: try row.int64(0),
            datasetID: try row.int64(1),
            path: try row.text(2),
            size: try row.int64(3),
            mtimeNs: try row.int64(4),
            checksum: row.optionalInt64(5).map { UInt64(bitPattern: $0) },
            status: status,
            reason: row.optionalText(7),
            width: row.optionalInt64(8).map { Int($0) },
            height: row.optionalInt64(9).map { Int($0) },
            format: row.optionalText(10),
            split: row.optionalText(11),
            patient: row.optionalText(12),
            seenAt: Date(timeIntervalSince1970: try row.double(13)),
            pixelChecksum: row.optionalInt64(14).map { UInt64(bitPattern: $0) }
        )
    }
}
