/// Keyed-hash sampling that keeps samples stable while a dataset grows.
///
/// An image's rank in a run depends only on its content checksum and the run's key. Adding an
/// image therefore changes a sample of m by at most one member: the newcomer displaces the member
/// with the largest rank when it ranks lower. Renaming or reordering files changes nothing. The definition is exact so that other programs can reproduce it; all arithmetic is on
/// UInt64 and wraps:
///
///     mix64(z):  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
///                z = (z ^ (z >> 27)) * 0x94D049BB133111EB
///                return z ^ (z >> 31)
///     streamKey(seed, stream, run) = mix64(mix64(seed ^ stream) + run)
///     rank(checksum, key) = mix64(checksum ^ key)
///
/// `mix64` is the output function of the SplitMix64 generator.
public enum StableSampler {
    /// Stream tags that keep the samples of different measurements independent.
    public enum Stream: UInt64, Sendable {
        /// Label sharpness K_F: 0x4B46, "KF" in ASCII.
        case labelSharpness = 0x4B46
        /// Intrinsic dimension: 0x4944, "ID" in ASCII.
        case intrinsicDimension = 0x4944
        /// Confirmation-training sets: 0x5452, "TR" in ASCII.
        case training = 0x5452
    }

    /// SplitMix64 finaliser; a bijection on UInt64 with mix64(0) = 0.
    @inlinable
    public static func mix64(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Key of one run of one measurement: mix64(mix64(seed ^ stream) &+ run).
    public static func streamKey(seed: UInt64, stream: Stream, run: Int) -> UInt64 {
        precondition(run >= 0, "run indices start at 0")
        return mix64(mix64(seed ^ stream.rawValue) &+ UInt64(run))
    }

    /// Rank of an image with content checksum `checksum` in the run with key `key`; lower is chosen first.
    @inlinable
    public static func rank(checksum: UInt64, key: UInt64) -> UInt64 {
        mix64(checksum ^ key)
    }

    /// Returns the `count` members of `pool` with the smallest (rank, index) and returns them in
    /// ascending index order. Images with equal checksums have equal ranks, so the lower index wins.
    ///
    /// - Parameters:
    ///   - pool: image indices, ascending (the listing order).
    ///   - count: sample size m; the whole pool when m >= pool.count, nothing when m <= 0.
    ///   - checksum: content checksum of an image index.
    /// - Complexity: O(n log n) for a pool of n.
    public static func sample(
        pool: [Int], count: Int, key: UInt64, checksum: (Int) -> UInt64
    ) -> [Int] {
        guard count > 0 else {
            return []
        }
        guard count < pool.count else {
            return pool.sorted()
        }

        let ranked = pool.map { (rank: rank(checksum: checksum($0), key: key), index: $0) }
        let chosen = ranked.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.prefix(count)
        return chosen.map(\.index).sorted()
    }

    /// A class-balanced sample: the same number of images from each side.
    public struct BalancedSample: Sendable, Equatable {
        /// Chosen image indices per side, ascending.
        public var sides: [[Int]]
        /// Images taken from each side: min(requested per side, size of the smallest side).
        public var perSide: Int
        /// Index of the smallest side when it had fewer images than requested, else nil.
        public var limitedBy: Int?
    }

    /// Samples min(`perSide`, smallest side) images from each side with `sample`, using the same key
    /// for every side. The same count from each side keeps the sample balanced when one side is
    /// small, and `limitedBy` then names that side (the first such side on ties).
    public static func balancedSample(
        sides: [[Int]], perSide: Int, key: UInt64, checksum: (Int) -> UInt64
    ) -> BalancedSample {
        let smallest = sides.indices.min { sides[$0].count < sides[$1].count }
        let available = smallest.map { sides[$0].count } ?? 0
        let countPerSide = max(0, min(perSide, available))
        let limitedBy = available < perSide ? smallest : nil

        let chosen = sides.map { sample(pool: $0, count: countPerSide, key: key, checksum: checksum) }
        return BalancedSample(sides: chosen, perSide: countPerSide, limitedBy: limitedBy)
    }
}

/// 64-bit FNV-1a hash of the bytes of a file: offset basis 0xcbf29ce484222325, prime 0x100000001b3,
/// one byte per step (Fowler-Noll-Vo). The content checksum that `StableSampler` ranks.
public func contentChecksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}

/// 64-bit FNV-1a of a byte array; see `contentChecksum(_: UnsafeRawBufferPointer)`.
public func contentChecksum(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { contentChecksum($0) }
}
