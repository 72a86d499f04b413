import Datasets
import ImageIO

/// The decoded images of one task at the training resolution, with the candidates that the
/// training plan draws from.
///
/// Images that fail to decode are left out and counted. Images with identical decoded pixels
/// are reduced to the first in path order, so a copy can never sit in both a training and the
/// test set. A group of identical images carrying both labels is left out entirely: its label
/// is undefined.
public struct TrainingData: Sendable {
    /// Pixels of candidate i at `pixels[i * side * side ..< (i + 1) * side * side]`, in [0, 1].
    public var pixels: [Float]
    public var candidates: [TrainingCandidate]
    /// Relative path of each candidate, for reports.
    public var paths: [String]
    public var side: Int
    public var settings: PreprocessingSettings
    public var failures: [(path: String, reason: String)]
    public var duplicatesRemoved: Int
    public var conflictingDuplicatesRemoved: Int

    /// Decodes the images of `task` from `listing` with `settings` (grey; its resolution is the
    /// training side) on `threads` threads.
    public init(
        listing: LabelledListing, task: CandidateTask, settings: PreprocessingSettings, threads: Int
    ) {
        precondition(settings.channels == .grey, "the trainer takes one grey input channel")
        self.settings = settings
        side = settings.resolution
        let indices = task.labels.keys.sorted { listing.images[$0].file.relativePath < listing.images[$1].file.relativePath }
        let files = indices.map { listing.images[$0].file }
        let results = preprocessListedImages(files, preprocessor: Preprocessor(settings: settings), threads: threads)

        // Group decoded images by pixel checksum, in path order.
        var failures: [(String, String)] = []
        var firstOfChecksum: [UInt64: Int] = [:]
        var members: [[Int]] = []
        var decoded: [Int: PreprocessedImage] = [:]
        for (position, result) in results.enumerated() {
            switch result {
            case let .failure(error):
                failures.append((files[position].relativePath, "\(error.kind.rawValue): \(error.detail)"))
            case let .success(image):
                decoded[position] = image
                if let group = firstOfChecksum[image.pixelChecksum] {
                    members[group].append(position)
                } else {
                    firstOfChecksum[image.pixelChecksum] = members.count
                    members.append([position])
                }
            }
        }

        // One candidate per group whose members agree on the label.
        var pixels: [Float] = []
        var candidates: [TrainingCandidate] = []
        var paths: [String] = []
        var duplicates = 0
        var conflicting = 0
        pixels.reserveCapacity(members.count * side * side)
        for group in members {
            let labels = Set(group.map { task.labels[indices[$0]]! })
            guard labels.count == 1 else {
                conflicting += group.count
                continue
            }
            duplicates += group.count - 1
            let position = group[0]
            let image = listing.images[indices[position]]
            pixels += decoded[position]!.vector
            candidates.append(TrainingCandidate(
                image: indices[position], positive: labels.first!, split: image.split, patientID: image.patientID,
                key: contentChecksum(Array(image.file.relativePath.utf8))))
            paths.append(image.file.relativePath)
        }
        self.pixels = pixels
        self.candidates = candidates
        self.paths = paths
        self.failures = failures
        duplicatesRemoved = duplicates
        conflictingDuplicatesRemoved = conflicting
    }

    /// Pixels and 0/1 labels of the candidates at `positions`, in that order.
    public func batch(_ positions: [Int]) -> (images: [Float], labels: [Float]) {
        let length = side * side
        var images = [Float](repeating: 0, count: positions.count * length)
        images.withUnsafeMutableBufferPointer { target in
            pixels.withUnsafeBufferPointer { source in
                for (row, position) in positions.enumerated() {
                    let from = source.baseAddress! + position * length
                    (target.baseAddress! + row * length).update(from: from, count: length)
                }
            }
        }
        return (images, positions.map { candidates[$0].positive ? 1 : 0 })
    }
}
