/// The preprocessed vector of one image, with facts about its source.
public struct PreprocessedImage: Sendable {
    /// `settings.vectorLength` values in [0, 1]: row-major planes of resolution x resolution,
    /// one plane for grey, R then G then B for rgb. Each value is a multiple of 1/65535
    /// (see `Preprocessor`).
    public var vector: [Float]
    /// The same values as 16-bit codes q = round(v · 65535), the form the feature cache stores;
    /// `vector` is q / 65535.
    public var quantized: [UInt16]
    /// Whether all decoded samples were equal (min == max before normalisation). The vector is
    /// then all zeros under `.minmax`, and the constant v / (2^b - 1) under `.bitdepth`.
    public var isConstant: Bool
    public var format: ImageFormat
    /// Width and height from the file header, before any scaled decoding.
    public var sourceWidth: Int
    public var sourceHeight: Int
    /// Sample bit depth: 8 for JPEG and palette PNG, else the PNG IHDR bit depth (1, 2, 4, 8, 16).
    public var bitDepth: Int
    /// b of `.bitdepth` normalisation: PNG sBIT (maximum over colour channels) when present,
    /// else `bitDepth`.
    public var significantBits: Int
    /// d of libjpeg's 1/d scaled decoding (1, 2, 4 or 8); 1 for PNG.
    public var jpegScaleDenominator: Int
    /// FNV-1a 64 over the decoded planes (width, height, then every sample's Float bits) before
    /// resampling: equal for files whose decoded pixels are identical, whatever their bytes.
    public var pixelChecksum: UInt64

    public init(
        vector: [Float], isConstant: Bool, format: ImageFormat, sourceWidth: Int, sourceHeight: Int, bitDepth: Int,
        significantBits: Int, jpegScaleDenominator: Int, pixelChecksum: UInt64 = 0, quantized: [UInt16]? = nil
    ) {
        self.pixelChecksum = pixelChecksum
        self.quantized = quantized ?? quantizeUnitInterval(vector)
        self.vector = vector
        self.isConstant = isConstant
        self.format = format
        self.sourceWidth = sourceWidth
        self.sourceHeight = sourceHeight
        self.bitDepth = bitDepth
        self.significantBits = significantBits
        self.jpegScaleDenominator = jpegScaleDenominator
    }
}

/// Decodes a JPEG or PNG and turns it into the fixed-length vector used for distances.
///
/// Steps, in order:
/// 1. Format from the magic bytes. A zero-byte file is `.empty`; anything other than JPEG or
///    PNG is `.unsupported`.
/// 2. Header: width * height above `maxPixels` is `.tooLarge`, before any pixel allocation.
/// 3. Decode. Alpha and tRNS are dropped, palettes expanded, PNG sBIT applied as a right shift
///    so samples lie in 0...2^b - 1. A JPEG about twice the target size or larger is decoded
///    at 1/d scale when `scaledJPEGDecoding` is on (see `jpegScaleDenominator`).
/// 4. Channels: grey is BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B (for JPEG, libjpeg's Y).
/// 5. `resample(_:width:height:toWidth:toHeight:)` to resolution x resolution: exact area
///    average when shrinking, bilinear with half-pixel centres when enlarging.
/// 6. Normalisation: minmax v' = (v - min) / (max - min) over all planes, all zeros for a
///    constant image; bitdepth v' = v / (2^b - 1).
/// 7. Quantisation v'' = round(v' * 65535) / 65535, the values the feature cache stores, so a
///    first audit and a cached re-audit see identical vectors. This moves each value by at most
///    1/131070 and a Euclidean distance over D values by at most sqrt(D) / 131070 (0.0017 for
///    D = 224 * 224).
///
/// NOTE: a PNG, or a JPEG smaller than twice the target, is decoded whole before resampling, so
/// peak memory is about 4 + (bytes per sample) bytes per pixel and output channel. That is
/// roughly 500 MB for a grey 8-bit image at the default maxPixels of 100,000,000.
public struct Preprocessor: Sendable {
    public let settings: PreprocessingSettings

    public init(settings: PreprocessingSettings) {
        self.settings = settings
    }

    /// Reads the file once and preprocesses its bytes.
    public func preprocess(fileAt path: String) throws(ImageIOError) -> PreprocessedImage {
        let bytes = try readWholeFile(atPath: path)
        return try preprocess(data: bytes, path: path)
    }

