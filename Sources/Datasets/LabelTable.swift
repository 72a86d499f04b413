import Foundation

/// A problem with one row of the label table. The row is skipped and the audit goes on.
public struct LabelIssue: Sendable, Hashable, Codable {
    /// Physical line of the row in the table file; the header is line 1.
    public var line: Int
    /// The row's `path` value as written, when the row has one.
    public var path: String?
    public var message: String

    public init(line: Int, path: String?, message: String) {
        self.line = line
        self.path = path
        self.message = message
    }
}

/// A table column that gives no labels, with the reason.
public struct IgnoredColumn: Sendable, Hashable, Codable {
    public var header: String
    public var reason: String

    public init(header: String, reason: String) {
        self.header = header
        self.reason = reason
    }
}

/// Labels read from one row of the table.
struct TableRow {
    var line: Int
    var className: String?
    var split: String?
    var patientID: String?
    /// Task name -> 1, 0 or -1 (uncertain). Blank cells are absent.
    var taskValues: [String: Int8]
}

/// A parsed label table (`--labels FILE`), keyed by normalised relative path.
struct LabelTable {
    var file: String
    /// Normalised task names of the binary columns, in header order.
    var taskColumns: [String] = []
    var ignoredColumns: [IgnoredColumn] = []
    var rows: [String: TableRow] = [:]
    var issues: [LabelIssue] = []
}

/// Roles of the header columns.
private struct ColumnRoles {
    var path: Int
    var split: Int?
    var patient: Int?
    var className: Int?
    /// (column index, normalised task name)
    var tasks: [(Int, String)] = []
}

/// Reads a label table whose `path` values are relative to the dataset root.
///
/// Column roles: `path` (required), `split` (train/val/test names as for folders), the patient
/// column (`labels.patient_column`), the class column (`labels.class_column`, optional) and binary
/// task columns. Without `labels.task_columns`, a column is a task column when it has a non-blank
/// value and at most 1% of its non-blank values (or at most 2 of them, if that is at most one in
/// ten) are other than 1, 0, -1, 1.0, 0.0 or -1.0; the rows with other values are then reported. Header names match case-insensitively, ignoring
/// surrounding whitespace.
///
/// - Parameter knownPaths: relative paths of the scanned images; rows naming another path are issues.
func readLabelTable(
    file: String, config: LabelConfig, knownPaths: Set<String>
) throws(DatasetError) -> LabelTable {
    let bytes: [UInt8]
    do {
        bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
    } catch {
        throw .unreadableFile(path: file, reason: error.localizedDescription)
    }

    let records = parseCSV(bytes)
    guard let header = records.first else {
        throw .missingPathColumn(file: file, header: "(empty file)")
    }
    if let problem = header.problem {
        throw .malformedTable(file: file, line: header.line, message: problem)
    }
    let dataRecords = Array(records.dropFirst())

    var table = LabelTable(file: file)
    let roles = try assignColumnRoles(header: header.fields, records: dataRecords, config: config, table: &table)
    table.taskColumns = roles.tasks.map(\.1)

    for record in dataRecords {
        switch parseRow(record, header: header.fields, roles: roles, knownPaths: knownPaths) {
        case let .issue(issue):
            table.issues.append(issue)
        case let .row(path, row):
            if let earlier = table.rows[path] {
                table.issues.append(LabelIssue(
                    line: record.line, path: record.fields[roles.path],
                    message: "the image is already labelled on line \(earlier.line); row skipped"
                ))
            } else {
                table.rows[path] = row
            }
        }
    }
    return table
}

private func assignColumnRoles(
    header: [String], records: [CSVRecord], config: LabelConfig, table: inout LabelTable
) throws(DatasetError) -> ColumnRoles {
    let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
    func index(of column: String) -> Int? {
        names.firstIndex { $0.lowercased() == column.lowercased() }
    }

    guard let pathIndex = index(of: "path") else {
        throw .missingPathColumn(file: table.file, header: names.joined(separator: ","))
    }
    var roles = ColumnRoles(path: pathIndex, split: index(of: "split"), patient: index(of: config.patientColumn))
    if let classColumn = config.classColumn {
        guard let classIndex = index(of: classColumn) else {
            throw .missingConfiguredColumn(file: table.file, setting: "class_column", column: classColumn, available: names)
        }
        roles.className = classIndex
    }
    for configured in config.taskColumns ?? [] where index(of: configured) == nil {
        throw .missingConfiguredColumn(file: table.file, setting: "task_columns", column: configured, available: names)
    }

    let metadata = Set([roles.path, roles.split, roles.patient, roles.className].compactMap { $0 })
    var taskNames: [String: String] = [:]
    for (columnIndex, name) in names.enumerated() where !metadata.contains(columnIndex) {
        if let reason = reasonToIgnore(columnIndex, name: name, records: records, config: config) {
            table.ignoredColumns.append(IgnoredColumn(header: name, reason: reason))
            continue
        }
        let taskName = normaliseClassName(name)
        if let first = taskNames[taskName] {
            throw .duplicateColumn(file: table.file, first: first, second: name, normalised: taskName)
        }
        taskNames[taskName] = name
        roles.tasks.append((columnIndex, taskName))
    }
    return roles
}

