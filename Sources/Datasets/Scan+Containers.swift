import Containers
import Foundation
import ImageIO

/// Kinds of files that hold several images or carry labels for another file.
enum ContainerKind {
    case idx, npy, npz, nifti, frames

    /// Recognises a container from its name; `.dcm`, `.dicom` and extensionless files are
    /// `frames` candidates, confirmed by `Preprocessor.imageCount` during expansion.
    init?(fileName: String) {
        let name = fileName.lowercased()
        if name.hasSuffix(".npz") {
            self = .npz
        } else if name.hasSuffix(".npy") {
            self = .npy
        } else if name.hasSuffix(".nii") || name.hasSuffix(".nii.gz") || name.hasSuffix(".hdr") {
            self = .nifti
        } else if name.hasSuffix("-ubyte") || name.hasSuffix("-ubyte.gz") || name.hasSuffix(".idx") || name.hasSuffix(".idx.gz") {
            self = .idx
        } else if name.hasSuffix(".dcm") || name.hasSuffix(".dicom") || extensionOf(name).isEmpty {
            self = .frames
        } else {
            return nil
        }
    }
}

/// Replaces the container files of a sorted listing by one entry per image inside them.
///
/// - IDX: `X-images-idx3-ubyte[.gz]` gives one image per item; `X-labels-idx1-ubyte[.gz]` in the
///   same folder gives their classes and is not listed itself. A name starting with `train`
///   gives the split train, `t10k` or `test` the split test, `val` the split val.
/// - `.npz`: every array of shape (N, H, W) or (N, H, W, C) gives N images. The array
///   `<prefix>labels` labels the array `<prefix>images`: shape (N) or (N, 1) gives classes,
///   (N, L) gives L binary task columns. The prefix `train_`, `val_` or `test_` gives the split.
/// - `.npy`: an array of shape (H, W) is one image, (N, H, W) or (N, H, W, C) N images.
/// - NIfTI (`.nii`, `.nii.gz`, `.hdr` with `.img`): one image per slice across the axis
///   closest to axial; a mask named by `scan.nifti_mask_pattern` labels the slices.
/// - `.dcm`, `.dicom` and extensionless files: one entry per frame when
///   `Preprocessor.imageCount` reports more than one.
///
/// Only headers are read, except for label arrays, label files and masks, which are read whole.
/// A container whose header cannot be read is rejected with the reason; a label source that
/// does not fit its images is rejected and the images stay unlabelled.
struct ContainerExpander {
    let options: ScanOptions
    var rejected: [RejectedPath] = []

    init(options: ScanOptions) {
        self.options = options
    }

    mutating func expand(_ files: [ScannedFile]) -> [ScannedFile] {
        let byPath = Dictionary(files.map { ($0.relativePath, $0) }, uniquingKeysWith: { first, _ in first })

        // Label files and masks that belong to another file are read with it, not listed.
        var labelSources: [String: ScannedFile] = [:]
        var consumed = Set<String>()
        for file in files {
            switch ContainerKind(fileName: file.relativePath) {
            case .idx:
                if let labels = idxLabelPath(for: file.relativePath).first(where: { byPath[$0] != nil }) {
                    labelSources[file.relativePath] = byPath[labels]
                    consumed.insert(labels)
                }
            case .nifti:
                // The mask may differ from the image in gzip compression only.
                guard let mask = options.maskPath(for: file.relativePath) else {
                    break
                }
                let alternative = mask.hasSuffix(".gz") ? String(mask.dropLast(3)) : mask + ".gz"
                if let maskFile = byPath[mask] ?? byPath[alternative] {
                    labelSources[file.relativePath] = maskFile
                    consumed.insert(maskFile.relativePath)
                }
            default:
                break
            }
        }

        var expanded: [ScannedFile] = []
        expanded.reserveCapacity(files.count)
        for file in files where !consumed.contains(file.relativePath) {
            switch ContainerKind(fileName: file.relativePath) {
            case .idx:
                expanded += expandIDX(file, labels: labelSources[file.relativePath])
            case .npz:
                expanded += expandNPZ(file)
            case .npy:
                expanded += expandNPY(file)
            case .nifti:
                expanded += expandNIfTI(file, mask: labelSources[file.relativePath])
            case .frames:
                expanded += expandFrames(file)
            case nil:
                expanded.append(file)
            }
        }
        return expanded
    }

    // MARK: - IDX

