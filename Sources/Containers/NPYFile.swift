import ImageIO

/// Header of a NumPy `.npy` array (format versions 1.0, 2.0 and 3.0, as documented in
/// `numpy.lib.format`).
///
/// Layout: the magic `\x93NUMPY`, major and minor version bytes, the header length (UInt16
/// little-endian in version 1, UInt32 in 2 and 3), then a Python dict literal such as
/// `{'descr': '<u1', 'fortran_order': False, 'shape': (546, 28, 28), }` and the data.
public struct NPYHeader: Sendable, Hashable {
    public var layout: SampleLayout
    public var shape: [Int]
    public var fortranOrder: Bool
    /// Byte offset of the data from the start of the `.npy` content.
    public var dataOffset: Int

    /// Largest header accepted: the format pads headers to 64 bytes and numpy writes a few
    /// hundred at most, so anything longer is corrupt.
    public static let maxHeaderLength = 1 << 16

    /// Parses the header; `bytes` may hold only the start of the file (`maxHeaderLength` + 12 bytes
    /// are enough). Throws `.truncated`, `.corrupt` or `.unsupported` (structured or object dtypes,
    /// byte strings) with the value found.
    public init(_ bytes: [UInt8], path: String) throws(ImageIOError) {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10 else {
            throw ImageIOError(kind: .truncated, path: path, detail: "NumPy header needs 10 bytes, the data has \(bytes.count)")
        }
        guard bytes.starts(with: magic) else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "no NumPy magic \\x93NUMPY, found \(hexBytes(bytes.prefix(6)))")
        }
        let major = bytes[6]
        let lengthBytes: Int
        switch major {
        case 1: lengthBytes = 2
        case 2, 3: lengthBytes = 4
        default:
            throw ImageIOError(kind: .unsupported, path: path, detail: "NumPy format version \(major).\(bytes[7]); versions 1 to 3 are read")
        }
        guard bytes.count >= 8 + lengthBytes else {
            throw ImageIOError(kind: .truncated, path: path, detail: "NumPy header length field ends after \(bytes.count) bytes")
        }
        var length = 0
        for position in (0..<lengthBytes).reversed() {
            length = length << 8 | Int(bytes[8 + position])
        }
        guard length <= Self.maxHeaderLength else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "NumPy header length \(length) exceeds \(Self.maxHeaderLength) bytes")
        }
        let start = 8 + lengthBytes
        guard bytes.count >= start + length else {
            throw ImageIOError(kind: .truncated, path: path, detail: "NumPy header of \(length) bytes ends after \(bytes.count) bytes")
        }

        let text = String(decoding: bytes[start..<start + length], as: UTF8.self)
        let descr = try Self.stringValue(of: "descr", in: text, path: path)
        layout = try Self.layout(descr, path: path)
        fortranOrder = try Self.literal(of: "fortran_order", in: text, path: path) == "True"
        shape = try Self.shape(in: text, path: path)
        dataOffset = start + length
    }

    /// Returns the text after `'key':` up to the next `,` or `}`, without surrounding spaces.
    private static func literal(of key: String, in text: String, path: String) throws(ImageIOError) -> String {
        guard let keyRange = text.firstRange(of: "'\(key)'") ?? text.firstRange(of: "\"\(key)\""),
              let colon = text[keyRange.upperBound...].firstIndex(of: ":")
        else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "NumPy header has no '\(key)' key: \(text)")
        }
        let rest = text[text.index(after: colon)...]
        let end = rest.firstIndex { $0 == "," || $0 == "}" } ?? rest.endIndex
        return rest[..<end].trimmingSpaces()
    }

    private static func stringValue(of key: String, in text: String, path: String) throws(ImageIOError) -> String {
        let raw = try literal(of: key, in: text, path: path)
        guard raw.count >= 2, let first = raw.first, first == "'" || first == "\"", raw.last == first else {
            throw ImageIOError(kind: .unsupported, path: path, detail: "NumPy dtype \(raw) is not a simple type such as '<u1'")
        }
        return String(raw.dropFirst().dropLast())
    }

    private static func shape(in text: String, path: String) throws(ImageIOError) -> [Int] {
        guard let keyRange = text.firstRange(of: "'shape'") ?? text.firstRange(of: "\"shape\""),
              let open = text[keyRange.upperBound...].firstIndex(of: "("),
              let close = text[open...].firstIndex(of: ")")
        else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "NumPy header has no 'shape' tuple: \(text)")
        }
        var shape: [Int] = []
        for field in text[text.index(after: open)..<close].split(separator: ",") {
            let digits = String(field).trimmingSpaces()
            if digits.isEmpty { continue }
            guard let value = Int(digits), value >= 0 else {
                throw ImageIOError(kind: .corrupt, path: path, detail: "NumPy shape entry '\(digits)' is not a size")
            }
            shape.append(value)
        }
        return shape
    }

    /// Maps a dtype string (`<u1`, `|b1`, `>f4`, ...) to a sample layout.
    private static func layout(_ descr: String, path: String) throws(ImageIOError) -> SampleLayout {
        let types: [String: SampleType] = [
            "b1": .bool, "u1": .uint8, "i1": .int8, "u2": .uint16, "i2": .int16, "u4": .uint32, "i4": .int32,
            "u8": .uint64, "i8": .int64, "f4": .float32, "f8": .float64,
        ]
        guard descr.count >= 3, let order = descr.first, "<>|=".contains(order), let type = types[String(descr.dropFirst())] else {
            throw ImageIOError(
                kind: .unsupported, path: path,
                detail: "NumPy dtype '\(descr)'; bool, 8- to 64-bit integers, float32 and float64 are read")
        }
        return SampleLayout(type: type, bigEndian: order == ">")
    }
}

