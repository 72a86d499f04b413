extension Preprocessor {
    /// Number of images held by one file's bytes: 1 for JPEG and PNG.
    ///
    /// Formats that hold several frames in one file report each frame as an image, addressed by
    /// a 0-based index in `preprocess(data:path:frame:)`.
    public func imageCount(data: [UInt8], path: String) throws(ImageIOError) -> Int {
        guard !data.isEmpty else {
            throw ImageIOError(kind: .empty, path: path, detail: "0 bytes")
        }
        guard ImageFormat(magicBytes: data) != nil else {
            throw ImageIOError(kind: .unsupported, path: path, detail: "looks like \(describeUnrecognizedContent(data))")
        }
        return 1
    }

    /// Preprocesses image `frame` (0-based) of a file's bytes. JPEG and PNG hold one image, so
    /// any frame other than 0 is an error naming the frame.
    public func preprocess(data: [UInt8], path: String, frame: Int) throws(ImageIOError) -> PreprocessedImage {
        guard frame == 0 else {
            throw ImageIOError(kind: .unsupported, path: path, detail: "frame \(frame) requested from a single-image file")
        }
        return try preprocess(data: data, path: path)
    }
}
