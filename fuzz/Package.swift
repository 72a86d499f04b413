// swift-tools-version:6.0
// libFuzzer targets for the container readers, one per format. Not part of the main build or CI:
// scripts/fuzz_readers.sh builds them with -sanitize=fuzzer,address and runs each for a while.
import PackageDescription

let package = Package(
    name: "IntrinsicAuditFuzz",
    dependencies: [.package(name: "IntrinsicAudit", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "IDXFuzzer", dependencies: ["FuzzDriver", .product(name: "Containers", package: "IntrinsicAudit")]),
        .executableTarget(name: "NPYFuzzer", dependencies: ["FuzzDriver", .product(name: "Containers", package: "IntrinsicAudit")]),
        .executableTarget(name: "NPZFuzzer", dependencies: ["FuzzDriver", .product(name: "Containers", package: "IntrinsicAudit")]),
        .executableTarget(name: "NIfTIFuzzer", dependencies: ["FuzzDriver", .product(name: "Containers", package: "IntrinsicAudit")]),
    ]
)
