// Cached feature vectors, keyed by image, feature fingerprint, file size and modification time.

extension Store {
    /// Returns the cached features of an image, or nil on a miss.
    ///
    /// A row stored with another `size` or `mtimeNs` is a miss (the file changed since), and so is a row stored
    /// under another `fingerprint` (the extractor or its settings changed).
    public func cachedFeatures(
        imageID: Int64, fingerprint: String, size: Int64, mtimeNs: Int64
    ) throws(StoreError) -> CachedFeatures? {
        try withConnection { connection throws(StoreError) in
            try connection.queryOne(
                """
                SELECT is_constant, vector FROM feature_cache
                WHERE image_id = ? AND fingerprint = ? AND size = ? AND mtime_ns = ?
                """,
                [.integer(imageID), .text(fingerprint), .integer(size), .integer(mtimeNs)]
            ) { row throws(StoreError) in
                let bytes = try row.blob(1)
                guard let vector = FeatureBlob.decode(bytes) else {
                    throw row.invalidStoredValue(1, "feature blob has an odd length of \(bytes.count) bytes.")
                }
                return CachedFeatures(vector: vector, isConstant: try row.int64(0) != 0)
            }
        }
    }

    /// Stores the features of an image, replacing any row for the same image and fingerprint.
    public func storeFeatures(
        imageID: Int64, fingerprint: String, size: Int64, mtimeNs: Int64, isConstant: Bool, vector: [UInt16]
    ) throws(StoreError) {
        try withConnection { connection throws(StoreError) in
            _ = try connection.run(
                """
                INSERT OR REPLACE INTO feature_cache (image_id, fingerprint, size, mtime_ns, is_constant, vector)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
                [
                    .integer(imageID), .text(fingerprint), .integer(size), .integer(mtimeNs),
                    .integer(isConstant ? 1 : 0), .blob(FeatureBlob.encode(vector)),
                ]
            )
        }
    }

    /// Deletes the cached features of one dataset, or of every dataset when `datasetID` is nil.
    /// Returns the number of rows deleted.
    @discardableResult
    public func clearFeatureCache(datasetID: Int64?) throws(StoreError) -> Int {
        try withConnection { connection throws(StoreError) in
            guard let datasetID else {
                return try connection.run("DELETE FROM feature_cache")
            }
            return try connection.run(
                "DELETE FROM feature_cache WHERE image_id IN (SELECT id FROM images WHERE dataset_id = ?)",
                [.integer(datasetID)]
            )
        }
    }

    /// Rebuilds the database file with VACUUM so the space of deleted rows returns to the file
    /// system. Rewrites the whole file: it takes seconds for a few hundred megabytes.
    public func compact() throws(StoreError) {
        try withConnection { connection throws(StoreError) in
            try connection.execute("VACUUM")
        }
    }
}

/// The BLOB encoding of a feature vector: each UInt16 as 2 bytes, little-endian, in order.
///
/// On little-endian hosts the memory of `[UInt16]` already has this layout and is copied as is;
/// other hosts swap each value. A key-path `map(\.littleEndian)` instead of the copy made the
/// cold decode stage of a 5,840-image audit 4 times slower (21 s against 5 s, 2 cores).
enum FeatureBlob {
    static func encode(_ vector: [UInt16]) -> [UInt8] {
        #if _endian(little)
        return vector.withUnsafeBytes { source in
            [UInt8](unsafeUninitializedCapacity: source.count) { destination, initialized in
                UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
                initialized = source.count
            }
        }
        #else
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 2)
        for value in vector {
            bytes.append(UInt8(truncatingIfNeeded: value))
            bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        }
        return bytes
        #endif
    }

    /// Returns nil when `bytes` has an odd length.
    static func decode(_ bytes: [UInt8]) -> [UInt16]? {
        guard bytes.count % 2 == 0 else { return nil }

        #if _endian(little)
        return bytes.withUnsafeBytes { source in
            [UInt16](unsafeUninitializedCapacity: source.count / 2) { destination, initialized in
                UnsafeMutableRawBufferPointer(destination).copyMemory(from: source)
                initialized = source.count / 2
            }
        }
        #else
        var vector: [UInt16] = []
        vector.reserveCapacity(bytes.count / 2)
        var index = 0
        while index < bytes.count {
            vector.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
            index += 2
        }
        return vector
        #endif
    }
}
