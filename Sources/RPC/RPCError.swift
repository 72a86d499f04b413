/// A JSON-RPC 2.0 error object: standard codes from the specification (https://www.jsonrpc.org/specification)
/// and application codes in the -32000 to -32099 range, with `data.kind` naming the domain failure.
public struct RPCError: Error, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// Request cancelled by `notifications/cancelled` (the Language Server Protocol's RequestCancelled code).
    public static let requestCancelledCode = -32800

    /// Domain failures, each with its own application code.
    public enum Kind: String, Sendable, CaseIterable {
        case datasetNotFound = "dataset_not_found"
        case degenerateDataset = "degenerate_dataset"
        case classTooSmall = "class_too_small"
        case decodeFailed = "decode_failed"
        case busy
        case notAvailable = "not_available"

        public var code: Int {
            switch self {
            case .datasetNotFound: return -32001
            case .degenerateDataset: return -32002
            case .classTooSmall: return -32003
            case .decodeFailed: return -32004
            case .busy: return -32005
            case .notAvailable: return -32006
            }
        }
    }

    public static func parseError(_ detail: String) -> RPCError {
        RPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }

    public static func invalidRequest(_ detail: String) -> RPCError {
        RPCError(code: invalidRequestCode, message: "Invalid request: \(detail)")
    }

    public static func methodNotFound(_ method: String, known: [String]) -> RPCError {
        RPCError(
            code: methodNotFoundCode, message: "Method not found: \(method)",
            data: .object(["known_methods": .array(known.map(JSONValue.string))])
        )
    }

    /// An invalid parameter, naming it and what is allowed.
    public static func invalidParams(_ name: String, _ allowed: String) -> RPCError {
        RPCError(
            code: invalidParamsCode, message: "Invalid params: \(name) \(allowed)",
            data: .object(["param": .string(name), "allowed": .string(allowed)])
        )
    }

    public static func internalError(_ detail: String) -> RPCError {
        RPCError(code: internalErrorCode, message: "Internal error: \(detail)")
    }

    public static func domain(_ kind: Kind, _ message: String) -> RPCError {
        RPCError(code: kind.code, message: message, data: .object(["kind": .string(kind.rawValue)]))
    }

    var json: JSONValue {
        var members: [String: JSONValue] = ["code": .integer(Int64(code)), "message": .string(message)]
        if let data { members["data"] = data }
        return .object(members)
    }
}
