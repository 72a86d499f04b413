import Audit
import Foundation
import Reports
import Store

enum ReportCommand {
    static let usage = "intrinsic-audit report [--dataset FOLDER | --audit ID] [--db FILE] [--format text|json|html|markdown] [--out FILE] [--no-thumbnails] [--redact-paths] [--html-link PATH]"

    static let options: [OptionSpec] = [
        OptionSpec(name: "dataset", valueName: "FOLDER", help: "dataset folder (default: the most recently audited dataset)"),
        OptionSpec(name: "audit", valueName: "ID", help: "a stored audit by its id (default: the latest completed audit of the dataset)"),
        OptionSpec(name: "db", valueName: "FILE", help: "SQLite database (default $XDG_DATA_HOME/intrinsic-audit/audit.sqlite, else ~/.local/share/intrinsic-audit/audit.sqlite)"),
        OptionSpec(name: "format", valueName: "FORMAT", help: "text (default), json, html (one self-contained file) or markdown"),
        OptionSpec(name: "out", valueName: "FILE", help: "write the report to FILE instead of standard output"),
        OptionSpec(name: "no-thumbnails", valueName: nil, help: "html: embed no images"),
        OptionSpec(name: "redact-paths", valueName: nil, help: "html, markdown: replace every path and patient id by a short hash id"),
        OptionSpec(name: "html-link", valueName: "PATH", help: "markdown: link to the HTML report (default: the --out name with .html)"),
        .help,
    ]

    static func run(_ arguments: [String]) throws -> Int32 {
        let parsed = try parseArguments(arguments, options: options, usage: usage)
        if parsed.flags.contains("help") {
            print(helpText(summary: "Print the stored report of the latest completed audit of a dataset.", usage: usage, options: options), terminator: "")
            return 0
        }
        guard parsed.positionals.isEmpty else {
            throw UsageError(message: "unexpected argument '\(parsed.positionals[0])'; name the dataset with --dataset FOLDER", usage: usage)
        }
        let format = try parsed.choice("format", ["text", "json", "html", "markdown"], usage: usage) ?? "text"
        try checkFormatOptions(parsed, format: format)
        let databasePath = parsed.string("db") ?? Store.defaultPath()
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CommandFailure("no database at \(databasePath); run 'intrinsic-audit audit FOLDER' first or pass --db with an existing database")
        }
        let store = try openStore(databasePath)

        if let text = parsed.string("audit") {
            guard let id = Int64(text), id > 0 else {
                throw UsageError(message: "invalid value '\(text)' for --audit; expected a positive audit id", usage: usage)
            }
            guard parsed.string("dataset") == nil else {
                throw UsageError(message: "--audit and --dataset select a report in two ways; pass one of them", usage: usage)
            }
            guard let audit = try store.audit(id: id) else {
                throw CommandFailure("no audit \(id) in \(store.path)")
            }
            guard let json = audit.reportJSON else {
                throw CommandFailure("audit \(id) in \(store.path) has no report: its status is \(audit.status.rawValue)")
            }
            return try render(json, auditID: id, store: store, parsed: parsed, format: format)
        }

        let dataset: DatasetRecord?
        if let folder = parsed.string("dataset") {
            guard let resolved = realpath(folder, nil) else {
                throw CommandFailure("dataset folder not found: \(folder)")
            }
            defer { free(resolved) }
            dataset = try store.dataset(root: String(cString: resolved))
            guard dataset != nil else {
                throw CommandFailure("no audit of \(String(cString: resolved)) in \(store.path); run 'intrinsic-audit audit \(folder)' first")
            }
        } else {
            dataset = try store.mostRecentlyAuditedDataset()
            guard dataset != nil else {
                throw CommandFailure("no completed audit in \(store.path); run 'intrinsic-audit audit FOLDER' first")
            }
        }
        guard let audit = try store.latestAudit(datasetID: dataset!.id), let json = audit.reportJSON else {
            throw CommandFailure("no completed audit of \(dataset!.root) in \(store.path); run 'intrinsic-audit audit \(dataset!.root)'")
        }
        return try render(json, auditID: audit.id, store: store, parsed: parsed, format: format)
    }

    /// Decodes a stored report and writes it in `format`.
    static func render(_ json: String, auditID: Int64, store: Store, parsed: ParsedArguments, format: String) throws -> Int32 {
        let report: AuditReport
        do {
            report = try JSONReport.decode(json)
        } catch {
            throw CommandFailure("the stored report of audit \(auditID) in \(store.path) has an older format that this version cannot read (\(error)); run the audit again")
        }
        let presentation = ReportPresentation(
            includeThumbnails: !parsed.flags.contains("no-thumbnails"), redactPaths: parsed.flags.contains("redact-paths"))
        let output: String
        switch format {
        case "json":
            output = try JSONReport.render(report)
        case "html":
            output = HTMLReport.render(report, presentation: presentation)
        case "markdown":
            output = MarkdownReport.render(report, presentation: presentation, htmlLink: htmlLink(parsed))
        default:
            output = TextReport.render(report)
        }
        try write(output, to: parsed.string("out"))
        return 0
    }

    /// Rejects options that the chosen format would silently ignore.
    static func checkFormatOptions(_ parsed: ParsedArguments, format: String) throws {
        let allowed: [String: Set<String>] = [
            "no-thumbnails": ["html"],
            "redact-paths": ["html", "markdown"],
            "html-link": ["markdown"],
        ]
        for (option, formats) in allowed.sorted(by: { $0.key < $1.key }) where !formats.contains(format) {
            if parsed.flags.contains(option) || parsed.string(option) != nil {
                throw UsageError(message: "--\(option) applies only to --format \(formats.sorted().joined(separator: " or ")), not \(format)", usage: usage)
            }
        }
        if let out = parsed.string("out"), out.isEmpty {
            throw UsageError(message: "--out needs a file name", usage: usage)
        }
    }

    /// The Markdown link to the HTML report: --html-link, else the --out name with the extension
    /// .html, else nil (standard output has no file name to derive one from).
    static func htmlLink(_ parsed: ParsedArguments) -> String? {
        if let link = parsed.string("html-link") {
            return link
        }
        guard let out = parsed.string("out") else {
            return nil
        }
        let name = (out as NSString).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        return (stem.isEmpty ? name : stem) + ".html"
    }

    /// Writes `text` to `path` atomically, or to standard output when `path` is nil.
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            print(text, terminator: "")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure("could not write the report to \(path) (\(error.localizedDescription)); check that the folder exists and is writable")
        }
    }
}

/// A failure of a command that is not a usage error; exits with 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
