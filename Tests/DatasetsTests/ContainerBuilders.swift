import Containers
import Foundation

// Byte-level writers of the container formats, so tests state every header field they rely on.
// Compressed streams use deflate stored blocks (RFC 1951 section 3.2.4), which every inflater reads.

/// IDX data: magic 00 00 type n, big-endian UInt32 sizes, then `payload` unchanged.
func idxBytes(typeCode: UInt8 = 0x08, dimensions: [Int], payload: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, typeCode, UInt8(dimensions.count)]
    for size in dimensions {
        bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
    }
    return bytes + payload
}

/// Raw deflate of `data` in stored blocks of at most 65,535 bytes.
func deflateStored(_ data: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    var offset = 0
    repeat {
        let length = min(65_535, data.count - offset)
        let final: UInt8 = offset + length == data.count ? 1 : 0
        output += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
        output += data[offset..<offset + length]
        offset += length
    } while offset < data.count
    return output
}

/// Returns a one-member gzip file of `data` (RFC 1952) with CRC-32 and size trailer.
func gzipStored(_ data: [UInt8]) -> [UInt8] {
    let header: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
    return header + deflateStored(data) + littleEndian(UInt64(crc32Checksum(data[...])), 4) + littleEndian(UInt64(data.count), 4)
}

/// `.npy` version 1.0 content with a header padded to a multiple of 64 bytes.
func npyBytes(descr: String, shape: [Int], payload: [UInt8], fortranOrder: Bool = false) -> [UInt8] {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    while (10 + header.utf8.count + 1) % 64 != 0 {
        header += " "
    }
    header += "\n"
    let length = header.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + payload
}

/// Returns a ZIP archive of `entries`, stored (method 0) or deflated in stored blocks (method 8).
func zipBytes(_ entries: [(name: String, data: [UInt8])], deflated: Bool = false) -> [UInt8] {
    var output: [UInt8] = []
    var directory: [UInt8] = []
    for entry in entries {
        let name = Array(entry.name.utf8)
        let stored = deflated ? deflateStored(entry.data) : entry.data
        let crc = UInt64(crc32Checksum(entry.data[...]))
        let method: UInt64 = deflated ? 8 : 0
        let offset = output.count
        output += littleEndian(0x0403_4B50, 4) + littleEndian(20, 2) + littleEndian(0, 2) + littleEndian(method, 2)
            + littleEndian(0, 4) + littleEndian(crc, 4) + littleEndian(UInt64(stored.count), 4)
            + littleEndian(UInt64(entry.data.count), 4) + littleEndian(UInt64(name.count), 2) + littleEndian(0, 2) + name
        output += stored
        directory += littleEndian(0x0201_4B50, 4) + littleEndian(20, 2) + littleEndian(20, 2) + littleEndian(0, 2)
            + littleEndian(method, 2) + littleEndian(0, 4) + littleEndian(crc, 4) + littleEndian(UInt64(stored.count), 4)
            + littleEndian(UInt64(entry.data.count), 4) + littleEndian(UInt64(name.count), 2) + littleEndian(0, 2)
            + littleEndian(0, 2) + littleEndian(0, 2) + littleEndian(0, 2) + littleEndian(0, 4)
            + littleEndian(UInt64(offset), 4) + name
    }
    let directoryOffset = output.count
    output += directory
    output += littleEndian(0x0605_4B50, 4) + littleEndian(0, 2) + littleEndian(0, 2)
        + littleEndian(UInt64(entries.count), 2) + littleEndian(UInt64(entries.count), 2)
        + littleEndian(UInt64(directory.count), 4) + littleEndian(UInt64(directoryOffset), 4) + littleEndian(0, 2)
    return output
}

/// Fields of a little-endian NIfTI-1 single-file header that the tests vary.
struct NIfTIFields {
    var dimensions: [Int]
    var datatype: Int16 = 2
    var bitpix: Int16 = 8
    var sclSlope: Float = 0
    var sclInter: Float = 0
    var pixdim: [Float] = [1, 1, 1, 1]
    var sformCode: Int16 = 0
    /// Rows x, y, z of the sform, 4 values each.
    var sform: [[Float]] = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    var magic = "n+1"
    var voxOffset: Float = 352
}

/// Returns a `.nii` file: 348-byte header, 4 zero extension bytes, then `payload` at offset 352 (or a
/// `.hdr` file followed by `payload` when `magic` is `ni1`).
func niftiBytes(_ fields: NIfTIFields, payload: [UInt8]) -> [UInt8] {
    var header = [UInt8](repeating: 0, count: 352)
    func put(_ value: [UInt8], at offset: Int) {
        header.replaceSubrange(offset..<offset + value.count, with: value)
    }
    put(littleEndian(348, 4), at: 0)
    var dim = [Int16](repeating: 1, count: 8)
    dim[0] = Int16(fields.dimensions.count)
    for (axis, size) in fields.dimensions.enumerated() { dim[axis + 1] = Int16(size) }
    for (index, value) in dim.enumerated() { put(littleEndian(UInt64(UInt16(bitPattern: value)), 2), at: 40 + 2 * index) }
    put(littleEndian(UInt64(UInt16(bitPattern: fields.datatype)), 2), at: 70)
    put(littleEndian(UInt64(UInt16(bitPattern: fields.bitpix)), 2), at: 72)
    for (index, value) in fields.pixdim.enumerated() { put(littleEndian(UInt64(value.bitPattern), 4), at: 76 + 4 * index) }
    put(littleEndian(UInt64(fields.voxOffset.bitPattern), 4), at: 108)
    put(littleEndian(UInt64(fields.sclSlope.bitPattern), 4), at: 112)
    put(littleEndian(UInt64(fields.sclInter.bitPattern), 4), at: 116)
    put(littleEndian(UInt64(UInt16(bitPattern: fields.sformCode)), 2), at: 254)
    for row in 0..<3 {
        for column in 0..<4 {
            put(littleEndian(UInt64(fields.sform[row][column].bitPattern), 4), at: 280 + 16 * row + 4 * column)
        }
    }
    put(Array(fields.magic.utf8) + [0], at: 344)
    return header + payload
}

func littleEndian(_ value: UInt64, _ size: Int) -> [UInt8] {
    (0..<size).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}

func floatBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { littleEndian(UInt64($0.bitPattern), 4) }
}

extension TemporaryFolder {
    /// Writes raw bytes to `relativePath`, creating folders as needed, and returns the absolute path.
    @discardableResult
    func write(_ relativePath: String, bytes: [UInt8]) throws -> String {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }
}
