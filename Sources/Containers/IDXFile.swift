import ImageIO

/// Header of an IDX file, the format in which MNIST and Fashion-MNIST are distributed.
///
/// Layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
/// 0x0D float32, 0x0E float64), the number of dimensions n, then n big-endian UInt32 sizes,
/// then the samples in C order, big-endian.
public struct IDXHeader: Sendable, Hashable {
    public var layout: SampleLayout
    public var dimensions: [Int]
    /// Byte offset of the first sample: 4 + 4n.
    public var dataOffset: Int

    /// Largest number of dimensions accepted. MNIST uses 1 (labels) and 3 (images).
    public static let maxDimensions = 8

    /// Bytes of uncompressed data needed to parse a header of `maxDimensions`.
    public static let maxHeaderBytes = 4 + 4 * maxDimensions

    /// Parses the header at the start of uncompressed IDX data.
    ///
    /// Throws `.truncated` when `bytes` ends inside the header, `.corrupt` for a wrong magic, an
    /// unknown type code, 0 or more than `maxDimensions` dimensions.
    public init(_ bytes: [UInt8], path: String) throws(ImageIOError) {
        guard bytes.count >= 4 else {
            throw ImageIOError(kind: .truncated, path: path, detail: "IDX header needs 4 bytes, the data has \(bytes.count)")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw ImageIOError(
                kind: .corrupt, path: path,
                detail: "IDX magic must start with two zero bytes, found \(hexBytes(bytes.prefix(4)))")
        }
        let types: [UInt8: SampleType] = [0x08: .uint8, 0x09: .int8, 0x0B: .int16, 0x0C: .int32, 0x0D: .float32, 0x0E: .float64]
        guard let type = types[bytes[2]] else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "unknown IDX type code 0x\(hexBytes([bytes[2]]))")
        }
        let count = Int(bytes[3])
        guard (1...Self.maxDimensions).contains(count) else {
            throw ImageIOError(
                kind: .corrupt, path: path, detail: "IDX header declares \(count) dimensions; 1 to \(Self.maxDimensions) are read")
        }
        guard bytes.count >= 4 + 4 * count else {
            throw ImageIOError(
                kind: .truncated, path: path, detail: "IDX header of \(count) dimensions needs \(4 + 4 * count) bytes, the data has \(bytes.count)")
        }

        layout = SampleLayout(type: type, bigEndian: true)
        dimensions = (0..<count).map { axis in
            let offset = 4 + 4 * axis
            return Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        }
        dataOffset = 4 + 4 * count
    }
}

/// Reads IDX files, plain or gzip-compressed (detected from the gzip magic 1F 8B, not the name).
public enum IDXFile {
    /// Parses the header only; for gzip data, inflates just the header bytes.
    public static func header(of fileBytes: [UInt8], path: String) throws(ImageIOError) -> IDXHeader {
        let head = isGzip(fileBytes)
            ? try inflate(fileBytes[...], format: .gzip, prefix: IDXHeader.maxHeaderBytes, path: path)
            : Array(fileBytes.prefix(IDXHeader.maxHeaderBytes))
        return try IDXHeader(head, path: path)
    }

    /// Returns the whole uncompressed content. The output of a gzip file is limited to the size
    /// its header declares, so a corrupt stream cannot grow without bound.
    public static func contents(of fileBytes: [UInt8], path: String) throws(ImageIOError) -> (IDXHeader, [UInt8]) {
        let header = try header(of: fileBytes, path: path)
        guard let samples = checkedProduct(header.dimensions), let bytes = checkedProduct([samples, header.layout.type.size]),
              bytes <= defaultMaxInflatedBytes
        else {
            throw ImageIOError(
                kind: .tooLarge, path: path,
                detail: "IDX dimensions \(header.dimensions) need more than \(defaultMaxInflatedBytes) bytes")
        }
        let expected = header.dataOffset + bytes
        guard isGzip(fileBytes) else {
            return (header, fileBytes)
        }
        return (header, try inflate(fileBytes[...], format: .gzip, maxOutput: expected, prefix: expected, path: path))
    }

    /// Reads an image file: dimensions (N, H, W) or (N, H, W, C).
    public static func images(of fileBytes: [UInt8], path: String) throws(ImageIOError) -> ImageStack {
        let (header, data) = try contents(of: fileBytes, path: path)
        guard header.dimensions.count >= 3, let shape = StackShape(arrayShape: header.dimensions) else {
            throw ImageIOError(
                kind: .unsupported, path: path,
                detail: "IDX dimensions \(header.dimensions) are not images (N, H, W) or (N, H, W, C)")
        }
        return try ImageStack(data: data, dataOffset: header.dataOffset, shape: shape, layout: header.layout, format: .idx, path: path)
    }

    /// Reads a label file: one integer per item, dimensions (N).
    public static func labels(of fileBytes: [UInt8], path: String) throws(ImageIOError) -> [Int] {
        let (header, data) = try contents(of: fileBytes, path: path)
        guard header.dimensions.count == 1, header.layout.type != .float32, header.layout.type != .float64 else {
            throw ImageIOError(
                kind: .unsupported, path: path,
                detail: "IDX labels must be one integer per item, found dimensions \(header.dimensions) of \(header.layout.type.rawValue)")
        }
        return try integerLabels(data, offset: header.dataOffset, count: header.dimensions[0], layout: header.layout, path: path)
    }
}

/// Reads `count` integer samples at `offset`; throws `.truncated` when the data is shorter and
/// `.corrupt` for a value outside ±2^31.
func integerLabels(_ data: [UInt8], offset: Int, count: Int, layout: SampleLayout, path: String) throws(ImageIOError) -> [Int] {
    guard offset >= 0, offset <= data.count, let bytes = checkedProduct([count, layout.type.size]), bytes <= data.count - offset else {
        throw ImageIOError(
            kind: .truncated, path: path,
            detail: "\(count) labels of \(layout.type.size) bytes after offset \(offset) do not fit in \(data.count) bytes")
    }
    var values: [Float] = []
    data.withUnsafeBytes { raw in
        _ = layout.appendSamples(raw, offset: offset, count: count, to: &values)
    }
    if let bad = values.firstIndex(where: { !($0.magnitude < 2_147_483_648) }) {
        throw ImageIOError(kind: .corrupt, path: path, detail: "label \(bad) is \(values[bad]), not a class index")
    }
    return values.map { Int($0) }
}

/// Returns whether data starts with the gzip magic bytes 1F 8B.
public func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
}

/// Upper-case hex of bytes separated by spaces, for error messages.
func hexBytes<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    bytes.map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }.joined(separator: " ")
}
