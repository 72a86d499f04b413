import Foundation

/// Exit status and both output streams of one run of the `intrinsic-audit` executable.
struct CommandResult {
    var status: Int32
    var output: String
    var error: String
}

/// Runs the built `intrinsic-audit` executable with `arguments` and waits for it to exit.
///
/// The executable is in the build products directory: on Linux the test bundle's URL is that
/// directory, elsewhere the .xctest bundle inside it.
func runIntrinsicAudit(_ arguments: [String]) throws -> CommandResult {
    let bundle = Bundle(for: BundleToken.self).bundleURL
    let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("intrinsic-audit") }
    let process = Process()
    process.executableURL = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    process.arguments = arguments

    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()

    return CommandResult(
        status: process.terminationStatus,
        output: String(decoding: outputData, as: UTF8.self),
        error: String(decoding: errorData, as: UTF8.self)
    )
}

/// A class of this test bundle, so `Bundle(for:)` finds the bundle.
private final class BundleToken {}