/// Reads `.npy` content that is already in memory (a file, or an uncompressed `.npz` member).
public enum NPYArray {
    /// Reads the array as images; see `StackShape(arrayShape:)` for the accepted shapes.
    public static func images(_ bytes: [UInt8], path: String) throws(ImageIOError) -> ImageStack {
        let header = try NPYHeader(bytes, path: path)
        try rejectFortranOrder(header, path: path)
        guard let shape = StackShape(arrayShape: header.shape) else {
            throw ImageIOError(
                kind: .unsupported, path: path,
                detail: "NumPy shape \(header.shape) is not images (H, W), (N, H, W) or (N, H, W, C) with C of 1 to 4")
        }
        return try ImageStack(data: bytes, dataOffset: header.dataOffset, shape: shape, layout: header.layout, format: .npy, path: path)
    }

    /// Reads integer labels of shape (N) or (N, L); returns N rows of L values.
    public static func labels(_ bytes: [UInt8], path: String) throws(ImageIOError) -> [[Int]] {
        let header = try NPYHeader(bytes, path: path)
        try rejectFortranOrder(header, path: path)
        guard (1...2).contains(header.shape.count) else {
            throw ImageIOError(kind: .unsupported, path: path, detail: "NumPy label shape \(header.shape); (N) or (N, L) is read")
        }
        let rows = header.shape[0]
        let columns = header.shape.count == 2 ? header.shape[1] : 1
        guard let count = checkedProduct([rows, columns]) else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "NumPy label shape \(header.shape) overflows")
        }
        let values = try integerLabels(bytes, offset: header.dataOffset, count: count, layout: header.layout, path: path)
        guard columns > 0 else {
            throw ImageIOError(kind: .unsupported, path: path, detail: "NumPy label shape \(header.shape) has no label columns")
        }
        return (0..<rows).map { row in Array(values[row * columns..<(row + 1) * columns]) }
    }

    private static func rejectFortranOrder(_ header: NPYHeader, path: String) throws(ImageIOError) {
        if header.fortranOrder && header.shape.filter({ $0 > 1 }).count > 1 {
            throw ImageIOError(
                kind: .unsupported, path: path,
                detail: "NumPy array of shape \(header.shape) is stored in Fortran order; save it with numpy.ascontiguousarray")
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
