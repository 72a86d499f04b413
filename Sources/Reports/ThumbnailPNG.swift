internal import CImageCodecs
import Foundation

/// Failure to encode a thumbnail, with libpng's message.
struct ThumbnailEncodingError: Error, CustomStringConvertible {
    var width: Int
    var height: Int
    var message: String

    var description: String {
        "PNG encoding of a \(width) x \(height) thumbnail failed (\(message))"
    }
}

/// Encodes 8-bit grey samples (row-major, `width * height` bytes) as PNG file bytes via libpng.
func encodeGreyPNG(_ pixels: [UInt8], width: Int, height: Int) throws(ThumbnailEncodingError) -> [UInt8] {
    guard width > 0, height > 0, pixels.count == width * height else {
        throw ThumbnailEncodingError(width: width, height: height, message: "\(pixels.count) samples given, expected \(width * height)")
    }

    var output: UnsafeMutablePointer<UInt8>?
    var size = 0
    var message = ia_message()
    let status = pixels.withUnsafeBufferPointer { buffer in
        ia_png_encode_grey8(buffer.baseAddress, Int32(width), Int32(height), &output, &size, &message)
    }
    guard status == IA_OK, let output else {
        let text = withUnsafeBytes(of: message.text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        throw ThumbnailEncodingError(width: width, height: height, message: text.isEmpty ? "status \(status.rawValue)" : text)
    }
    defer { ia_buffer_free(output) }
    return Array(UnsafeBufferPointer(start: output, count: size))
}
