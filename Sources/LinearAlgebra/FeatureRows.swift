import Foundation

/// Rows of feature vectors that the exact searches can measure: any matrix that gives exact
/// squared distances between two rows and its values as `Float` for the screening projection.
public protocol FeatureRows: AnyObject, Sendable {
    var rows: Int { get }
    var columns: Int { get }
    /// Exact squared Euclidean distance between rows `a` and `b` (see `exactSquaredDistance`).
    func squaredDistance(_ a: Int, _ b: Int) -> Double
    /// Writes row `index` as `columns` Float values to `destination`.
    func copyRow(_ index: Int, to destination: UnsafeMutablePointer<Float>)
    /// Returns whether rows `a` and `b` contain bit-identical values.
    func rowsEqual(_ a: Int, _ b: Int) -> Bool
    /// Returns a 64-bit hash of row `index`'s bits, equal for equal rows (for bucketing only).
    func rowHash(_ index: Int) -> UInt64
}

extension FeatureMatrix: FeatureRows {
    public func squaredDistance(_ a: Int, _ b: Int) -> Double {
        exactSquaredDistance(row(a), row(b), count: columns)
    }

    public func copyRow(_ index: Int, to destination: UnsafeMutablePointer<Float>) {
        destination.update(from: row(index), count: columns)
    }

    public func rowsEqual(_ a: Int, _ b: Int) -> Bool {
        memcmp(row(a), row(b), columns * MemoryLayout<Float>.size) == 0
    }

    public func rowHash(_ index: Int) -> UInt64 {
        let values = row(index)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for column in 0..<columns {
            hash = (hash ^ UInt64(values[column].bitPattern)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
