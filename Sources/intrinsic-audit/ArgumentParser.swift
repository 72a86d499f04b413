import Foundation

/// A command-line usage error: printed as `Error: ...`, the usage line and a pointer to
/// `--help`, and the process exits with 64 (EX_USAGE).
struct UsageError: Error {
    var message: String
    var usage: String
}

/// One option a subcommand accepts.
struct OptionSpec {
    var name: String          // without the leading dashes
    var valueName: String?    // nil for a flag
    var help: String
}

/// Parsed options and positional arguments of one subcommand.
extension OptionSpec {
    /// `--db FILE`, shared by every command that opens the store.
    static let database = OptionSpec(name: "db", valueName: "FILE", help: "SQLite database (default $XDG_DATA_HOME/intrinsic-audit/audit.sqlite)")
    /// `--format text|json`.
    static let textOrJSON = OptionSpec(name: "format", valueName: "FORMAT", help: "text (default) or json")
    /// `--help`.
    static let help = OptionSpec(name: "help", valueName: nil, help: "show this help")
}

struct ParsedArguments {
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func string(_ name: String) -> String? { values[name] }

    /// Parses an integer option, rejecting non-numbers and values outside `range`.
    func integer(_ name: String, in range: ClosedRange<Int>, usage: String) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(message: "invalid value '\(text)' for --\(name); expected an integer from \(range.lowerBound) to \(range.upperBound)", usage: usage)
        }
        return value
    }

    /// Parses an option whose value must be one of `choices`.
    func choice(_ name: String, _ choices: [String], usage: String) throws -> String? {
        guard let text = values[name] else { return nil }
        guard choices.contains(text) else {
            throw UsageError(message: "invalid value '\(text)' for --\(name); expected one of: \(choices.joined(separator: ", "))", usage: usage)
        }
        return text
    }
}

/// Parses `arguments` against `options`; `--name value` and `--name=value` are accepted.
func parseArguments(_ arguments: [String], options: [OptionSpec], usage: String) throws -> ParsedArguments {
    var parsed = ParsedArguments()
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        index += 1
        guard argument.hasPrefix("--"), argument.count > 2 else {
            if argument.hasPrefix("-") && argument.count > 1 && argument != "-" {
                throw UsageError(message: "unknown option '\(argument)'\(suggestion(for: argument, options))", usage: usage)
            }
            parsed.positionals.append(argument)
            continue
        }
        var name = String(argument.dropFirst(2))
        var inlineValue: String?
        if let equals = name.firstIndex(of: "=") {
            inlineValue = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        }
        guard let spec = options.first(where: { $0.name == name }) else {
            throw UsageError(message: "unknown option '--\(name)'\(suggestion(for: name, options))", usage: usage)
        }
        if spec.valueName == nil {
            guard inlineValue == nil else {
                throw UsageError(message: "option '--\(name)' takes no value", usage: usage)
            }
            parsed.flags.insert(name)
            continue
        }
        if let inlineValue {
            parsed.values[name] = inlineValue
        } else {
            guard index < arguments.count else {
                throw UsageError(message: "missing value for '--\(name)' (expected \(spec.valueName!))", usage: usage)
            }
            parsed.values[name] = arguments[index]
            index += 1
        }
    }
    return parsed
}

/// "; did you mean '--x'?" for the closest known option within edit distance 2, else "".
private func suggestion(for given: String, _ options: [OptionSpec]) -> String {
    let bare = given.drop { $0 == "-" }
    let best = options.map { ($0.name, editDistance(String(bare), $0.name)) }.min { $0.1 < $1.1 }
    guard let best, best.1 <= 2 else { return "" }
    return "; did you mean '--\(best.0)'?"
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// Formats the options of a subcommand for `--help`.
func helpText(summary: String, usage: String, options: [OptionSpec]) -> String {
    var lines = [summary, "", "Usage: \(usage)", "", "Options:"]
    let labels = options.map { "--\($0.name)" + ($0.valueName.map { " \($0)" } ?? "") }
    let width = (labels.map(\.count).max() ?? 0) + 2
    for (label, option) in zip(labels, options) {
        lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + option.help)
    }
    return lines.joined(separator: "\n") + "\n"
}
