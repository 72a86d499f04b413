import ImageIO

/// The fields of a NIfTI-1 or NIfTI-2 header that reading slices needs
/// (nifti.nimh.nih.gov/nifti-1 and /nifti-2: `nifti1.h`, `nifti2.h`).
///
/// NIfTI-1 headers are 348 bytes with the magic `n+1` (data in the same file) or `ni1` (data in
/// a separate `.img`) at byte 344; NIfTI-2 headers are 540 bytes with `n+2` or `ni2` at byte 4.
/// The byte order is the one in which `sizeof_hdr` reads as 348 or 540.
public struct NIfTIHeader: Sendable, Hashable {
    public var version: Int
    /// `dim[1...7]`, with unused entries beyond `dim[0]` set to 1.
    public var dimensions: [Int]
    public var layout: SampleLayout
    /// Byte offset of the data in the `.nii` file, or in the `.img` file of a pair.
    public var dataOffset: Int
    /// Whether the data follows the header in the same file (`n+1`, `n+2`).
    public var singleFile: Bool
    public var sclSlope: Double
    public var sclInter: Double
    /// `pixdim[0...3]`: qfac, then voxel sizes.
    public var pixdim: [Double]
    public var qformCode: Int
    public var sformCode: Int
    /// Quaternion b, c, d of the qform rotation.
    public var quaternion: [Double]
    /// Rows x, y, z of the sform affine, 4 values each.
    public var sform: [[Double]]

    /// Bytes of the NIfTI-2 header, the larger of the two; enough to parse either.
    public static let maxHeaderBytes = 540

