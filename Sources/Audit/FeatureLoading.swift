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
    /// FNV-1a 64 of the file bytes, read on every audit.
    var checksum: UInt64?
    /// Checksum of the decoded pixels, equal for files with identical pixels whatever their bytes.
    var pixelChecksum: UInt64?
    var failure: String?
    var width: Int?
    var height: Int?
    var format: String?
    var jpegScaleDenominator: Int?

    static let empty = LoadedImage(decoded: false, fromCache: false, isConstant: false)
}

/// Fills one feature-matrix row per scanned file, reusing preprocessed vectors from the store's
/// cache and decoding the rest in parallel.
///
/// Every file is read and checksummed on every audit. A cached vector is used only when the
/// file's path, size, modification time and content checksum and the preprocessing fingerprint
/// all match the stored ones. For a member of a container the checksum is that of its samples
/// (see `OpenedContainer.member(_:path:)`), and each container is read and decompressed once
/// per load, because its members are adjacent in the listing. So a file rewritten with its old size and timestamp (as `cp -p`
/// or `rsync -t` can leave it) is decoded again. Each batch is committed in one transaction, so an
/// interrupted audit keeps the batches it finished. Unreadable files are recorded in the store
/// with the reason and skipped; they never stop the audit.
struct FeatureLoader {
    let store: Store
    let datasetID: Int64
    let settings: PreprocessingSettings
    let threads: Int
    let cancellation: CancellationFlag
    let progress: AuditProgressHandler?

    /// Files read in parallel between two store transactions.
    static let batchSize = 256

