import Dispatch
import ImageIO

/// Preprocesses listed images on `threads` threads and returns one result per file, in order.
///
/// This is the one entry point for code outside the audit's feature cache (the confirmation
/// trainer, for example) that needs the pixels of scanned images. A failure of one file is
/// returned in its slot and never stops the others. `threads` below 1 is treated as 1.
public func preprocessListedImages(
    _ files: [ScannedFile], preprocessor: Preprocessor, threads: Int
) -> [Result<PreprocessedImage, ImageIOError>] {
    let results = ResultSlots(count: files.count)
    let workers = max(1, min(threads, files.count))
    let chunk = (files.count + workers - 1) / max(workers, 1)

    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let start = worker * chunk
        let end = min(files.count, start + chunk)
        guard start < end else { return }
        for position in start..<end {
            let file = files[position]
            do throws(ImageIOError) {
                let bytes = try readWholeFile(atPath: file.absolutePath)
                results.set(position, .success(try preprocessor.preprocess(data: bytes, path: file.relativePath)))
            } catch {
                results.set(position, .failure(error))
            }
        }
    }
    return results.values
}

/// Fixed slots written by disjoint workers. `concurrentPerform` returns only after every
/// worker has finished, so `values` reads each slot after its single write.
private final class ResultSlots: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Result<PreprocessedImage, ImageIOError>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    func set(_ position: Int, _ value: Result<PreprocessedImage, ImageIOError>) {
        storage[position] = value
    }

    var values: [Result<PreprocessedImage, ImageIOError>] {
        (0..<count).map { position in
            storage[position] ?? .failure(ImageIOError(kind: .unsupported, path: "", detail: "not decoded"))
        }
    }
}
