import Containers
import Datasets
import Foundation
import ImageIO
import XCTest

/// Compares every slice of a folder of NIfTI files with the values nibabel gives.
///
/// Runs only when IA_NIFTI_SAMPLES names the folder and IA_NIFTI_GOLDEN the JSON that
/// `scripts/golden_containers.py --nifti-folder` wrote for it. IA_NIFTI_REPORT, when set, receives
/// one line per file: `equal`, `DIFFERENT` (with the first differing slice), `ours-rejected` or
/// `nibabel-error`, each with the reason. The committed fixtures are checked by `ContainerGoldenTests`.
final class NIfTISampleFolderTests: XCTestCase {
    private struct GoldenFolder: Decodable {
        struct Slice: Decodable {
            var path: String
            var width: Int
            var height: Int
            var min: Double
            var max: Double
            var mean: Double
            var checksum: String
            var axis: Int
        }

        struct Failure: Decodable {
            var path: String
            var error: String
        }

        var images: [Slice]
        var errors: [Failure]
    }

    func testFolderMatchesNibabel() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let folder = environment["IA_NIFTI_SAMPLES"], let goldenPath = environment["IA_NIFTI_GOLDEN"] else {
            throw XCTSkip("set IA_NIFTI_SAMPLES and IA_NIFTI_GOLDEN to compare a NIfTI sample folder")
        }
        let golden = try JSONDecoder().decode(GoldenFolder.self, from: Data(contentsOf: URL(fileURLWithPath: goldenPath)))

        let scan = try scanDataset(root: folder)
        var containers = OpenContainers()
        containers.update(for: scan.files, threads: 2)
        let listed = Dictionary(scan.files.map { ($0.relativePath, $0) }, uniquingKeysWith: { first, _ in first })
        let rejected = Dictionary(scan.rejected.map { ($0.relativePath, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let slicesByFile = Dictionary(grouping: golden.images) { String($0.path[..<$0.path.lastIndex(of: "#")!]) }

        var lines: [String] = []
        for (file, slices) in slicesByFile.sorted(by: { $0.key < $1.key }) {
            if let reason = rejected[file] {
                lines.append("\(file)\tours-rejected\t\(reason)")
                continue
            }
            let ours = scan.files.filter { $0.relativePath.hasPrefix(file + "#") }.count
            var status = ours == slices.count ? "equal" : "DIFFERENT\tslice count ours=\(ours) nibabel=\(slices.count)"
            for expected in slices where status == "equal" {
                status = compare(expected, file: listed[expected.path], containers: containers)
            }
            lines.append("\(file)\t\(status)")
        }
        for failure in golden.errors {
            let ours = rejected[failure.path].map { "ours: rejected, \($0)" }
                ?? "ours: \(scan.files.filter { $0.relativePath.hasPrefix(failure.path + "#") }.count) slices"
            lines.append("\(failure.path)\tnibabel-error\t\(failure.error); \(ours)")
        }

        let report = lines.joined(separator: "\n") + "\n"
        if let output = environment["IA_NIFTI_REPORT"] {
            try report.write(toFile: output, atomically: true, encoding: .utf8)
        }
        XCTAssertFalse(lines.contains { $0.contains("DIFFERENT") }, report)
        XCTAssertTrue(lines.contains { $0.contains("\tequal") }, report)
    }

    /// Returns "equal", or "DIFFERENT" and what differs for the first field that does.
    private func compare(_ expected: GoldenFolder.Slice, file: ScannedFile?, containers: OpenContainers) -> String {
        guard let file else {
            return "DIFFERENT\t\(expected.path) not listed"
        }
        let pixels: PixelSamples
        let checksum: UInt64
        do {
            let content = try containers.content(of: file)
            guard let samples = content.pixels else {
                return "DIFFERENT\t\(expected.path) has no samples"
            }
            pixels = samples
            checksum = content.checksum
        } catch {
            return "DIFFERENT\t\(expected.path): \(error.kind.rawValue): \(error.detail)"
        }

        if file.member?.axis != expected.axis {
            return "DIFFERENT\t\(expected.path) axis ours=\(file.member?.axis ?? -1) nibabel=\(expected.axis)"
        }
        if pixels.width != expected.width || pixels.height != expected.height {
            return "DIFFERENT\t\(expected.path) shape ours=\(pixels.width)x\(pixels.height) nibabel=\(expected.width)x\(expected.height)"
        }
        let digits = String(checksum, radix: 16)
        let ourChecksum = String(repeating: "0", count: 16 - digits.count) + digits
        let minimum = Double(pixels.samples.min() ?? 0)
        let maximum = Double(pixels.samples.max() ?? 0)
        let mean = pixels.samples.reduce(0.0) { $0 + Double($1) } / Double(Swift.max(1, pixels.samples.count))
        let statistics = [(minimum, expected.min), (maximum, expected.max), (mean, expected.mean)]
        if statistics.contains(where: { abs($0.0 - $0.1) > 1e-6 * Swift.max(1, abs($0.1)) }) {
            return "DIFFERENT\t\(expected.path) min/max/mean ours=\(minimum)/\(maximum)/\(mean) nibabel=\(expected.min)/\(expected.max)/\(expected.mean)"
        }
        if ourChecksum != expected.checksum {
            return "DIFFERENT\t\(expected.path) checksum ours=\(ourChecksum) nibabel=\(expected.checksum)"
        }
        return "equal"
    }
}
