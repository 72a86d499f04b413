import Foundation

/// Low-resolution copies of feature vectors whose distances are lower bounds of the
/// full-resolution distances, used to skip pairs that cannot be decisive.
///
/// Each image plane (side × side pixels) is cut into blocks of `block` × `block` pixels (the
/// last row and column of blocks may be smaller). Block β with |β| pixels and mean value x̄_β
/// becomes the single value √|β| · x̄_β. This is the orthogonal projection P onto images that
/// are constant on every block, written in an orthonormal basis, so for any two images
/// ‖P x − P y‖ = ‖P(x − y)‖ ≤ ‖x − y‖: a screening distance never exceeds the true one.
/// All projected vectors are centred on their mean, which leaves distances unchanged and keeps
/// the norms small, so the `Float` Gram identity loses fewer digits.
///
/// Guarantee: `lowerBoundSquared` subtracts a rounding margin (see there), so a pair is only
/// skipped when its true squared distance is provably at least the returned bound, up to the
/// `Double` rounding of the exact recomputation itself.
public final class ScreeningProjection: @unchecked Sendable {
    /// Projected, centred vectors: one row per row of the source matrix.
    public let projected: FeatureMatrix
    /// Σ of squares of each projected row, in `Double`.
    public let squaredNorms: [Double]
    /// Block side in pixels; 1 means no reduction.
    public let block: Int
    /// Relative rounding margin: bounds the `Float` SGEMM error of ‖a‖² + ‖b‖² − 2a·b.
    public let marginFactor: Double
    /// The projected rows before centring, kept when `keepUncentred` is set so a later
    /// projection can reuse them.
    public let uncentred: FeatureMatrix?

    /// Projects every row of `features`, viewed as `planes` square planes of `side` × `side`
    /// pixels, onto blocks of `block` × `block` pixels.
    ///
    /// Cost: one pass over the features (rows × columns reads) and rows × projected columns
    /// writes; runs on `threads` threads.
    /// `reuse` maps a row to its uncentred projection from an earlier call with the same layout;
    /// those rows are copied instead of projected.
    public init(
        features: any FeatureRows, planes: Int, side: Int, block: Int, threads: Int = 2,
        reuse: [Int: [Float]] = [:], keepUncentred: Bool = false
    ) {
        precondition(planes * side * side == features.columns, "planes × side² must equal the row length")
        precondition(block >= 1, "block side must be at least 1")
        let blocksPerSide = (side + block - 1) / block
        let projectedColumns = planes * blocksPerSide * blocksPerSide
        let output = FeatureMatrix(rows: features.rows, columns: projectedColumns)

        // Project each row: √|β| · mean over the block = Σ over the block / √|β|.
        let rowCount = features.rows
        let chunk = max(1, (rowCount + 4 * threads - 1) / (4 * max(1, threads)))
        let blockOfColumn = (0..<side).map { $0 / block }
        parallelFor((rowCount + chunk - 1) / chunk, threads: threads) { chunkIndex in
            var sums = [Double](repeating: 0, count: projectedColumns)
            var rowSums = [Float](repeating: 0, count: blocksPerSide)
            let source = UnsafeMutablePointer<Float>.allocate(capacity: features.columns)
            defer { source.deallocate() }
            let end = min(rowCount, (chunkIndex + 1) * chunk)
            for rowIndex in (chunkIndex * chunk)..<end {
                if let earlier = reuse[rowIndex], earlier.count == projectedColumns {
                    output.setRow(rowIndex, earlier)
                    continue
                }
                features.copyRow(rowIndex, to: source)
                for index in sums.indices { sums[index] = 0 }
                for plane in 0..<planes {
                    let planeBase = plane * side * side
                    let blockBase = plane * blocksPerSide * blocksPerSide
                    for y in 0..<side {
                        // Sum one image row per block column in Float (at most `block` values),
                        // then add the partial sums to the block totals in Double.
                        let rowBase = planeBase + y * side
                        for index in 0..<blocksPerSide { rowSums[index] = 0 }
                        for x in 0..<side {
                            rowSums[blockOfColumn[x]] += source[rowBase + x]
                        }
                        let blockRow = blockBase + (y / block) * blocksPerSide
                        for index in 0..<blocksPerSide {
                            sums[blockRow + index] += Double(rowSums[index])
                        }
                    }
                }
                let destination = output.row(rowIndex)
                for plane in 0..<planes {
                    for by in 0..<blocksPerSide {
                        let height = min(block, side - by * block)
                        for bx in 0..<blocksPerSide {
                            let width = min(block, side - bx * block)
                            let index = plane * blocksPerSide * blocksPerSide + by * blocksPerSide + bx
                            destination[index] = Float(sums[index] / Double(width * height).squareRoot())
                        }
                    }
                }
            }
        }

        uncentred = keepUncentred ? FeatureMatrix(gathering: Array(0..<rowCount), from: output) : nil

        // Centre on the mean projected vector.
        var mean = [Double](repeating: 0, count: projectedColumns)
        for rowIndex in 0..<rowCount {
            let row = output.row(rowIndex)
            for column in 0..<projectedColumns { mean[column] += Double(row[column]) }
        }
        if rowCount > 0 {
            for column in 0..<projectedColumns { mean[column] /= Double(rowCount) }
        }
        for rowIndex in 0..<rowCount {
            let row = output.row(rowIndex)
            for column in 0..<projectedColumns { row[column] = Float(Double(row[column]) - mean[column]) }
        }

        projected = output
        squaredNorms = output.squaredRowNorms()
        self.block = block

        // Higham's bound for a dot product of length n in arithmetic with unit roundoff u is
        // γₙ Σ|aᵢbᵢ| ≤ n·u/(1 − n·u) · (‖a‖² + ‖b‖²)/2; the factor 2 of 2a·b and a further
        // factor 2 for the rounding of the projected values themselves give 2·γₙ.
        let unitRoundoff = 0x1p-24
        let n = Double(projectedColumns)
        marginFactor = 2 * n * unitRoundoff / (1 - n * unitRoundoff)
    }

