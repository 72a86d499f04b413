import ImageIO

/// Preprocesses listed images on `threads` threads and returns one result per file, in order.
///
/// This is the one entry point for code outside the audit's feature cache (the confirmation
/// trainer, for example) that needs the pixels of scanned images. A failure of one file is
/// returned in its slot and never stops the others. `threads` below 1 is treated as 1.
///
/// Container members are decoded in windows of `windowSize` listed images: each container a
/// window needs is read and decompressed once, then its members are preprocessed in parallel.
/// Members of one container are adjacent in a scan's listing, so a container is opened once per
/// call; in an unsorted list it is opened once per window that needs it.
public func preprocessListedImages(
    _ files: [ScannedFile], preprocessor: Preprocessor, threads: Int, windowSize: Int = 4096
) -> [Result<PreprocessedImage, ImageIOError>] {
    let results = ParallelSlots<Result<PreprocessedImage, ImageIOError>>(count: files.count)
    var containers = OpenContainers()
    var start = 0
    while start < files.count {
        let window = Array(files[start..<min(files.count, start + max(1, windowSize))])
        containers.update(for: window, threads: threads)
        let opened = containers
        let offset = start

        runChunked(count: window.count, threads: threads) { position in
            let file = window[position]
            do throws(ImageIOError) {
                results.set(offset + position, .success(try preprocessListedImage(file, preprocessor: preprocessor, containers: opened)))
            } catch {
                results.set(offset + position, .failure(error))
            }
        }
        start += window.count
    }
    return (0..<files.count).map { position in
        results.value(position) ?? .failure(ImageIOError(kind: .unsupported, path: files[position].relativePath, detail: "not decoded"))
    }
}

/// Preprocesses one listed image: a whole file, or a member of a container in `containers`.
public func preprocessListedImage(
    _ file: ScannedFile, preprocessor: Preprocessor, containers: OpenContainers
) throws(ImageIOError) -> PreprocessedImage {
    if file.member != nil {
        return try containers.content(of: file).preprocess(with: preprocessor, path: file.relativePath)
    }
    let bytes = try readWholeFile(atPath: file.absolutePath)
    return try preprocessor.preprocess(data: bytes, path: file.relativePath)
}
