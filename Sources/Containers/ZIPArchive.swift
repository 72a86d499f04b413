import ImageIO

/// One file in a ZIP archive, from its central directory record.
public struct ZIPEntry: Sendable, Hashable {
    public var name: String
    /// 0 stored, 8 deflated; other methods are rejected when the entry is extracted.
    public var method: Int
    public var compressedSize: Int
    public var uncompressedSize: Int
    public var crc32: UInt32
    public var localHeaderOffset: Int
}

/// The central directory of a ZIP archive in memory (PKWARE APPNOTE 6.3.x, sections 4.3 and 4.5),
/// with ZIP64 sizes and offsets, as `numpy.savez` writes them.
///
/// Every size and offset is checked against the archive length before use, so a corrupt
/// archive gives an error and never an out-of-range read. Encrypted entries, multi-disk archives
/// and compression methods other than stored and deflate are rejected with the value found.
public struct ZIPArchive: Sendable {
    public let entries: [ZIPEntry]
    let bytes: [UInt8]
    let path: String

    /// Largest number of central directory records accepted; a corrupt count beyond the archive
    /// length is caught earlier, this bounds the work on a valid-looking one.
    public static let maxEntries = 1 << 20

    public init(_ bytes: [UInt8], path: String) throws(ImageIOError) {
        self.bytes = bytes
        self.path = path

        // End of central directory: signature 50 4B 05 06 within the last 22 + 65535 bytes.
        let reader = ByteReader(bytes: bytes, path: path)
        guard bytes.count >= 22 else {
            throw ImageIOError(kind: .truncated, path: path, detail: "ZIP archive of \(bytes.count) bytes has no end record")
        }
        var end = -1
        var candidate = bytes.count - 22
        while candidate >= max(0, bytes.count - 22 - 65535) {
            if bytes[candidate] == 0x50 && bytes[candidate + 1] == 0x4B && bytes[candidate + 2] == 5 && bytes[candidate + 3] == 6 {
                end = candidate
                break
            }
            candidate -= 1
        }
        guard end >= 0 else {
            throw ImageIOError(
                kind: .truncated, path: path,
                detail: "no ZIP end-of-central-directory record in the last 65,557 bytes; the archive is incomplete")
        }
        var count = try reader.uint(at: end + 10, size: 2)
        var directorySize = try reader.uint(at: end + 12, size: 4)
        var directoryOffset = try reader.uint(at: end + 16, size: 4)
        let diskNumber = try reader.uint(at: end + 4, size: 2)
        let directoryDisk = try reader.uint(at: end + 6, size: 2)
        if diskNumber != 0 || directoryDisk != 0 {
            throw ImageIOError(kind: .unsupported, path: path, detail: "multi-disk ZIP archives are not read")
        }

        // ZIP64 end record, located through its locator just before the end record.
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF,
           end >= 20, try reader.uint(at: end - 20, size: 4) == 0x0706_4B50 {
            let record = try reader.uint(at: end - 20 + 8, size: 8)
            guard try reader.uint(at: record, size: 4) == 0x0606_4B50 else {
                throw ImageIOError(kind: .corrupt, path: path, detail: "ZIP64 end record expected at offset \(record)")
            }
            count = try reader.uint(at: record + 32, size: 8)
            directorySize = try reader.uint(at: record + 40, size: 8)
            directoryOffset = try reader.uint(at: record + 48, size: 8)
        }
        guard count <= Self.maxEntries, directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw ImageIOError(
                kind: .corrupt, path: path,
                detail: "ZIP central directory of \(count) entries, \(directorySize) bytes at offset \(directoryOffset), lies outside the \(bytes.count)-byte archive")
        }

