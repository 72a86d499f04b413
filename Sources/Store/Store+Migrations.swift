// Schema versions. Migration n (1-based) takes a database from `user_version` n-1 to n. Append new migrations at
// the end and never edit one that has shipped: files in the field are at its version already.

extension Store {
    /// The schema version this build creates and reads: the number of migrations.
    public static var schemaVersion: Int32 { Int32(migrations.count) }

    /// One migration: a name for error messages and the SQL script that applies it.
    struct Migration {
        let name: String
        let sql: String
    }

    /// Applies every pending migration in one BEGIN IMMEDIATE transaction, then sets `user_version`.
    ///
    /// The version is read inside the transaction, so two processes opening a new file at once do not both
    /// migrate it: the second waits for the write lock and then finds nothing to do.
    static func migrate(_ connection: Connection) throws(StoreError) {
        do {
            try connection.transaction {
                let found = try connection.queryOne("PRAGMA user_version") { row throws(StoreError) in
                    try row.int64(0)
                } ?? 0

                guard found <= Int64(schemaVersion) else {
                    throw StoreError(
                        kind: .schemaTooNew(found: Int32(clamping: found), supported: schemaVersion),
                        path: connection.path,
                        summary: "The database has schema version \(found), but this build of intrinsic-audit "
                            + "supports versions up to \(schemaVersion).",
                        remedy: "Upgrade intrinsic-audit to the version that wrote this database, "
                            + "or use another database path."
                    )
                }

                // Version 0 with tables in it is some other program's database, not a new file.
                if found == 0 {
                    let tables = try connection.queryOne("SELECT count(*) FROM sqlite_schema WHERE type = 'table'") {
                        row throws(StoreError) in try row.int64(0)
                    } ?? 0
                    if tables > 0 {
                        throw StoreError(
                            kind: .cannotOpen, path: connection.path,
                            summary: "The file is an SQLite database with \(tables) tables but no intrinsic-audit schema version, "
                                + "so another program probably owns it.",
                            remedy: "Pass --db with a new file name or the path of an intrinsic-audit database."
                        )
                    }
                }

                for index in Int(found)..<migrations.count {
                    do throws(StoreError) {
                        try connection.execute(migrations[index].sql)
                    } catch {
                        throw StoreError(
                            kind: error.kind, path: error.path,
                            summary: "Migration \(index + 1) (\(migrations[index].name)) failed.",
                            remedy: error.remedy, sql: error.sql,
                            resultCode: error.resultCode, sqliteMessage: error.sqliteMessage
                        )
                    }
                }

                if found < Int64(schemaVersion) {
                    // PRAGMA takes no bound parameters; the value is our own integer.
                    try connection.execute("PRAGMA user_version = \(schemaVersion)")
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            preconditionFailure("migration threw a non-StoreError: \(error)")
        }
    }

    static let migrations: [Migration] = [
        Migration(name: "create tables", sql: schemaVersion1),
        Migration(name: "add decoded pixel checksums", sql: schemaVersion2),
        Migration(name: "add daemon jobs, watched roots and superseded audits", sql: schemaVersion3),
        Migration(name: "add training observations and scaling results", sql: schemaVersion4),
    ]

    // Test results of trainings (one row per task, model, seed and training-set size) and the scaling-law fits
    // and ranking verdicts computed from them. Dictionaries are JSON objects of finite numbers. K_F and d_data
    // are copied from the audit at training time, so an observation stays usable after that audit is deleted.
    private static let schemaVersion4 = """
        CREATE TABLE observations (
            id INTEGER PRIMARY KEY,
            dataset TEXT NOT NULL CHECK (dataset <> ''),
            task TEXT NOT NULL CHECK (task <> ''),
            model TEXT NOT NULL CHECK (model <> ''),
            seed INTEGER NOT NULL,
            n INTEGER NOT NULL CHECK (n > 0),
            test_loss REAL NOT NULL CHECK (test_loss >= 0 AND test_loss <= \(finiteCheck)),
            test_accuracy REAL CHECK (test_accuracy IS NULL OR (test_accuracy >= 0 AND test_accuracy <= 1)),
            test_auc REAL CHECK (test_auc IS NULL OR (test_auc >= 0 AND test_auc <= 1)),
            fgsm_penalty TEXT NOT NULL CHECK (json_valid(fgsm_penalty)),
            d_repr TEXT NOT NULL CHECK (json_valid(d_repr)),
            k_f REAL CHECK (k_f IS NULL OR abs(k_f) <= \(finiteCheck)),
            k_f_low REAL CHECK (k_f_low IS NULL OR abs(k_f_low) <= \(finiteCheck)),
            k_f_high REAL CHECK (k_f_high IS NULL OR abs(k_f_high) <= \(finiteCheck)),
            d_data_mle REAL CHECK (d_data_mle IS NULL OR abs(d_data_mle) <= \(finiteCheck)),
            d_data_twonn REAL CHECK (d_data_twonn IS NULL OR abs(d_data_twonn) <= \(finiteCheck)),
            d_data_low REAL CHECK (d_data_low IS NULL OR abs(d_data_low) <= \(finiteCheck)),
            d_data_high REAL CHECK (d_data_high IS NULL OR abs(d_data_high) <= \(finiteCheck)),
            audit_fingerprint TEXT,
            training_fingerprint TEXT,
            epochs INTEGER CHECK (epochs IS NULL OR epochs >= 0),
            wall_seconds REAL CHECK (wall_seconds IS NULL OR (wall_seconds >= 0 AND wall_seconds <= \(finiteCheck))),
            images_per_second REAL
                CHECK (images_per_second IS NULL OR (images_per_second >= 0 AND images_per_second <= \(finiteCheck))),
            source TEXT NOT NULL CHECK (source IN ('trained', 'imported')),
            weights_path TEXT,
            created_at REAL NOT NULL
        );
        CREATE INDEX observations_fingerprint_model ON observations (audit_fingerprint, model);
        CREATE INDEX observations_dataset_task ON observations (dataset, task);

        CREATE TABLE scaling_results (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('fit', 'verdict')),
            model TEXT NOT NULL,
            audit_fingerprint TEXT,
            dataset TEXT,
            result TEXT NOT NULL CHECK (json_valid(result)),
            software_version TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX scaling_results_kind_created ON scaling_results (kind, created_at);
        """

    // The audit daemon's work queue and watched folders, and a flag on audits that a later
    // audit of the same dataset replaced (for example after files were deleted).
    // At most one queued job per dataset root: the partial unique index makes enqueueing coalesce.
    private static let schemaVersion3 = """
        ALTER TABLE audits ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0 CHECK (superseded IN (0, 1));

        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            root TEXT NOT NULL CHECK (root <> ''),
            labels TEXT,
            config TEXT,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            error TEXT,
            audit_id INTEGER REFERENCES audits (id) ON DELETE SET NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            CHECK (state <> 'failed' OR error IS NOT NULL)
        );
        CREATE UNIQUE INDEX jobs_one_queued_per_root ON jobs (root) WHERE state = 'queued';
        CREATE INDEX jobs_state_id ON jobs (state, id);

        CREATE TABLE watched_roots (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE CHECK (path <> ''),
            labels TEXT,
            config TEXT,
            added_at REAL NOT NULL
        );
        """

    // Checksum of the decoded pixels, so files with different bytes but identical pixels are
    // recognised as exact duplicates without decoding them again.
    private static let schemaVersion2 = """
        ALTER TABLE images ADD COLUMN pixel_checksum INTEGER;
        """

    // Largest finite double; `abs(x) <= maxFinite` is false for ±infinity, and SQLite stores NaN as NULL.
    private static let finiteCheck = "1.7976931348623157e308"

    private static let schemaVersion1 = """
        CREATE TABLE datasets (
            id INTEGER PRIMARY KEY,
            root TEXT NOT NULL UNIQUE CHECK (root <> ''),
            created_at REAL NOT NULL,
            last_audit_at REAL
        );
        CREATE INDEX datasets_last_audit_at ON datasets (last_audit_at);

        CREATE TABLE images (
            id INTEGER PRIMARY KEY,
            dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
            path TEXT NOT NULL CHECK (path <> ''),
            size INTEGER NOT NULL CHECK (size >= 0),
            mtime_ns INTEGER NOT NULL,
            checksum INTEGER,
            status TEXT NOT NULL CHECK (status IN ('ok', 'unreadable')),
            reason TEXT,
            width INTEGER CHECK (width > 0),
            height INTEGER CHECK (height > 0),
            format TEXT,
            split TEXT,
            patient TEXT,
            seen_at REAL NOT NULL,
            UNIQUE (dataset_id, path),
            CHECK (status = 'ok' OR reason IS NOT NULL)
        );

        CREATE TABLE feature_cache (
            image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            is_constant INTEGER NOT NULL CHECK (is_constant IN (0, 1)),
            vector BLOB NOT NULL CHECK (length(vector) % 2 = 0),
            PRIMARY KEY (image_id, fingerprint)
        );

        CREATE TABLE audits (
            id INTEGER PRIMARY KEY,
            dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
            label_source TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL,
            status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
            parameters TEXT NOT NULL CHECK (json_valid(parameters)),
            report TEXT CHECK (report IS NULL OR json_valid(report)),
            software_version TEXT NOT NULL,
            CHECK ((status = 'running') = (finished_at IS NULL))
        );
        CREATE INDEX audits_dataset_status_started ON audits (dataset_id, status, started_at);

        CREATE TABLE tasks (
            id INTEGER PRIMARY KEY,
            dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
            label_source TEXT NOT NULL,
            name TEXT NOT NULL,
            definition TEXT NOT NULL CHECK (json_valid(definition)),
            positives INTEGER NOT NULL CHECK (positives >= 0),
            negatives INTEGER NOT NULL CHECK (negatives >= 0),
            UNIQUE (dataset_id, label_source, name)
        );

        CREATE TABLE measurements (
            id INTEGER PRIMARY KEY,
            audit_id INTEGER NOT NULL REFERENCES audits (id) ON DELETE CASCADE,
            task_id INTEGER REFERENCES tasks (id) ON DELETE SET NULL,
            dataset_id INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind <> ''),
            value REAL CHECK (value IS NULL OR abs(value) <= \(finiteCheck)),
            ci_low REAL CHECK (ci_low IS NULL OR abs(ci_low) <= \(finiteCheck)),
            ci_high REAL CHECK (ci_high IS NULL OR abs(ci_high) <= \(finiteCheck)),
            reason TEXT,
            parameters TEXT NOT NULL CHECK (json_valid(parameters)),
            seeds TEXT NOT NULL CHECK (json_valid(seeds)),
            sample_size INTEGER NOT NULL CHECK (sample_size >= 0),
            fingerprint TEXT NOT NULL,
            label_source TEXT NOT NULL,
            software_version TEXT NOT NULL,
            created_at REAL NOT NULL,
            CHECK (value IS NOT NULL OR reason IS NOT NULL)
        );
        CREATE INDEX measurements_audit ON measurements (audit_id);
        CREATE INDEX measurements_task ON measurements (task_id);
        CREATE INDEX measurements_dataset ON measurements (dataset_id);
        """
}
