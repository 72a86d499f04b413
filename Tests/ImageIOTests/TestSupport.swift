import Foundation
import XCTest

@testable import ImageIO

/// Absolute path of a file in Tests/ImageIOTests/Resources (made by scripts/make_imageio_test_images.py).
func resourcePath(_ name: String) -> String {
    resourceDirectory.appendingPathComponent(name).path
}

/// The copied Resources folder. Foundation on Linux already reports the bundle's Resources
/// folder as `resourceURL`, so expected.json is looked up with and without the subdirectory.
private let resourceDirectory: URL = {
    let manifest =
        Bundle.module.url(forResource: "expected", withExtension: "json", subdirectory: "Resources")
        ?? Bundle.module.url(forResource: "expected", withExtension: "json")
    guard let manifest else {
        fatalError("expected.json is missing from the test bundle; run scripts/make_imageio_test_images.py")
    }
    return manifest.deletingLastPathComponent()
}()

/// Expected raw samples of a generated PNG, from Resources/expected.json.
struct ExpectedImage: Decodable {
    /// Width and height (all generated PNGs are square).
    var side: Int
    /// b for bitdepth normalisation: sBIT when the file has it, else the sample depth.
    var bits: Int
    var bitDepth: Int
    /// One plane (grey) or three (R, G, B) of row-major samples after alpha removal, palette
    /// expansion and the sBIT shift.
    var planes: [[Int]]
}

func loadExpectedImages() throws -> [String: ExpectedImage] {
    let data = try Data(contentsOf: URL(fileURLWithPath: resourcePath("expected.json")))
    return try JSONDecoder().decode([String: ExpectedImage].self, from: data)
}

/// Preprocesses a resource file, failing the test with the error text when it throws.
func preprocessResource(
    _ name: String, settings: PreprocessingSettings, file: StaticString = #filePath, line: UInt = #line
) -> PreprocessedImage? {
    do {
        return try Preprocessor(settings: settings).preprocess(fileAt: resourcePath(name))
    } catch {
        XCTFail("\(name): \(error)", file: file, line: line)
        return nil
    }
}

/// Returns the error a resource file raises, or nil (and records a failure) when it decodes.
func preprocessingError(
    _ name: String, settings: PreprocessingSettings = PreprocessingSettings(), file: StaticString = #filePath,
    line: UInt = #line
) -> ImageIOError? {
    do {
        _ = try Preprocessor(settings: settings).preprocess(fileAt: resourcePath(name))
        XCTFail("\(name) decoded, but an error was expected", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "vectors of different lengths \(a.count) and \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func meanAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "vectors of different lengths \(a.count) and \(b.count)")
    return zip(a, b).map { abs($0 - $1) }.reduce(0, +) / Float(max(a.count, 1))
}

/// The quantisation step of the feature cache, 1/65535.
let quantizationStep: Float = 1.0 / 65535
