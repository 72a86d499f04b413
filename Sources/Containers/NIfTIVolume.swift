import ImageIO

/// One 3-D volume of a NIfTI file, scaled, with its slices as images.
public struct NIfTIVolume: Sendable {
    public let header: NIfTIHeader
    /// Volume index along the fourth dimension.
    public let volumeIndex: Int
    /// Voxel values x-fastest (then y, then z), after scl_slope and scl_inter when
    /// `header.appliesScaling`; NaN voxels are 0.
    public let values: [Float]
    /// NaN voxels in the stored data of this volume, set to 0 in `values`.
    public let nanCount: Int

    /// Parses the header of a `.nii`, `.nii.gz` or `.hdr` file; for gzip data only the header
    /// bytes are inflated.
    public static func header(of fileBytes: [UInt8], path: String) throws(ImageIOError) -> NIfTIHeader {
        let head = isGzip(fileBytes)
            ? try inflate(fileBytes[...], format: .gzip, prefix: NIfTIHeader.maxHeaderBytes, path: path)
            : Array(fileBytes.prefix(NIfTIHeader.maxHeaderBytes))
        return try NIfTIHeader(head, path: path)
    }

    /// Reads volume `volume` (0-based) from the bytes of a `.nii` or `.nii.gz` file, or from a
    /// `.hdr` file and the bytes of its `.img` (plain or gzip) in `imageFileBytes`.
    ///
    /// A gzip stream is inflated only up to the end of the requested volume. Throws `.corrupt`
    /// for a volume index beyond dim[4], `.truncated` when the data ends inside the volume, and
    /// `.tooLarge` for volumes above `defaultMaxInflatedBytes`.
    public init(fileBytes: [UInt8], imageFileBytes: [UInt8]? = nil, volume: Int, path: String) throws(ImageIOError) {
        let header = try Self.header(of: fileBytes, path: path)
        guard volume >= 0 && volume < header.dimensions[3] else {
            throw ImageIOError(
                kind: .corrupt, path: path, detail: "volume \(volume) requested, but the file holds \(header.dimensions[3])")
        }
        guard let voxels = header.voxelsPerVolume, let volumeBytes = checkedProduct([voxels, header.layout.type.size]),
              let end = checkedProduct([volumeBytes, volume + 1]).map({ $0 + header.dataOffset }),
              end <= defaultMaxInflatedBytes
        else {
            throw ImageIOError(
                kind: .tooLarge, path: path,
                detail: "dimensions \(header.dimensions.prefix(4)) of \(header.layout.type.rawValue) exceed \(defaultMaxInflatedBytes) bytes")
        }

        // The bytes that hold the data: the file itself, or the .img of a pair.
        let source: [UInt8]
        if header.singleFile {
            source = fileBytes
        } else if let imageFileBytes {
            source = imageFileBytes
        } else {
            throw ImageIOError(kind: .unreadable, path: path, detail: "the header names a separate .img file, which was not found")
        }
        let data = isGzip(source) ? try inflate(source[...], format: .gzip, maxOutput: end, prefix: end, path: path) : source
        guard data.count >= end else {
            throw ImageIOError(
                kind: .truncated, path: path,
                detail: "volume \(volume) needs \(end) bytes of data, the file has \(data.count)")
        }

        // Samples, scaling and NaN replacement.
        var values: [Float] = []
        let nanCount = data.withUnsafeBytes { raw in
            header.layout.appendSamples(
                raw, offset: header.dataOffset + volume * volumeBytes, count: voxels, to: &values, keepNaN: true)
        }
        let scale = header.appliesScaling
        let slope = Float(header.sclSlope)
        let intercept = header.sclInter.isNaN ? 0 : Float(header.sclInter)
        for index in values.indices {
            let value = values[index]
            values[index] = value.isNaN ? 0 : (scale ? value * slope + intercept : value)
        }

        self.header = header
        self.volumeIndex = volume
        self.values = values
        self.nanCount = nanCount
    }

    /// Number of slices across voxel axis `axis` (0, 1 or 2).
    public func sliceCount(axis: Int) -> Int {
        header.dimensions[axis]
    }

    /// Slice `index` across voxel axis `axis` as a grey image. The two remaining axes, lower
    /// first, are columns and rows; no axis is flipped to a display convention.
    public func slice(_ index: Int, axis: Int, path: String) throws(ImageIOError) -> PixelSamples {
        guard (0...2).contains(axis), index >= 0, index < header.dimensions[axis] else {
            throw ImageIOError(
                kind: .corrupt, path: path,
                detail: "slice \(index) across axis \(axis) requested from a volume of \(header.dimensions.prefix(3))")
        }
        let (nx, ny) = (header.dimensions[0], header.dimensions[1])
        let strides = [1, nx, nx * ny]
        let inPlane = [0, 1, 2].filter { $0 != axis }
        let width = header.dimensions[inPlane[0]]
        let height = header.dimensions[inPlane[1]]

        var samples = [Float](repeating: 0, count: width * height)
        let base = index * strides[axis]
        values.withUnsafeBufferPointer { voxels in
            for row in 0..<height {
                let rowBase = base + row * strides[inPlane[1]]
                for column in 0..<width {
                    samples[row * width + column] = voxels[rowBase + column * strides[inPlane[0]]]
                }
            }
        }
        let bits = header.appliesScaling ? nil : header.layout.type.significantBits
        return PixelSamples(
            samples: samples, width: width, height: height, channels: 1, bitDepth: header.layout.type.size * 8,
            significantBits: bits, format: .nifti)
    }

    /// For each slice across `axis`, whether any voxel exceeds `threshold`.
    public func slicesAbove(_ threshold: Double, axis: Int) -> [Bool] {
        let (nx, ny) = (header.dimensions[0], header.dimensions[1])
        var flags = [Bool](repeating: false, count: header.dimensions[axis])
        let limit = Float(threshold)
        for (position, value) in values.enumerated() where value > limit {
            let coordinates = [position % nx, (position / nx) % ny, position / (nx * ny)]
            flags[coordinates[axis]] = true
        }
        return flags
    }
}
