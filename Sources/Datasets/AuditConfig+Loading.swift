import Foundation

extension AuditConfig {
    /// File name of the per-dataset configuration, looked up in the dataset root.
    public static let datasetFileName = "audit.json"

    /// Loads the configuration of an audit from up to three layers, each merged over the previous:
    /// the built-in defaults, `<datasetRoot>/audit.json` when it exists, and `overridePath` when given.
    ///
    /// Each file may give any subset of keys. JSON objects merge key by key at every depth. Any
    /// other value, arrays included, replaces the earlier one, so `"filename_rules": []` in an
    /// override file removes the dataset's rules. After each layer the merged result is decoded
    /// strictly, so an unknown key, a wrong type or an out-of-range value is reported with the file
    /// that introduced it.
    ///
    /// - Returns: the configuration and the sources applied, starting with "built-in defaults".
    public static func load(
        datasetRoot: String, overridePath: String?
    ) throws(DatasetError) -> (AuditConfig, sources: [String]) {
        var layers: [String] = []
        let datasetFile = (datasetRoot as NSString).appendingPathComponent(datasetFileName)
        if FileManager.default.fileExists(atPath: datasetFile) {
            layers.append(datasetFile)
        }
        if let overridePath {
            layers.append(overridePath)
        }

        let config = try load(layers: layers)
        return (config, ["built-in defaults"] + layers)
    }

    /// Merges the JSON files `layers`, in order, over the built-in defaults and decodes the result.
    public static func load(layers: [String]) throws(DatasetError) -> AuditConfig {
        var merged: JSONValue
        do {
            merged = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(AuditConfig.defaults))
        } catch {
            preconditionFailure("the built-in defaults do not round-trip through JSON: \(error)")
        }
        var config = AuditConfig.defaults

        for path in layers {
            let layer = try readJSONObject(path)
            merged = merged.merging(layer)
            config = try decode(merged, file: path)
        }
        return config
    }

    private static func readJSONObject(_ path: String) throws(DatasetError) -> JSONValue {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }

        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw .invalidConfig(file: path, key: "", message: "not valid JSON (\(describe(error)))")
        }
        guard case .object = value else {
            throw .invalidConfig(file: path, key: "", message: "the top level must be a JSON object")
        }
        return value
    }

    private static func decode(_ value: JSONValue, file: String) throws(DatasetError) -> AuditConfig {
        do {
            let data = try JSONEncoder().encode(value)
            return try JSONDecoder().decode(AuditConfig.self, from: data)
        } catch let error as DecodingError {
            let (path, message) = keyPathAndMessage(error)
            throw .invalidConfig(file: file, key: path, message: message)
        } catch {
            throw .invalidConfig(file: file, key: "", message: describe(error))
        }
    }
}

/// Splits a decoding error into a dotted key path (`labels.filename_rules[0].class`) and a message.
private func keyPathAndMessage(_ error: DecodingError) -> (String, String) {
    let context: DecodingError.Context
    var message: String
    switch error {
    case let .typeMismatch(type, errorContext):
        context = errorContext
        message = "wrong type, expected \(jsonTypeName(type))"
    case let .valueNotFound(type, errorContext):
        context = errorContext
        message = "null where \(jsonTypeName(type)) is expected"
    case let .keyNotFound(key, errorContext):
        context = DecodingError.Context(codingPath: errorContext.codingPath + [key], debugDescription: "")
        message = "missing required key"
    case let .dataCorrupted(errorContext):
        context = errorContext
        message = errorContext.debugDescription
    @unknown default:
        return ("", String(describing: error))
    }

    var path = ""
    for key in context.codingPath {
        if let index = key.intValue {
            path += "[\(index)]"
        } else {
            path += path.isEmpty ? key.stringValue : "." + key.stringValue
        }
    }
    return (path, message)
}

private func jsonTypeName(_ type: Any.Type) -> String {
    switch type {
    case is Int.Type: return "an integer"
    case is Double.Type: return "a number"
    case is Bool.Type: return "true or false"
    case is String.Type: return "a string"
    default:
        let name = String(describing: type)
        return name.hasPrefix("Array") ? "a list" : "an object"
    }
}

private func describe(_ error: any Error) -> String {
    if case let .dataCorrupted(context) = error as? DecodingError {
        if let underlying = context.underlyingError {
            return String(describing: underlying)
        }
        return context.debugDescription
    }
    return String(describing: error)
}

/// A JSON document as a value, used to merge partial configuration files.
enum JSONValue: Codable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// Returns `self` with `other` laid over it: objects merge key by key, any other value replaces.
    func merging(_ other: JSONValue) -> JSONValue {
        guard case var .object(base) = self, case let .object(overlay) = other else {
            return other
        }
        for (key, value) in overlay {
            base[key] = base[key].map { $0.merging(value) } ?? value
        }
        return .object(base)
    }
}
