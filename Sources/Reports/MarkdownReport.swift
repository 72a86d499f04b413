import Audit
import Foundation

/// Renders an audit report as GitHub-flavoured Markdown: the same tables as the HTML report,
/// without pictures, and a line that links the HTML report for the thumbnails and charts.
public enum MarkdownReport {
    /// Most rows of one list or gallery table; the rest are counted and left to the JSON report.
    static let maximumRows = 60

    /// `htmlLink` is the link target of the HTML report (nil: the line says how to make one).
    public static func render(_ report: AuditReport, presentation: ReportPresentation = ReportPresentation(), htmlLink: String?) -> String {
        let redaction = PathRedaction(report: report, enabled: presentation.redactPaths)
        let dataset = report.dataset
        var lines: [String] = []

        lines.append("# IntrinsicAudit report: \(escape(redaction.rootText))")
        lines.append("")
        var meta = "IntrinsicAudit \(report.softwareVersion), generated \(report.generatedAt), status \(report.status)"
        if let auditID = report.auditID {
            meta += ", audit \(auditID)"
        }
        if let database = redaction.databaseText {
            meta += " in \(code(database))"
        }
        lines.append(meta + ".")
        lines.append("")
        if let htmlLink {
            lines.append("Thumbnails of the closest pairs, conflicts and duplicates, and the charts: [\(escape(htmlLink))](\(linkTarget(htmlLink))).")
        } else {
            lines.append("Thumbnails and charts: run `intrinsic-audit report --format html --out FILE`.")
        }
        lines.append("")

        lines.append(contentsOf: MarkdownSections.summary(report, redaction: redaction))
        lines.append(contentsOf: MarkdownSections.tasks(report, redaction: redaction))
        lines.append(contentsOf: MarkdownSections.closestPairs(report, redaction: redaction))
        lines.append(contentsOf: MarkdownSections.conflicts(report, redaction: redaction))
        lines.append(contentsOf: MarkdownSections.duplicates(dataset, redaction: redaction))
        lines.append(contentsOf: MarkdownSections.nearDuplicates(dataset, redaction: redaction))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Escapes Markdown and table syntax in plain text: \ ` * _ [ ] < > and |; line breaks become spaces.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|":
                escaped.append("\\")
                escaped.append(character)
            case "\n", "\r":
                escaped.append(" ")
            default:
                escaped.append(character)
            }
        }
        return escaped
    }

    /// A code span that survives backticks inside `text` and table cells (`|` is escaped, as GFM
    /// requires even inside code spans).
    static func code(_ text: String) -> String {
        let flattened = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "|", with: "\\|")
        if flattened.contains("`") {
            return "`` \(flattened) ``"
        }
        return "`\(flattened)`"
    }

    /// A link target: wrapped in <...> when it contains spaces or parentheses.
    static func linkTarget(_ path: String) -> String {
        if path.contains(" ") || path.contains("(") || path.contains(")") {
            return "<\(path.replacingOccurrences(of: ">", with: "%3E"))>"
        }
        return path
    }

    /// A GFM table; cells must already be escaped. `numeric` columns are right-aligned.
    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> [String] {
        var lines = ["| " + header.joined(separator: " | ") + " |"]
        lines.append("|" + header.indices.map { numeric.contains($0) ? " ---: |" : " --- |" }.joined())
        for row in rows {
            lines.append("| " + row.joined(separator: " | ") + " |")
        }
        return lines
    }
}
