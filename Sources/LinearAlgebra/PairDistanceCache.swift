import Foundation

/// Exact squared distances already computed, shared by the neighbour searches of one audit.
///
/// The samples of different tasks overlap (the stable sampler ranks an image the same way in
/// every task), and d(i, j) = d(j, i), so many pairs recur. Keys are unordered row pairs of one
/// feature matrix; a cache must not be shared between matrices. Thread-safe: two threads that
/// miss on the same pair both compute it and store the same value.
public final class PairDistanceCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [UInt64: Double] = [:]
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init() {}

    /// Returns the stored d² of rows (a, b), or computes, stores and returns it.
    public func squaredDistance(_ a: Int, _ b: Int, compute: () -> Double) -> Double {
        let key = a < b ? UInt64(a) << 32 | UInt64(b) : UInt64(b) << 32 | UInt64(a)
        lock.lock()
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