    /// Preprocesses the bytes of an image file; `path` only names the file in errors.
    public func preprocess(data: [UInt8], path: String) throws(ImageIOError) -> PreprocessedImage {
        guard settings.resolution > 0 else {
            throw ImageIOError(
                kind: .unsupported, path: path, detail: "resolution \(settings.resolution) is not a positive pixel count")
        }

        // Format and header.
        guard !data.isEmpty else {
            throw ImageIOError(kind: .empty, path: path, detail: "0 bytes")
        }
        guard let format = ImageFormat(magicBytes: data, path: path) else {
            throw ImageIOError(
                kind: .unsupported, path: path, detail: "looks like \(describeUnrecognizedContent(data))")
        }
        if format == .dicom {
            return try preprocessDICOM(data: data, path: path, frame: 0)
        }
        let header = try readImageHeader(data, format: format, path: path)
        let width = Int(header.width)
        let height = Int(header.height)
        guard width > 0 && height > 0 else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "header declares \(width) x \(height) pixels")
        }
        guard width * height <= settings.maxPixels else {
            throw ImageIOError(
                kind: .tooLarge, path: path,
                detail: "header declares \(width) x \(height) = \(width * height) pixels, above preprocessing.max_pixels = \(settings.maxPixels)")
        }

        // Decode to Float planes.
        var denominator = 1
        let decoded: DecodedPlanes
        switch format {
        case .jpeg:
            if settings.scaledJPEGDecoding {
                denominator = jpegScaleDenominator(width: width, height: height, resolution: settings.resolution)
            }
            decoded = try decodeJPEG(data, header: header, denominator: denominator, mode: settings.channels, path: path)
        case .png:
            decoded = try decodePNG(data, header: header, mode: settings.channels, path: path)
        case .idx, .npy, .nifti:
            throw ImageIOError(
                kind: .unsupported, path: path, detail: "\(format.rawValue) arrays are read by their container reader")
        case .dicom:
            preconditionFailure("DICOM data reached the JPEG/PNG decoding path")
        }

        // Resample, normalise, quantise once; the Float vector is decoded from the codes.
        let quantized = quantizeUnitInterval(makeVector(decoded))
        return PreprocessedImage(
            vector: dequantizeUnitInterval(quantized), isConstant: decoded.isConstant,
            format: format, sourceWidth: width, sourceHeight: height, bitDepth: decoded.bitDepth,
            significantBits: decoded.significantBits, jpegScaleDenominator: denominator,
            pixelChecksum: decodedPixelChecksum(decoded), quantized: quantized)
    }

    /// Resamples every plane to the target square and normalises, before quantisation.
    func makeVector(_ decoded: DecodedPlanes) -> [Float] {
        let side = settings.resolution
        let scale = Float((1 << decoded.significantBits) - 1)

        // A constant image stays exactly constant, whatever Float rounding resampling would add.
        if decoded.isConstant {
            let value = decoded.planes[0].first ?? 0
            let normalized = settings.normalize == .minmax ? 0 : value / scale
            return [Float](repeating: normalized, count: settings.vectorLength)
        }

        var vector = [Float]()
        vector.reserveCapacity(settings.vectorLength)
        for plane in decoded.planes {
            vector += resample(plane, width: decoded.width, height: decoded.height, toWidth: side, toHeight: side)
        }

        switch settings.normalize {
        case .minmax:
            var low = Float.infinity
            var high = -Float.infinity
            for value in vector {
                if value < low {
                    low = value
                }
                if value > high {
                    high = value
                }
            }
            guard high > low else {
                return [Float](repeating: 0, count: vector.count)
            }
            let range = high - low
            return mapFloats(vector) { ($0 - low) / range }
        case .bitdepth:
            return mapFloats(vector) { $0 / scale }
        }
    }
}

/// Returns d of libjpeg's 1/d scaled decoding: the largest d in {1, 2, 4, 8} with
/// ceil(width / d) >= resolution and ceil(height / d) >= resolution, so the scaled image is
/// still at least the target size on both axes and area averaging does the rest.
public func jpegScaleDenominator(width: Int, height: Int, resolution: Int) -> Int {
    for d in [8, 4, 2] {
        let scaledWidth = (width + d - 1) / d
        let scaledHeight = (height + d - 1) / d
        if scaledWidth >= resolution && scaledHeight >= resolution {
            return d
        }
    }
    return 1
}

/// FNV-1a 64 over the plane count, width, height and the bit pattern of every decoded sample,
/// one 32-bit word per step (bucketing only; a collision would need equal 64-bit hashes).
func decodedPixelChecksum(_ decoded: DecodedPlanes) -> UInt64 {
    let prime: UInt64 = 0x0000_0100_0000_01B3
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for word in [UInt64(decoded.planes.count), UInt64(decoded.width), UInt64(decoded.height)] {
        hash = (hash ^ word) &* prime
    }
    for plane in decoded.planes {
        plane.withUnsafeBufferPointer { samples in
            for sample in samples {
                hash = (hash ^ UInt64(sample.bitPattern)) &* prime
            }
        }
    }
    return hash
}
