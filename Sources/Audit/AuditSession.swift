import Estimators
import Foundation
import LinearAlgebra

/// Results of earlier audits kept in memory by a long-running process (the `watch` daemon), so
/// that a re-audit after a small change updates them instead of measuring everything again.
///
/// Memories are keyed by dataset root, label source, preprocessing fingerprint and every
/// estimator parameter, and refer to images by content checksum, so a memory is only ever
/// applied to the same images measured the same way. Updated results equal a full measurement
/// (see `labelSharpnessRun(run:negatives:positives:features:screening:keys:prior:)` and
/// `exactNearestNeighbors`). Thread-safe.
public final class AuditSession: @unchecked Sendable {
    private let lock = NSLock()
    private var memories: [String: AuditMemory] = [:]
    private var distanceCaches: [String: PairDistanceCache] = [:]

    public init() {}

    /// Returns the exact-distance cache kept across the audits with this key.
    func distanceCache(for key: String) -> PairDistanceCache {
        lock.lock()
        defer { lock.unlock() }
        if let cache = distanceCaches[key] { return cache }
        let cache = PairDistanceCache()
        distanceCaches[key] = cache
        return cache
    }

    func memory(for key: String) -> AuditMemory? {
        lock.lock()
        defer { lock.unlock() }
        return memories[key]
    }

    func store(_ memory: AuditMemory, for key: String) {
        lock.lock()
        memories[key] = memory
        lock.unlock()
    }
}

/// Measurements of one audit, by task, in the form the next audit can update.
struct AuditMemory: Sendable {
    /// Task name → memory of each K_F run, by run index.
    var labelSharpness: [String: [Int: LabelSharpnessRunMemory]] = [:]
    /// Neighbour lists: by task name, "<task>#near-dedup" and "#median-nearest-neighbour".
    var neighbors: [String: NeighborMemory] = [:]
    /// Uncentred screening projection of each image, by content checksum.
    var projections: [UInt64: [Float]] = [:]
    /// `FeatureRows.rowHash` of each image, by content checksum.
    var rowHashes: [UInt64: UInt64] = [:]
}

/// Collects the memory of the running audit from the worker threads.
final class AuditMemoryRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var memory = AuditMemory()

    func record(task: String, run: Int, _ runMemory: LabelSharpnessRunMemory) {
        lock.lock()
        memory.labelSharpness[task, default: [:]][run] = runMemory
        lock.unlock()
    }

    func record(neighbors key: String, _ neighborMemory: NeighborMemory) {
        lock.lock()
        memory.neighbors[key] = neighborMemory
        lock.unlock()
    }

    func record(projections: [UInt64: [Float]], rowHashes: [UInt64: UInt64]) {
        lock.lock()
        memory.projections = projections
        memory.rowHashes = rowHashes
        lock.unlock()
    }

    var result: AuditMemory {
        lock.lock()
        defer { lock.unlock() }
        return memory
    }
}