    /// Fills `features` and returns one outcome per listed image. `replacedNaNVoxels` receives the
    /// NaN voxels set to 0 per NIfTI file path (see `OpenContainers.replacedNaNVoxels`).
    func load(
        _ listing: LabelledListing, into features: QuantizedFeatureMatrix, replacedNaNVoxels: inout [String: Int]
    ) throws(AuditError) -> [LoadedImage] {
        let files = listing.images.map(\.file)
        let known: [String: ImageRecord]
        do {
            known = Dictionary(try store.images(datasetID: datasetID).map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        } catch {
            throw .storeFailure(error)
        }

        var results = [LoadedImage](repeating: .empty, count: files.count)
        var containers = OpenContainers()
        var start = 0
        while start < files.count {
            if cancellation.isCancelled { throw .cancelled(auditID: nil) }
            let batch = Array(start..<min(files.count, start + Self.batchSize))

            // Read and checksum every file; decode those without a matching cache record.
            let reusable = batch.map { cacheRecord(for: files[$0], known: known) }
            containers.update(for: batch.map { files[$0] }, threads: threads)
            var outcomes = readAndDecode(batch.map { files[$0] }, rows: batch, into: features, reusable: reusable, containers: containers)

            // Cached vectors for the files whose checksums matched (this thread only uses the store).
            var lateMisses: [Int] = []
            for (position, index) in batch.enumerated() where outcomes[position].0.fromCache {
                guard let record = reusable[position], let vector = try cachedVector(record, file: files[index], length: features.columns) else {
                    lateMisses.append(position)
                    continue
                }
                features.setRow(index, vector.vector)
                outcomes[position].0.isConstant = vector.isConstant
            }
            if !lateMisses.isEmpty {
                let redone = readAndDecode(
                    lateMisses.map { files[batch[$0]] }, rows: lateMisses.map { batch[$0] }, into: features,
                    reusable: lateMisses.map { _ in nil }, containers: containers)
                for (offset, position) in lateMisses.enumerated() { outcomes[position] = redone[offset] }
            }

            // Record images and new cache entries in one transaction.
            try record(batch: batch, outcomes: outcomes, listing: listing)
            for (position, index) in batch.enumerated() {
                results[index] = outcomes[position].0
                if !results[index].decoded { features.zeroRow(index) }
            }
            replacedNaNVoxels.merge(containers.replacedNaNVoxels) { _, latest in latest }
            progress?("read", batch.last! + 1, files.count)
            start += batch.count
        }
        return results
    }

    /// Returns the stored record whose cached vector may serve `file`, pending the checksum test.
    private func cacheRecord(for file: ScannedFile, known: [String: ImageRecord]) -> ImageRecord? {
        guard let record = known[file.relativePath], record.id != nil, record.status == .ok,
              record.size == file.size, record.mtimeNs == file.mtimeNs,
              record.checksum != nil, record.pixelChecksum != nil
        else { return nil }
        return record
    }

    private func cachedVector(_ record: ImageRecord, file: ScannedFile, length: Int) throws(AuditError) -> CachedFeatures? {
        do {
            let cached = try store.cachedFeatures(imageID: record.id!, fingerprint: settings.fingerprint, size: file.size, mtimeNs: file.mtimeNs)
            return cached?.vector.count == length ? cached : nil
        } catch {
            throw .storeFailure(error)
        }
    }

    private func record(batch: [Int], outcomes: [(LoadedImage, [UInt16]?)], listing: LabelledListing) throws(AuditError) {
        do {
            try store.transaction {
                for (position, index) in batch.enumerated() {
                    let (loaded, quantized) = outcomes[position]
                    if loaded.fromCache { continue }
                    let file = listing.images[index].file
                    let image = listing.images[index]
                    let imageID = try store.upsertImage(ImageRecord(
                        datasetID: datasetID, path: file.relativePath, size: file.size, mtimeNs: file.mtimeNs,
                        checksum: loaded.checksum, status: loaded.decoded ? .ok : .unreadable, reason: loaded.failure,
                        width: loaded.width, height: loaded.height, format: loaded.format,
                        split: image.split, patient: image.patientID, pixelChecksum: loaded.pixelChecksum
                    ))
                    if let quantized {
                        try store.storeFeatures(
                            imageID: imageID, fingerprint: settings.fingerprint, size: file.size, mtimeNs: file.mtimeNs,
                            isConstant: loaded.isConstant, vector: quantized
                        )
                    }
                }
            }
        } catch {
            throw .storeFailure(error)
        }
    }

    /// Reads and checksums `files` on `threads` threads. A file whose checksum matches its
    /// `reusable` record is marked `fromCache` and not decoded. Every other file is preprocessed
    /// and its codes are written to its row. Returns, per file, the outcome and the codes to cache.
    private func readAndDecode(
        _ files: [ScannedFile], rows: [Int], into features: QuantizedFeatureMatrix, reusable: [ImageRecord?],
        containers: OpenContainers
    ) -> [(LoadedImage, [UInt16]?)] {
        let outcomes = SharedBuffer<LoadedImage>(repeating: .empty, count: files.count)
        let vectors = SharedBuffer<[UInt16]?>(repeating: nil, count: files.count)
        let preprocessor = Preprocessor(settings: settings)

        parallelFor(files.count, threads: threads) { position in
            let file = files[position]
            var outcome = LoadedImage.empty
            do {
                // A whole file is checksummed over its bytes, a container member over its samples.
                var bytes: [UInt8] = []
                var member: MemberContent?
                let checksum: UInt64
                if file.member != nil {
                    member = try containers.content(of: file)
                    checksum = member!.checksum
                } else {
                    bytes = try readFile(file.absolutePath)
                    checksum = bytes.withUnsafeBytes { contentChecksum($0) }
                }
                outcome.checksum = checksum
                if let record = reusable[position], record.checksum == checksum {
                    outcome.decoded = true
                    outcome.fromCache = true
                    outcome.pixelChecksum = record.pixelChecksum
                    outcome.width = record.width
                    outcome.height = record.height
                    outcome.format = record.format
                    outcomes[position] = outcome
                    return
                }
                let image = try member.map { content throws(ImageIOError) in
                    try content.preprocess(with: preprocessor, path: file.relativePath)
                } ?? preprocessor.preprocess(data: bytes, path: file.relativePath)
                features.setRow(rows[position], image.quantized)
                vectors[position] = image.quantized
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
