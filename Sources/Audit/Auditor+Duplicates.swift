import Datasets
import Estimators
import LinearAlgebra

/// Exact duplicate groups among decoded images and the rows removed before any estimate.
struct DuplicateFindings {
    /// Groups of rows with identical preprocessed vectors, first member kept.
    var groups: [[Int]]
    /// Every member but the first of each group.
    var removed: Set<Int>
    /// Removed rows whose decoded pixels equal the kept member's.
    var identicalPixels: Int
    /// Removed rows whose decoded pixels differ but whose preprocessed vectors are identical.
    var identicalAfterPreprocessing: Int
}

/// Near-duplicate pairs among the rows left after exact duplicates are removed.
struct NearDuplicateFindings {
    var thresholdFactor: Double
    var medianNearestNeighborDistance: Double?
    /// Pairs closer than this are near-duplicates; nil when the search did not run.
    var threshold: Double?
    var sampledImages: Int
    var pairs: [NearPair]
    var groups: [[Int]]
    /// Every member but the first of each group: left out of the near-deduplicated estimates.
    var reducedAway: Set<Int>
    var exactEvaluations: Int
    var reason: String?
}

extension Auditor {
    /// Groups identical preprocessed vectors and splits the removed copies into identical decoded
    /// pixels and images that only became identical through preprocessing.
    func findDuplicates(_ rows: [Int], features: any FeatureRows, loaded: [LoadedImage], hash: ((Int) -> UInt64)? = nil) -> DuplicateFindings {
        let groups = identicalRowGroups(rows, features: features, hash: hash)
        var removed = Set<Int>()
        var identicalPixels = 0
        for group in groups {
            let keptPixels = loaded[group[0]].pixelChecksum
            for member in group.dropFirst() {
                removed.insert(member)
                if keptPixels != nil && loaded[member].pixelChecksum == keptPixels { identicalPixels += 1 }
            }
        }
        return DuplicateFindings(
            groups: groups, removed: removed,
            identicalPixels: identicalPixels, identicalAfterPreprocessing: removed.count - identicalPixels
        )
    }

    /// Finds near-duplicate pairs: distinct images closer than `factor` × the median
    /// nearest-neighbour distance, measured exactly on a stable label-free sample of up to
    /// `samples` images (stream "ID", run 1).
    func findNearDuplicates(
        _ rows: [Int], factor: Double, samples: Int, seed: Int,
        checksums: [UInt64], features: any FeatureRows, screening: ScreeningProjection, planes: Int,
        cache: PairDistanceCache, threads: Int, prior: AuditMemory?, recorder: AuditMemoryRecorder?
    ) -> NearDuplicateFindings {
        var findings = NearDuplicateFindings(
            thresholdFactor: factor, medianNearestNeighborDistance: nil, threshold: nil, sampledImages: 0,
            pairs: [], groups: [], reducedAway: [], exactEvaluations: 0, reason: nil
        )
        guard factor > 0 else {
            findings.reason = "near_duplicates.threshold_factor is 0, so no search ran"
            return findings
        }
        guard rows.count >= 2 else {
            findings.reason = "fewer than 2 distinct decoded images"
            return findings
        }

        // Median distance to the nearest neighbour within a stable sample.
        let key = StableSampler.streamKey(seed: UInt64(truncatingIfNeeded: seed), stream: .intrinsicDimension, run: 1)
        let sample = StableSampler.sample(pool: rows, count: samples, key: key) { checksums[$0] }
        findings.sampledImages = sample.count
        let table: NeighborTable
        do {
            let keys = sample.map { checksums[$0] }
            let memoryKey = "#median-nearest-neighbour"
            table = try exactNearestNeighbors(
                points: sample, k: 1, features: features, screening: screening, threads: threads,
                cache: cache, keys: keys, prior: prior?.neighbors[memoryKey]
            )
            recorder?.record(neighbors: memoryKey, table.memory(keys: keys))
        } catch {
            findings.reason = "the median nearest-neighbour distance is undefined: \(error)"
            return findings
        }
        let nearest = (0..<table.count).map { table.distance(point: $0, neighbor: 1) }.sorted()
        let median = nearest.count % 2 == 1
            ? nearest[nearest.count / 2]
            : 0.5 * (nearest[nearest.count / 2 - 1] + nearest[nearest.count / 2])
        findings.medianNearestNeighborDistance = median
        findings.threshold = factor * median

        // All pairs below the threshold, screened at a coarser resolution than the k-NN search:
        // the threshold is a fraction of typical distances, so loose bounds still exclude
        // almost every pair, at a quarter of the screening cost.
        let coarse = screening.coarsened(planes: planes, threads: threads)
        let (pairs, candidates) = nearPairs(rows, threshold: factor * median, features: features, screening: coarse, threads: threads)
        findings.pairs = pairs
        findings.exactEvaluations = candidates
        findings.groups = connectedGroups(pairs)
        findings.reducedAway = Set(findings.groups.flatMap { $0.dropFirst() })
        return findings
    }

    /// Pairs of paths (negative, positive) of identical images labelled differently in `task`.
    func conflictPairs(_ groups: [[Int]], task: CandidateTask, paths: [String]) -> [[String]] {
        var pairs: [[String]] = []
        for group in groups {
            let negatives = group.filter { task.labels[$0] == false }
            let positives = group.filter { task.labels[$0] == true }
            for negative in negatives {
                for positive in positives {
                    pairs.append([paths[negative], paths[positive]])
                }
            }
        }
        return pairs
    }

    /// Patients whose images fall in two or more splits, by patient id.
    func patientLeaks(_ listing: LabelledListing, loaded: [LoadedImage]) -> [PatientLeak] {
        var splitsByPatient: [String: Set<String>] = [:]
        var imagesByPatient: [String: Int] = [:]
        for (index, image) in listing.images.enumerated() where loaded[index].decoded {
            guard let patient = image.patientID, !patient.isEmpty, let split = image.split else { continue }
            splitsByPatient[patient, default: []].insert(split)
            imagesByPatient[patient, default: 0] += 1
        }
        return splitsByPatient
            .filter { $0.value.count > 1 }
            .map { PatientLeak(patient: $0.key, splits: $0.value.sorted(), images: imagesByPatient[$0.key] ?? 0) }
            .sorted { $0.patient < $1.patient }
    }
}
