import Containers
import Foundation
import ImageIO

extension ContainerExpander {
    /// Lists one image per slice of a NIfTI file across its axial axis (`NIfTIHeader.axialAxis`),
    /// taken from volume `scan.nifti_volume`, with slice labels from `mask` when given.
    mutating func expandNIfTI(_ file: ScannedFile, mask: ScannedFile?) -> [ScannedFile] {
        let header: NIfTIHeader
        let bytes: [UInt8]
        do {
            bytes = try readWholeFile(atPath: file.absolutePath)
            header = try NIfTIVolume.header(of: bytes, path: file.relativePath)
        } catch {
            reject(file.relativePath, error)
            return []
        }
        if !header.singleFile && niftiImageFile(for: file.absolutePath) == nil {
            reject(file.relativePath, "the header names a separate .img file, and none with the same name exists next to it")
            return []
        }
        // The slice count comes from the header, so the data must be able to hold one volume.
        let needed = checkedProduct(Array(header.dimensions[0..<3]) + [header.layout.type.size]).map { $0 + header.dataOffset }
        var available = bytes.count
        var compressed = isGzip(bytes)
        if !header.singleFile, let imagePath = niftiImageFile(for: file.absolutePath) {
            available = (try? FileManager.default.attributesOfItem(atPath: imagePath)[.size] as? Int) ?? 0
            compressed = imagePath.hasSuffix(".gz")
        }
        if let reason = implausibleSize(needed, available: available, compressed: compressed) {
            reject(file.relativePath, "NIfTI dimensions \(header.dimensions.prefix(3)) \(reason)")
            return []
        }
        guard options.niftiVolume < header.dimensions[3] else {
            reject(file.relativePath, "scan.nifti_volume is \(options.niftiVolume), but the file holds \(header.dimensions[3]) volumes")
            return []
        }

        let axis = header.axialAxis
        let labels = mask.flatMap { maskLabels($0, imageHeader: header, axis: axis, imagePath: file.relativePath) }
        return (0..<header.dimensions[axis]).map { index in
            member(
                file, ContainerMember(kind: .niftiSlice, index: index, axis: axis, volume: options.niftiVolume),
                split: file.split, labels: labels.map { EmbeddedLabels(mask: $0[index]) })
        }
    }

    /// Slice labels from a mask on the image's grid: true for a slice with a voxel above
    /// `scan.nifti_mask_threshold`, false for a slice at least `scan.nifti_negative_margin`
    /// slices from every such slice (every slice when the mask is empty), nil in between.
    /// Rejects the mask and returns nil when it cannot be read or lies on another grid.
    private mutating func maskLabels(_ mask: ScannedFile, imageHeader: NIfTIHeader, axis: Int, imagePath: String) -> [Bool?]? {
        let volume: NIfTIVolume
        do {
            let bytes = try readWholeFile(atPath: mask.absolutePath)
            var imageBytes: [UInt8]?
            if let imagePath = niftiImageFile(for: mask.absolutePath) {
                imageBytes = try readWholeFile(atPath: imagePath)
            }
            volume = try NIfTIVolume(fileBytes: bytes, imageFileBytes: imageBytes, volume: 0, path: mask.relativePath)
        } catch {
            reject(mask.relativePath, error)
            return nil
        }

        let maskHeader = volume.header
        let sameSize = Array(maskHeader.dimensions[0..<3]) == Array(imageHeader.dimensions[0..<3])
        let sameSpacing = (1...3).allSatisfy { axis in
            let (a, b) = (maskHeader.pixdim[axis], imageHeader.pixdim[axis])
            return abs(a - b) <= 1e-4 * max(1, abs(a), abs(b))
        }
        guard sameSize && sameSpacing else {
            reject(mask.relativePath, "mask grid \(maskHeader.dimensions.prefix(3)) with voxel size \(maskHeader.pixdim[1...3]) differs from the grid \(imageHeader.dimensions.prefix(3)) with voxel size \(imageHeader.pixdim[1...3]) of \(imagePath); the slices stay unlabelled")
            return nil
        }

        let positive = volume.slicesAbove(options.niftiMaskThreshold, axis: axis)
        let positiveSlices = positive.indices.filter { positive[$0] }
        return positive.indices.map { slice -> Bool? in
            if positive[slice] {
                return true
            }
            let nearest = positiveSlices.map { abs($0 - slice) }.min() ?? Int.max
            return nearest >= options.niftiNegativeMargin ? false : nil
        }
    }
}

/// Returns the `.img` or `.img.gz` file next to a `.hdr` file, or nil.
public func niftiImageFile(for headerPath: String) -> String? {
    guard headerPath.lowercased().hasSuffix(".hdr") else {
        return nil
    }
    let stem = String(headerPath.dropLast(4))
    for candidate in [stem + ".img", stem + ".IMG", stem + ".img.gz"] where FileManager.default.fileExists(atPath: candidate) {
        return candidate
    }
    return nil
}
