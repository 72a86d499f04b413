/// A dense row-major matrix of `Float` feature vectors, one image per row.
///
/// The storage is allocated once and owned by the instance. Rows are written while the
/// matrix is being filled and are read-only afterwards, so concurrent readers are safe
/// once filling has finished; concurrent writers must target distinct rows.
public final class FeatureMatrix: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    public let storage: UnsafeMutablePointer<Float>

    /// Allocates a `rows` × `columns` matrix filled with zeros.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns > 0, "FeatureMatrix needs rows >= 0 and columns > 0")
        self.rows = rows
        self.columns = columns
        let count = max(1, rows * columns)
        storage = UnsafeMutablePointer<Float>.allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
    }

    /// Copies the rows of `other` listed in `indices`, in that order.
    public convenience init(gathering indices: [Int], from other: FeatureMatrix) {
        self.init(rows: indices.count, columns: other.columns)
        for (destination, source) in indices.enumerated() {
            (storage + destination * columns).update(from: other.row(source), count: columns)
        }
    }

    deinit {
        storage.deallocate()
    }

    /// Returns a pointer to the first element of row `index`.
    @inline(__always)
    public func row(_ index: Int) -> UnsafeMutablePointer<Float> {
        storage + index * columns
    }

    /// Replaces row `index` with `values`, which must have `columns` elements.
    public func setRow(_ index: Int, _ values: [Float]) {
        precondition(values.count == columns, "row length \(values.count) != columns \(columns)")
        values.withUnsafeBufferPointer { row(index).update(from: $0.baseAddress!, count: columns) }
    }

    /// Returns row `index` as an array.
    public func rowArray(_ index: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: row(index), count: columns))
    }

    /// Squared Euclidean norm of every row, accumulated in `Double`.
    public func squaredRowNorms() -> [Double] {
        (0..<rows).map { exactSquaredNorm(row($0), count: columns) }
    }
}