        // Central directory records: signature 50 4B 01 02.
        var entries: [ZIPEntry] = []
        var position = directoryOffset
        for index in 0..<count {
            guard try reader.uint(at: position, size: 4) == 0x0201_4B50 else {
                throw ImageIOError(kind: .corrupt, path: path, detail: "ZIP central directory record \(index) at offset \(position) has a wrong signature")
            }
            let flags = try reader.uint(at: position + 8, size: 2)
            let method = try reader.uint(at: position + 10, size: 2)
            let crc = UInt32(try reader.uint(at: position + 16, size: 4))
            var compressed = try reader.uint(at: position + 20, size: 4)
            var uncompressed = try reader.uint(at: position + 24, size: 4)
            let nameLength = try reader.uint(at: position + 28, size: 2)
            let extraLength = try reader.uint(at: position + 30, size: 2)
            let commentLength = try reader.uint(at: position + 32, size: 2)
            var localOffset = try reader.uint(at: position + 42, size: 4)
            let nameStart = position + 46
            let name = String(decoding: try reader.slice(at: nameStart, count: nameLength), as: UTF8.self)
            guard flags & 1 == 0 else {
                throw ImageIOError(kind: .unsupported, path: path, detail: "ZIP entry '\(name)' is encrypted")
            }

            // ZIP64 extra field (id 0x0001): 8-byte values for each field that is 0xFFFFFFFF, in order.
            var extra = nameStart + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try reader.uint(at: extra, size: 2)
                let size = try reader.uint(at: extra + 2, size: 2)
                if id == 1 {
                    var field = extra + 4
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try reader.uint(at: field, size: 8); field += 8 }
                    if compressed == 0xFFFF_FFFF { compressed = try reader.uint(at: field, size: 8); field += 8 }
                    if localOffset == 0xFFFF_FFFF { localOffset = try reader.uint(at: field, size: 8) }
                }
                extra += 4 + size
            }

            entries.append(ZIPEntry(
                name: name, method: method, compressedSize: compressed, uncompressedSize: uncompressed,
                crc32: crc, localHeaderOffset: localOffset))
            position = extraEnd + commentLength
        }
        self.entries = entries
    }

    /// Returns the entry named `name`, or nil.
    public func entry(named name: String) -> ZIPEntry? {
        entries.first { $0.name == name }
    }

    /// Extracts an entry, or only its first `prefix` bytes, and checks its CRC-32 when whole.
    ///
    /// The output is bounded by the entry's declared uncompressed size. Throws `.truncated` when the
    /// data ends early, `.corrupt` for a bad local header or CRC mismatch, `.unsupported` for a
    /// compression method other than stored (0) and deflate (8).
    public func extract(_ entry: ZIPEntry, prefix: Int? = nil) throws(ImageIOError) -> [UInt8] {
        let reader = ByteReader(bytes: bytes, path: path)
        let local = entry.localHeaderOffset
        guard try reader.uint(at: local, size: 4) == 0x0403_4B50 else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "ZIP entry '\(entry.name)' has no local header at offset \(local)")
        }
        let dataStart = local + 30 + (try reader.uint(at: local + 26, size: 2)) + (try reader.uint(at: local + 28, size: 2))
        guard dataStart <= bytes.count, entry.compressedSize <= bytes.count - dataStart else {
            throw ImageIOError(
                kind: .truncated, path: path,
                detail: "ZIP entry '\(entry.name)' needs \(entry.compressedSize) bytes at offset \(dataStart), the archive has \(bytes.count)")
        }
        let data = bytes[dataStart..<dataStart + entry.compressedSize]
        let requestedBytes = min(prefix ?? Int.max, entry.uncompressedSize)

        let output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw ImageIOError(
                    kind: .corrupt, path: path,
                    detail: "stored ZIP entry '\(entry.name)' declares \(entry.compressedSize) compressed and \(entry.uncompressedSize) uncompressed bytes")
            }
            output = Array(data.prefix(requestedBytes))
        case 8:
            output = try inflate(data, format: .rawDeflate, maxOutput: requestedBytes, prefix: requestedBytes, path: path)
        default:
            throw ImageIOError(
                kind: .unsupported, path: path,
                detail: "ZIP entry '\(entry.name)' uses compression method \(entry.method); stored (0) and deflate (8) are read")
        }

        guard output.count == requestedBytes else {
            throw ImageIOError(
                kind: .truncated, path: path,
                detail: "ZIP entry '\(entry.name)' gives \(output.count) of \(requestedBytes) bytes")
        }
        if prefix == nil || requestedBytes == entry.uncompressedSize, crc32Checksum(output[...]) != entry.crc32 {
            throw ImageIOError(kind: .corrupt, path: path, detail: "ZIP entry '\(entry.name)' fails its CRC-32 check")
        }
        return output
    }
}

/// Little-endian reads that throw `.truncated` instead of reading past the end.
struct ByteReader {
    let bytes: [UInt8]
    let path: String

    func uint(at offset: Int, size: Int) throws(ImageIOError) -> Int {
        guard offset >= 0, offset <= bytes.count - size else {
            throw ImageIOError(kind: .truncated, path: path, detail: "a \(size)-byte field at offset \(offset) lies beyond the \(bytes.count)-byte data")
        }
        var value: UInt64 = 0
        for position in (0..<size).reversed() {
            value = value << 8 | UInt64(bytes[offset + position])
        }
        guard value <= UInt64(Int.max >> 1) else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "field at offset \(offset) is \(value), beyond any valid size")
        }
        return Int(value)
    }

    func slice(at offset: Int, count: Int) throws(ImageIOError) -> ArraySlice<UInt8> {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else {
            throw ImageIOError(kind: .truncated, path: path, detail: "\(count) bytes at offset \(offset) lie beyond the \(bytes.count)-byte data")
        }
        return bytes[offset..<offset + count]
    }
}
