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

        // libjpeg and libpng report errors through longjmp, which Swift cannot catch,
        // so their decode loops live in this small C target.
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16"), .linkedLibrary("z")]
        ),

        // Distance kernels: optimised even in debug builds, because the tests run them on
        // full-resolution images.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),

        .target(name: "ImageIO", dependencies: ["CImageCodecs"]),
        // Readers of IDX, NumPy (.npy, .npz) and NIfTI files on zlib's inflate.
        .target(name: "Containers", dependencies: ["ImageIO", "CZlib"]),
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CKernels"]),
        .target(name: "Estimators", dependencies: ["LinearAlgebra"]),
        .target(name: "Datasets", dependencies: ["ImageIO", "Containers"]),
        .target(name: "Store", dependencies: ["CSQLite"]),
        .target(name: "Audit", dependencies: ["ImageIO", "Datasets", "LinearAlgebra", "Estimators", "Store"]),
        .target(name: "Reports", dependencies: ["Audit", "Store", "ImageIO", "Datasets"]),
        .target(name: "Watcher", dependencies: ["Audit", "Store", "Datasets", "Reports"]),
        .target(name: "RPC", dependencies: ["Audit", "Store", "Reports", "Watcher"]),
        .executableTarget(name: "intrinsic-audit", dependencies: ["Audit", "Reports", "Store", "Datasets", "Watcher", "RPC", "ImageIO", "LinearAlgebra", "Estimators"]),

        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO"], resources: [.copy("Resources")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Containers", "ImageIO"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "EstimatorsTests", dependencies: ["Estimators", "LinearAlgebra", "Datasets"], resources: [.copy("Golden")]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "CLITests", dependencies: ["intrinsic-audit"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Audit", "Store"]),
        .testTarget(name: "WatcherTests", dependencies: ["Watcher", "Audit", "Store"]),
        .testTarget(name: "RPCTests", dependencies: ["RPC", "Watcher", "Audit", "Store"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "Reports", "Store", "Datasets", "ImageIO", "Estimators", "LinearAlgebra"]),
    ]
)
