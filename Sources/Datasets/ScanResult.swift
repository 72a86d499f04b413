/// One candidate image found by `scanDataset`: a file, or one member of a file that contains several.
public struct ScannedFile: Sendable, Hashable, Codable {
    /// Path relative to the canonical root, with `/` separators and no leading `/`. For a member of
    /// a container it ends with `member.pathSuffix`, such as `scans.npz#train_images[17]`.
    public var relativePath: String

    /// Canonical root joined with the file's relative path (without the member suffix). For a
    /// symbolic link inside the root this is the link's own path, so reading it follows the link.
    public var absolutePath: String

    /// Size in bytes of the file (of the link target for a symbolic link).
    public var size: Int64

    /// Modification time in nanoseconds since the Unix epoch (of the link target for a link).
    public var mtimeNs: Int64

    /// Split given by the container member (an `.npz` array prefix such as `train_`, an IDX name
    /// starting with `train` or `t10k`), else by the nearest enclosing split folder: `train`,
    /// `val`, `test`, or nil.
    public var split: String?

    /// Normalised name of the nearest enclosing folder that is not a split folder, or nil for a
    /// file directly in the root or only inside split folders.
    public var classFolder: String?

    /// Lower-cased text after the last `.` of the file name, or "" when the name has none.
    public var fileExtension: String

    /// The image inside the file, or nil when the file is one image.
    public var member: ContainerMember?

    /// Labels the container stores for this member (IDX label file, NumPy label array, NIfTI mask).
    public var embeddedLabels: EmbeddedLabels?

    public init(
        relativePath: String, absolutePath: String, size: Int64, mtimeNs: Int64,
        split: String?, classFolder: String?, fileExtension: String,
        member: ContainerMember? = nil, embeddedLabels: EmbeddedLabels? = nil
    ) {
        self.relativePath = relativePath
        self.absolutePath = absolutePath
        self.size = size
        self.mtimeNs = mtimeNs
        self.split = split
        self.classFolder = classFolder
        self.fileExtension = fileExtension
        self.member = member
        self.embeddedLabels = embeddedLabels
    }

    /// Path of the file relative to the root: `relativePath` without the member suffix.
    public var fileRelativePath: String {
        guard let member, relativePath.hasSuffix(member.pathSuffix) else {
            return relativePath
        }
        return String(relativePath.dropLast(member.pathSuffix.count))
    }

    /// True for the extensions read as JPEG or PNG (jpg, jpeg, jpe, png in any case).
    /// Other listed files are recorded as unsupported unless their magic bytes are JPEG or PNG.
    public var hasDecodableExtension: Bool {
        ScanExtensions.decodable.contains(fileExtension)
    }
}

/// A path under the root that the scan did not list, with the reason.
public struct RejectedPath: Sendable, Hashable, Codable {
    /// Path relative to the canonical root.
    public var relativePath: String
    public var reason: String

    public init(relativePath: String, reason: String) {
        self.relativePath = relativePath
        self.reason = reason
    }
}

/// The outcome of `scanDataset`.
public struct ScanResult: Sendable, Equatable {
    /// Canonical (`realpath`) absolute path of the dataset root.
    public var root: String

    /// Candidate images, sorted by the file's relative path in Unicode code-point order and, within
    /// a container file, in member order (arrays by name, then index).
    public var files: [ScannedFile]

    /// Paths that were not listed and why: symbolic links that resolve outside the root, dangling
    /// links, links to folders, unreadable folders, names that are not valid UTF-8, entries that
    /// are neither regular files nor folders, and container files (or arrays in them) whose
    /// headers cannot be read. Sorted by `relativePath`.
    public var rejected: [RejectedPath]

    /// Number of non-image files skipped, keyed by lower-cased extension, and files skipped by
    /// `scan.exclude` under the key "excluded". The key "" never occurs, because files without an
    /// extension are listed.
    public var ignoredByExtension: [String: Int]

    /// Number of hidden files and folders (names starting with `.`) skipped. The contents of a
    /// hidden folder are not counted.
    public var hiddenCount: Int

    /// Total number of non-image files skipped.
    public var ignoredCount: Int {
        ignoredByExtension.values.reduce(0, +)
    }

    public init(
        root: String, files: [ScannedFile], rejected: [RejectedPath],
        ignoredByExtension: [String: Int], hiddenCount: Int
    ) {
        self.root = root
        self.files = files
        self.rejected = rejected
        self.ignoredByExtension = ignoredByExtension
        self.hiddenCount = hiddenCount
    }
}

/// File extensions the scan lists, lower-cased.
public enum ScanExtensions {
    /// Extensions read as JPEG or PNG.
    public static let decodable: Set<String> = ["jpg", "jpeg", "jpe", "png"]

    /// Other image-like extensions: listed so that the audit records them as unsupported or
    /// decodes them when their magic bytes are JPEG or PNG. `gz` covers `.nii.gz`.
    public static let otherImageLike: Set<String> = [
        "bmp", "gif", "tif", "tiff", "webp", "dcm", "dicom", "nii", "gz", "npz", "npy",
        "idx", "ubyte", "hdr", "pgm", "ppm", "j2k", "jp2",
    ]
}

/// Orders two strings by their Unicode code points. UTF-8 byte order equals code-point order,
/// unlike `String.<`, which compares canonically equivalent forms as equal.
@inline(__always)
func codePointPrecedes(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
