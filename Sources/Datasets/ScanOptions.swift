import Foundation

/// Settings of `scanDataset`: files to leave out and how container files become images.
/// JSON section `scan` of the configuration.
public struct ScanOptions: Sendable, Codable, Equatable {
    /// Globs (`*` any text including `/`, `?` one character) matched against each file's path
    /// relative to the root; matching files are skipped and counted under the key "excluded" of
    /// `ignoredByExtension` (default none).
    public var exclude: [String] = []
    /// Regular expression (NSRegularExpression syntax) matched against the relative path of each
    /// NIfTI file; with `niftiMaskReplacement` it names the file's mask (default
    /// `^(.*?)(\.nii(\.gz)?|\.hdr)$`, so `t1.nii.gz` has the mask `t1_mask.nii.gz`).
    public var niftiMaskPattern = #"^(.*?)(\.nii(\.gz)?|\.hdr)$"#
    /// Template for the mask path, with `$1`, `$2`, ... for the pattern's groups (default `$1_mask$2`).
    public var niftiMaskReplacement = "$1_mask$2"
    /// A mask voxel counts when its scaled value exceeds this (default 0.5, which also reads
    /// probability maps in [0, 1]).
    public var niftiMaskThreshold = 0.5
    /// A slice without mask voxels is negative when every slice with one is at least this many
    /// slices away, and left unlabelled otherwise (default 5).
    public var niftiNegativeMargin = 5
    /// Volume (0-based index along the fourth dimension) of a 4-D NIfTI file whose slices are
    /// listed (default 0).
    public var niftiVolume = 0

    public init() {}

    /// Returns the mask path of a NIfTI file, or nil when the pattern does not match it or the
    /// replacement gives the same path.
    func maskPath(for relativePath: String) -> String? {
        guard let expression = try? NSRegularExpression(pattern: niftiMaskPattern) else {
            return nil
        }
        let range = NSRange(relativePath.startIndex..., in: relativePath)
        guard expression.firstMatch(in: relativePath, range: range) != nil else {
            return nil
        }
        let replaced = expression.stringByReplacingMatches(in: relativePath, range: range, withTemplate: niftiMaskReplacement)
        return replaced == relativePath ? nil : replaced
    }
}

extension ScanOptions {
    static let keys = [
        "exclude", "nifti_mask_pattern", "nifti_mask_replacement", "nifti_mask_threshold", "nifti_negative_margin",
        "nifti_volume",
    ]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ConfigKey.self)
        try container.rejectUnknownKeys(accepted: Self.keys)
        self.init()
        exclude = try container.value("exclude", or: exclude)
        niftiMaskPattern = try container.value("nifti_mask_pattern", or: niftiMaskPattern)
        niftiMaskReplacement = try container.value("nifti_mask_replacement", or: niftiMaskReplacement)
        niftiMaskThreshold = try container.value("nifti_mask_threshold", or: niftiMaskThreshold)
        niftiNegativeMargin = try container.integer("nifti_negative_margin", or: niftiNegativeMargin, in: 1...Int.max)
        niftiVolume = try container.integer("nifti_volume", or: niftiVolume, in: 0...Int.max)

        do {
            _ = try NSRegularExpression(pattern: niftiMaskPattern)
        } catch {
            throw container.invalid("nifti_mask_pattern", "invalid regular expression '\(niftiMaskPattern)': \(error.localizedDescription)")
        }
        guard niftiMaskThreshold.isFinite else {
            throw container.invalid("nifti_mask_threshold", "invalid value \(niftiMaskThreshold); expected a finite number")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ConfigKey.self)
        try container.encode(exclude, forKey: ConfigKey("exclude"))
        try container.encode(niftiMaskPattern, forKey: ConfigKey("nifti_mask_pattern"))
        try container.encode(niftiMaskReplacement, forKey: ConfigKey("nifti_mask_replacement"))
        try container.encode(niftiMaskThreshold, forKey: ConfigKey("nifti_mask_threshold"))
        try container.encode(niftiNegativeMargin, forKey: ConfigKey("nifti_negative_margin"))
        try container.encode(niftiVolume, forKey: ConfigKey("nifti_volume"))
    }
}
