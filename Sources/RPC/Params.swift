/// Typed access to request parameters; every failure is a -32602 error naming the parameter and what is
/// allowed.
public struct Params: Sendable {
    public let raw: [String: JSONValue]

    public init(_ raw: [String: JSONValue]) {
        self.raw = raw
    }

    /// A required non-empty string.
    func string(_ name: String) throws(RPCError) -> String {
        guard let value = try optionalString(name) else {
            throw .invalidParams(name, "is required: a non-empty string")
        }
        return value
    }

    func optionalString(_ name: String) throws(RPCError) -> String? {
        switch raw[name] {
        case nil, .null?: return nil
        case let .string(text)? where !text.isEmpty: return text
        case let other?: throw .invalidParams(name, "must be a non-empty string, got \(other.typeName)")
        }
    }

    /// An optional integer within `range`.
    func optionalInteger(_ name: String, in range: ClosedRange<Int64>) throws(RPCError) -> Int? {
        let allowed = "must be an integer from \(range.lowerBound) to \(range.upperBound)"
        switch raw[name] {
        case nil, .null?:
            return nil
        case let .integer(value)?:
            guard range.contains(value) else { throw .invalidParams(name, "\(allowed), got \(value)") }
            return Int(value)
        case let .number(value)? where value.rounded() == value && value >= Double(range.lowerBound) && value <= Double(range.upperBound):
            return Int(value)
        case let other?:
            throw .invalidParams(name, "\(allowed), got \(other.serialized())")
        }
    }

    func integer(_ name: String, in range: ClosedRange<Int64>) throws(RPCError) -> Int {
        guard let value = try optionalInteger(name, in: range) else {
            throw .invalidParams(name, "is required: an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// Rejects parameter names outside `allowed`, so a misspelt option is not silently ignored.
    func rejectUnknown(_ allowed: [String]) throws(RPCError) {
        let permitted = Set(allowed + ["_meta"])
        if let unknown = raw.keys.sorted().first(where: { !permitted.contains($0) }) {
            throw .invalidParams(unknown, "is not a parameter of this method; allowed: \(allowed.joined(separator: ", "))")
        }
    }

    /// `_meta.progressToken` (string or integer), as in the Model Context Protocol.
    var progressToken: JSONValue? {
        guard let token = raw["_meta"]?["progressToken"] else { return nil }
        switch token {
        case .string, .integer: return token
        default: return nil
        }
    }
}
