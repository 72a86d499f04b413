import Datasets
import Foundation
import ImageIO
import LinearAlgebra
import Store

/// Outcome of loading one scanned file into the feature matrix.
struct LoadedImage: Sendable {
    var decoded: Bool
    var fromCache: Bool
    var isConstant: Bool
    var checksum: UInt64?
    /// Checksum of the decoded pixels, equal for files with identical pixels whatever their bytes.
    var pixelChecksum: UInt64?
    var failure: String?
    var width: Int?
    var height: Int?
    var format: String?
    var jpegScaleDenominator: Int?
}

/// Fills one feature-matrix row per scanned file, reusing preprocessed vectors from the store's
/// cache when the file's path, size and modification time and the preprocessing fingerprint all
/// match, and decoding the rest in parallel.
///
/// Every decoded image is committed to the cache batch by batch (one transaction per batch), so
/// an interrupted audit keeps the batches it finished. Unreadable files are recorded in the
/// store with the reason and skipped; they never stop the audit.
struct FeatureLoader {
    let store: Store
    let datasetID: Int64
    let settings: PreprocessingSettings
    let threads: Int
    let cancellation: CancellationFlag
    let progress: AuditProgressHandler?

    /// Files decoded in parallel between two store transactions.
    static let batchSize = 256

    func load(_ listing: LabelledListing, into features: FeatureMatrix) throws(AuditError) -> [LoadedImage] {
        let files = listing.images.map(\.file)
        let fingerprint = settings.fingerprint
        let known: [String: ImageRecord]
        do {
            known = Dictionary(try store.images(datasetID: datasetID).map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        } catch {
            throw .store("\(error)")
        }

        var results = [LoadedImage](repeating: LoadedImage(decoded: false, fromCache: false, isConstant: false), count: files.count)
        var start = 0
        while start < files.count {
            if cancellation.isCancelled { throw .cancelled(auditID: nil) }
            let batch = start..<min(files.count, start + Self.batchSize)

            // Cache lookups (the store is used from this thread only).
            var misses: [Int] = []
            for index in batch {
                let file = files[index]
                guard let record = known[file.relativePath], let imageID = record.id, record.status == .ok,
                      record.size == file.size, record.mtimeNs == file.mtimeNs, let checksum = record.checksum,
                      let pixelChecksum = record.pixelChecksum
                else {
                    misses.append(index)
                    continue
                }
                let cached: CachedFeatures?
                do {
                    cached = try store.cachedFeatures(imageID: imageID, fingerprint: fingerprint, size: file.size, mtimeNs: file.mtimeNs)
                } catch {
                    throw .store("\(error)")
                }
                guard let cached, cached.vector.count == features.columns else {
                    misses.append(index)
                    continue
                }
                features.setRow(index, dequantizeUnitInterval(cached.vector))
                results[index] = LoadedImage(
                    decoded: true, fromCache: true, isConstant: cached.isConstant, checksum: checksum,
                    pixelChecksum: pixelChecksum, width: record.width, height: record.height, format: record.format
                )
            }

            // Decode the misses in parallel.
            let decodedBatch = decodeInParallel(misses.map { files[$0] }, rows: misses, into: features)

            // Record images and cache entries in one transaction.
            do {
                try store.transaction {
                    for (position, index) in misses.enumerated() {
                        let (loaded, quantized) = decodedBatch[position]
                        results[index] = loaded
                        let file = files[index]
                        let image = listing.images[index]
                        let imageID = try store.upsertImage(ImageRecord(
                            datasetID: datasetID, path: file.relativePath, size: file.size, mtimeNs: file.mtimeNs,
                            checksum: loaded.checksum, status: loaded.decoded ? .ok : .unreadable, reason: loaded.failure,
                            width: loaded.width, height: loaded.height, format: loaded.format,
                            split: image.split, patient: image.patientID, pixelChecksum: loaded.pixelChecksum
                        ))
                        if let quantized {
                            try store.storeFeatures(
                                imageID: imageID, fingerprint: fingerprint, size: file.size, mtimeNs: file.mtimeNs,
                                isConstant: loaded.isConstant, vector: quantized
                            )
                        }
                    }
                }
            } catch {
                throw .store("\(error)")
            }
            progress?("decode", batch.upperBound, files.count)
            start = batch.upperBound
        }
        return results
    }

    /// Reads, checksums and preprocesses `files` on `threads` threads, writing each vector to its
    /// row. Returns, per file, the outcome and the quantised vector to cache.
    private func decodeInParallel(_ files: [ScannedFile], rows: [Int], into features: FeatureMatrix) -> [(LoadedImage, [UInt16]?)] {
        let outcomes = SharedBuffer<LoadedImage>(repeating: LoadedImage(decoded: false, fromCache: false, isConstant: false), count: files.count)
        let vectors = SharedBuffer<[UInt16]?>(repeating: nil, count: files.count)
        let preprocessor = Preprocessor(settings: settings)

        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, files.count))) { worker in
            var position = worker
            while position < files.count {
                let file = files[position]
                var outcome = LoadedImage(decoded: false, fromCache: false, isConstant: false)
                do {
                    let bytes = try readFile(file.absolutePath)
                    outcome.checksum = bytes.withUnsafeBytes { contentChecksum($0) }
                    let image = try preprocessor.preprocess(data: bytes, path: file.relativePath)
                    features.setRow(rows[position], image.vector)
                    vectors[position] = quantizeUnitInterval(image.vector)
                    outcome.decoded = true
                    outcome.isConstant = image.isConstant
                    outcome.pixelChecksum = image.pixelChecksum
                    outcome.width = image.sourceWidth
                    outcome.height = image.sourceHeight
                    outcome.format = image.format.rawValue
                    outcome.jpegScaleDenominator = image.jpegScaleDenominator
                } catch let error as ImageIOError {
                    outcome.failure = "\(error.kind.rawValue): \(error.detail)"
                } catch {
                    outcome.failure = "unreadable: \(error)"
                }
                outcomes[position] = outcome
                position += max(1, min(threads, files.count))
            }
        }
        return (0..<files.count).map { (outcomes[$0], vectors[$0]) }
    }
}

/// Reads a whole file; errors name the path and the system's reason.
func readFile(_ path: String) throws -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw ReadFailure(path: path, reason: String(cString: strerror(errno)))
    }
    defer { try? handle.close() }
    do {
        return Array(try handle.readToEnd() ?? Data())
    } catch {
        throw ReadFailure(path: path, reason: "\(error.localizedDescription)")
    }
}

struct ReadFailure: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot read \(path): \(reason)" }
}
