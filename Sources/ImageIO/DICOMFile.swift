import CDicom

/// Linear modality LUT, output = slope * stored + intercept (PS3.3 C.11.1).
public struct DICOMRescale: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
}

/// VOI window in modality units: centre c and width w of PS3.3 C.11.2.1.2.
public struct DICOMWindowLevel: Sendable, Equatable {
    public var center: Double
    public var width: Double

    public init(center: Double, width: Double) {
        self.center = center
        self.width = width
    }
}

/// Attributes of a DICOM file that decide how its pixels are decoded (see `ia_dicom_info`).
///
/// Holds no patient-identifying attribute, so it is safe to log or store.
public struct DICOMAttributes: Sendable, Equatable {
    /// Transfer Syntax UID (0002,0010) and its name, for example "1.2.840.10008.1.2.4.70".
    public var transferSyntaxUID: String
    public var transferSyntaxName: String
    /// SOP Class UID (0008,0016) and its name, for example "CT Image Storage".
    public var sopClassUID: String
    public var sopClassName: String
    /// Photometric Interpretation (0028,0004) as stored, for example "MONOCHROME1".
    public var photometricInterpretation: String
    /// Number of Frames (0028,0008); 1 when absent.
    public var frameCount: Int
    public var rows: Int
    public var columns: Int
    public var samplesPerPixel: Int
    public var bitsAllocated: Int
    public var bitsStored: Int
    /// 0 unsigned, 1 two's complement.
    public var pixelRepresentation: Int
    /// Top-level Rescale Slope (0028,1053) and Intercept (0028,1052); nil when both are absent.
    public var rescale: DICOMRescale?
    /// Top-level first Window Center (0028,1050) and Width (0028,1051); nil when absent.
    public var window: DICOMWindowLevel?
    /// Channels per decoded pixel: 1 for MONOCHROME1/2, 3 (RGB) for colour and PALETTE COLOR.
    public var outputChannels: Int
    /// Bits of the decoded samples: Bits Stored, or the palette entry depth; 0 for float pixel data.
    public var outputBits: Int
    public var isMonochrome1: Bool
    public var isFloatPixelData: Bool
    /// Entries of the Modality LUT Sequence (0028,3000); 0 when absent.
    public var modalityLUTEntries: Int

    init(_ info: ia_dicom_info) {
        transferSyntaxUID = cString(info.transfer_syntax_uid)
        transferSyntaxName = cString(info.transfer_syntax_name)
        sopClassUID = cString(info.sop_class_uid)
        sopClassName = cString(info.sop_class_name)
        photometricInterpretation = cString(info.photometric_interpretation)
        frameCount = Int(info.frame_count)
        rows = Int(info.rows)
        columns = Int(info.columns)
        samplesPerPixel = Int(info.samples_per_pixel)
        bitsAllocated = Int(info.bits_allocated)
        bitsStored = Int(info.bits_stored)
        pixelRepresentation = Int(info.pixel_representation)
        rescale = info.has_rescale != 0 ? DICOMRescale(slope: info.rescale_slope, intercept: info.rescale_intercept) : nil
        window = info.has_window != 0 ? DICOMWindowLevel(center: info.window_center, width: info.window_width) : nil
        outputChannels = Int(info.output_channels)
        outputBits = Int(info.output_bits)
        isMonochrome1 = info.is_monochrome1 != 0
        isFloatPixelData = info.is_float_pixel_data != 0
        modalityLUTEntries = Int(info.modality_lut_entries)
    }
}

/// Rescale and window of one frame: from the enhanced functional groups when present, else
/// the top-level attributes. Slope 1 and intercept 0 when no rescale is given.
struct DICOMFrameTransform {
    var slope: Double
    var intercept: Double
    var window: DICOMWindowLevel?
}

/// Modality LUT Sequence item: output = table[clamp(stored - firstMapped, 0, count - 1)].
struct DICOMModalityLUT {
    var table: [Double]
    var firstMapped: Int
}

/// A parsed DICOM file: owns the CDicom handle, which is not shared between threads.
final class DICOMFile {
    let attributes: DICOMAttributes
    let path: String
    private let handle: OpaquePointer

