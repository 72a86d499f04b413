import ImageIO

/// Shape of an array read as a stack of images: count x height x width x channels, C order.
public struct StackShape: Sendable, Hashable {
    public var count: Int
    public var height: Int
    public var width: Int
    public var channels: Int

    public init(count: Int, height: Int, width: Int, channels: Int) {
        self.count = count
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// Reads an array shape as images: (H, W) is one image, (N, H, W) grey images, (N, H, W, C)
    /// images with C of 1 to 4 channels. Returns nil for any other shape.
    public init?(arrayShape shape: [Int]) {
        switch shape.count {
        case 2:
            self.init(count: 1, height: shape[0], width: shape[1], channels: 1)
        case 3:
            self.init(count: shape[0], height: shape[1], width: shape[2], channels: 1)
        case 4 where (1...4).contains(shape[3]):
            self.init(count: shape[0], height: shape[1], width: shape[2], channels: shape[3])
        default:
            return nil
        }
    }

    /// Samples per image, or nil when width x height x channels overflows.
    public var samplesPerImage: Int? {
        checkedProduct([height, width, channels])
    }
}

/// A C-order array of images in memory, with its sample layout.
///
/// Invariant: `data` contains at least `dataOffset + count x samplesPerImage x sampleSize` bytes;
/// `init` checks it, so `pixels(at:)` never reads outside `data`.
public struct ImageStack: Sendable {
    public let shape: StackShape
    public let layout: SampleLayout
    public let format: ImageFormat
    let data: [UInt8]
    let dataOffset: Int
    let imageBytes: Int

    /// Wraps `data` after checking that it contains the whole array from `dataOffset` on; throws
    /// `.truncated` naming both sizes when it does not, and `.corrupt` for overflowing shapes.
    public init(
        data: [UInt8], dataOffset: Int, shape: StackShape, layout: SampleLayout, format: ImageFormat, path: String
    ) throws(ImageIOError) {
        guard shape.count >= 0, shape.width > 0, shape.height > 0,
              let samples = shape.samplesPerImage,
              let imageBytes = checkedProduct([samples, layout.type.size]),
              let total = checkedProduct([imageBytes, shape.count]),
              dataOffset >= 0, total <= Int.max - dataOffset
        else {
            throw ImageIOError(
                kind: .corrupt, path: path,
                detail: "array shape \(shape.count) x \(shape.height) x \(shape.width) x \(shape.channels) is not a valid image stack")
        }
        guard dataOffset + total <= data.count else {
            throw ImageIOError(
                kind: .truncated, path: path,
                detail: "the array needs \(total) bytes after offset \(dataOffset), but the data has \(max(0, data.count - dataOffset))")
        }
        self.shape = shape
        self.layout = layout
        self.format = format
        self.data = data
        self.dataOffset = dataOffset
        self.imageBytes = imageBytes
    }

    /// Samples of image `index` (0-based) as Float; NaN values become 0. Throws `.corrupt` for an
    /// index outside 0..<count.
    public func pixels(at index: Int, path: String) throws(ImageIOError) -> PixelSamples {
        guard index >= 0 && index < shape.count else {
            throw ImageIOError(kind: .corrupt, path: path, detail: "image \(index) requested from an array of \(shape.count)")
        }
        var samples: [Float] = []
        data.withUnsafeBytes { bytes in
            _ = layout.appendSamples(
                bytes, offset: dataOffset + index * imageBytes, count: imageBytes / layout.type.size, to: &samples)
        }
        return PixelSamples(
            samples: samples, width: shape.width, height: shape.height, channels: shape.channels,
            bitDepth: layout.type == .bool ? 1 : layout.type.size * 8,
            significantBits: layout.type.significantBits, format: format)
    }
}