    /// Parses the header at the start of uncompressed data. Throws `.truncated`, `.corrupt`
    /// (no magic, negative or zero sizes, bitpix that disagrees with datatype) or `.unsupported`
    /// (complex, RGB and 128-bit datatypes, more than 4 dimensions in use).
    public init(_ bytes: [UInt8], path: String) throws(ImageIOError) {
        guard bytes.count >= 348 else {
            throw ImageIOError(kind: .truncated, path: path, detail: "NIfTI header needs at least 348 bytes, the data has \(bytes.count)")
        }
        let sizeLE = Int32(littleEndian: load(bytes, 0, as: Int32.self))
        let sizeBE = Int32(bigEndian: load(bytes, 0, as: Int32.self))
        let bigEndian: Bool
        switch (sizeLE, sizeBE) {
        case (348, _), (540, _): bigEndian = false
        case (_, 348), (_, 540): bigEndian = true
        default:
            throw ImageIOError(
                kind: .corrupt, path: path, detail: "sizeof_hdr is \(sizeLE), not 348 (NIfTI-1) or 540 (NIfTI-2)")
        }
        let reader = EndianReader(bytes: bytes, bigEndian: bigEndian)
        version = (bigEndian ? sizeBE : sizeLE) == 348 ? 1 : 2

        let datatype: Int
        let bitpix: Int
        var rawDimensions: [Int]
        var offset: Double
        if version == 1 {
            let magic = Array(bytes[344..<348])
            guard magic == Array("n+1\0".utf8) || magic == Array("ni1\0".utf8) else {
                throw ImageIOError(kind: .corrupt, path: path, detail: "NIfTI-1 magic at byte 344 is \(hexBytes(magic)), not 'n+1' or 'ni1'")
            }
            singleFile = magic[1] == UInt8(ascii: "+")
            rawDimensions = (0..<8).map { Int(reader.int16(40 + 2 * $0)) }
            datatype = Int(reader.int16(70))
            bitpix = Int(reader.int16(72))
            pixdim = (0..<4).map { Double(reader.float32(76 + 4 * $0)) }
            offset = Double(reader.float32(108))
            sclSlope = Double(reader.float32(112))
            sclInter = Double(reader.float32(116))
            qformCode = Int(reader.int16(252))
            sformCode = Int(reader.int16(254))
            quaternion = (0..<3).map { Double(reader.float32(256 + 4 * $0)) }
            sform = (0..<3).map { row in (0..<4).map { Double(reader.float32(280 + 16 * row + 4 * $0)) } }
        } else {
            guard bytes.count >= 540 else {
                throw ImageIOError(kind: .truncated, path: path, detail: "NIfTI-2 header needs 540 bytes, the data has \(bytes.count)")
            }
            let magic = Array(bytes[4..<8])
            guard magic == Array("n+2\0".utf8) || magic == Array("ni2\0".utf8) else {
                throw ImageIOError(kind: .corrupt, path: path, detail: "NIfTI-2 magic at byte 4 is \(hexBytes(magic)), not 'n+2' or 'ni2'")
            }
            singleFile = magic[1] == UInt8(ascii: "+")
            datatype = Int(reader.int16(12))
            bitpix = Int(reader.int16(14))
            rawDimensions = (0..<8).map { reader.int64(16 + 8 * $0) }
            pixdim = (0..<4).map { reader.float64(104 + 8 * $0) }
            offset = Double(reader.int64(168))
            sclSlope = reader.float64(176)
            sclInter = reader.float64(184)
            qformCode = Int(reader.int32(344))
            sformCode = Int(reader.int32(348))
            quaternion = (0..<3).map { reader.float64(352 + 8 * $0) }
            sform = (0..<3).map { row in (0..<4).map { reader.float64(400 + 32 * row + 8 * $0) } }
        }

        // Dimensions: dim[0] in 1...7 entries used, each at least 1.
        let used = rawDimensions[0]
        guard (1...7).contains(used) else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "dim[0] is \(used); a NIfTI header uses 1 to 7 dimensions")
        }
        dimensions = (1...7).map { $0 <= used ? rawDimensions[$0] : 1 }
        guard dimensions.allSatisfy({ $0 >= 1 }) else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "dimensions \(Array(dimensions.prefix(used))) include a size below 1")
        }
        guard dimensions[4...].allSatisfy({ $0 == 1 }) else {
            throw ImageIOError(
                kind: .unsupported, path: path, detail: "dimensions \(Array(dimensions.prefix(used))) use dim[5...7]; up to 4 dimensions are read")
        }

        // Sample type, checked against bitpix.
        let types: [Int: SampleType] = [
            2: .uint8, 4: .int16, 8: .int32, 16: .float32, 64: .float64, 256: .int8, 512: .uint16, 768: .uint32,
            1024: .int64, 1280: .uint64,
        ]
        guard let type = types[datatype] else {
            throw ImageIOError(
                kind: .unsupported, path: path,
                detail: "NIfTI datatype \(datatype); integer types, float32 and float64 are read (not complex, RGB or float128)")
        }
        guard bitpix == type.size * 8 else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "bitpix \(bitpix) disagrees with datatype \(datatype) (\(type.rawValue))")
        }
        layout = SampleLayout(type: type, bigEndian: bigEndian)

        // Data offset: after the header (and the 4-byte extension flag) for single files.
        let minimumOffset = singleFile ? (version == 1 ? 352 : 544) : 0
        guard offset.isFinite, offset >= Double(minimumOffset), offset < 1e15, offset == offset.rounded() else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "vox_offset \(offset) is not a whole byte offset of at least \(minimumOffset)")
        }
        dataOffset = Int(offset)
    }

    /// Whether scl_slope and scl_inter change the values: the slope is neither 0 nor NaN, and the
    /// pair is not (1, 0).
    public var appliesScaling: Bool {
        sclSlope != 0 && !sclSlope.isNaN && !(sclSlope == 1 && (sclInter == 0 || sclInter.isNaN))
    }

    /// Voxel axis (0, 1 or 2) closest to the world z (inferior-superior) axis, the axis across
    /// which axial slices are taken.
    ///
    /// Uses the sform when `sform_code` > 0, else the qform rotation when `qform_code` > 0
    /// (quaternion to matrix as in `nifti1.h`, method 2), else axis 2 (method 1, no orientation).
    /// The axis whose direction vector has the largest |z| component relative to its length wins;
    /// a tie goes to the higher axis.
    public var axialAxis: Int {
        var zComponents: [Double]
        if sformCode > 0 {
            zComponents = (0..<3).map { column in
                let length = (0..<3).map { sform[$0][column] * sform[$0][column] }.reduce(0, +).squareRoot()
                return length > 0 ? abs(sform[2][column]) / length : 0
            }
        } else if qformCode > 0 {
            let (b, c, d) = (quaternion[0], quaternion[1], quaternion[2])
            let a = max(0, 1 - (b * b + c * c + d * d)).squareRoot()
            zComponents = [abs(2 * b * d - 2 * a * c), abs(2 * c * d + 2 * a * b), abs(a * a + d * d - c * c - b * b)]
        } else {
            return 2
        }
        if zComponents.contains(where: { !$0.isFinite }) {
            return 2
        }
        var best = 2
        for axis in [1, 0] where zComponents[axis] > zComponents[best] {
            best = axis
        }
        return best
    }

    /// Voxels per 3-D volume, or nil on overflow.
    public var voxelsPerVolume: Int? {
        checkedProduct(Array(dimensions[0..<3]))
    }
}

/// Fixed-offset reads in a given byte order; the caller has checked the buffer length.
private struct EndianReader {
    let bytes: [UInt8]
    let bigEndian: Bool

    func int16(_ offset: Int) -> Int16 {
        let raw = load(bytes, offset, as: Int16.self)
        return bigEndian ? Int16(bigEndian: raw) : Int16(littleEndian: raw)
    }

    func int32(_ offset: Int) -> Int32 {
        let raw = load(bytes, offset, as: Int32.self)
        return bigEndian ? Int32(bigEndian: raw) : Int32(littleEndian: raw)
    }

    func int64(_ offset: Int) -> Int {
        let raw = load(bytes, offset, as: Int64.self)
        return Int(bigEndian ? Int64(bigEndian: raw) : Int64(littleEndian: raw))
    }

    func float32(_ offset: Int) -> Float {
        Float(bitPattern: UInt32(bitPattern: int32(offset)))
    }

    func float64(_ offset: Int) -> Double {
        Double(bitPattern: UInt64(bitPattern: Int64(int64(offset))))
    }
}

private func load<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, as type: T.Type) -> T {
    bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
}