    /// Parses `data`; `path` only names the file in errors.
    ///
    /// Throws `.unsupported` naming the SOP class for objects without pixel data (DICOMDIR, SR,
    /// RT plans) and naming the UID for a transfer syntax without decoder.
    init(data: [UInt8], path: String) throws(ImageIOError) {
        var opened: OpaquePointer?
        var info = ia_dicom_info()
        var message = ia_dicom_message()
        let status = data.withUnsafeBufferPointer { buffer in
            ia_dicom_open_memory(buffer.baseAddress, buffer.count, &opened, &info, &message)
        }
        guard status == IA_DICOM_OK, let opened else {
            throw dicomError(status, message: message, path: path)
        }
        self.handle = opened
        self.attributes = DICOMAttributes(info)
        self.path = path
    }

    deinit {
        ia_dicom_close(handle)
    }

    /// Decodes frame `frame` (0-based): rows x columns x `outputChannels` samples, row-major,
    /// channels interleaved. Monochrome samples are the stored values before the modality LUT,
    /// colour samples are RGB (see `ia_dicom_decode_frame`).
    func decodeFrame(_ frame: Int) throws(ImageIOError) -> [Double] {
        let count = attributes.rows * attributes.columns * attributes.outputChannels
        var message = ia_dicom_message()
        var samples = [Double](repeating: 0, count: count)
        let status = samples.withUnsafeMutableBufferPointer { buffer in
            ia_dicom_decode_frame(handle, Int32(clamping: frame), buffer.baseAddress, buffer.count, &message)
        }
        guard status == IA_DICOM_OK else {
            throw dicomError(status, message: message, path: path)
        }
        return samples
    }

    /// Rescale and window of frame `frame`.
    func transform(ofFrame frame: Int) throws(ImageIOError) -> DICOMFrameTransform {
        var transform = ia_dicom_frame_transform()
        var message = ia_dicom_message()
        let status = ia_dicom_frame_transform_of(handle, Int32(clamping: frame), &transform, &message)
        guard status == IA_DICOM_OK else {
            throw dicomError(status, message: message, path: path)
        }
        let window = transform.has_window != 0 ? DICOMWindowLevel(center: transform.window_center, width: transform.window_width) : nil
        return DICOMFrameTransform(slope: transform.rescale_slope, intercept: transform.rescale_intercept, window: window)
    }

    /// The Modality LUT Sequence, or nil when the file has none.
    func modalityLUT() throws(ImageIOError) -> DICOMModalityLUT? {
        guard attributes.modalityLUTEntries > 0 else {
            return nil
        }
        let capacity = attributes.modalityLUTEntries
        var firstMapped: Int32 = 0
        var bits: Int32 = 0
        var message = ia_dicom_message()
        var table = [Double](repeating: 0, count: capacity)
        let status = table.withUnsafeMutableBufferPointer { buffer in
            ia_dicom_modality_lut(handle, buffer.baseAddress, buffer.count, &firstMapped, &bits, &message)
        }
        guard status == IA_DICOM_OK else {
            throw dicomError(status, message: message, path: path)
        }
        return DICOMModalityLUT(table: table, firstMapped: Int(firstMapped))
    }
}

/// Maps a CDicom status and message to an ImageIOError naming the file path only.
func dicomError(_ status: ia_dicom_status, message: ia_dicom_message, path: String) -> ImageIOError {
    let text = cString(message.text)
    let detail = "DICOM: \(text.isEmpty ? "no message" : text)"
    switch status {
    case IA_DICOM_TRUNCATED:
        return ImageIOError(kind: .truncated, path: path, detail: detail)
    case IA_DICOM_UNSUPPORTED:
        return ImageIOError(kind: .unsupported, path: path, detail: detail)
    case IA_DICOM_NO_MEMORY:
        return ImageIOError(kind: .tooLarge, path: path, detail: detail)
    default:
        return ImageIOError(kind: .corrupt, path: path, detail: detail)
    }
}

/// Reads a NUL-terminated fixed-size C char array as UTF-8 (invalid bytes are replaced).
private func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }
}
