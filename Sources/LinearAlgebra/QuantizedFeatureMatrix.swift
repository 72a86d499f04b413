import CKernels
import Foundation

/// Feature vectors in [0, 1] stored as 16-bit integers q, with value q / 65535: half the memory
/// of `FeatureMatrix` and exact integer distances.
///
/// Distances: d² = Σᵢ (qₐᵢ − q_bᵢ)² / 65535². Every difference, square and partial sum is an
/// integer below 2⁵³ (n · 65535² < 2⁵³ for n < 2 million values), so the C kernel sums them
/// exactly in `Double`, and the only rounding is the final division. This is the exact distance
/// of the quantised images that the audit measures and caches.
///
/// Rows are written while the matrix is filled and read-only afterwards; concurrent writers
/// must target distinct rows.
public final class QuantizedFeatureMatrix: FeatureRows, @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    public let storage: UnsafeMutablePointer<UInt16>

    /// 65535², the squared quantisation scale.
    static let scaleSquared = 65535.0 * 65535.0

    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns > 0, "QuantizedFeatureMatrix needs rows >= 0 and columns > 0")
        self.rows = rows
        self.columns = columns
        let count = max(1, rows * columns)
        // Left uninitialised, because zero-filling hundreds of megabytes is wasted work when every
        // row is written: the filler must call `setRow` or `zeroRow` for each row before reading.
        storage = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
    }

    deinit {
        storage.deallocate()
    }

    @inline(__always)
    public func row(_ index: Int) -> UnsafeMutablePointer<UInt16> {
        storage + index * columns
    }

    /// Replaces row `index` with `values` (q = round(v · 65535) of values in [0, 1]).
    public func setRow(_ index: Int, _ values: [UInt16]) {
        precondition(values.count == columns, "row length \(values.count) != columns \(columns)")
        values.withUnsafeBufferPointer { row(index).update(from: $0.baseAddress!, count: columns) }
    }

    /// Sets row `index` to zeros (for rows without an image, such as unreadable files).
    public func zeroRow(_ index: Int) {
        row(index).update(repeating: 0, count: columns)
    }

    public func squaredDistance(_ a: Int, _ b: Int) -> Double {
        ia_squared_distance_u16(row(a), row(b), columns) / Self.scaleSquared
    }

    public func copyRow(_ index: Int, to destination: UnsafeMutablePointer<Float>) {
        let source = row(index)
        for column in 0..<columns {
            destination[column] = Float(source[column]) / 65535
        }
    }

    public func rowsEqual(_ a: Int, _ b: Int) -> Bool {
        memcmp(row(a), row(b), columns * MemoryLayout<UInt16>.size) == 0
    }

    public func rowHash(_ index: Int) -> UInt64 {
        let values = row(index)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for column in 0..<columns {
            hash = (hash ^ UInt64(values[column])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