/// Returns why a column is not a task column, or nil when it is one.
private func reasonToIgnore(_ column: Int, name: String, records: [CSVRecord], config: LabelConfig) -> String? {
    if let configured = config.taskColumns {
        let listed = configured.contains { $0.lowercased() == name.lowercased() }
        return listed ? nil : "not listed in labels.task_columns"
    }

    var nonBlank = 0
    var invalid = 0
    var firstInvalid: (line: Int, value: String)?
    for record in records where column < record.fields.count {
        let value = record.fields[column].trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else {
            continue
        }
        nonBlank += 1
        if parseBinaryValue(value) == nil {
            invalid += 1
            firstInvalid = firstInvalid ?? (record.line, value)
        }
    }

    if nonBlank == 0 {
        return "every value is blank"
    }
    // Tolerate typos: up to 1% of the values, or 2 values in a small table, as long as nine in
    // ten values are valid. Text columns (every value invalid) stay ignored.
    let tolerated = invalid * 100 <= nonBlank || (invalid <= 2 && invalid * 10 <= nonBlank)
    if let firstInvalid, !tolerated {
        return "\(invalid) of \(nonBlank) values are not 1, 0, -1 or blank "
            + "(first on line \(firstInvalid.line): '\(firstInvalid.value)'); name it in labels.class_column "
            + "for a class column"
    }
    return nil
}

/// Parses a task cell: 1 / 1.0 positive, 0 / 0.0 negative, -1 / -1.0 uncertain.
func parseBinaryValue(_ text: String) -> Int8? {
    switch text {
    case "1", "1.0": return 1
    case "0", "0.0": return 0
    case "-1", "-1.0": return -1
    default: return nil
    }
}

private func parseRow(
    _ record: CSVRecord, header: [String], roles: ColumnRoles, knownPaths: Set<String>
) -> RowOutcome {
    let rawPath = roles.path < record.fields.count ? record.fields[roles.path] : nil
    func issue(_ message: String) -> RowOutcome {
        .issue(LabelIssue(line: record.line, path: rawPath, message: message))
    }

    if let problem = record.problem {
        return issue("malformed CSV: \(problem); row skipped")
    }
    guard record.fields.count == header.count else {
        return issue("the row has \(record.fields.count) fields but the header has \(header.count); row skipped")
    }
    guard let rawPath, !rawPath.isEmpty else {
        return issue("empty path; row skipped")
    }

    let path: String
    switch normaliseRelativePath(rawPath) {
    case let .failure(message):
        return issue("\(message); row skipped")
    case let .success(normalised):
        path = normalised
    }
    guard knownPaths.contains(path) else {
        return issue("no scanned image has this path (paths are relative to the dataset folder); row skipped")
    }

    var row = TableRow(line: record.line, taskValues: [:])
    for (column, taskName) in roles.tasks {
        let value = record.fields[column].trimmingCharacters(in: .whitespaces)
        if value.isEmpty {
            continue
        }
        guard let parsed = parseBinaryValue(value) else {
            return issue("column '\(header[column])' has the invalid value '\(value)'; expected 1, 0, -1 or blank; row skipped")
        }
        row.taskValues[taskName] = parsed
    }

    if let splitColumn = roles.split {
        let value = record.fields[splitColumn].trimmingCharacters(in: .whitespaces)
        if !value.isEmpty {
            guard let split = normaliseSplitName(value) else {
                return issue("unknown split '\(value)'; expected train, val or test (or the other names of split folders); row skipped")
            }
            row.split = split
        }
    }
    if let classColumn = roles.className {
        let value = record.fields[classColumn].trimmingCharacters(in: .whitespaces)
        row.className = value.isEmpty ? nil : normaliseClassName(value)
    }
    if let patientColumn = roles.patient {
        let value = record.fields[patientColumn].trimmingCharacters(in: .whitespaces)
        row.patientID = value.isEmpty ? nil : value
    }
    return .row(path, row)
}

private enum RowOutcome {
    case row(String, TableRow)
    case issue(LabelIssue)
}

/// Resolves `.` and `..` in a table path. Absolute paths and paths that climb above the root fail.
///
/// NOTE: the result is compared with scanned paths exactly, so `\` separators written on Windows
/// and names in another Unicode normalisation form (NFD versus NFC) are reported as unknown paths.
func normaliseRelativePath(_ raw: String) -> Result<String, PathRejection> {
    if raw.hasPrefix("/") {
        return .failure(PathRejection("absolute path rejected; paths must be relative to the dataset folder"))
    }
    var components: [Substring] = []
    for component in raw.split(separator: "/", omittingEmptySubsequences: true) {
        switch component {
        case ".":
            continue
        case "..":
            guard components.popLast() != nil else {
                return .failure(PathRejection("path leaves the dataset folder through '..'; rejected"))
            }
        default:
            components.append(component)
        }
    }
    return .success(components.joined(separator: "/"))
}

/// Reason a table path was rejected.
struct PathRejection: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
