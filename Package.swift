// swift-tools-version:6.0
// IntrinsicAudit: intrinsic dimension and label sharpness audits of image datasets.
// One target per concept; each C library is imported by exactly one Swift module.
import PackageDescription

let package = Package(
    name: "IntrinsicAudit",
    products: [
        .executable(name: "intrinsic-audit", targets: ["intrinsic-audit"]),
        // The container readers, for the libFuzzer package in fuzz/.
        .library(name: "Containers", targets: ["Containers"]),
    ],
    targets: [
        // System libraries from Debian development packages (see docs/dependencies.md).
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CJPEG", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CMinpack", pkgConfig: "cminpack", providers: [.apt(["libcminpack-dev"])]),

        // libjpeg and libpng report errors through longjmp, which Swift cannot catch,
        // so their decode loops live in this small C target.
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("z")]
        ),

        // Distance kernels: optimised even in debug builds, because the tests run them on
        // full-resolution images.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // im2col, BatchNorm and pooling loops of the CNN trainer, optimised in debug builds too.
        .target(name: "CNeuralKernels", cSettings: [.unsafeFlags(["-O2"])]),

        // DCMTK (C++) and OpenJPEG behind a plain C API: exceptions, oflog output and codec
        // registration stay inside this target.
        .target(
            name: "CDicom",
            cxxSettings: [.headerSearchPath(".")],
            linkerSettings: [
                .linkedLibrary("dcmjpeg"), .linkedLibrary("dcmjpls"), .linkedLibrary("dcmimgle"),
                .linkedLibrary("dcmdata"), .linkedLibrary("oflog"), .linkedLibrary("ofstd"),
                .linkedLibrary("openjp2"),
            ]
        ),

        .target(name: "ImageIO", dependencies: ["CImageCodecs", "CDicom"]),
        // Readers of IDX, NumPy (.npy, .npz) and NIfTI files on zlib's inflate.
        .target(name: "Containers", dependencies: ["ImageIO", "CZlib"]),
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CKernels"]),
        .target(name: "Estimators", dependencies: ["LinearAlgebra"]),
        .target(name: "Datasets", dependencies: ["ImageIO", "Containers"]),
        .target(name: "Store", dependencies: ["CSQLite"]),
        .target(name: "NeuralNet", dependencies: ["COpenBLAS", "CNeuralKernels"]),
        .target(name: "Training", dependencies: ["NeuralNet", "Audit", "Datasets", "ImageIO", "LinearAlgebra", "Estimators", "Store"]),
        .target(name: "Scaling", dependencies: ["CMinpack", "Estimators", "Store", "Audit"]),
        .target(name: "Audit", dependencies: ["ImageIO", "Datasets", "LinearAlgebra", "Estimators", "Store"]),
        .target(name: "Reports", dependencies: ["Audit", "Store", "ImageIO", "Datasets"]),
        .target(name: "Watcher", dependencies: ["Audit", "Store", "Datasets", "Reports"]),
        .target(name: "RPC", dependencies: ["Audit", "Store", "Reports", "Watcher", "Scaling"]),
        // Training-throughput benchmark of NeuralNet, run by scripts/bench/train_throughput.sh.
        .executableTarget(name: "neuralnet-bench", dependencies: ["NeuralNet", "LinearAlgebra"]),
        .executableTarget(name: "intrinsic-audit", dependencies: ["Audit", "Reports", "Store", "Datasets", "Watcher", "RPC", "ImageIO", "LinearAlgebra", "Estimators", "NeuralNet", "Training", "Scaling"]),

        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"], resources: [.copy("Resources")]),
        .testTarget(name: "DICOMTests", dependencies: ["ImageIO"], resources: [.copy("Resources")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Containers", "ImageIO"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "EstimatorsTests", dependencies: ["Estimators", "LinearAlgebra", "Datasets"], resources: [.copy("Golden")]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training"], resources: [.copy("Golden")]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet"], resources: [.copy("Golden")]),
        .testTarget(name: "ScalingTests", dependencies: ["Scaling", "Store"], resources: [.copy("Golden")]),
        .testTarget(name: "CLITests", dependencies: ["intrinsic-audit"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Audit", "Store"]),
        .testTarget(name: "WatcherTests", dependencies: ["Watcher", "Audit", "Store"]),
        .testTarget(name: "RPCTests", dependencies: ["RPC", "Watcher", "Audit", "Store", "Scaling"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "Reports", "Store", "Datasets", "ImageIO", "Estimators", "LinearAlgebra"]),
    ]
)
