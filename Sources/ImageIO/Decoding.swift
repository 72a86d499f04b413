import CImageCodecs

/// A decoded image converted to Float planes of source-sized samples (not yet normalised).
struct DecodedPlanes {
    /// One plane (grey) or three (R, G, B), each `width * height` values, row-major.
    var planes: [[Float]]
    var width: Int
    var height: Int
    /// Declared sample bit depth: 8 for JPEG and palette PNG, else the PNG IHDR bit depth.
    var bitDepth: Int
    /// Bits that carry information: PNG sBIT (maximum over colour channels) when present,
    /// else `bitDepth`. Samples lie in 0...2^significantBits - 1.
    var significantBits: Int
    /// Whether every sample of every plane has the same value.
    var isConstant: Bool
}

/// Reads the header of a JPEG or PNG through the C codecs.
func readImageHeader(_ bytes: [UInt8], format: ImageFormat, path: String) throws(ImageIOError) -> ia_header {
    guard format == .jpeg || format == .png else {
        throw ImageIOError(kind: .unsupported, path: path, detail: "\(format.rawValue) data has no JPEG or PNG header")
    }
    var header = ia_header()
    var message = ia_message()
    let status = bytes.withUnsafeBufferPointer { buffer in
        switch format {
        case .jpeg:
            return ia_jpeg_read_header(buffer.baseAddress, buffer.count, &header, &message)
        default:
            // Only .png reaches here: the guard above rejects every other format.
            return ia_png_read_header(buffer.baseAddress, buffer.count, &header, &message)
        }
    }
    if status != IA_OK {
        throw codecError(status, format: format, message: message, path: path)
    }
    return header
}

/// Decodes a JPEG at scale 1/denominator into planes for `mode`.
///
/// For grey output of grey, YCbCr or RGB data, libjpeg returns one channel directly. For
/// YCbCr data that is the Y component, which JFIF defines with the BT.601 weights. So it equals
/// the BT.601 luma of the decoded RGB samples up to libjpeg's 8-bit rounding. CMYK data comes
/// back as RGB and gets luma here.
func decodeJPEG(
    _ bytes: [UInt8], header: ia_header, denominator: Int, mode: ChannelMode, path: String
) throws(ImageIOError) -> DecodedPlanes {
    var scaledWidth: Int32 = 0
    var scaledHeight: Int32 = 0
    ia_jpeg_scaled_size(header.width, header.height, Int32(denominator), &scaledWidth, &scaledHeight)
    let greyIsDirect = header.jpeg_color_space == 1 || header.jpeg_color_space == 2 || header.jpeg_color_space == 3
    let expectedChannels = header.components == 1 || (mode == .grey && greyIsDirect) ? 1 : 3
    let capacity = Int(scaledWidth) * Int(scaledHeight) * expectedChannels

    var width: Int32 = 0
    var height: Int32 = 0
    var channels: Int32 = 0
    var message = ia_message()
    var status = IA_OK
    let pixels = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
        bytes.withUnsafeBufferPointer { source in
            status = ia_jpeg_decode(
                source.baseAddress, source.count, Int32(denominator), mode == .grey ? 1 : 0,
                buffer.baseAddress, capacity, &width, &height, &channels, &message)
        }
        initialized = status == IA_OK ? Int(width) * Int(height) * Int(channels) : 0
    }
    if status != IA_OK {
        throw codecError(status, format: .jpeg, message: message, path: path)
    }

    return makePlanes(
        pixels, width: Int(width), height: Int(height), channels: Int(channels), mode: mode,
        bitDepth: 8, significantBits: 8)
}

