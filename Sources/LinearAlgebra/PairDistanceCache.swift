import Foundation

/// Exact squared distances already computed, shared by the neighbour searches of one audit and,
/// in a long-running process, by later audits of the same images.
///
/// The samples of different tasks overlap (the stable sampler ranks an image the same way in
/// every task), and d(i, j) = d(j, i), so many pairs recur. Pairs are unordered and keyed by
/// row index, or, after `bind(rowKeys:)`, by a stable key per row (the audit binds content
/// checksums, so distances survive into the next audit while the rows move). A cache must only
/// be used with rows whose key fixes their values. Thread-safe: two threads that miss on the same
/// pair both compute it and store the same value.
public final class PairDistanceCache: @unchecked Sendable {
    private struct PairKey: Hashable {
        var low: UInt64
        var high: UInt64
    }

    private let lock = NSLock()
    private var values: [PairKey: Double] = [:]
    private var rowKeys: [UInt64]?
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init() {}

    /// Keys the cache by `rowKeys[row]` from now on.
    public func bind(rowKeys: [UInt64]) {
        lock.lock()
        self.rowKeys = rowKeys
        lock.unlock()
    }

    /// Drops every pair with a key outside `keys`, so a long-running cache stays bounded by the
    /// images still present.
    public func prune(keeping keys: Set<UInt64>) {
        lock.lock()
        values = values.filter { keys.contains($0.key.low) && keys.contains($0.key.high) }
        lock.unlock()
    }

    /// Returns the stored d² of rows (a, b), or computes, stores and returns it.
    public func squaredDistance(_ a: Int, _ b: Int, compute: () -> Double) -> Double {
        lock.lock()
        let keyA = rowKeys.map { $0[a] } ?? UInt64(a)
        let keyB = rowKeys.map { $0[b] } ?? UInt64(b)
        let key = PairKey(low: min(keyA, keyB), high: max(keyA, keyB))
        if let value = values[key] {
            hits += 1
            lock.unlock()
            return value
        }
        misses += 1
        lock.unlock()

        let value = compute()
        lock.lock()
        values[key] = value
        lock.unlock()
        return value
    }

    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.count
    }
}
