/// Colour handling of the preprocessed vector.
public enum ChannelMode: String, Sendable, Codable, CaseIterable {
    /// One plane of ITU-R BT.601 luma, Y = 0.299 R + 0.587 G + 0.114 B.
    case grey
    /// Three planes R, G, B (a grey source is copied into all three).
    case rgb
}

/// Intensity normalisation applied after resampling.
public enum Normalization: String, Sendable, Codable, CaseIterable {
    /// Per image: v' = (v - min) / (max - min) over all channels; a constant image gives zeros.
    case minmax
    /// v' = v / (2^b - 1), with b the significant bits (PNG sBIT when present, else the sample
    /// bit depth; 8 for JPEG).
    case bitdepth
}

/// Everything that determines the preprocessed vector of an image.
///
/// Distances, and so K_F and intrinsic-dimension estimates, depend on every field except
/// `maxPixels`, so measurements made with different `fingerprint`s are not comparable.
public struct PreprocessingSettings: Sendable, Codable, Hashable {
    /// Side of the square output in pixels (default 224). Images are stretched to
    /// resolution x resolution, so the aspect ratio is not kept.
    public var resolution: Int = 224
    /// Output channels (default grey, BT.601 luma).
    public var channels: ChannelMode = .grey
    /// Intensity normalisation (default per-image min-max).
    public var normalize: Normalization = .minmax
    /// Whether large JPEGs are decoded at 1/2, 1/4 or 1/8 scale by libjpeg-turbo's reduced IDCT
    /// before area averaging (default true). This is much faster and differs slightly from a full
    /// decode followed by area averaging.
    public var scaledJPEGDecoding: Bool = true
    /// Largest accepted width x height from the image header (default 100,000,000). Larger
    /// images are rejected before any pixel buffer is allocated. Not part of the fingerprint
    /// because it changes which files are read, never their values.
    public var maxPixels: Int = 100_000_000
    /// VOI window of monochrome DICOM frames (default `none`, min-max over the frame).
    public var dicomWindow: DICOMWindow = .none

    public init(
        resolution: Int = 224,
        channels: ChannelMode = .grey,
        normalize: Normalization = .minmax,
        scaledJPEGDecoding: Bool = true,
        maxPixels: Int = 100_000_000,
        dicomWindow: DICOMWindow = .none
    ) {
        self.resolution = resolution
        self.channels = channels
        self.normalize = normalize
        self.scaledJPEGDecoding = scaledJPEGDecoding
        self.maxPixels = maxPixels
        self.dicomWindow = dicomWindow
    }

    /// Length of the preprocessed vector: channel count x resolution^2.
    public var vectorLength: Int {
        (channels == .grey ? 1 : 3) * resolution * resolution
    }

    /// Canonical text of the settings that determine pixel values, for example
    /// `"v1;res=224;ch=grey;norm=minmax;shrink=area;grow=bilinear-half-pixel;jpegscale=on;cache=u16"`.
    ///
    /// `shrink`, `grow` and `cache` name the fixed resampling and UInt16 quantisation rules, so a
    /// change to those rules must change this text (and the `v1` version). A DICOM window other
    /// than `none` appends `;voi=<name>`, for example `;voi=lung`. The default adds nothing, so
    /// fingerprints from before DICOM support stay valid for JPEG and PNG.
    public var canonicalDescription: String {
        var parts = [
            "v1",
            "res=\(resolution)",
            "ch=\(channels.rawValue)",
            "norm=\(normalize.rawValue)",
            "shrink=area",
            "grow=bilinear-half-pixel",
            "jpegscale=\(scaledJPEGDecoding ? "on" : "off")",
            "cache=u16",
        ]
        if dicomWindow != .none {
            parts.append("voi=\(dicomWindow.rawValue)")
        }
        return parts.joined(separator: ";")
    }

    /// 16 lowercase hex digits of the 64-bit FNV-1a hash of the UTF-8 `canonicalDescription`
    /// (offset basis 0xcbf29ce484222325, prime 0x100000001b3). Stable across runs and platforms.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonicalDescription.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
