internal import COpenBLAS

/// Thread count of the C loops in CNeuralKernels: the OpenBLAS thread count, so one setting (for example
/// `BLAS.setThreads` from `LinearAlgebra`) governs both. The loops give bit-identical results for any count.
enum KernelThreads {
    static var count: Int32 { max(1, openblas_get_num_threads()) }
}
