/// Image formats that the decoders read. JPEG, PNG and DICOM are detected from the magic bytes;
/// the file name extension counts only for DICOM data without the 128-byte preamble (see
/// `init(magicBytes:path:)`). The array formats are read by the container readers, which pass
/// samples to `Preprocessor.preprocess(pixels:path:)`.
public enum ImageFormat: String, Sendable, Codable {
    /// JPEG/JFIF/Exif: the data starts with SOI and a marker, FF D8 FF.
    case jpeg
    /// PNG: the data starts with the 8-byte signature 89 50 4E 47 0D 0A 1A 0A.
    case png
    /// An image of an IDX array (MNIST layout).
    case idx
    /// An image of a NumPy array, from a `.npy` file or a member of an `.npz` archive.
    case npy
    /// A slice of a NIfTI-1 or NIfTI-2 volume.
    case nifti
    /// DICOM Part 10 file: a 128-byte preamble, then "DICM" at byte offset 128.
    case dicom

    /// Detects JPEG, PNG or DICOM from the first bytes, or returns nil for anything else.
    public init?(magicBytes bytes: [UInt8]) {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.count >= 132 && bytes[128] == 0x44 && bytes[129] == 0x49 && bytes[130] == 0x43 && bytes[131] == 0x4D {
            self = .dicom
        } else {
            return nil
        }
    }

    /// Detects the format from the first bytes, and takes data without a known signature as
    /// DICOM when `path` ends in ".dcm" (any case): such files may lack the preamble and meta
    /// header, and DCMTK then decides whether they parse.
    public init?(magicBytes bytes: [UInt8], path: String) {
        if let format = ImageFormat(magicBytes: bytes) {
            self = format
        } else if path.lowercased().hasSuffix(".dcm") {
            self = .dicom
        } else {
            return nil
        }
    }
}

/// Names what data that is neither JPEG nor PNG looks like, for error messages.
///
/// Checks common signatures (BMP, GIF, TIFF, WebP, JPEG 2000, DICOM with its 'DICM' at byte
/// offset 128, NIfTI-1, NumPy, ZIP, gzip, PDF) and then whether the first 512 bytes are text.
/// Returns "unknown data starting with <hex>" otherwise.
func describeUnrecognizedContent(_ bytes: [UInt8]) -> String {
    func hasASCII(_ text: String, at offset: Int) -> Bool {
        let expected = Array(text.utf8)
        return bytes.count >= offset + expected.count && Array(bytes[offset..<offset + expected.count]) == expected
    }

    // Signatures at the start of the data.
    let signatures: [(prefix: [UInt8], name: String)] = [
        (Array("BM".utf8), "BMP"),
        (Array("GIF87a".utf8), "GIF"),
        (Array("GIF89a".utf8), "GIF"),
        ([0x49, 0x49, 0x2A, 0x00], "TIFF (little-endian)"),
        ([0x4D, 0x4D, 0x00, 0x2A], "TIFF (big-endian)"),
        ([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20], "JPEG 2000 (JP2)"),
        ([0xFF, 0x4F, 0xFF, 0x51], "JPEG 2000 codestream"),
        ([0x93] + Array("NUMPY".utf8), "NumPy array (.npy)"),
        ([0x50, 0x4B, 0x03, 0x04], "ZIP archive (or .npz)"),
        ([0x1F, 0x8B], "gzip-compressed data"),
        (Array("%PDF".utf8), "PDF"),
    ]
    for signature in signatures where bytes.starts(with: signature.prefix) {
        return signature.name
    }
    if hasASCII("RIFF", at: 0) && hasASCII("WEBP", at: 8) {
        return "WebP"
    }
    if hasASCII("DICM", at: 128) {
        return "DICOM (offset 128 'DICM')"
    }
    if hasASCII("n+1\0", at: 344) || hasASCII("ni1\0", at: 344) {
        return "NIfTI-1"
    }
    if bytes.starts(with: [0xFF, 0xD8]) {
        return "JPEG start-of-image marker without a following marker"
    }

    // Text: printable ASCII, whitespace, or bytes of multi-byte UTF-8 sequences.
    let head = bytes.prefix(512)
    let isText = head.allSatisfy { byte in
        (byte >= 0x20 && byte != 0x7F) || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
    let isUTF8 = (0...3).contains { cut in
        String(validating: head.dropLast(cut), as: UTF8.self) != nil  // A cut may split the last character.
    }
    if isText && isUTF8 {
        return "text"
    }

    let hex = bytes.prefix(8).map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
    return "unknown data starting with \(hex.joined(separator: " "))"
}
