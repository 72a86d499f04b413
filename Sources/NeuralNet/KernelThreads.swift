import Foundation

/// Thread count of the C loops in CNeuralKernels (im2col, col2im, BatchNorm, ReLU, pooling): the
/// positive integer in the environment variable `NEURALNET_KERNEL_THREADS` when the process starts,
/// else 1. The loops give bit-identical results for any count.
///
/// NOTE: the default is 1 because OpenBLAS's idle worker threads keep spinning for a while after each
/// SGEMM. With 2 OpenBLAS threads on a shared 2-core x86-64 machine, 2 threads here raised the CPU
/// time per SmallResNet training image from about 10 ms to 29 ms and halved the images/s
/// (neuralnet-bench, 192 images, 2 epochs).
enum KernelThreads {
    static let count: Int32 = {
        guard let text = ProcessInfo.processInfo.environment["NEURALNET_KERNEL_THREADS"],
              let value = Int32(text), value > 0 else { return 1 }
        return value
    }()
}
