/// Samples of one image taken from an array in a container file (IDX, NumPy, NIfTI), before
/// preprocessing.
public struct PixelSamples: Sendable {
    /// `width * height * channels` values, row-major, channels interleaved (R, G, B per pixel).
    public var samples: [Float]
    public var width: Int
    public var height: Int
    /// 1 (grey), 2 (grey and alpha), 3 (RGB) or 4 (RGBA). Alpha is dropped.
    public var channels: Int
    /// Bits per stored sample (8 for uint8, 16 for int16, 32 for float32).
    public var bitDepth: Int
    /// b of `.bitdepth` normalisation v / (2^b - 1), or nil when the samples have no fixed range
    /// (signed and floating-point data, or rescaled values); `.bitdepth` then falls back to min-max.
    public var significantBits: Int?
    /// Container the samples come from, recorded in `PreprocessedImage.format`.
    public var format: ImageFormat

    public init(
        samples: [Float], width: Int, height: Int, channels: Int, bitDepth: Int, significantBits: Int?,
        format: ImageFormat
    ) {
        self.samples = samples
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.significantBits = significantBits
        self.format = format
    }
}

extension Preprocessor {
    /// Preprocesses samples read from an array: the same channel conversion, resampling,
    /// normalisation and quantisation as a decoded JPEG or PNG (steps 4 to 7 of `Preprocessor`).
    ///
    /// Grey from RGB is BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B; RGB from grey copies the
    /// plane. Under `.bitdepth`, samples without `significantBits` are min-max normalised.
    /// Throws `.corrupt` for a sample that is NaN or infinite (readers replace NaN voxels first
    /// where the format defines them as missing), and `.tooLarge` above `maxPixels`.
    public func preprocess(pixels: PixelSamples, path: String) throws(ImageIOError) -> PreprocessedImage {
        guard settings.resolution > 0 else {
            throw ImageIOError(
                kind: .unsupported, path: path, detail: "resolution \(settings.resolution) is not a positive pixel count")
        }
        guard pixels.width > 0, pixels.height > 0, (1...4).contains(pixels.channels) else {
            throw ImageIOError(
                kind: .corrupt, path: path,
                detail: "array image of \(pixels.width) x \(pixels.height) pixels with \(pixels.channels) channels")
        }
        let pixelCount = pixels.width.multipliedReportingOverflow(by: pixels.height)
        guard !pixelCount.overflow, pixelCount.partialValue <= settings.maxPixels else {
            throw ImageIOError(
                kind: .tooLarge, path: path,
                detail: "array image of \(pixels.width) x \(pixels.height) pixels, above preprocessing.max_pixels = \(settings.maxPixels)")
        }
        guard pixels.samples.count == pixelCount.partialValue * pixels.channels else {
            preconditionFailure("PixelSamples holds \(pixels.samples.count) samples for \(pixels.width) x \(pixels.height) x \(pixels.channels)")
        }
        if let bad = pixels.samples.firstIndex(where: { !$0.isFinite }) {
            throw ImageIOError(
                kind: .corrupt, path: path, detail: "sample \(bad) is \(pixels.samples[bad]); only finite values can be normalised")
        }

        let planes = samplePlanes(pixels)
        var effective = self
        if pixels.significantBits == nil && settings.normalize == .bitdepth {
            var fallback = settings
            fallback.normalize = .minmax
            effective = Preprocessor(settings: fallback)
        }
        let quantized = quantizeUnitInterval(effective.makeVector(planes))
        return PreprocessedImage(
            vector: dequantizeUnitInterval(quantized), isConstant: planes.isConstant, format: pixels.format,
            sourceWidth: pixels.width, sourceHeight: pixels.height, bitDepth: pixels.bitDepth,
            significantBits: pixels.significantBits ?? pixels.bitDepth, jpegScaleDenominator: 1,
            pixelChecksum: decodedPixelChecksum(planes), quantized: quantized)
    }

    /// Splits interleaved samples into the planes of `settings.channels`.
    private func samplePlanes(_ pixels: PixelSamples) -> DecodedPlanes {
        let count = pixels.width * pixels.height
        let stride = pixels.channels
        var planes: [[Float]]
        if pixels.channels <= 2 {
            var grey = [Float](repeating: 0, count: count)
            for i in 0..<count { grey[i] = pixels.samples[i * stride] }
            planes = settings.channels == .grey ? [grey] : [grey, grey, grey]
        } else if settings.channels == .grey {
            var luma = [Float](repeating: 0, count: count)
            for i in 0..<count {
                let red = pixels.samples[i * stride]
                let green = pixels.samples[i * stride + 1]
                let blue = pixels.samples[i * stride + 2]
                luma[i] = 0.299 * red + 0.587 * green + 0.114 * blue
            }
            planes = [luma]
        } else {
            planes = (0..<3).map { channel in
                (0..<count).map { pixels.samples[$0 * stride + channel] }
            }
        }

        let first = planes[0].first ?? 0
        let isConstant = planes.allSatisfy { plane in plane.allSatisfy { $0 == first } }
        return DecodedPlanes(
            planes: planes, width: pixels.width, height: pixels.height, bitDepth: pixels.bitDepth,
            significantBits: pixels.significantBits ?? pixels.bitDepth, isConstant: isConstant)
    }
}