    private mutating func expandIDX(_ file: ScannedFile, labels labelFile: ScannedFile?) -> [ScannedFile] {
        let header: IDXHeader
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(atPath: file.absolutePath)
            header = try IDXFile.header(of: bytes, path: file.relativePath)
        } catch {
            reject(file.relativePath, error)
            return []
        }
        guard header.dimensions.count >= 3, let shape = StackShape(arrayShape: header.dimensions) else {
            reject(file.relativePath, "IDX dimensions \(header.dimensions) are not images (N, H, W); a label file needs an images file named like it with 'images' for 'labels'")
            return []
        }
        let needed = checkedProduct(header.dimensions + [header.layout.type.size]).map { $0 + header.dataOffset }
        if let reason = implausibleSize(needed, available: bytes.count, compressed: isGzip(bytes)) {
            reject(file.relativePath, "IDX dimensions \(header.dimensions) \(reason)")
            return []
        }

        var classes: [Int]?
        if let labelFile {
            do {
                let values = try IDXFile.labels(of: try readWholeFile(atPath: labelFile.absolutePath), path: labelFile.relativePath)
                if values.count == shape.count {
                    classes = values
                } else {
                    reject(labelFile.relativePath, "holds \(values.count) labels for the \(shape.count) images of \(file.relativePath); the images stay unlabelled")
                }
            } catch {
                reject(labelFile.relativePath, error)
            }
        }

        let split = splitFromName(lastComponent(file.relativePath)) ?? file.split
        return (0..<shape.count).map { index in
            member(file, ContainerMember(kind: .idxItem, index: index), split: split,
                   labels: classes.map { EmbeddedLabels(classValue: $0[index]) })
        }
    }

    /// Candidate label files of an IDX images file: `images` replaced by `labels` and `idx3` or
    /// `idx4` by `idx1`, with the images file's compression first.
    private func idxLabelPath(for path: String) -> [String] {
        let folderEnd = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = String(path[folderEnd...])
        guard name.contains("images") else {
            return []
        }
        let labelName = name.replacingOccurrences(of: "images", with: "labels")
            .replacingOccurrences(of: "idx3", with: "idx1").replacingOccurrences(of: "idx4", with: "idx1")
        let folder = String(path[..<folderEnd])
        let plain = labelName.hasSuffix(".gz") ? String(labelName.dropLast(3)) : labelName
        let candidates = labelName.hasSuffix(".gz") ? [plain + ".gz", plain] : [plain, plain + ".gz"]
        return candidates.map { folder + $0 }
    }

    // MARK: - NumPy

    private mutating func expandNPZ(_ file: ScannedFile) -> [ScannedFile] {
        let archive: NPZArchive
        do {
            archive = try NPZArchive(try readWholeFile(atPath: file.absolutePath), path: file.relativePath)
        } catch {
            reject(file.relativePath, error)
            return []
        }

        // Image arrays first, so that label arrays can be matched to them.
        var stacks: [(name: String, shape: StackShape)] = []
        var others: [String: NPYHeader] = [:]
        for name in archive.arrayNames.sorted(by: codePointPrecedes) {
            do {
                let header = try archive.header(of: name)
                let entrySize = archive.archive.entry(named: name + ".npy")?.uncompressedSize ?? 0
                let needed = checkedProduct(header.shape + [header.layout.type.size]).map { $0 + header.dataOffset }
                if let reason = implausibleSize(needed, available: entrySize, compressed: false) {
                    reject(file.relativePath + "#" + name, "NumPy shape \(header.shape) \(reason)")
                } else if header.shape.count >= 3, let shape = StackShape(arrayShape: header.shape) {
                    stacks.append((name, shape))
                } else {
                    others[name] = header
                }
            } catch {
                reject(file.relativePath + "#" + name, error)
            }
        }

        var members: [ScannedFile] = []
        var usedLabels = Set<String>()
        for (name, shape) in stacks {
            let prefix = name.hasSuffix("images") ? String(name.dropLast("images".count)) : nil
            let labelName = prefix.map { $0 + "labels" }
            var rows: [[Int]]?
            if let labelName, others[labelName] != nil {
                usedLabels.insert(labelName)
                rows = readLabelRows(archive, labelName, count: shape.count, file: file, imagesName: name)
            }
            let split = prefix.flatMap { splitFromName($0) } ?? file.split
            for index in 0..<shape.count {
                members.append(member(
                    file, ContainerMember(kind: .arrayElement, index: index, array: name), split: split,
                    labels: rows.map { embeddedLabels($0[index]) }))
            }
        }
        for name in others.keys.sorted(by: codePointPrecedes) where !usedLabels.contains(name) {
            reject(file.relativePath + "#" + name, "array of shape \(others[name]!.shape) is neither images (N, H, W[, C]) nor the labels of an images array")
        }
        return members
    }

    private mutating func readLabelRows(_ archive: NPZArchive, _ name: String, count: Int, file: ScannedFile, imagesName: String) -> [[Int]]? {
        do {
            let rows = try archive.labels(name)
            guard rows.count == count else {
                reject(file.relativePath + "#" + name, "holds \(rows.count) labels for the \(count) images of '\(imagesName)'; the images stay unlabelled")
                return nil
            }
            return rows
        } catch {
            reject(file.relativePath + "#" + name, error)
            return nil
        }
    }

    /// Converts one row of a label array: one value gives a class, several give binary task columns.
    private func embeddedLabels(_ row: [Int]) -> EmbeddedLabels {
        if row.count == 1 {
            return EmbeddedLabels(classValue: row[0])
        }
        return EmbeddedLabels(columns: row.map { $0 == 1 ? true : ($0 == 0 ? false : nil) })
    }

    private mutating func expandNPY(_ file: ScannedFile) -> [ScannedFile] {
        let header: NPYHeader
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(atPath: file.absolutePath)
            header = try NPYHeader(Array(bytes.prefix(NPYHeader.maxHeaderLength + 12)), path: file.relativePath)
        } catch {
            reject(file.relativePath, error)
            return []
        }
        guard let shape = StackShape(arrayShape: header.shape) else {
            reject(file.relativePath, "NumPy shape \(header.shape) is not images (H, W), (N, H, W) or (N, H, W, C)")
            return []
        }
        let needed = checkedProduct(header.shape + [header.layout.type.size]).map { $0 + header.dataOffset }
        if let reason = implausibleSize(needed, available: bytes.count, compressed: false) {
            reject(file.relativePath, "NumPy shape \(header.shape) \(reason)")
            return []
        }
        return (0..<shape.count).map { index in
            member(file, ContainerMember(kind: .arrayElement, index: index), split: file.split, labels: nil)
        }
    }

    // MARK: - Frames

    private mutating func expandFrames(_ file: ScannedFile) -> [ScannedFile] {
        // A file without extension is read whole only when its first 132 bytes end in DICM.
        let name = file.relativePath.lowercased()
        if !name.hasSuffix(".dcm") && !name.hasSuffix(".dicom") {
            guard let handle = FileHandle(forReadingAtPath: file.absolutePath) else {
                return [file]
            }
            let head = [UInt8]((try? handle.read(upToCount: 132)) ?? Data())
            try? handle.close()
            guard head.count == 132 && Array(head[128..<132]) == Array("DICM".utf8) else {
                return [file]
            }
        }
        guard let bytes = try? readWholeFile(atPath: file.absolutePath) else {
            return [file]
        }
        // A file whose frames cannot be counted stays one entry, so decoding reports the reason.
        let preprocessor = Preprocessor(settings: PreprocessingSettings())
        guard let count = try? preprocessor.imageCount(data: bytes, path: file.relativePath), count > 1 else {
            return [file]
        }
        return (0..<count).map { index in
            member(file, ContainerMember(kind: .frame, index: index), split: file.split, labels: nil)
        }
    }

    // MARK: - Helpers

    func member(_ file: ScannedFile, _ member: ContainerMember, split: String?, labels: EmbeddedLabels?) -> ScannedFile {
        var entry = file
        entry.relativePath = file.relativePath + member.pathSuffix
        entry.member = member
        entry.split = split
        entry.embeddedLabels = labels
        return entry
    }

    mutating func reject(_ path: String, _ error: ImageIOError) {
        reject(path, "\(error.kind.rawValue): \(error.detail)")
    }

    mutating func reject(_ path: String, _ reason: String) {
        rejected.append(RejectedPath(relativePath: path, reason: reason))
    }
}

