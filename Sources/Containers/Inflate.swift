import CZlib
import ImageIO

/// Compressed streams that `inflate(_:format:maxOutput:prefix:path:)` reads.
public enum CompressedFormat: Sendable {
    /// gzip (RFC 1952), one member or several concatenated ones, as `gzip` writes them.
    case gzip
    /// Raw deflate (RFC 1951) without header or trailer: ZIP compression method 8.
    case rawDeflate
}

/// Default ceiling of one decompressed buffer: 4 GiB. It bounds what a corrupt or hostile
/// stream can make the reader allocate, far above any image container this tool audits.
public let defaultMaxInflatedBytes = 1 << 32

/// Decompresses `input` with zlib's `inflate`.
///
/// The output grows by doubling from an estimate (4 times the input, at least 64 KiB, at most
/// `maxOutput`), so a header's declared size is never trusted for the allocation.
/// - `prefix`: when given, stops once that many bytes are out and returns exactly those bytes,
///   or fewer when the stream ends or is cut short, so a header is read without inflating the rest.
/// - Throws `.truncated` when the input ends inside the stream (without `prefix`), `.corrupt`
///   with zlib's message for invalid data, and `.tooLarge` when the output would exceed
///   `maxOutput` bytes.
public func inflate(
    _ input: ArraySlice<UInt8>, format: CompressedFormat, maxOutput: Int = defaultMaxInflatedBytes,
    prefix: Int? = nil, path: String
) throws(ImageIOError) -> [UInt8] {
    let limit = min(maxOutput, prefix ?? Int.max)
    var capacity = min(limit, max(1 << 16, input.count.multipliedReportingOverflow(by: 4).partialValue))
    var output = [UInt8](repeating: 0, count: max(capacity, 1))
    var produced = 0
    var failure: ImageIOError?

    input.withUnsafeBufferPointer { source in
        var stream = z_stream()
        let windowBits: Int32 = format == .gzip ? 15 + 32 : -15
        guard ia_inflate_init2(&stream, windowBits) == Z_OK else {
            failure = ImageIOError(kind: .tooLarge, path: path, detail: "zlib: inflateInit2 failed (out of memory)")
            return
        }
        defer { inflateEnd(&stream) }

        var consumed = 0
        while true {
            // Grow the output when it is full and the limit allows.
            if produced == capacity {
                if produced >= limit {
                    if prefix == nil {
                        failure = ImageIOError(
                            kind: .tooLarge, path: path,
                            detail: "decompressed data exceeds \(limit) bytes; the stream is corrupt or not an image container")
                    }
                    return
                }
                capacity = min(limit, capacity.multipliedReportingOverflow(by: 2).partialValue)
                output.append(contentsOf: repeatElement(0, count: capacity - output.count))
            }

            // One inflate call over at most 1 GiB of input and output.
            let inputChunk = min(source.count - consumed, 1 << 30)
            let outputChunk = min(capacity - produced, 1 << 30)
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress.map { $0 + consumed })
            stream.avail_in = UInt32(inputChunk)
            let status = output.withUnsafeMutableBufferPointer { target in
                stream.next_out = target.baseAddress! + produced
                stream.avail_out = UInt32(outputChunk)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            consumed += inputChunk - Int(stream.avail_in)
            produced += outputChunk - Int(stream.avail_out)

            switch status {
            case Z_STREAM_END:
                // gzip allows several members in a row; anything else after the end is ignored.
                if format == .gzip, consumed + 1 < source.count, source[consumed] == 0x1F, source[consumed + 1] == 0x8B {
                    inflateReset(&stream)
                    continue
                }
                return
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // With a prefix, a short stream returns the bytes it gave and the caller checks the length.
                if produced < capacity && consumed == source.count {
                    if prefix == nil {
                        failure = ImageIOError(kind: .truncated, path: path, detail: "compressed stream ends after \(source.count) bytes")
                    }
                    return
                }
            case Z_MEM_ERROR:
                failure = ImageIOError(kind: .tooLarge, path: path, detail: "zlib: out of memory")
                return
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                failure = ImageIOError(kind: .corrupt, path: path, detail: "zlib: \(message)")
                return
            }
        }
    }

    if let failure {
        throw failure
    }
    output.removeSubrange(produced...)
    return output
}

/// CRC-32 (ISO 3309, as in ZIP and gzip) of `bytes`, from zlib.
public func crc32Checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBufferPointer { buffer in
        var crc = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < buffer.count {
            let chunk = min(buffer.count - offset, 1 << 30)
            crc = CZlib.crc32(crc, buffer.baseAddress! + offset, UInt32(chunk))
            offset += chunk
        }
        return UInt32(crc)
    }
}
