import Audit
import Datasets
import Foundation

/// Privacy and image options shared by the HTML and Markdown reports.
public struct ReportPresentation: Sendable {
    /// Whether the HTML report embeds thumbnails (default true). Markdown never embeds images.
    public var includeThumbnails: Bool
    /// Whether every file path, the dataset root, the database path and every patient id is
    /// replaced by a short id (see `PathRedaction`). Default false.
    public var redactPaths: Bool
    /// Side of the square thumbnails in pixels (default 96).
    public var thumbnailSize: Int
    /// The audit's `scan` settings, which choose the volume of a 4-D NIfTI file that thumbnails
    /// show. nil (the default) loads them from the dataset folder's `audit.json` over the
    /// built-in defaults, which misses a `--config` file the audit was given.
    public var scanOptions: ScanOptions?

    public init(
        includeThumbnails: Bool = true, redactPaths: Bool = false, thumbnailSize: Int = 96, scanOptions: ScanOptions? = nil
    ) {
        self.includeThumbnails = includeThumbnails
        self.redactPaths = redactPaths
        self.thumbnailSize = thumbnailSize
        self.scanOptions = scanOptions
    }
}

/// Replaces paths and patient ids in report text by stable short ids.
///
/// The id of a path is `PathRedaction.id(for:)` of the path relative to the dataset root: the
/// first 8 hex digits of its 64-bit FNV-1a hash, so the same file gets the same id in every
/// report and every run. Free text (decoder messages, label-table messages) has every known path,
/// its absolute form, the database path and the dataset root replaced, longest first. Patient
/// ids are replaced only where the report shows them as patient ids, because a short id such as
/// "12" would also match unrelated numbers in free text.
///
/// NOTE: the hash is not keyed, so anyone holding the list of file names can map ids back to
/// paths. With 32 bits, two of n files share an id with probability about n² / 2^33 (0.4% for
/// 5,840 files).
public struct PathRedaction: Sendable {
    public let isEnabled: Bool
    private let root: String
    private let database: String?
    private let patients: Set<String>
    /// (original, replacement), longest original first.
    private let replacements: [(String, String)]

    public init(report: AuditReport, enabled: Bool) {
        isEnabled = enabled
        root = report.dataset.root
        database = report.database
        patients = Set(report.dataset.leakage.patientsInSeveralSplits.map(\.patient))
        guard enabled else {
            replacements = []
            return
        }

        var pairs: [String: String] = [:]
        for path in Self.paths(in: report) {
            let id = Self.id(for: path)
            pairs[path] = id
            pairs[(report.dataset.root as NSString).appendingPathComponent(path)] = id
        }
        if let database = report.database, !database.isEmpty {
            pairs[database] = "[database]"
        }
        if !report.dataset.root.isEmpty {
            pairs[report.dataset.root] = "[dataset root]"
        }
        replacements = pairs.sorted { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key }
            .map { ($0.key, $0.value) }
    }

    /// First 8 lowercase hex digits of the 64-bit FNV-1a hash of the UTF-8 text.
    public static func id(for text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash >> 32, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// A path relative to the dataset root, or its id.
    public func path(_ path: String) -> String {
        isEnabled ? Self.id(for: path) : path
    }

    /// A patient id, or "patient-" and its hash id.
    public func patient(_ patient: String) -> String {
        isEnabled ? "patient-" + Self.id(for: patient) : patient
    }

    /// The dataset root, or "[dataset root]".
    public var rootText: String {
        isEnabled ? "[dataset root]" : root
    }

    /// The database path, or "[database]"; nil when the report names no database.
    public var databaseText: String? {
        database.map { isEnabled ? "[database]" : $0 }
    }

    /// Free text with every known path, the root and the database replaced.
    public func text(_ text: String) -> String {
        guard isEnabled else {
            return text
        }
        var result = text
        for (original, replacement) in replacements where result.contains(original) {
            result = result.replacingOccurrences(of: original, with: replacement)
        }
        return result
    }

    /// Every relative path the report names.
    static func paths(in report: AuditReport) -> Set<String> {
        let dataset = report.dataset
        var paths = Set<String>()
        paths.formUnion(dataset.unreadable.map(\.path))
        paths.formUnion(dataset.rejectedPaths.map(\.path))
        paths.formUnion(dataset.constantImages)
        paths.formUnion(dataset.labelIssues.compactMap(\.path))
        for group in dataset.duplicates.groups + dataset.nearDuplicates.groups {
            paths.formUnion(group.paths)
        }
        for pair in dataset.nearDuplicates.pairs {
            paths.formUnion([pair.a, pair.b])
        }
        for task in report.tasks {
            if let pair = task.labelSharpness.closestPair {
                paths.formUnion([pair.a, pair.b])
            }
            for conflict in task.labelSharpness.conflicts {
                paths.formUnion(conflict)
            }
        }
        paths.remove("")
        return paths
    }
}
