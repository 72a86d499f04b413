/// Address of one image inside a file that holds several: an array element, an IDX item, a
/// NIfTI slice or a DICOM frame.
///
/// A listed image is the pair (file, member). `ScannedFile.relativePath` is the file's path
/// followed by `pathSuffix`, so every image has a unique, readable path in the store, the
/// reports and the caches, while `absolutePath` names the file that holds it.
public struct ContainerMember: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Element `index` of a NumPy image array: array `array` of an `.npz`, or a `.npy` file.
        case arrayElement
        /// Item `index` of an IDX image file.
        case idxItem
        /// Slice `index` along voxel axis `axis` of volume `volume` of a NIfTI file.
        case niftiSlice
        /// Frame `index` of a multi-frame file, decoded by `Preprocessor.preprocess(data:path:frame:)`.
        case frame
    }

    public var kind: Kind
    /// 0-based element, item, slice or frame index.
    public var index: Int
    /// Array name inside an `.npz` archive (`train_images`); nil for other kinds.
    public var array: String?
    /// NIfTI voxel axis (0, 1 or 2) the slices are taken across; nil for other kinds.
    public var axis: Int?
    /// NIfTI volume (index along the fourth dimension); nil for other kinds.
    public var volume: Int?

    public init(kind: Kind, index: Int, array: String? = nil, axis: Int? = nil, volume: Int? = nil) {
        self.kind = kind
        self.index = index
        self.array = array
        self.axis = axis
        self.volume = volume
    }

    /// Text appended to the file's relative path: `#train_images[17]` for an `.npz` element,
    /// `#17` for a `.npy` element or an IDX item, `#slice=42` for a NIfTI slice and `#frame=3`
    /// for a frame. The axis and volume of a slice are not part of the suffix, because one
    /// scan takes every slice of a file across the same axis of the same volume.
    public var pathSuffix: String {
        switch kind {
        case .arrayElement:
            if let array {
                return "#\(array)[\(index)]"
            }
            return "#\(index)"
        case .idxItem:
            return "#\(index)"
        case .niftiSlice:
            return "#slice=\(index)"
        case .frame:
            return "#frame=\(index)"
        }
    }
}

/// Labels stored inside a container file for one member.
public struct EmbeddedLabels: Sendable, Hashable, Codable {
    /// Integer class of a single-label array (IDX label file, NumPy labels of shape (N) or
    /// (N, 1)); named through `labels.class_names`, else by its decimal value.
    public var classValue: Int?
    /// Values of a multi-label array of shape (N, L), L >= 2: true for 1, false for 0, nil for
    /// any other value. Column j is the task `labels.class_names[j]`, else `label_j`.
    public var columns: [Bool?]?
    /// Slice label from a NIfTI mask: true when the slice has a mask voxel, false when it lies
    /// at least `scan.nifti_negative_margin` slices from every such slice, nil in between.
    public var mask: Bool?

    public init(classValue: Int? = nil, columns: [Bool?]? = nil, mask: Bool? = nil) {
        self.classValue = classValue
        self.columns = columns
        self.mask = mask
    }

    /// Name of the task a NIfTI mask gives.
    public static let maskTaskName = "mask"

    /// Task name of multi-label column `column`.
    public static func columnTaskName(_ column: Int, classNames: [String]) -> String {
        column < classNames.count ? normaliseClassName(classNames[column]) : "label_\(column)"
    }

    /// Class name of an integer label.
    public static func className(_ value: Int, classNames: [String]) -> String {
        value >= 0 && value < classNames.count ? normaliseClassName(classNames[value]) : String(value)
    }
}