/// Largest ratio of uncompressed to compressed size that deflate reaches, rounded up: 100 MB of
/// zero bytes compress 1028.7:1 with zlib level 9 (Python 3 zlib.compress).
let maxDeflateRatio = 1032

/// Returns why `needed` bytes (nil after an overflow) cannot come from `available` bytes, or nil
/// when they can. Compressed data may expand up to `maxDeflateRatio` times. The scan calls this
/// before listing one entry per declared image, so a corrupt header cannot make it allocate
/// entries for images the file cannot hold.
func implausibleSize(_ needed: Int?, available: Int, compressed: Bool) -> String? {
    guard let needed else {
        return "overflow a byte count"
    }
    let (limit, overflow) = available.multipliedReportingOverflow(by: compressed ? maxDeflateRatio : 1)
    if !overflow && needed > limit {
        let source = compressed ? "\(available) compressed bytes, which inflate to at most \(limit)" : "\(available) bytes"
        return "need \(needed) bytes, but the data has \(source); the file is truncated or its header is corrupt"
    }
    return nil
}

/// Returns the split a container name starts with (`train`; `t10k` or `test`; `val`), or nil.
func splitFromName(_ name: String) -> String? {
    let lower = name.lowercased()
    if lower.hasPrefix("train") {
        return "train"
    }
    if lower.hasPrefix("t10k") || lower.hasPrefix("test") {
        return "test"
    }
    if lower.hasPrefix("val") {
        return "val"
    }
    return nil
}

func lastComponent(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
