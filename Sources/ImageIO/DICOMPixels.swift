/// One decoded DICOM frame after the modality LUT, before any VOI window.
public struct DICOMFrame: Sendable {
    /// rows x columns x channels values, row-major, channels interleaved. Monochrome: the
    /// modality-LUT output (for CT, Hounsfield units). Colour: RGB samples in 0...2^outputBits - 1.
    public var values: [Double]
    public var rows: Int
    public var columns: Int
    /// 1 (monochrome) or 3 (RGB).
    public var channels: Int
    public var attributes: DICOMAttributes
}

/// Entry points for DICOM files that do not go through `Preprocessor`: attribute inspection
/// and the modality-LUT output that golden values are compared against.
public enum DICOMDecoder {
    /// Parses the file and returns its pixel-related attributes.
    public static func attributes(data: [UInt8], path: String) throws(ImageIOError) -> DICOMAttributes {
        try DICOMFile(data: data, path: path).attributes
    }

    /// Decodes frame `frame` (0-based) and applies the modality LUT: the Modality LUT Sequence
    /// when present, else output = slope * stored + intercept with the frame's rescale values
    /// (slope 1 and intercept 0 when absent; negative slopes allowed).
    public static func modalityFrame(data: [UInt8], path: String, frame: Int) throws(ImageIOError) -> DICOMFrame {
        let file = try DICOMFile(data: data, path: path)
        return try modalityFrame(of: file, frame: frame)
    }

    static func modalityFrame(of file: DICOMFile, frame: Int) throws(ImageIOError) -> DICOMFrame {
        let attributes = file.attributes
        guard (0..<attributes.frameCount).contains(frame) else {
            throw ImageIOError(
                kind: .unsupported, path: file.path,
                detail: "frame \(frame) requested, the file holds \(attributes.frameCount) frames (0...\(attributes.frameCount - 1))")
        }
        let samples = try file.decodeFrame(frame)
        var values = samples
        if attributes.outputChannels == 1 {
            values = try applyModalityLUT(samples, file: file, frame: frame)
        }
        return DICOMFrame(
            values: values, rows: attributes.rows, columns: attributes.columns, channels: attributes.outputChannels,
            attributes: attributes)
    }

    /// Modality LUT of PS3.3 C.11.1 for monochrome stored values.
    private static func applyModalityLUT(_ stored: [Double], file: DICOMFile, frame: Int) throws(ImageIOError) -> [Double] {
        if let lut = try file.modalityLUT(), !lut.table.isEmpty {
            let last = lut.table.count - 1
            return stored.map { value in
                let index = Int(value) - lut.firstMapped
                return lut.table[min(max(index, 0), last)]
            }
        }
        let transform = try file.transform(ofFrame: frame)
        let slope = transform.slope
        let intercept = transform.intercept
        if slope == 1 && intercept == 0 {
            return stored
        }
        return stored.map { $0 * slope + intercept }
    }
}

extension Preprocessor {
    /// Decodes frame `frame` of a DICOM file into planes in the standard's order: modality LUT,
    /// VOI window (`settings.dicomWindow`), then MONOCHROME1 inversion y' = 1 - y.
    ///
    /// Monochrome output y in [0, 1] is stored as y * (2^b - 1) with b = Bits Stored (16 for
    /// float pixel data), so `.bitdepth` normalisation returns y and `.minmax` stretches it.
    /// Colour frames are RGB in 0...2^b - 1 with b = `outputBits`; grey output is their BT.601
    /// luma.
    func decodeDICOMPlanes(_ file: DICOMFile, frame: Int) throws(ImageIOError) -> DecodedPlanes {
        let decoded = try DICOMDecoder.modalityFrame(of: file, frame: frame)
        let attributes = decoded.attributes
        let count = decoded.rows * decoded.columns

        var planes: [[Float]]
        let significantBits: Int
        if decoded.channels == 1 {
            significantBits = attributes.isFloatPixelData ? 16 : min(max(attributes.bitsStored, 1), 32)
            let scale = Double((UInt64(1) << significantBits) - 1)
            let transform = try file.transform(ofFrame: frame)
            var windowed = applyVOIWindow(decoded.values, fileWindow: transform.window)
            if attributes.isMonochrome1 {
                windowed = windowed.map { 1 - $0 }
            }
            let grey = windowed.map { Float($0 * scale) }
            planes = settings.channels == .grey ? [grey] : [grey, grey, grey]
        } else {
            significantBits = max(attributes.outputBits, 1)
            planes = splitRGB(decoded.values, count: count)
            if settings.channels == .grey {
                planes = [bt601Luma(planes, count: count)]
            }
        }

        let first = planes[0].first ?? 0
        let isConstant = planes.allSatisfy { plane in plane.allSatisfy { $0 == first } }
        let bitDepth = decoded.channels == 3 && attributes.samplesPerPixel == 1 ? significantBits : attributes.bitsAllocated
        return DecodedPlanes(
            planes: planes, width: decoded.columns, height: decoded.rows, bitDepth: bitDepth,
            significantBits: significantBits, isConstant: isConstant)
    }

    /// The VOI stage: the configured window, the frame's own window, or min-max.
    func applyVOIWindow(_ values: [Double], fileWindow: DICOMWindowLevel?) -> [Double] {
        switch settings.dicomWindow {
        case .none:
            return applyMinMaxWindow(values)
        case .file:
            guard let window = fileWindow, window.width >= 1 else {
                return applyMinMaxWindow(values)
            }
            return applyLinearWindow(values, window: window)
        case .brain, .softTissue, .lung, .bone:
            guard let window = settings.dicomWindow.preset else {
                preconditionFailure("preset window \(settings.dicomWindow) has no centre and width")
            }
            return applyLinearWindow(values, window: window)
        }
    }
}

/// Splits interleaved RGB values into three Float planes.
private func splitRGB(_ values: [Double], count: Int) -> [[Float]] {
    var planes = [[Float]](repeating: [Float](repeating: 0, count: count), count: 3)
    for channel in 0..<3 {
        for i in 0..<count {
            planes[channel][i] = Float(values[3 * i + channel])
        }
    }
    return planes
}

/// BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B, computed in Float as for JPEG and PNG.
private func bt601Luma(_ planes: [[Float]], count: Int) -> [Float] {
    var luma = [Float](repeating: 0, count: count)
    for i in 0..<count {
        luma[i] = 0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i]
    }
    return luma
}
