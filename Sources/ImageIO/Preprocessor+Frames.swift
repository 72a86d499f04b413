extension Preprocessor {
    /// Number of images held by one file's bytes: 1 for JPEG and PNG, Number of Frames
    /// (0028,0008) for DICOM (1 when absent).
    ///
    /// Formats that hold several frames in one file report each frame as an image, addressed by
    /// a 0-based index in `preprocess(data:path:frame:)`. A DICOM file whose pixels cannot be
    /// decoded (no pixel data, unsupported transfer syntax) throws `.unsupported` here already.
    public func imageCount(data: [UInt8], path: String) throws(ImageIOError) -> Int {
        guard !data.isEmpty else {
            throw ImageIOError(kind: .empty, path: path, detail: "0 bytes")
        }
        guard let format = ImageFormat(magicBytes: data, path: path) else {
            throw ImageIOError(kind: .unsupported, path: path, detail: "looks like \(describeUnrecognizedContent(data))")
        }
        if format == .dicom {
            return try DICOMFile(data: data, path: path).attributes.frameCount
        }
        return 1
    }

    /// Preprocesses image `frame` (0-based) of a file's bytes. JPEG and PNG hold one image, so
    /// any frame other than 0 is an error naming the frame; DICOM frames are 0..<imageCount.
    public func preprocess(data: [UInt8], path: String, frame: Int) throws(ImageIOError) -> PreprocessedImage {
        if !data.isEmpty, ImageFormat(magicBytes: data, path: path) == .dicom {
            return try preprocessDICOM(data: data, path: path, frame: frame)
        }
        guard frame == 0 else {
            throw ImageIOError(kind: .unsupported, path: path, detail: "frame \(frame) requested from a single-image file")
        }
        return try preprocess(data: data, path: path)
    }

    /// Decodes one DICOM frame and runs the shared resample, normalise and quantise steps.
    ///
    /// NOTE: every call parses the whole file again, so reading all n frames of a large
    /// multi-frame object costs n parses of the whole file.
    func preprocessDICOM(data: [UInt8], path: String, frame: Int) throws(ImageIOError) -> PreprocessedImage {
        guard settings.resolution > 0 else {
            throw ImageIOError(
                kind: .unsupported, path: path, detail: "resolution \(settings.resolution) is not a positive pixel count")
        }
        let file = try DICOMFile(data: data, path: path)
        let width = file.attributes.columns
        let height = file.attributes.rows
        guard width * height <= settings.maxPixels else {
            throw ImageIOError(
                kind: .tooLarge, path: path,
                detail: "Rows x Columns = \(height) x \(width) = \(width * height) pixels, above preprocessing.max_pixels = \(settings.maxPixels)")
        }

        let decoded = try decodeDICOMPlanes(file, frame: frame)

        let quantized = quantizeUnitInterval(makeVector(decoded))
        return PreprocessedImage(
            vector: dequantizeUnitInterval(quantized), isConstant: decoded.isConstant,
            format: .dicom, sourceWidth: width, sourceHeight: height, bitDepth: decoded.bitDepth,
            significantBits: decoded.significantBits, jpegScaleDenominator: 1,
            pixelChecksum: decodedPixelChecksum(decoded), quantized: quantized)
    }
}
