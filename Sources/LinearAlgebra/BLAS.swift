import COpenBLAS

/// Thin wrappers over the OpenBLAS calls this project uses.
public enum BLAS {
    /// Sets the number of OpenBLAS threads; 0 leaves the library's choice (all cores, or
    /// `OPENBLAS_NUM_THREADS`).
    public static func setThreads(_ count: Int) {
        if count > 0 {
            openblas_set_num_threads(Int32(count))
        }
    }

    /// Number of threads OpenBLAS will use.
    public static var threads: Int {
        Int(openblas_get_num_threads())
    }

    /// Computes C = A · Bᵀ with A (m × k), B (n × k) and C (m × n), all row-major and contiguous.
    ///
    /// Cost: 2 · m · n · k floating-point operations in `Float` (SGEMM).
    public static func multiplyTransposed(
        _ a: UnsafePointer<Float>, rows m: Int,
        _ b: UnsafePointer<Float>, rows n: Int,
        inner k: Int,
        into c: UnsafeMutablePointer<Float>
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasTrans,
            blasint(m), blasint(n), blasint(k),
            1.0, a, blasint(k),
            b, blasint(k),
            0.0, c, blasint(n)
        )
    }
}
