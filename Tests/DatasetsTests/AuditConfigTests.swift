import Datasets
import Foundation
import XCTest

final class AuditConfigTests: XCTestCase {
    private var repositoryConfig: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("config.json").path
    }

    func testDefaultsEqualRepositoryConfig() throws {
        let loaded = try AuditConfig.load(layers: [repositoryConfig])

        XCTAssertEqual(loaded, AuditConfig.defaults)
    }

    func testRepositoryConfigListsEveryKey() throws {
        let fileObject = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: repositoryConfig)))
        let encodedObject = try JSONSerialization.jsonObject(with: JSONEncoder().encode(AuditConfig.defaults))

        XCTAssertEqual(keyPaths(fileObject), keyPaths(encodedObject))
    }

    func testRepositoryConfigDecodesDirectly() throws {
        let decoded = try JSONDecoder().decode(AuditConfig.self, from: Data(contentsOf: URL(fileURLWithPath: repositoryConfig)))

        XCTAssertEqual(decoded, AuditConfig.defaults)
    }

    func testPartialDatasetFileMergesOverDefaults() throws {
        let folder = try TemporaryFolder()
        try folder.write("audit.json", """
            {"label_sharpness": {"runs": 5},
             "labels": {"filename_rules": [{"class": "virus", "pattern": "virus", "from": ["pneumonia"]}],
                        "class_column": "diagnosis"}}
            """)

        let (config, sources) = try AuditConfig.load(datasetRoot: folder.path, overridePath: nil)

        XCTAssertEqual(config.labelSharpness.runs, 5)
        XCTAssertEqual(config.labelSharpness.samples, 1000)
        XCTAssertEqual(config.labels.filenameRules, [FilenameRule(className: "virus", pattern: "virus", from: ["pneumonia"])])
        XCTAssertEqual(config.labels.classColumn, "diagnosis")
        XCTAssertEqual(config.labels.patientColumn, "patient_id")
        XCTAssertEqual(config.intrinsicDimension, AuditConfig.defaults.intrinsicDimension)
        XCTAssertEqual(sources, ["built-in defaults", folder.path + "/audit.json"])
    }

    func testOverrideFileLayersOverDatasetFile() throws {
        let folder = try TemporaryFolder()
        try folder.write("audit.json", #"{"label_sharpness": {"runs": 5, "seed": 3}, "labels": {"class_column": "dx"}}"#)
        let override = try folder.write("override.json", #"{"label_sharpness": {"runs": 7}, "labels": {"class_column": null}, "threads": 2}"#)

        let (config, sources) = try AuditConfig.load(datasetRoot: folder.path, overridePath: override)

        XCTAssertEqual(config.labelSharpness.runs, 7)
        XCTAssertEqual(config.labelSharpness.seed, 3, "keys the override does not give stay from audit.json")
        XCTAssertNil(config.labels.classColumn, "null in the override clears the value")
        XCTAssertEqual(config.threads, 2)
        XCTAssertEqual(sources.count, 3)
    }

    func testNoFilesGiveDefaults() throws {
        let folder = try TemporaryFolder()

        let (config, sources) = try AuditConfig.load(datasetRoot: folder.path, overridePath: nil)

        XCTAssertEqual(config, .defaults)
        XCTAssertEqual(sources, ["built-in defaults"])
    }

    private func loadError(_ json: String, file: String = "bad.json") throws -> DatasetError? {
        let folder = try TemporaryFolder()
        let path = try folder.write(file, json)
        do {
            _ = try AuditConfig.load(layers: [path])
            return nil
        } catch {
            return error
        }
    }

    private func assertInvalid(_ json: String, key: String, messageContains fragment: String, line: UInt = #line) throws {
        guard case let .invalidConfig(file, foundKey, message) = try loadError(json) else {
            return XCTFail("expected an invalid-configuration error for \(json)", line: line)
        }
        XCTAssertTrue(file.hasSuffix("bad.json"), file, line: line)
        XCTAssertEqual(foundKey, key, line: line)
        XCTAssertTrue(message.contains(fragment), message, line: line)
    }

    func testUnknownKeysRejected() throws {
        try assertInvalid(#"{"lable_sharpness": {}}"#, key: "lable_sharpness", messageContains: "unknown key")
        try assertInvalid(#"{"labels": {"filename_rules": [{"class": "a", "pattern": "b", "form": ["c"]}]}}"#,
                          key: "labels.filename_rules[0].form", messageContains: "unknown key")
        try assertInvalid(#"{"tasks": {"pairs": true, "max": 3}}"#, key: "tasks.max", messageContains: "max_candidates")
    }

    func testWrongTypesRejected() throws {
        try assertInvalid(#"{"label_sharpness": {"runs": "25"}}"#, key: "label_sharpness.runs", messageContains: "integer")
        try assertInvalid(#"{"tasks": {"pairs": 1}}"#, key: "tasks.pairs", messageContains: "true or false")
        try assertInvalid(#"{"labels": {"groupings": {}}}"#, key: "labels.groupings", messageContains: "list")
        try assertInvalid(#"{"threads": 1.5}"#, key: "threads", messageContains: "1.5")
        try assertInvalid(#"{"labels": {"groupings": [{"positive": ["a"]}]}}"#, key: "labels.groupings[0].name", messageContains: "missing")
    }

    func testInvalidValuesRejected() throws {
        try assertInvalid(#"{"labels": {"unmatched": "discard"}}"#, key: "labels.unmatched", messageContains: #""keep", "drop""#)
        try assertInvalid(#"{"intrinsic_dimension": {"mle_divisor": "k"}}"#, key: "intrinsic_dimension.mle_divisor", messageContains: "k-2")
        try assertInvalid(#"{"intrinsic_dimension": {"neighbors": 2}}"#, key: "intrinsic_dimension.neighbors", messageContains: "at least 3")
        try assertInvalid(#"{"intrinsic_dimension": {"twonn_discard_fraction": 1.0}}"#, key: "intrinsic_dimension.twonn_discard_fraction", messageContains: "[0, 1)")
        try assertInvalid(#"{"preprocessing": {"channels": "colour"}}"#, key: "preprocessing.channels", messageContains: "rgb")
        try assertInvalid(#"{"labels": {"filename_rules": [{"class": "a", "pattern": "b", "from": []}]}}"#,
                          key: "labels.filename_rules[0].from", messageContains: "empty list")
    }

    func testDICOMWindowDecodedAndEncoded() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("window.json", #"{"preprocessing": {"dicom_window": "soft-tissue"}}"#)

        let config = try AuditConfig.load(layers: [path])
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as? [String: Any]
        let preprocessing = encoded?["preprocessing"] as? [String: Any]

        XCTAssertEqual(config.preprocessing.dicomWindow, .softTissue)
        XCTAssertEqual(config.preprocessing.resolution, 224, "other preprocessing keys keep their defaults")
        XCTAssertEqual(preprocessing?["dicom_window"] as? String, "soft-tissue")
        XCTAssertEqual(AuditConfig.defaults.preprocessing.dicomWindow, .none)
        try assertInvalid(#"{"preprocessing": {"dicom_window": "abdomen"}}"#, key: "preprocessing.dicom_window",
                          messageContains: #""none", "file", "brain", "soft-tissue", "lung", "bone""#)
        try assertInvalid(#"{"preprocessing": {"dicomWindow": "lung"}}"#, key: "preprocessing.dicomWindow",
                          messageContains: "dicom_window")
    }

    func testMalformedJSONNamesFile() throws {
        try assertInvalid(#"{"threads": 1,"#, key: "", messageContains: "not valid JSON")
        try assertInvalid(#"[1, 2]"#, key: "", messageContains: "JSON object")
    }

    func testMissingOverrideFileThrows() throws {
        let folder = try TemporaryFolder()

        XCTAssertThrowsError(try AuditConfig.load(datasetRoot: folder.path, overridePath: folder.path + "/none.json")) { error in
            guard case let .unreadableFile(path, _) = error as? DatasetError else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(path, folder.path + "/none.json")
        }
    }

    func testKermanyFixtureConfig() throws {
        let fixture = URL(fileURLWithPath: repositoryConfig).deletingLastPathComponent()
            .appendingPathComponent("fixtures/kermany-cxr-mini").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: fixture + "/audit.json"), "fixture missing")

        let (config, _) = try AuditConfig.load(datasetRoot: fixture, overridePath: nil)

        XCTAssertEqual(config.labels.filenameRules.map(\.className), ["bacteria", "virus"])
        XCTAssertEqual(config.labels.groupings.map(\.name), ["pneumonia"])
    }

    /// Returns every dotted key path of a JSON object tree, descending into objects only.
    private func keyPaths(_ object: Any, prefix: String = "") -> Set<String> {
        guard let dictionary = object as? [String: Any] else {
            return []
        }
        var paths: Set<String> = []
        for (key, value) in dictionary {
            let path = prefix.isEmpty ? key : prefix + "." + key
            paths.insert(path)
            paths.formUnion(keyPaths(value, prefix: path))
        }
        return paths
    }
}
