import Audit
import Foundation

/// Renders an audit report as pretty-printed JSON with sorted keys.
public enum JSONReport {
    public static func render(_ report: AuditReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// Decodes a report stored by an earlier audit.
    public static func decode(_ json: String) throws -> AuditReport {
        try JSONDecoder().decode(AuditReport.self, from: Data(json.utf8))
    }
}
