import CMinpack

// Nonlinear least squares through MINPACK's Levenberg–Marquardt routine `lmder1` (Moré, Garbow and Hillstrom
// 1980, Argonne report ANL-80-74), as shipped in Debian's libcminpack 1.3. scipy.optimize.curve_fit with
// method='lm' calls the same MINPACK code (`lmdif`, with a finite-difference Jacobian).

/// A least-squares problem: minimise Σ rᵢ(θ)² over the parameters θ, with an analytic Jacobian ∂rᵢ/∂θⱼ.
struct LeastSquaresProblem {
    /// Number of residuals m; must exceed 0.
    var residualCount: Int
    /// Residuals r(θ), m values.
    var residuals: ([Double]) -> [Double]
    /// Jacobian rows ∂rᵢ/∂θ, m rows of n values.
    var jacobian: ([Double]) -> [[Double]]
}

/// The minimum MINPACK found, with the covariance s² (JᵀJ)⁻¹ at it.
struct LeastSquaresSolution {
    var parameters: [Double]
    var residuals: [Double]
    /// Residual sum of squares Σ rᵢ².
    var residualSumOfSquares: Double
    /// s² (JᵀJ)⁻¹ with s² = RSS / (m − n), from MINPACK's `covar1`; nil when m ≤ n or J is rank deficient.
    var covariance: [[Double]]?
    /// MINPACK's `info` code: 1–4 converged, 5 too many evaluations, 6–7 tolerance too small.
    var info: Int32
}

enum LevenbergMarquardt {
    /// Relative tolerance on the sum of squares and the parameters: scipy.optimize.leastsq's default
    /// ftol = xtol = 1.49012e-8, so results match curve_fit's to about that precision.
    static let tolerance = 1.49012e-8

    /// A column of R whose diagonal entry is below this fraction of the largest counts as linearly dependent
    /// when forming the covariance.
    static let rankTolerance = 1e-12

    /// Minimises the problem from `start`. Throws `.fitFailed` when MINPACK rejects the input or a residual
    /// becomes NaN or infinite.
    static func solve(_ problem: LeastSquaresProblem, start: [Double]) throws(ScalingError) -> LeastSquaresSolution {
        let m = problem.residualCount
        let n = start.count
        guard m >= n, n > 0 else {
            throw .fitFailed("a fit of \(n) parameters needs at least \(n) observations, got \(m)")
        }

        final class Context {
            let problem: LeastSquaresProblem
            var sawNonFinite = false
            init(_ problem: LeastSquaresProblem) { self.problem = problem }
        }
        let context = Context(problem)

        // MINPACK calls back with iflag 1 for residuals and 2 for the column-major Jacobian (leading dimension
        // ldfjac); a negative return value stops it.
        let callback: cminpack_funcder_mn = { pointer, m, n, x, fvec, fjac, ldfjac, iflag in
            let context = Unmanaged<Context>.fromOpaque(pointer!).takeUnretainedValue()
            let parameters = Array(UnsafeBufferPointer(start: x, count: Int(n)))

            if iflag == 1 {
                let residuals = context.problem.residuals(parameters)
                for (index, value) in residuals.enumerated() {
                    guard value.isFinite else {
                        context.sawNonFinite = true
                        return -1
                    }
                    fvec![index] = value
                }
            } else if iflag == 2 {
                let rows = context.problem.jacobian(parameters)
                for row in 0..<Int(m) {
                    for column in 0..<Int(n) {
                        let value = rows[row][column]
                        guard value.isFinite else {
                            context.sawNonFinite = true
                            return -1
                        }
                        fjac![column * Int(ldfjac) + row] = value
                    }
                }
            }
            return 0
        }

        var parameters = start
        var residuals = [Double](repeating: 0, count: m)
        var jacobian = [Double](repeating: 0, count: m * n)
        var pivots = [Int32](repeating: 0, count: n)
        let workCount = 5 * n + m
        var work = [Double](repeating: 0, count: workCount)

        let info = withExtendedLifetime(context) {
            lmder1(
                callback, Unmanaged.passUnretained(context).toOpaque(), Int32(m), Int32(n), &parameters,
                &residuals, &jacobian, Int32(m), tolerance, &pivots, &work, Int32(workCount)
            )
        }

        if context.sawNonFinite || info < 0 {
            throw .fitFailed("a residual or derivative became NaN or infinite at parameters \(parameters)")
        }
        guard info > 0 else {
            throw .fitFailed("MINPACK rejected the input (info 0) for \(m) observations and \(n) parameters")
        }

        // lmder1 leaves the final residuals in `residuals` and the R factor of the QR decomposition of J in the
        // top of `jacobian`, which covar1 turns into s² (JᵀJ)⁻¹.
        let sumOfSquares = residuals.reduce(0) { $0 + $1 * $1 }
        var covariance: [[Double]]?
        if m > n {
            var covarianceWork = [Double](repeating: 0, count: n)
            let rank = covar1(
                Int32(m), Int32(n), sumOfSquares, &jacobian, Int32(m), &pivots, rankTolerance, &covarianceWork
            )
            if rank == 0 {
                covariance = (0..<n).map { row in (0..<n).map { column in jacobian[column * m + row] } }
            }
        }

        return LeastSquaresSolution(
            parameters: parameters, residuals: residuals, residualSumOfSquares: sumOfSquares,
            covariance: covariance, info: info
        )
    }
}
