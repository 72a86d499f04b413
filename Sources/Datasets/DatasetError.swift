/// Failures of the dataset layer that stop the current step: a missing root, an unreadable or
/// malformed label table header, an invalid configuration, or a task selection that matches nothing.
///
/// Problems confined to one row of a label table are not errors: they become `LabelIssue`
/// values and the audit continues without that row.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dataset root does not exist or cannot be resolved by `realpath`.
    case rootNotFound(path: String, reason: String)

    /// The dataset root exists but is not a directory.
    case rootNotDirectory(path: String)

    /// A label table or configuration file could not be read.
    case unreadableFile(path: String, reason: String)

    /// The label table has no `path` column.
    case missingPathColumn(file: String, header: String)

    /// A column named in the configuration (`class_column`, `task_columns`) is not in the table header.
    case missingConfiguredColumn(file: String, setting: String, column: String, available: [String])

    /// Two table columns normalise to the same task name.
    case duplicateColumn(file: String, first: String, second: String, normalised: String)

    /// The label table is not valid CSV (for example a quoted field that never closes).
    case malformedTable(file: String, line: Int, message: String)

    /// A configuration file is not valid JSON, has an unknown key, a value of the wrong type or
    /// a value out of range. `key` is the dotted key path, such as `labels.unmatched`.
    case invalidConfig(file: String, key: String, message: String)

    /// A filename rule's pattern is not a valid regular expression.
    case invalidFilenameRule(index: Int, pattern: String, message: String)

    /// A `--tasks` pattern matched no candidate task.
    case noTaskMatches(pattern: String, available: [String])

    /// The `--tasks` value contained no pattern.
    case emptyTaskSelection

    /// More candidate tasks than `tasks.max_candidates` and no `--tasks` selection.
    case tooManyCandidateTasks(count: Int, maximum: Int)

    public var description: String {
        switch self {
        case let .rootNotFound(path, reason):
            return "Dataset folder not found: \(path) (\(reason)). Check the path."
        case let .rootNotDirectory(path):
            return "Dataset path is not a folder: \(path). Pass the folder that contains the images."
        case let .unreadableFile(path, reason):
            return "Cannot read \(path): \(reason)."
        case let .missingPathColumn(file, header):
            return "\(file):1: the label table has no 'path' column (header: \(header)). "
                + "Add a 'path' column with image paths relative to the dataset folder."
        case let .missingConfiguredColumn(file, setting, column, available):
            return "\(file):1: column '\(column)' named by labels.\(setting) is not in the header. "
                + "Columns: \(available.joined(separator: ", "))."
        case let .duplicateColumn(file, first, second, normalised):
            return "\(file):1: columns '\(first)' and '\(second)' both give the task name '\(normalised)'. "
                + "Rename one of them."
        case let .malformedTable(file, line, message):
            return "\(file):\(line): \(message)."
        case let .invalidConfig(file, key, message):
            let location = key.isEmpty ? file : "\(file): key '\(key)'"
            return "Invalid configuration in \(location): \(message)."
        case let .invalidFilenameRule(index, pattern, message):
            return "labels.filename_rules[\(index)]: invalid regular expression '\(pattern)': \(message)."
        case let .noTaskMatches(pattern, available):
            return "--tasks pattern '\(pattern)' matches no candidate task. "
                + "Available tasks: \(available.joined(separator: ", "))."
        case .emptyTaskSelection:
            return "--tasks is empty. Give a comma-separated list of task names or globs such as '*_vs_rest'."
        case let .tooManyCandidateTasks(count, maximum):
            return "The dataset has \(count) candidate tasks, more than tasks.max_candidates (\(maximum)). "
                + "Choose tasks with --tasks (globs such as 'normal_vs_*'), or raise tasks.max_candidates."
        }
    }
}