    /// Projects the projected vectors once more onto blocks of `factor` × `factor` of their own
    /// values. A projection of a projection is again an orthogonal projection, so the coarser
    /// bounds stay lower bounds of the full-resolution distances; they are looser but cost
    /// factor² times fewer flops per pair.
    public func coarsened(planes: Int, factor: Int = 2, threads: Int = 2) -> ScreeningProjection {
        let side = Int(Double(projected.columns / planes).squareRoot().rounded())
        return ScreeningProjection(features: projected, planes: planes, side: side, block: factor, threads: threads)
    }

    /// Chooses the block side for `side`-pixel planes so that the projected plane has at most
    /// `maxProjectedSide` blocks per side (default 56, so 224 × 224 images screen at 56 × 56).
    public static func blockSide(forSide side: Int, maxProjectedSide: Int = 56) -> Int {
        max(1, (side + maxProjectedSide - 1) / maxProjectedSide)
    }

    /// Lower bound of ‖x_i − x_j‖² from a screening Gram entry g = ⟨P x_i, P x_j⟩ (`Float`):
    /// max(0, sᵢ + sⱼ − 2g − margin · (sᵢ + sⱼ)).
    @inline(__always)
    public func lowerBoundSquared(_ i: Int, _ j: Int, gram: Float) -> Double {
        let sum = squaredNorms[i] + squaredNorms[j]
        return max(0, sum - 2 * Double(gram) - marginFactor * sum)
    }

    /// Computes the screening Gram block G[a, b] = ⟨P x_{rows[a]}, P x_{columns[b]}⟩ with one
    /// SGEMM; the result is row-major with `columns.count` entries per row.
    public func gram(rows rowIndices: [Int], columns columnIndices: [Int]) -> [Float] {
        let left = FeatureMatrix(gathering: rowIndices, from: projected)
        let right = FeatureMatrix(gathering: columnIndices, from: projected)
        var result = [Float](repeating: 0, count: rowIndices.count * columnIndices.count)
        result.withUnsafeMutableBufferPointer { buffer in
            BLAS.multiplyTransposed(
                left.storage, rows: rowIndices.count,
                right.storage, rows: columnIndices.count,
                inner: projected.columns, into: buffer.baseAddress!
            )
        }
        return result
    }
}