/// Decodes a PNG into planes for `mode`, with sBIT applied as a right shift by depth - b.
///
/// The PNG specification requires samples with sBIT b to be scaled up to the full depth, and
/// such samples are shifted down to 0...2^b - 1. Medical exports often store unscaled values
/// instead (say 0...4095 in 16 bits with sBIT 12). Samples are taken as unscaled, and kept as
/// they are, when all are below 2^b and at least one has a nonzero bit among the low
/// depth - b bits (which a scaled sample below 2^b never has). Palette images get libpng's shift.
func decodePNG(_ bytes: [UInt8], header: ia_header, mode: ChannelMode, path: String) throws(ImageIOError) -> DecodedPlanes {
    let isPalette = header.png_color_type == 3
    let bitDepth = isPalette ? 8 : Int(header.bit_depth)
    let significantBits = header.significant_bits > 0 ? Int(header.significant_bits) : bitDepth
    let expectedChannels = header.components <= 2 ? 1 : 3
    let sampleCount = Int(header.width) * Int(header.height) * expectedChannels

    var width: Int32 = 0
    var height: Int32 = 0
    var channels: Int32 = 0
    var bytesPerSample: Int32 = 0
    var message = ia_message()
    var status = IA_OK
    func decode(into buffer: UnsafeMutableRawBufferPointer) {
        bytes.withUnsafeBufferPointer { source in
            status = ia_png_decode(
                source.baseAddress, source.count, isPalette ? 1 : 0, buffer.baseAddress, buffer.count,
                &width, &height, &channels, &bytesPerSample, &message)
        }
    }

    // 16-bit samples arrive as native-endian UInt16, others as UInt8.
    let shift = isPalette ? 0 : bitDepth - significantBits
    if header.bit_depth == 16 {
        var pixels = [UInt16](unsafeUninitializedCapacity: sampleCount) { buffer, initialized in
            decode(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = status == IA_OK ? sampleCount : 0
        }
        try checkPNGLayout(status, message: message, channels: channels, expected: expectedChannels, bytesPerSample: bytesPerSample, expectedBytes: 2, path: path)
        applySignificantBits(&pixels, shift: shift, significantBits: significantBits)
        return makePlanes(pixels, width: Int(width), height: Int(height), channels: Int(channels), mode: mode, bitDepth: bitDepth, significantBits: significantBits)
    }
    var pixels = [UInt8](unsafeUninitializedCapacity: sampleCount) { buffer, initialized in
        decode(into: UnsafeMutableRawBufferPointer(buffer))
        initialized = status == IA_OK ? sampleCount : 0
    }
    try checkPNGLayout(status, message: message, channels: channels, expected: expectedChannels, bytesPerSample: bytesPerSample, expectedBytes: 1, path: path)
    applySignificantBits(&pixels, shift: shift, significantBits: significantBits)
    return makePlanes(pixels, width: Int(width), height: Int(height), channels: Int(channels), mode: mode, bitDepth: bitDepth, significantBits: significantBits)
}

/// Shifts sBIT-scaled samples right by `shift` bits, unless they are unscaled (see `decodePNG`).
private func applySignificantBits<Sample: FixedWidthInteger & UnsignedInteger>(
    _ pixels: inout [Sample], shift: Int, significantBits: Int
) {
    guard shift > 0 else {
        return
    }
    let lowMask = Sample((1 << shift) - 1)
    let limit = Sample(1 << significantBits)
    let isUnscaled = pixels.allSatisfy { $0 < limit } && pixels.contains { $0 & lowMask != 0 }
    if isUnscaled {
        return
    }
    for i in pixels.indices {
        pixels[i] >>= Sample(shift)
    }
}

private func checkPNGLayout(
    _ status: ia_status, message: ia_message, channels: Int32, expected: Int, bytesPerSample: Int32, expectedBytes: Int,
    path: String
) throws(ImageIOError) {
    if status != IA_OK {
        throw codecError(status, format: .png, message: message, path: path)
    }
    precondition(
        Int(channels) == expected && Int(bytesPerSample) == expectedBytes,
        "ia_png_decode returned \(channels) channels of \(bytesPerSample) bytes, expected \(expected) of \(expectedBytes)")
}

/// Converts interleaved samples to Float planes: grey from RGB is BT.601 luma
/// Y = 0.299 R + 0.587 G + 0.114 B computed in Float, and RGB from grey copies the plane.
private func makePlanes<Sample: BinaryInteger>(
    _ pixels: [Sample], width: Int, height: Int, channels: Int, mode: ChannelMode, bitDepth: Int, significantBits: Int
) -> DecodedPlanes {
    let count = width * height
    var planes: [[Float]]
    switch (channels, mode) {
    case (1, .grey):
        planes = [pixels.map { Float($0) }]
    case (1, .rgb):
        let grey = pixels.map { Float($0) }
        planes = [grey, grey, grey]
    case (_, .grey):
        var luma = [Float](repeating: 0, count: count)
        pixels.withUnsafeBufferPointer { source in
            for i in 0..<count {
                let red = Float(source[3 * i])
                let green = Float(source[3 * i + 1])
                let blue = Float(source[3 * i + 2])
                luma[i] = 0.299 * red + 0.587 * green + 0.114 * blue
            }
        }
        planes = [luma]
    case (_, .rgb):
        planes = [[Float]](repeating: [Float](repeating: 0, count: count), count: 3)
        pixels.withUnsafeBufferPointer { source in
            for channel in 0..<3 {
                planes[channel].withUnsafeMutableBufferPointer { plane in
                    for i in 0..<count {
                        plane[i] = Float(source[3 * i + channel])
                    }
                }
            }
        }
    }

    let first = planes[0].first ?? 0
    let isConstant = planes.allSatisfy { plane in plane.allSatisfy { $0 == first } }
    return DecodedPlanes(
        planes: planes, width: width, height: height, bitDepth: bitDepth, significantBits: significantBits,
        isConstant: isConstant)
}

/// Maps a C codec status and message to an ImageIOError.
private func codecError(_ status: ia_status, format: ImageFormat, message: ia_message, path: String) -> ImageIOError {
    let library = format == .jpeg ? "libjpeg" : "libpng"
    let text = withUnsafeBytes(of: message.text) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
    let detail = "\(library): \(text.isEmpty ? "no message" : text)"
    switch status {
    case IA_TRUNCATED:
        return ImageIOError(kind: .truncated, path: path, detail: detail)
    case IA_UNSUPPORTED:
        return ImageIOError(kind: .unsupported, path: path, detail: detail)
    case IA_NO_MEMORY:
        return ImageIOError(kind: .tooLarge, path: path, detail: detail)
    default:
        return ImageIOError(kind: .corrupt, path: path, detail: detail)
    }
}
