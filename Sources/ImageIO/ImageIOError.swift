/// Failure to read or decode one image file.
///
/// `description` has the form `"<path>: <what failed> (<detail>); <what to do>"`, for example
/// `"scans/a.png: the image data ends early (libpng: unexpected end of data); the file is
/// incomplete, so copy it again from its source"`.
public struct ImageIOError: Error, CustomStringConvertible, Sendable {
    /// Category of failure, chosen so that callers can count skipped files by cause.
    public enum Kind: String, Sendable {
        /// The file could not be opened or read (missing, permissions, a directory, I/O error).
        case unreadable
        /// The file has zero bytes.
        case empty
        /// The data ends before the image is complete.
        case truncated
        /// The data is not a valid JPEG, PNG or DICOM file (bad marker, CRC, compressed stream, ...).
        case corrupt
        /// Not a JPEG, PNG or DICOM file, or a variant the decoders do not read (for example 12-bit
        /// JPEG, a DICOM transfer syntax without decoder, or a DICOM object without pixel data).
        case unsupported
        /// The header declares more pixels than `PreprocessingSettings.maxPixels`.
        case tooLarge
    }

    public let kind: Kind
    /// Path of the file, as given by the caller. For DICOM files the path is the only thing that
    /// identifies the file in a message: no patient attribute (name, id, date) is ever included.
    public let path: String
    /// The failing value or the decoder's own message, for example `"libpng: IHDR: CRC error"`.
    public let detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .unreadable:
            return "\(path): could not read the file (\(detail)); check that it exists and is readable"
        case .empty:
            return "\(path): the file is empty (\(detail)); replace it with a complete copy or remove it"
        case .truncated:
            return "\(path): the image data ends early (\(detail)); the file is incomplete, so copy it again from its source"
        case .corrupt:
            return "\(path): the image data is invalid (\(detail)); re-export the image or remove the file"
        case .unsupported:
            return "\(path): unsupported image (\(detail)); only JPEG, PNG and DICOM images are read, so convert the file or exclude it"
        case .tooLarge:
            return "\(path): the image is too large (\(detail)); raise maxPixels or downscale the file"
        }
    }
}
